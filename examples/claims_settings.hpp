// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The sizes of the experiment that both claims programs run: paper_claims measures claims 1-3 with them,
// and paper_open_questions repeats claims 1-3 with them for claim 10, whose CNN column must stay the same
// experiment. Each program's Settings extends them; --quick shrinks them.
#pragma once

#include <vector>

#include <smoothgrad/core/types.hpp>

namespace claims {

struct SharedSettings {
    /// Test images (the first ones of the test set, unless --images names them).
    smoothgrad::Index images = 500;
    /// SmoothGrad's samples n and noise level sigma / (x_max - x_min), as the paper recommends.
    int samples = 50;
    double noise_level = 0.15;
    /// Integrated gradients' steps on their own, and inside SmoothGrad (where a map costs n * steps
    /// gradients; Gauss-Legendre with 10 nodes keeps the completeness gap small, see the report).
    int ig_steps = 50;
    int ig_steps_smoothed = 10;
    /// The noise levels of claim 2.
    std::vector<double> noise_levels{0.0, 0.05, 0.10, 0.15, 0.20, 0.30, 0.40, 0.50};
    /// The sample sizes of claim 3, and the size of the independent reference map they are compared to.
    std::vector<int> sample_sizes{1, 2, 5, 10, 20, 50, 100, 200};
    int reference_samples = 500;
    /// Steps of the deletion, insertion and ROAD curves (28: one image row's worth of pixels per step).
    smoothgrad::Index curve_steps = 28;
};

}  // namespace claims
