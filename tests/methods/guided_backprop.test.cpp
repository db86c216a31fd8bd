// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/guided_backprop.hpp"

#include <catch2/catch.hpp>

#include "../support/toy_models.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"

using namespace smoothgrad;

namespace {
// Worked by hand. W1 = [[1, -1], [2, 1], [-1, 1]], b1 = 0, W2 = [1, -2, 3], x = (1, 2):
// pre-activations W1 x = (-1, 4, 1), so units 2 and 3 are open in the forward pass;
// the incoming gradient at the hidden layer is W2^T = (1, -2, 3).
toy::ReluNetwork hand_worked_network() {
    Matrix w1(3, 2);
    w1 << 1, -1, 2, 1, -1, 1;
    Matrix w2(1, 3);
    w2 << 1, -2, 3;
    return {w1, Vector::Zero(3), w2};
}
Vector hand_worked_input() { return (Vector(2) << 1.0f, 2.0f).finished(); }
}  // namespace

TEST_CASE("the three ReLU rules on a network worked out by hand", "[methods][guided_backprop]") {
    const auto model = hand_worked_network();
    const Vector x = hand_worked_input();
    // Gradient: passes (0, -2, 3); W1^T (0, -2, 3) = (-7, 1).
    CHECK(VanillaGradient{}(model, x, 0) == (Vector(2) << -7.0f, 1.0f).finished());
    // Guided: forward open and gradient positive only for unit 3: W1^T (0, 0, 3) = (-3, 3).
    CHECK(GuidedBackprop{}(model, x, 0) == (Vector(2) << -3.0f, 3.0f).finished());
    // Deconvnet: gradient positive for units 1 and 3, whatever the forward pass: W1^T (1, 0, 3) = (-2, 2).
    CHECK(Deconvnet{}(model, x, 0) == (Vector(2) << -2.0f, 2.0f).finished());
}

TEST_CASE("guided backprop reports bad input and bad gradients", "[methods][guided_backprop][errors]") {
    const auto model = hand_worked_network();
    CHECK_THROWS_MATCHES(GuidedBackprop{}(model, Vector::Zero(3), 0), shape_error,
                         Catch::Matchers::Message("guided_backprop: input has 3 values, the model expects 2"));
    CHECK_THROWS_MATCHES(Deconvnet{}(model, hand_worked_input(), 1), argument_error,
                         Catch::Matchers::Message("deconvnet: class index must be in [0, 1), got 1"));
}
