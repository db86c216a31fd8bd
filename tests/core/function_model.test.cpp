// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/core/function_model.hpp"

#include <catch2/catch.hpp>

#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"

using namespace smoothgrad;

namespace {
Matrix two_by_three() {
    Matrix w(2, 3);
    w << 1, 2, 3, -1, 0, 1;
    return w;
}
}  // namespace

TEST_CASE("callables become a model that the methods accept", "[core][function_model]") {
    const Matrix w = two_by_three();
    auto model = make_model(
        3, 2, [&](const Matrix& x) { return Matrix(w * x); },
        [&](const Matrix& x, const Vector& weights) { return Matrix((w.transpose() * weights).replicate(1, x.cols())); });
    STATIC_REQUIRE(DifferentiableModel<decltype(model)>);
    CHECK(model.input_size() == 3);
    CHECK(model.num_classes() == 2);
    const Vector map = VanillaGradient{}(model, Vector::Ones(3), 1);
    CHECK(map == w.row(1).transpose());
}

TEST_CASE("a gradient callable that takes a ReLU rule makes a guided model", "[core][function_model]") {
    auto model = make_model(
        2, 1, [](const Matrix& x) { return Matrix(x.colwise().sum()); },
        [](const Matrix& x, const Vector&, ReluRule rule = ReluRule::gradient) {
            return Matrix::Constant(x.rows(), x.cols(), rule == ReluRule::guided ? 2.0f : 1.0f).eval();
        });
    STATIC_REQUIRE(GuidedBackpropModel<decltype(model)>);
    CHECK(GuidedBackprop{}(model, Vector::Zero(2), 0) == Vector::Constant(2, 2.0f));
    CHECK(VanillaGradient{}(model, Vector::Zero(2), 0) == Vector::Constant(2, 1.0f));
}

TEST_CASE("callables that return the wrong shapes are reported", "[core][function_model][errors]") {
    auto model = make_model(
        3, 2, [](const Matrix& x) { return Matrix(Matrix::Zero(3, x.cols())); },
        [](const Matrix& x, const Vector&) { return Matrix(Matrix::Zero(x.rows(), x.cols() + 1)); });
    CHECK_THROWS_MATCHES(model.scores(Matrix::Zero(3, 2)), shape_error,
                         Catch::Matchers::Message("FunctionModel: the scores callable returned 3x2, expected 2x2"));
    CHECK_THROWS_AS(model.gradients(Matrix::Zero(3, 2), Vector::Zero(2)), shape_error);
    CHECK_THROWS_AS(model.gradients(Matrix::Zero(4, 2), Vector::Zero(2)), shape_error);
    CHECK_THROWS_AS(model.gradients(Matrix::Zero(3, 2), Vector::Zero(5)), shape_error);
    CHECK_THROWS_AS(VanillaGradient{}(model, Vector::Zero(3), 0), shape_error);
}

TEST_CASE("a model needs positive sizes", "[core][function_model][errors]") {
    auto scores = [](const Matrix& x) { return x; };
    auto gradients = [](const Matrix& x, const Vector&) { return x; };
    CHECK_THROWS_MATCHES(make_model(0, 2, scores, gradients), argument_error,
                         Catch::Matchers::Message("FunctionModel: input_size must be > 0, got 0"));
    CHECK_THROWS_AS(make_model(3, 0, scores, gradients), argument_error);
}
