// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Must not compile: guided backprop on a model without a ReLU rule. The error names GuidedBackpropModel.
#include "archetypes.hpp"
#include "smoothgrad/methods/guided_backprop.hpp"

int main() {
    const archetypes::Model model;
    const smoothgrad::Vector input = smoothgrad::Vector::Zero(4);
    return static_cast<int>(smoothgrad::GuidedBackprop{}(model, input, 0).size());
}
