// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/guided_integrated_gradients.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include "../support/toy_models.hpp"
#include "smoothgrad/methods/integrated_gradients.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"

using namespace smoothgrad;

TEST_CASE("guided IG's path worked out by hand", "[methods][guided_ig]") {
    // S = sum a_f x_f^2 with a = (1, 2, 3, 4), so grad S = 2 a x; x = 1, baseline 0.5; steps 2, fraction 0.25,
    // max_dist 0.5. Step 1 (alpha 0.5, target L1 1 of 2, bounds [0.5, 1]): g = (1, 2, 3, 4); the smallest |g|
    // (feature 0) goes to 1 (gamma 2), then feature 1 (gamma 1): attribution (0.5, 1, 0, 0).
    // Step 2 (alpha 1, bounds [0.75, 1], target 0): g = (2, 4, 3, 4); features 2 and 3 fell behind 0.75 and
    // move up to it, then feature 2 (|g| 3) goes to 1 (gamma 2): +(0, 0, 0.5 * 3, 0.25 * 4); then feature 3
    // (gamma 1): +0.25 * 4. Sum: (0.5, 1, 1.5, 2).
    const toy::QuadraticModel model{Vector(Eigen::Vector4f(1, 2, 3, 4)).asDiagonal()};
    const GuidedIntegratedGradients guided{
        .steps = 2, .fraction = 0.25, .max_dist = 0.5, .baseline = Vector::Constant(4, 0.5f)};
    const Vector map = guided(model, Vector::Ones(4), 0);
    CHECK(map == Vector(Eigen::Vector4f(0.5f, 1.0f, 1.5f, 2.0f)));
}

TEST_CASE("guided IG of a linear model is w * (x - baseline) whatever the path", "[methods][guided_ig]") {
    const toy::LinearModel model{toy::fixed_matrix(3, 12, 1)};
    const Vector x = toy::fixed_matrix(12, 1, 2).col(0), baseline = toy::fixed_matrix(12, 1, 3).col(0);
    const Vector expected = model.weights.row(1).transpose().cwiseProduct(x - baseline);
    for (const double max_dist : {0.02, 0.3, 1.0}) {
        INFO("max_dist " << max_dist);
        const GuidedIntegratedGradients guided{.steps = 17, .max_dist = max_dist, .baseline = baseline};
        CHECK((guided(model, x, 1) - expected).cwiseAbs().maxCoeff() <= 1e-5f * expected.cwiseAbs().maxCoeff());
    }
}

TEST_CASE("guided IG adds up to S(x) - S(baseline) as the steps grow", "[methods][guided_ig]") {
    const toy::TanhNetwork model{toy::fixed_matrix(6, 10, 4), toy::fixed_matrix(2, 6, 5)};
    const Vector x = toy::fixed_matrix(10, 1, 6).col(0);
    const Matrix endpoints = [&] {
        Matrix m = Matrix::Zero(10, 2);
        m.col(0) = x;
        return m;
    }();
    const Matrix scores = model.scores(endpoints);
    const double difference = scores(0, 0) - scores(0, 1);
    const Vector map = GuidedIntegratedGradients{.steps = 2000}(model, x, 0);
    CHECK(std::abs(map.cast<double>().sum() - difference) <= 5e-3 * std::abs(difference));
}

TEST_CASE("guided IG with a free path: tied gradients move together, then one feature at a time", "[methods][guided_ig]") {
    // With max_dist 1 the path is free: in a linear model the features with the smallest |w| reach the input
    // first, so after one of two steps (target: half the L1 distance) they carry all of the movement.
    // Seen through S = sum a_f x_f^2, whose gradient 2 a x at the second step's start shows where x is.
    const toy::QuadraticModel model{Vector(Eigen::Vector4f(4, 1, 3, 2)).asDiagonal()};
    const Vector x = Vector::Ones(4);
    const GuidedIntegratedGradients free_path{.steps = 2, .fraction = 0.25, .max_dist = 1.0};
    // Step 1 from 0: g = 0 everywhere, every feature ties and moves to 0.5 (gamma 0.5); step 2: g = a, the
    // features move in order of a: 1 (feature 1), then 2, 3, 4, each all the way.
    const Vector map = free_path(model, x, 0);
    CHECK(map == Vector(Eigen::Vector4f(0.5f * 4, 0.5f * 1, 0.5f * 3, 0.5f * 2)));
}

TEST_CASE("guided IG is zero when the input is the baseline, and wrapped by SmoothGrad", "[methods][guided_ig]") {
    const toy::TanhNetwork model{toy::fixed_matrix(4, 6, 7), toy::fixed_matrix(2, 4, 8)};
    const Vector x = toy::fixed_matrix(6, 1, 9).col(0);
    CHECK(GuidedIntegratedGradients{.baseline = x}(model, x, 1) == Vector::Zero(6));
    const SmoothGrad smooth{.method = GuidedIntegratedGradients{.steps = 20}, .samples = 3, .batch_size = 2};
    const Vector map = smooth(model, x, 1);
    CHECK(map.allFinite());
    CHECK(map.cwiseAbs().maxCoeff() > 0.0f);
    // A batch's columns walk their own paths: the same maps as one at a time.
    const Matrix inputs = toy::fixed_matrix(6, 3, 10);
    const GuidedIntegratedGradients guided{.steps = 15};
    const Matrix together = guided.attribute_batch(model, inputs, Vector::Unit(2, 0));
    for (Index j = 0; j < 3; ++j)
        CHECK(together.col(j) == guided.attribute_batch(model, inputs.col(j), Vector::Unit(2, 0)));
}

TEST_CASE("guided IG refuses bad parameters, naming them", "[methods][guided_ig][errors]") {
    const toy::LinearModel model{toy::fixed_matrix(1, 4, 11)};
    const Vector x = Vector::Ones(4);
    CHECK_THROWS_WITH((GuidedIntegratedGradients{.steps = 0}(model, x, 0)),
                      "guided_integrated_gradients: steps must be >= 1, got 0");
    CHECK_THROWS_WITH((GuidedIntegratedGradients{.fraction = 0.0}(model, x, 0)),
                      "guided_integrated_gradients: fraction must be in (0, 1], got 0");
    CHECK_THROWS_WITH((GuidedIntegratedGradients{.fraction = 1.5}(model, x, 0)),
                      "guided_integrated_gradients: fraction must be in (0, 1], got 1.5");
    CHECK_THROWS_WITH((GuidedIntegratedGradients{.max_dist = 0.0}(model, x, 0)),
                      "guided_integrated_gradients: max_dist must be in (0, 1], got 0");
    CHECK_THROWS_WITH((GuidedIntegratedGradients{.max_dist = std::nan("")}(model, x, 0)),
                      Catch::Matchers::StartsWith("guided_integrated_gradients: max_dist must be in (0, 1]"));
    CHECK_THROWS_AS((GuidedIntegratedGradients{.baseline = Vector::Zero(3)}(model, x, 0)), shape_error);
    CHECK_THROWS_AS((GuidedIntegratedGradients{}(toy::NanGradientModel{}, Vector::Ones(3), 0)), numeric_error);
}
