// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad-explain's data-set mode: one shard of the inputs explained into --out, resumable, and the merge
// that checks a run's shards and indexes them.
//
// Every input's map depends on the seed and the input's position in the whole list only (SmoothGrad's noise
// is keyed by both), so a run split into any number of shards, run in any order, with any threads or batch
// size, gives the same bytes as one process.
#pragma once

#include "options.hpp"

namespace explain {

/// Explains this process's shard of the inputs into options.out; returns the exit code.
[[nodiscard]] int run_data_set(const Options& options);

/// `merge DIR [--maps FILE]` (argv[0] is "merge"); returns the exit code.
[[nodiscard]] int run_merge(int argc, char** argv);

/// The shard --shard names, or with --shard auto the one the scheduler's environment gives.
[[nodiscard]] Shard resolve_shard(const Options& options);

}  // namespace explain
