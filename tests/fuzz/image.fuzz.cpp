// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Fuzzes load_image through a scratch file (it takes a path). The first byte picks the requested channels
// (0 to 4). A file is refused with a smoothgrad::error or decoded into an image within the documented
// limits whose values lie in [0, 1].
//
// stb_image comes from Debian's libstb, which is not instrumented: libFuzzer's coverage and ASan's checks
// see our wrapper and the allocations, not stb's decoder internals.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "smoothgrad/io/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smoothgrad;
    constexpr Index max_values = Index{1} << 22;
    if (size == 0) return 0;
    const int channels = data[0] % 5;
    const auto& path = fuzz::scratch_file("image");
    fuzz::write_file(path, data + 1, size - 1);
    try {
        // A limit of 2^22 values: within it, decoding and the checks below stay well under the fuzzer's
        // timeout even with the sanitizers (a 2^28-value image took 36 s).
        const Image image = load_image(path, {.channels = channels, .max_values = max_values});
        fuzz::expect(image.shape.height >= 1 && image.shape.height <= max_image_side);
        fuzz::expect(image.shape.width >= 1 && image.shape.width <= max_image_side);
        fuzz::expect(channels == 0 || image.shape.channels == channels);
        fuzz::expect(image.pixels.size() == image.shape.size() && image.shape.size() <= max_values);
        fuzz::expect(image.pixels.minCoeff() >= 0.0f && image.pixels.maxCoeff() <= 1.0f);
    } catch (const error&) {
    }
    return 0;
}
