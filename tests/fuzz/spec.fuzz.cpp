// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Fuzzes the reference network's spec parser: a spec is refused with a smoothgrad::error, or parsed into a
// network whose own spec parses again to the same spec and the same sizes. Specs are limited to 2^22 values:
// the default 2^28 (1 GiB of weights, "input 1111110; dense 222") is more than the fuzzer's 2 GB under ASan.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "smoothgrad/nn/spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smoothgrad;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        constexpr nn::ParseSpecParams cheap{.max_spec_values = Index{1} << 22};
        const nn::Sequential net = nn::parse_spec(text, cheap);
        const std::string spec = net.to_spec();
        const nn::Sequential again = nn::parse_spec(spec, cheap);
        fuzz::expect(again.to_spec() == spec);
        fuzz::expect(again.input_size() == net.input_size() && again.num_classes() == net.num_classes());
        fuzz::expect(net.input_size() > 0 && net.num_classes() > 0);
    } catch (const error&) {
    }
    return 0;
}
