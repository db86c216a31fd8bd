// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Must not compile: SmoothGrad around guided backprop on a model without a ReLU rule.
#include "archetypes.hpp"
#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"

int main() {
    const archetypes::Model model;
    const smoothgrad::Vector input = smoothgrad::Vector::Zero(4);
    const smoothgrad::SmoothGrad<smoothgrad::GuidedBackprop> smooth{};
    return static_cast<int>(smooth(model, input, 0).size());
}
