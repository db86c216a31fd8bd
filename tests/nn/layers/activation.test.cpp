// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/activation.hpp"

#include <catch2/catch.hpp>

#include "../nn_test_support.hpp"
#include "smoothgrad/nn/sequential.hpp"
#include "smoothgrad/testing/gradient_check.hpp"

using namespace smoothgrad;

TEST_CASE("ReLU forward and its three backward rules, by hand", "[nn][relu]") {
    const nn::ReLU relu;
    Matrix x(4, 1);
    x << -2, 3, 1, 0;
    Matrix out;
    nn::LayerCache cache;
    relu.forward(x, {1, 1, 4}, out, cache);
    CHECK(out.col(0) == Vector{{0, 3, 1, 0}});

    Matrix g(4, 1);
    g << 5, -7, 2, 4;  // incoming gradient
    Matrix dx;
    relu.backward(g, {1, 1, 4}, x, ReluRule::gradient, cache, dx);
    CHECK(dx.col(0) == Vector{{0, -7, 2, 0}});  // where x > 0 (x = 0 counts as inactive)
    relu.backward(g, {1, 1, 4}, x, ReluRule::guided, cache, dx);
    CHECK(dx.col(0) == Vector{{0, 0, 2, 0}});  // where x > 0 and g > 0
    relu.backward(g, {1, 1, 4}, x, ReluRule::deconvnet, cache, dx);
    CHECK(dx.col(0) == Vector{{5, 0, 2, 4}});  // where g > 0
    CHECK(relu.output_shape({3, 2, 5}) == ImageShape{3, 2, 5});
    CHECK(relu.spec() == "relu");
}

TEST_CASE("ReLU gradients agree with finite differences away from 0", "[nn][relu][gradient]") {
    nn::Sequential net({3, 3, 2}, {nn::ReLU{}});
    // Inputs at least 0.1 away from the kink, so a step of 1e-2 never crosses it.
    Matrix x = nn_test::random_matrix(18, 4, 21);
    x = x.unaryExpr([](float v) { return v < 0 ? v - 0.1f : v + 0.1f; });
    const auto report = testing::check_gradients(net, x, nn_test::random_vector(18, 22));
    INFO(report);
    CHECK(report.passed);
    CHECK(report.max_abs_error < 1e-4);
}
