// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/testing/gradient_check.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>
#include <vector>

#include "smoothgrad/core/function_model.hpp"

using namespace smoothgrad;

namespace {

/// scores = (x0 * x1, x0^2 + sin(x1)) per column.
Matrix scores_of(const Matrix& x) {
    Matrix s(2, x.cols());
    for (Index j = 0; j < x.cols(); ++j) {
        s(0, j) = x(0, j) * x(1, j);
        s(1, j) = x(0, j) * x(0, j) + std::sin(x(1, j));
    }
    return s;
}

/// The gradient of w^T scores, with a factor `square_factor` on d(x0^2)/dx0 (2 is right).
Matrix gradients_of(const Matrix& x, const Vector& w, float square_factor) {
    Matrix g(2, x.cols());
    for (Index j = 0; j < x.cols(); ++j) {
        g(0, j) = w[0] * x(1, j) + w[1] * square_factor * x(0, j);
        g(1, j) = w[0] * x(0, j) + w[1] * std::cos(x(1, j));
    }
    return g;
}

Matrix inputs() {
    Matrix x(2, 3);
    x << 0.5f, -1.2f, 2.0f,  //
        1.5f, 0.3f, -0.7f;
    return x;
}

}  // namespace

TEST_CASE("check_gradients passes a correct model", "[testing][gradient_check]") {
    const auto model =
        make_model(2, 2, scores_of, [](const Matrix& x, const Vector& w) { return gradients_of(x, w, 2); });
    const Vector w{{0.7f, -1.3f}};
    const auto report = testing::check_gradients(model, inputs(), w);
    INFO(report);
    CHECK(report.passed);
    CHECK(report.checked == 6);
    CHECK(report.max_abs_error < 1e-3);
    // The numeric gradient alone matches the closed form.
    const Eigen::MatrixXd numeric = testing::numeric_gradients(model, inputs(), w, 1e-2);
    CHECK(numeric.isApprox(gradients_of(inputs(), w, 2).cast<double>(), 1e-3));
}

TEST_CASE("check_gradients catches a wrong gradient and points at it", "[testing][gradient_check]") {
    const auto wrong =
        make_model(2, 2, scores_of, [](const Matrix& x, const Vector& w) { return gradients_of(x, w, 1); });
    const Vector w{{0.7f, -1.3f}};
    const auto report = testing::check_gradients(wrong, inputs(), w);
    CHECK_FALSE(report.passed);
    CHECK(report.worst_index == 0);  // d/dx0 is the wrong one
    // Furthest outside its tolerance: sample 0, analytic 0.7 * 1.5 - 1.3 * 0.5 = 0.4 against
    // 0.7 * 1.5 - 1.3 * 2 * 0.5 = -0.25 (error 0.65, tolerance 1e-3 + 1e-2 * 0.4).
    CHECK(report.worst_sample == 0);
    CHECK(report.worst_analytic == Approx(0.4));
    CHECK(report.worst_numeric == Approx(-0.25).epsilon(1e-3));
    CHECK(report.max_abs_error == Approx(1.3 * 2.0).epsilon(1e-3));
    std::ostringstream text;
    text << report;
    CHECK(text.str().find("FAILED") != std::string::npos);
    // With w = (1, 0) the wrong term does not matter.
    CHECK(testing::check_gradients(wrong, inputs(), Vector{{1.0f, 0.0f}}).passed);
}

TEST_CASE("check_gradients fails on NaN gradients", "[testing][gradient_check]") {
    const auto nan_model = make_model(2, 2, scores_of, [](const Matrix& x, const Vector&) {
        return Matrix::Constant(x.rows(), x.cols(), std::nanf(""));
    });
    CHECK_FALSE(testing::check_gradients(nan_model, inputs(), Vector{{1.0f, 1.0f}}).passed);
}

TEST_CASE("check_function_gradient checks the gradient of a scalar function", "[testing][gradient_check]") {
    std::vector<float> point{0.5f, -1.0f, 2.0f};
    const auto cubes = [&] {
        double sum = 0;
        for (const float p : point) sum += static_cast<double>(p) * p * p;
        return sum;
    };
    std::vector<float> right;
    std::vector<float> wrong;
    for (const float p : point) {
        right.push_back(3 * p * p);
        wrong.push_back(2 * p * p);
    }
    const auto good = testing::check_function_gradient(cubes, point, right);
    INFO(good);
    CHECK(good.passed);
    CHECK(point == std::vector<float>{0.5f, -1.0f, 2.0f});  // restored
    const auto bad = testing::check_function_gradient(cubes, point, wrong);
    CHECK_FALSE(bad.passed);
    CHECK(bad.worst_index == 2);
}

TEST_CASE("gradient checks reject bad settings", "[testing][gradient_check][errors]") {
    const auto model =
        make_model(2, 2, scores_of, [](const Matrix& x, const Vector& w) { return gradients_of(x, w, 2); });
    CHECK_THROWS_AS(testing::check_gradients(model, inputs(), Vector{{1.0f, 1.0f}}, {.step = 0}), argument_error);
    CHECK_THROWS_AS(testing::check_gradients(model, inputs(), Vector{{1.0f, 1.0f}}, {.rel_tolerance = -1}),
                    argument_error);
    CHECK_THROWS_AS(testing::numeric_gradients(model, Matrix::Zero(3, 1), Vector{{1.0f, 1.0f}}), shape_error);
    CHECK_THROWS_AS(testing::numeric_gradients(model, inputs(), Vector{{1.0f}}), shape_error);
    std::vector<float> point{1.0f};
    CHECK_THROWS_AS(testing::check_function_gradient([] { return 0.0; }, point, std::vector<float>{}), shape_error);
}
