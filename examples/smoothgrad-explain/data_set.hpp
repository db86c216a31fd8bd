// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad-explain's data-set mode: this process's shard of the inputs explained into --out, resumable.
//
// Every input's map depends on the seed and the input's position in the whole list only (SmoothGrad's noise
// is keyed by both), so a run split into any number of shards, run in any order, with any threads or batch
// size, gives the same bytes as one process.
#pragma once

#include "options.hpp"

namespace explain {

/// Explains this process's shard of the inputs into options.out; returns the exit code.
[[nodiscard]] int run_data_set(const Options& options);

}  // namespace explain
