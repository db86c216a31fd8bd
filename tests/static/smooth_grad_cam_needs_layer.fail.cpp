// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Must not compile: SmoothGrad around Grad-CAM on a model that exposes no layer.
#include "archetypes.hpp"
#include "smoothgrad/methods/grad_cam.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"

int main() {
    const archetypes::GuidedModel model;
    const smoothgrad::Vector input = smoothgrad::Vector::Zero(4);
    const smoothgrad::SmoothGrad<smoothgrad::GradCam> smooth{.method = {.layer = smoothgrad::Index{0}, .shape = {2, 2, 1}}};
    return static_cast<int>(smooth(model, input, 0).size());
}
