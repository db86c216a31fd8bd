// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// One input's map by the method the command line names, wrapped in SmoothGrad unless --smooth-samples is 0.
#pragma once

#include <cstddef>
#include <optional>

#include "inputs.hpp"
#include "options.hpp"

namespace explain {

/// A map and the shape it is laid out in: the input's, or for Grad-CAM without --upsample, the layer's
/// height x width x 1.
struct Explanation {
    Vector map;
    ImageShape shape;
};

/// The map of `input`, which is input `input_index` of the run (its position keys SmoothGrad's noise).
[[nodiscard]] Explanation explain(const Model& net, const Vector& input, std::size_t input_index, const Target& target,
                                  const Options& options, const ProgressCallback& progress,
                                  const std::optional<Vector>& baseline, const Matrix& references);

/// The Grad-CAM that --layer and --upsample ask for on inputs of `shape`.
[[nodiscard]] GradCam grad_cam_for(const Options& options, const ImageShape& shape);

/// Integrated gradients' baseline for `input`, as --baseline says (black: none, the library's zeros).
[[nodiscard]] std::optional<Vector> baseline_for(const Vector& input, const ImageShape& shape, const Model& net,
                                                 const Options& options, const std::optional<Vector>& file_baseline);

/// What a run reads and checks once, before its first input: the model, --class against its classes,
/// --occlusion-size against its input, the --baseline file and the --baselines set.
struct Run {
    Model net;
    std::optional<Vector> file_baseline;
    Matrix references;
};

/// Loads the model (warning on stderr if its metadata says its weights are random) and the rest of Run.
[[nodiscard]] Run start_run(const Options& options);

/// One input's class scores, its predicted and explained classes, and its map.
struct Explained {
    Vector scores;
    Index predicted = 0, explained = 0;
    double probability = 0.0;  // the predicted class's softmax probability
    Explanation explanation;
};

/// Explains input `input_index` of the run.
[[nodiscard]] Explained explain_input(const Run& run, const Options& options, const Input& input, Index input_index,
                                      const ProgressCallback& progress);

}  // namespace explain
