// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The files of a data-set run, shared by the shards that write them and the merge that checks them: names,
// atomic writes, SHA-256 and a maps file written in pieces.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "options.hpp"

namespace explain {

/// What a shard manifest's "format" says; merge refuses other JSON files.
inline constexpr std::string_view shard_format = "smoothgrad-explain shard";
/// The name of the tensor that holds the maps, in shard files, checkpoints and merged files.
inline constexpr std::string_view maps_tensor = "maps";

/// "shard-00002-of-00004": the stem of shard K of N's files (zero-padded, so they sort in order).
[[nodiscard]] std::string shard_stem(const Shard& shard);

/// A file that appears under its name whole or not at all: written to a temporary name beside it and
/// renamed by commit(), so a process killed at any point leaves either the old file or the new one. The
/// temporary file is removed if commit() is never reached.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path path);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    void write(std::span<const std::byte> bytes);
    void write(std::string_view text);
    void commit();

private:
    std::filesystem::path path_, temporary_;
    std::ofstream out_;
    bool committed_ = false;
};

/// The first place two parameter sets differ, as "model.sha256: \"x\" here, \"y\" there".
[[nodiscard]] std::string first_difference(const nlohmann::json& here, const nlohmann::json& there,
                                           const std::string& at = "");

/// `json` as indented text in `path`, atomically.
void write_json(const std::filesystem::path& path, const nlohmann::json& json);

/// The JSON in `path`; io_error if unreadable, format_error naming the file if not JSON.
[[nodiscard]] nlohmann::json read_json(const std::filesystem::path& path);

/// The SHA-256 of a file's bytes, in hexadecimal (OpenSSL).
[[nodiscard]] std::string sha256_of_file(const std::filesystem::path& path);

/// The SHA-256 of `text`, in hexadecimal.
[[nodiscard]] std::string sha256_of(std::string_view text);

/// Writes a safetensors file holding one tensor, "maps", of shape {count, dims...}, from maps given
/// `per_call` at a time by `next(values)` (which appends them), so that a shard of any size is written
/// with the memory of a few maps. float16 rounds to nearest, as Eigen::half does. Atomic.
void write_maps_file(const std::filesystem::path& path, std::size_t count, const std::vector<std::size_t>& map_dims,
                     bool float16, const std::map<std::string, std::string>& metadata,
                     const std::function<void(std::vector<float>&)>& next);

}  // namespace explain
