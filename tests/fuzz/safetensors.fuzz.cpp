// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Fuzzes read_safetensors_from_memory, and load_network on what it accepts. A file is either refused with a
// smoothgrad::error or read into tensors whose sizes match their shapes, which write back and read again
// to the same bits.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "fuzz_support.hpp"
#include "smoothgrad/io/safetensors.hpp"
#include "smoothgrad/nn/serialization.hpp"

namespace {

bool same_bits(const smoothgrad::SafetensorsFile& a, const smoothgrad::SafetensorsFile& b) {
    if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size()) return false;
    for (const auto& [name, tensor] : a.tensors) {
        const auto it = b.tensors.find(name);
        if (it == b.tensors.end() || it->second.shape != tensor.shape ||
            it->second.values.size() != tensor.values.size())
            return false;
        if (!tensor.values.empty() &&
            std::memcmp(tensor.values.data(), it->second.values.data(), tensor.values.size() * sizeof(float)) != 0)
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smoothgrad;
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    SafetensorsFile file;
    try {
        file = read_safetensors_from_memory(bytes, "fuzz");
    } catch (const error&) {
        return 0;
    }
    for (const auto& [name, tensor] : file.tensors) {
        std::size_t elements = 1;
        for (const std::size_t dim : tensor.shape) elements *= dim;
        fuzz::expect(tensor.values.size() == elements);
    }
    try {
        const std::vector<std::byte> written = write_safetensors_to_memory(file);
        fuzz::expect(same_bits(read_safetensors_from_memory(written, "rewritten"), file));
    } catch (const argument_error&) {
        // A tensor name the writer refuses (none expected, since the reader validated the JSON).
    }
    try {
        (void)nn::load_network(file);
    } catch (const error&) {
    }
    return 0;
}
