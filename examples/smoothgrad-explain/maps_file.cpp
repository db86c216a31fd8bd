// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "maps_file.hpp"

#include <array>
#include <bit>
#include <cstdint>

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <smoothgrad/io/safetensors.hpp>

#include "atomic_file.hpp"
#include "options.hpp"

namespace explain {

void write_maps_file(const std::filesystem::path& path, std::size_t count, const std::vector<std::size_t>& map_dims,
                     bool float16, const std::map<std::string, std::string>& metadata,
                     const std::function<void(std::vector<float>&)>& next) {
    std::size_t values_per_map = 1;
    for (const std::size_t dim : map_dims) values_per_map *= dim;
    const std::size_t total = count * values_per_map;
    const std::size_t value_bytes = float16 ? 2 : 4;
    std::vector<std::size_t> shape{count};
    shape.insert(shape.end(), map_dims.begin(), map_dims.end());

    // The layout of smoothgrad::write_safetensors: keys sorted, header padded with spaces to 8 bytes.
    nlohmann::json header = {{std::string(maps_tensor),
                              {{"dtype", float16 ? "F16" : "F32"}, {"shape", shape}, {"data_offsets", {0, total * value_bytes}}}}};
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::string text = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text.append((8 - text.size() % 8) % 8, ' ');

    AtomicFile file(path);
    std::array<std::byte, 8> length{};
    for (std::size_t i = 0; i < 8; ++i) length[i] = static_cast<std::byte>((text.size() >> (8 * i)) & 0xffu);
    file.write(length);
    file.write(text);

    std::vector<float> values;
    std::vector<std::byte> bytes;
    std::size_t written = 0;
    while (written < total) {
        values.clear();
        next(values);
        detail::require(!values.empty() && written + values.size() <= total, who, "write_maps_file: '", path.string(),
                        "' was given ", written + values.size(), " values for ", total);
        bytes.resize(values.size() * value_bytes);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const std::uint32_t bits = float16 ? Eigen::numext::bit_cast<std::uint16_t>(Eigen::half(values[i]))
                                               : std::bit_cast<std::uint32_t>(values[i]);
            for (std::size_t b = 0; b < value_bytes; ++b)
                bytes[i * value_bytes + b] = static_cast<std::byte>((bits >> (8 * b)) & 0xffu);
        }
        file.write(bytes);
        written += values.size();
    }
    file.commit();
}

std::vector<float> read_maps_file(const std::filesystem::path& path) {
    SafetensorsFile file = read_safetensors(path);
    const auto maps = file.tensors.find(std::string(maps_tensor));
    detail::require<format_error>(maps != file.tensors.end(), who, "'", path.string(), "' holds no tensor '", maps_tensor, "'");
    return std::move(maps->second.values);
}

}  // namespace explain
