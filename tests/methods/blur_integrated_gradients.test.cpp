// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/blur_integrated_gradients.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include "../support/toy_models.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"

using namespace smoothgrad;

namespace {
const ImageShape shape{6, 7, 2};

Vector test_image() { return toy::fixed_matrix(shape.size(), 1, 11).col(0).array().abs(); }
}  // namespace

TEST_CASE("blur IG with one step is the paper's sum written out", "[methods][blur_ig]") {
    // One step from sigma 0 to max_sigma: -(max_sigma - 0) * (blur(x, h) - x) / h * grad S(x).
    const toy::LinearModel model{toy::fixed_matrix(3, shape.size(), 12)};
    const Vector x = test_image();
    const BlurIntegratedGradients blur_ig{.shape = shape, .max_sigma = 2.0, .steps = 1, .grad_step = 0.01};
    const Vector derivative = (gaussian_blur(x, shape, 0.01) - x) / 0.01f;
    const Vector expected = -2.0f * derivative.cwiseProduct(model.weights.row(1).transpose());
    const Vector map = blur_ig(model, x, 1);
    CHECK((map - expected).cwiseAbs().maxCoeff() <= 1e-5f * expected.cwiseAbs().maxCoeff());
}

TEST_CASE("blur IG of a linear model approaches w * (x - the end of the blur path)", "[methods][blur_ig]") {
    const toy::LinearModel model{toy::fixed_matrix(2, shape.size(), 13)};
    const Vector x = test_image();
    const Vector w = model.weights.row(0).transpose();
    for (const bool sqrt_spacing : {false, true}) {
        INFO("sqrt_spacing " << sqrt_spacing);
        const BlurIntegratedGradients blur_ig{.shape = shape, .max_sigma = 4.0, .steps = 800, .sqrt_spacing = sqrt_spacing};
        const double end_sigma = sqrt_spacing ? 2.0 : 4.0;  // PAIR's square-root spacing ends at sqrt(max_sigma)
        const Vector expected = w.cwiseProduct(x - gaussian_blur(x, shape, end_sigma));
        const Vector map = blur_ig(model, x, 0);
        // Left Riemann sums of a finite difference: the error shrinks like 1 / steps.
        CHECK((map - expected).cwiseAbs().maxCoeff() <= 2e-2f * expected.cwiseAbs().maxCoeff());
        // Completeness: the map adds up to S(x) - S(x_steps).
        const double difference = w.dot(x) - w.dot(gaussian_blur(x, shape, end_sigma));
        CHECK(std::abs(map.cast<double>().sum() - difference) <= 1e-2 * std::abs(difference));
    }
}

TEST_CASE("blur IG weights every step by its own width whatever the batch size", "[methods][blur_ig]") {
    // PAIR weights a whole batch by its last step's width; with square-root spacing the widths differ, so
    // a batched map must still equal the one computed a step at a time.
    const toy::ReluNetwork model{toy::fixed_matrix(5, shape.size(), 14), toy::fixed_matrix(5, 1, 15),
                                 toy::fixed_matrix(2, 5, 16)};
    const Matrix inputs = toy::fixed_matrix(shape.size(), 2, 17).array().abs();
    BlurIntegratedGradients one_at_a_time{.shape = shape, .max_sigma = 3.0, .steps = 9, .sqrt_spacing = true,
                                          .batch_size = 1};
    BlurIntegratedGradients batched = one_at_a_time;
    batched.batch_size = 4;
    const Vector w = Vector::Unit(2, 1);
    CHECK(batched.attribute_batch(model, inputs, w) == one_at_a_time.attribute_batch(model, inputs, w));
    const std::vector<double> sigmas = one_at_a_time.sigmas();
    REQUIRE(sigmas.size() == 10);
    CHECK(sigmas[1] == Approx(std::sqrt(3.0 / 9.0)));
    CHECK(sigmas[9] == Approx(std::sqrt(3.0)));
}

TEST_CASE("SmoothGrad wraps blur IG", "[methods][blur_ig]") {
    const toy::LinearModel model{toy::fixed_matrix(2, shape.size(), 18)};
    const SmoothGrad smooth{.method = BlurIntegratedGradients{.shape = shape, .max_sigma = 2.0, .steps = 10},
                            .samples = 3};
    const Vector map = smooth(model, test_image(), 1);
    CHECK(map.size() == shape.size());
    CHECK(map.allFinite());
    CHECK(map.cwiseAbs().maxCoeff() > 0.0f);
}

TEST_CASE("blur IG refuses bad parameters, naming them", "[methods][blur_ig][errors]") {
    const toy::LinearModel model{toy::fixed_matrix(1, shape.size(), 19)};
    const Vector x = test_image();
    CHECK_THROWS_WITH(BlurIntegratedGradients{}(model, x, 0), Catch::Matchers::Contains("shape must be set"));
    CHECK_THROWS_WITH((BlurIntegratedGradients{.shape = shape, .steps = 0}(model, x, 0)),
                      "blur_integrated_gradients: steps must be >= 1, got 0");
    CHECK_THROWS_WITH((BlurIntegratedGradients{.shape = shape, .max_sigma = 0.0}(model, x, 0)),
                      "blur_integrated_gradients: max_sigma must be finite and > 0, got 0");
    CHECK_THROWS_WITH((BlurIntegratedGradients{.shape = shape, .grad_step = -1.0}(model, x, 0)),
                      "blur_integrated_gradients: grad_step must be finite and > 0, got -1");
    CHECK_THROWS_AS((BlurIntegratedGradients{.shape = {6, 7, 1}}(model, x, 0)), shape_error);
}
