// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Which inputs a process of a data-set run explains, and what its files are called.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "options.hpp"

namespace explain {

/// What a shard manifest's "format" says; merge refuses other JSON files.
inline constexpr std::string_view shard_format = "smoothgrad-explain shard";

/// "shard-00002-of-00004": the stem of shard K of N's files (zero-padded, so they sort in order).
[[nodiscard]] std::string shard_stem(const Shard& shard);

/// The inputs [first, end) of shard K of N among `total`: contiguous, their sizes differing by at most one.
[[nodiscard]] std::pair<Index, Index> shard_range(const Shard& shard, Index total);

/// The shard --shard names, or with --shard auto the one the scheduler's environment gives.
[[nodiscard]] Shard resolve_shard(const Options& options);

}  // namespace explain
