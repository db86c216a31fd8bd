// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/loss.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "smoothgrad/testing/gradient_check.hpp"

using namespace smoothgrad;

TEST_CASE("softmax cross-entropy matches its closed form", "[nn][loss]") {
    Matrix scores(3, 2);
    scores << 1, 0,  //
        2, 0,        //
        3, 0;
    const std::vector<int> labels{2, 0};
    const auto [loss, gradient] = nn::softmax_cross_entropy(scores, labels);
    // Column 0: -log(e^3 / (e + e^2 + e^3)); column 1: -log(1/3).
    const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    const double expected = (std::log(z) - 3.0 + std::log(3.0)) / 2.0;
    CHECK(loss == Approx(expected).epsilon(1e-6));
    // Gradient: (softmax - one_hot) / batch.
    CHECK(gradient(0, 0) == Approx(std::exp(1.0) / z / 2));
    CHECK(gradient(2, 0) == Approx((std::exp(3.0) / z - 1) / 2));
    CHECK(gradient(0, 1) == Approx((1.0 / 3 - 1) / 2));
    CHECK(gradient(1, 1) == Approx(1.0 / 6));
    CHECK(nn::softmax(scores).colwise().sum().isApprox(Eigen::RowVectorXf::Ones(2)));
}

TEST_CASE("softmax cross-entropy is stable for large scores", "[nn][loss]") {
    Matrix scores(2, 1);
    scores << 1000, 0;
    const std::vector<int> wrong{1};
    const auto result = nn::softmax_cross_entropy(scores, wrong);
    CHECK(result.loss == Approx(1000.0));
    CHECK(result.gradient.allFinite());
    const std::vector<int> right{0};
    CHECK(nn::softmax_cross_entropy(scores, right).loss == Approx(0.0).margin(1e-12));
    CHECK(nn::softmax(scores * 100).allFinite());
}

TEST_CASE("the loss gradient agrees with finite differences", "[nn][loss][gradient]") {
    Matrix scores(4, 3);
    scores << 0.3f, -1.2f, 2.0f, 0.7f, 0.1f, -0.4f, -0.5f, 1.5f, 0.9f, 1.1f, 0.2f, -2.0f;
    const std::vector<int> labels{1, 3, 0};
    Matrix gradient;
    (void)nn::softmax_cross_entropy(scores, labels, gradient);
    Matrix probe = scores;
    Matrix unused;
    const auto report = testing::check_function_gradient(
        [&] { return nn::softmax_cross_entropy(probe, labels, unused); }, {probe.data(), 12}, {gradient.data(), 12},
        {.step = 1e-2, .abs_tolerance = 1e-4, .rel_tolerance = 1e-3});
    INFO(report);
    CHECK(report.passed);
}

TEST_CASE("softmax cross-entropy checks its labels", "[nn][loss][errors]") {
    const Matrix scores = Matrix::Zero(3, 2);
    CHECK_THROWS_AS(nn::softmax_cross_entropy(scores, std::vector<int>{0}), shape_error);
    CHECK_THROWS_WITH(nn::softmax_cross_entropy(scores, std::vector<int>{0, 3}), Catch::Contains("label 1"));
    CHECK_THROWS_AS(nn::softmax_cross_entropy(scores, std::vector<int>{-1, 0}), argument_error);
}
