// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/vanilla_gradient.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "../support/toy_models.hpp"

using namespace smoothgrad;

TEST_CASE("the vanilla map of a linear score w^T W x is W^T w", "[methods][vanilla]") {
    const toy::LinearModel model{toy::fixed_matrix(3, 5, 1)};
    const Vector x = toy::fixed_matrix(5, 1, 2);
    CHECK(VanillaGradient{}(model, x, 1).isApprox(model.weights.row(1).transpose()));
    const Target difference = Target::difference(0, 2, 3);
    CHECK(VanillaGradient{}(model, x, difference)
              .isApprox((model.weights.row(0) - model.weights.row(2)).transpose()));
}

TEST_CASE("gradient x input multiplies the gradient by the input", "[methods][vanilla]") {
    const toy::LinearModel model{toy::fixed_matrix(2, 4, 3)};
    Vector x(4);
    x << 1.0f, -2.0f, 0.0f, 0.5f;
    const Vector expected = model.weights.row(0).transpose().cwiseProduct(x);
    CHECK(GradientTimesInput{}(model, x, 0).isApprox(expected));
}

TEST_CASE("the vanilla map agrees with central finite differences on a ReLU network", "[methods][vanilla]") {
    const toy::ReluNetwork model{toy::fixed_matrix(6, 4, 5), toy::fixed_matrix(6, 1, 6), toy::fixed_matrix(3, 6, 7)};
    const Vector x = toy::fixed_matrix(4, 1, 8);
    const Vector map = VanillaGradient{}(model, x, 2);
    const double h = 1e-3;
    for (Index i = 0; i < x.size(); ++i) {
        Vector up = x, down = x;
        up[i] += static_cast<float>(h);
        down[i] -= static_cast<float>(h);
        const double difference = (model.scores(up)(2, 0) - model.scores(down)(2, 0)) / (2 * h);
        CHECK(map[i] == Approx(difference).margin(2e-3));
    }
}

TEST_CASE("a batch is explained column by column", "[methods][vanilla]") {
    const toy::ReluNetwork model{toy::fixed_matrix(6, 4, 5), toy::fixed_matrix(6, 1, 6), toy::fixed_matrix(3, 6, 7)};
    const Matrix batch = toy::fixed_matrix(4, 3, 9);
    const Matrix maps = VanillaGradient{}.attribute_batch(model, batch, Target(1).weights(3));
    for (Index j = 0; j < 3; ++j) CHECK(maps.col(j) == VanillaGradient{}(model, batch.col(j), 1));
}

TEST_CASE("vanilla gradient refuses bad inputs with a clear message", "[methods][vanilla][errors]") {
    const toy::LinearModel model{toy::fixed_matrix(3, 5, 1)};
    using Catch::Matchers::Message;
    CHECK_THROWS_MATCHES(VanillaGradient{}(model, Vector::Zero(4), 0), shape_error,
                         Message("vanilla_gradient: input has 4 values, the model expects 5"));
    CHECK_THROWS_MATCHES(VanillaGradient{}(model, Vector(), 0), shape_error,
                         Message("vanilla_gradient: input is empty"));
    CHECK_THROWS_MATCHES(VanillaGradient{}(model, Vector::Zero(5), 3), argument_error,
                         Message("vanilla_gradient: class index must be in [0, 3), got 3"));
    Vector with_nan = Vector::Zero(5);
    with_nan[2] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_MATCHES(VanillaGradient{}(model, with_nan, 0), numeric_error,
                         Message("vanilla_gradient: input contains NaN or Inf"));
    Vector with_inf = Vector::Zero(5);
    with_inf[0] = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(GradientTimesInput{}(model, with_inf, 0), numeric_error);
    CHECK_THROWS_MATCHES(VanillaGradient{}(toy::NanGradientModel{}, Vector::Zero(3), 0), numeric_error,
                         Message("vanilla_gradient: the model returned NaN or Inf gradients"));
    CHECK_THROWS_AS(VanillaGradient{}.attribute_batch(model, Matrix::Zero(5, 2), Vector::Zero(2)), shape_error);
}
