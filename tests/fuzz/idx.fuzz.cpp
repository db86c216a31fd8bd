// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Fuzzes read_idx through a scratch file (it takes a path). The first byte picks the variant: bit 0 gzips
// the rest with zlib before writing it, so that the gzip path sees meaningful IDX content (inputs that are
// already gzip reach it too); bits 1-3 choose a read limit of 0 (all) to 7 items.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "smoothgrad/io/idx.hpp"

namespace {

std::vector<std::uint8_t> gzip(const std::uint8_t* data, std::size_t size) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
    std::vector<std::uint8_t> out(deflateBound(&stream, size) + 32);
    stream.next_in = const_cast<Bytef*>(data);
    stream.avail_in = static_cast<uInt>(size);
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END) std::abort();
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    const auto& path = fuzz::scratch_file("idx");
    if ((mode & 1) != 0) {
        const std::vector<std::uint8_t> zipped = gzip(data + 1, size - 1);
        fuzz::write_file(path, zipped.data(), zipped.size());
    } else {
        fuzz::write_file(path, data + 1, size - 1);
    }
    const std::size_t limit = (mode >> 1) & 7u;
    try {
        const smoothgrad::IdxArray array = smoothgrad::read_idx(path, {.limit = limit});
        std::size_t elements = 1;
        for (const std::size_t dim : array.dims) elements *= dim;
        fuzz::expect(array.data.size() == elements);
        fuzz::expect(limit == 0 || array.dims.front() <= limit);
    } catch (const smoothgrad::error&) {
    }
    return 0;
}
