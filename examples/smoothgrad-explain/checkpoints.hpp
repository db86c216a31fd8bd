// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// A shard's saved progress: chunk files in its ".partial" folder, each with the maps and manifest entries
// of consecutive inputs, named by the first. A task started again continues after the last good chunk.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "options.hpp"

namespace explain {

class Checkpoints {
public:
    /// The checkpoints in `folder` of a shard whose inputs start at `first`, made with `parameters`.
    Checkpoints(fs::path folder, const nlohmann::json& parameters, Index first);

    /// Takes every chunk that continues the chain from the shard's first input. A damaged chunk (which
    /// atomic writes make unlikely, but a disk can do) and everything after it is dropped and computed
    /// again. Chunks made with other parameters are an error: another run's work is never thrown away.
    /// Anything else in the folder is removed: the caller holds the shard's lock, so it is no one's.
    void load();

    /// Saves the maps and manifest entries of inputs [next(), next() + entries.size()).
    void save(const std::vector<float>& maps, const std::vector<std::size_t>& map_dims, const nlohmann::json& entries);

    /// The first input no chunk holds.
    [[nodiscard]] Index next() const { return next_; }
    /// How many inputs load() found.
    [[nodiscard]] Index resumed() const { return resumed_; }
    /// The manifest entries of every saved input, in order.
    [[nodiscard]] const nlohmann::json& entries() const { return entries_; }
    [[nodiscard]] const std::vector<fs::path>& chunks() const { return chunks_; }
    /// H, W, C of the saved maps; empty before the first.
    [[nodiscard]] const std::vector<std::size_t>& map_dims() const { return map_dims_; }
    [[nodiscard]] const fs::path& folder() const { return folder_; }

private:
    [[nodiscard]] fs::path chunk_path(Index first) const;

    fs::path folder_;
    std::string parameters_;
    Index next_;
    Index resumed_ = 0;
    nlohmann::json entries_ = nlohmann::json::array();
    std::vector<fs::path> chunks_;
    std::vector<std::size_t> map_dims_;
};

}  // namespace explain
