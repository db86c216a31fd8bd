// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The safetensors files of a data-set run's maps: shard files, checkpoints and merged files hold one
// tensor, "maps", of shape inputs x H x W x C.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace explain {

/// The name of the tensor that holds the maps.
inline constexpr std::string_view maps_tensor = "maps";

/// Writes a maps file of shape {count, map_dims...} from maps that `next(values)` hands over a few at a
/// time (it fills `values`), so that a shard of any size is written with the memory of one checkpoint.
/// float16 rounds to nearest, as Eigen::half does. Atomic.
void write_maps_file(const std::filesystem::path& path, std::size_t count, const std::vector<std::size_t>& map_dims,
                     bool float16, const std::map<std::string, std::string>& metadata,
                     const std::function<void(std::vector<float>&)>& next);

/// The maps in a maps file, as floats.
[[nodiscard]] std::vector<float> read_maps_file(const std::filesystem::path& path);

}  // namespace explain
