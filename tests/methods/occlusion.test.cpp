// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/occlusion.hpp"

#include <catch2/catch.hpp>

#include "../support/toy_models.hpp"

using namespace smoothgrad;

namespace {
/// A 3x3x1 image with values 0.1 ... 0.9, row by row.
Vector ramp_3x3() {
    Vector x(9);
    for (Index k = 0; k < 9; ++k) x[k] = 0.1f * static_cast<float>(k + 1);
    return x;
}

void check_close(const Vector& actual, const Vector& expected) {
    INFO("actual " << actual.transpose() << "\nexpected " << expected.transpose());
    REQUIRE(actual.size() == expected.size());
    CHECK((actual - expected).cwiseAbs().maxCoeff() < 1e-5f);
}
}  // namespace

TEST_CASE("occlusion with a 2x2 window, worked out by hand", "[methods][occlusion]") {
    // S = the sum of the pixels: a window's drop is the sum of what it covers. The four windows of a 3x3
    // image drop 1.2 (top left), 1.6 (top right), 2.4 (bottom left) and 2.8 (bottom right).
    const toy::LinearModel model{Matrix::Ones(1, 9)};
    const Vector x = ramp_3x3();
    const Occlusion occlusion{.shape = {3, 3, 1}, .size = 2};
    Vector sum(9), mean(9);
    sum << 1.2f, 2.8f, 1.6f, 3.6f, 8.0f, 4.4f, 2.4f, 5.2f, 2.8f;  // PAIR: every covering window's drop added
    mean << 1.2f, 1.4f, 1.6f, 1.8f, 2.0f, 2.2f, 2.4f, 2.6f, 2.8f;  // Captum: averaged over them
    check_close(occlusion(model, x, 0), sum);
    Occlusion averaged = occlusion;
    averaged.combine = OcclusionCombine::mean;
    check_close(averaged(model, x, 0), mean);

    // Stride 2 leaves one window that fits (rows and columns 0-1); row and column 2 are never covered.
    Occlusion strided = occlusion;
    strided.stride = 2;
    Vector only_top_left = Vector::Zero(9);
    only_top_left[0] = only_top_left[1] = only_top_left[3] = only_top_left[4] = 1.2f;
    check_close(strided(model, x, 0), only_top_left);

    // Covered values set to 0.5 instead of 0: the top-left window drops 1.2 - 4 * 0.5.
    Occlusion gray = strided;
    gray.value = 0.5f;
    check_close(gray(model, x, 0), only_top_left * ((1.2f - 2.0f) / 1.2f));
}

TEST_CASE("one-pixel occlusion of a linear model is gradient times input per pixel", "[methods][occlusion]") {
    const ImageShape shape{4, 5, 2};
    const toy::LinearModel model{toy::fixed_matrix(3, shape.size(), 1)};
    const Vector x = toy::fixed_matrix(shape.size(), 1, 2).col(0);
    const Vector product = model.weights.row(2).transpose().cwiseProduct(x);

    // A window covers both channels of its pixel: each channel gets the pixel's whole drop.
    Vector per_pixel(shape.size());
    for (Index p = 0; p < shape.pixels(); ++p) per_pixel.segment(2 * p, 2).setConstant(product.segment(2 * p, 2).sum());
    check_close(Occlusion{.shape = shape, .size = 1}(model, x, 2), per_pixel);
    // One channel at a time: exactly w_k x_k.
    check_close(Occlusion{.shape = shape, .size = 1, .per_channel = true}(model, x, 2), product);
}

TEST_CASE("occlusion maps do not depend on the batch size", "[methods][occlusion]") {
    const toy::ReluNetwork model{toy::fixed_matrix(6, 36, 3), toy::fixed_matrix(6, 1, 4), toy::fixed_matrix(2, 6, 5)};
    const Matrix inputs = toy::fixed_matrix(36, 2, 6);
    const Occlusion one_at_a_time{.shape = {3, 4, 3}, .size = 2, .per_channel = true, .batch_size = 1};
    Occlusion batched = one_at_a_time;
    batched.batch_size = 7;
    const Vector w = Vector::Unit(2, 1);
    CHECK(batched.attribute_batch(model, inputs, w) == one_at_a_time.attribute_batch(model, inputs, w));
}

TEST_CASE("occlusion refuses bad parameters, naming them", "[methods][occlusion][errors]") {
    const toy::LinearModel model{Matrix::Ones(1, 9)};
    const Vector x = ramp_3x3();
    CHECK_THROWS_WITH(Occlusion{}(model, x, 0), Catch::Matchers::Contains("shape must be set"));
    CHECK_THROWS_AS((Occlusion{.shape = {3, 4, 1}}(model, x, 0)), shape_error);
    CHECK_THROWS_WITH((Occlusion{.shape = {3, 3, 1}, .size = 4}(model, x, 0)),
                      "occlusion: the 4x4 window is larger than the 3x3 image");
    CHECK_THROWS_WITH((Occlusion{.shape = {3, 3, 1}, .size = 0}(model, x, 0)), "occlusion: size must be >= 1, got 0");
    CHECK_THROWS_WITH((Occlusion{.shape = {3, 3, 1}, .size = 2, .stride = 0}(model, x, 0)),
                      "occlusion: stride must be >= 1, got 0");
    CHECK_THROWS_AS((Occlusion{.shape = {3, 3, 1}, .size = 2, .value = NAN}(model, x, 0)), numeric_error);
}
