// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// What decides a data-set run's maps, as JSON: what its shards must share, and what a checkpoint or a
// finished shard is checked against before it is trusted.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "inputs.hpp"
#include "options.hpp"

namespace explain {

/// The run's parameters. Files (the model, baselines, IDX and Fashion-MNIST data) enter by their SHA-256,
/// not their names, so a copy staged elsewhere is the same run; image files enter by their names, listed in
/// order (each image's hash is in its manifest entry). Threads and batch size are not in it: they change no bit.
[[nodiscard]] nlohmann::json run_parameters(const Options& options, const Model& net, const InputCatalog& inputs);

/// The first place two parameter sets differ, as "smooth_grad.seed: 1 here, 0 there".
[[nodiscard]] std::string first_difference(const nlohmann::json& here, const nlohmann::json& there,
                                           const std::string& at = "");

}  // namespace explain
