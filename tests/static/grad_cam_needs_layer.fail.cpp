// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Must not compile: Grad-CAM on a model that exposes no layer.
#include "archetypes.hpp"
#include "smoothgrad/methods/grad_cam.hpp"

int main() {
    const archetypes::Model model;
    const smoothgrad::Vector input = smoothgrad::Vector::Zero(4);
    const smoothgrad::GradCam cam{.layer = smoothgrad::Index{0}, .shape = {2, 2, 1}};
    return static_cast<int>(cam(model, input, 0).size());
}
