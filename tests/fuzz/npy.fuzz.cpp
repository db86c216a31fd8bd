// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Fuzzes read_npy through a scratch file (it takes a path): a file is refused with a smoothgrad::error or
// read into as many values as its shape says, which write back and read again to the same bits.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_support.hpp"
#include "smoothgrad/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smoothgrad;
    const auto& path = fuzz::scratch_file("npy");
    fuzz::write_file(path, data, size);
    NpyArray array;
    try {
        array = read_npy(path);
    } catch (const error&) {
        return 0;
    }
    std::size_t elements = 1;
    for (const std::size_t dim : array.shape) elements *= dim;
    fuzz::expect(static_cast<std::size_t>(array.data.size()) == elements);
    write_npy(path, array.data.data(), array.shape);
    const NpyArray again = read_npy(path);
    fuzz::expect(again.shape == array.shape);
    fuzz::expect(elements == 0 || std::memcmp(again.data.data(), array.data.data(), elements * sizeof(float)) == 0);
    return 0;
}
