// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/dense.hpp"

#include <catch2/catch.hpp>

#include "../nn_test_support.hpp"
#include "smoothgrad/nn/sequential.hpp"
#include "smoothgrad/testing/gradient_check.hpp"

using namespace smoothgrad;
using nn::Dense;

TEST_CASE("Dense computes weight * x + bias with an [out, in] weight", "[nn][dense]") {
    Dense dense(3, 2);
    dense.weight() << 1, 2, 3, -1, 0, 4;
    dense.bias() << 0.5f, -1.0f;
    Matrix x(3, 2);
    x << 1, 0, 2, 1, 3, -1;  // columns (1, 2, 3) and (0, 1, -1)
    Matrix out;
    nn::LayerCache cache;
    dense.forward(x, {1, 1, 3}, out, cache);
    Matrix expected(2, 2);
    expected << 1 + 4 + 9 + 0.5f, 0 + 2 - 3 + 0.5f,  //
        -1 + 0 + 12 - 1.0f, 0 + 0 - 4 - 1.0f;
    CHECK(out == expected);
    // The backward pass is weight^T * gradient.
    Matrix gradient(2, 1);
    gradient << 1, 2;
    Matrix input_gradient;
    dense.backward(gradient, {1, 1, 3}, x.leftCols(1), ReluRule::gradient, cache, input_gradient);
    Vector expected_gradient(3);
    expected_gradient << 1 - 2, 2 + 0, 3 + 8;
    CHECK(input_gradient.col(0) == expected_gradient);
    CHECK(dense.weight_shape() == std::vector<std::size_t>{2, 3});
    CHECK(dense.weight().data()[3] == -1.0f);  // row-major: second row starts at 3
}

TEST_CASE("Dense gradients agree with finite differences", "[nn][dense][gradient]") {
    nn::Sequential net({1, 1, 7}, {Dense(7, 4)});
    net.initialize(3);
    const Matrix x = nn_test::random_matrix(7, 3, 8);
    const Vector w = nn_test::random_vector(4, 9);
    const auto report = testing::check_gradients(net, x, w);
    INFO(report);
    CHECK(report.passed);
    CHECK(report.max_abs_error < 1e-4);

    const Matrix score_weights = nn_test::random_matrix(4, 3, 10);
    nn::Workspace workspace;
    (void)net.forward(x, workspace);
    auto gradients = net.zero_gradients();
    net.backward_parameters(score_weights, workspace, gradients);
    const auto objective = [&] { return static_cast<double>(net.scores(x).cwiseProduct(score_weights).sum()); };
    auto parameters = net.parameters();
    for (std::size_t k = 0; k < parameters.size(); ++k) {
        const auto parameter_report = testing::check_function_gradient(objective, parameters[k].values(),
                                                                       {gradients[k].data(), parameters[k].size});
        INFO(parameters[k].name << ": " << parameter_report);
        CHECK(parameter_report.passed);
    }
}

TEST_CASE("Dense needs a flat input of its size", "[nn][dense][errors]") {
    const Dense dense(12, 5);
    CHECK(dense.output_shape({1, 1, 12}) == ImageShape{1, 1, 5});
    CHECK_THROWS_WITH(dense.output_shape({2, 2, 3}), Catch::Contains("flat input 1x1x12"));
    CHECK_THROWS_AS(dense.output_shape({1, 1, 11}), shape_error);
    CHECK_THROWS_AS(Dense(0, 3), argument_error);
    CHECK_THROWS_AS(Dense(3, 0), argument_error);
    CHECK(dense.spec() == "dense 5");
}
