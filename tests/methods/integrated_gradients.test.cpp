// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/integrated_gradients.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "../support/toy_models.hpp"

using namespace smoothgrad;

namespace {
constexpr IntegrationRule all_rules[] = {IntegrationRule::riemann_left, IntegrationRule::riemann_right,
                                         IntegrationRule::riemann_middle, IntegrationRule::trapezoid,
                                         IntegrationRule::gauss_legendre, IntegrationRule::linspace};

toy::QuadraticModel quadratic_model() {
    const Matrix m = toy::fixed_matrix(4, 4, 11);
    return {0.5f * (m + m.transpose())};
}
}  // namespace

TEST_CASE("quadrature points and weights of each rule", "[methods][integrated_gradients]") {
    const auto left = path_quadrature(IntegrationRule::riemann_left, 4);
    CHECK(left.alphas == std::vector<double>{0.0, 0.25, 0.5, 0.75});
    CHECK(left.weights == std::vector<double>(4, 0.25));
    const auto right = path_quadrature(IntegrationRule::riemann_right, 4);
    CHECK(right.alphas == std::vector<double>{0.25, 0.5, 0.75, 1.0});
    const auto middle = path_quadrature(IntegrationRule::riemann_middle, 4);
    CHECK(middle.alphas == std::vector<double>{0.125, 0.375, 0.625, 0.875});

    // Trapezoid: weights 1/(m-1), endpoints halved.
    const auto trapezoid = path_quadrature(IntegrationRule::trapezoid, 5);
    CHECK(trapezoid.alphas == std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0});
    CHECK(trapezoid.weights == std::vector<double>{0.125, 0.25, 0.25, 0.25, 0.125});

    // PAIR saliency's: numpy.linspace(0, 1, m), each point weighted 1/m; one step takes alpha 0.
    const auto linspace = path_quadrature(IntegrationRule::linspace, 5);
    CHECK(linspace.alphas == std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0});
    CHECK(linspace.weights == std::vector<double>(5, 0.2));
    CHECK(path_quadrature(IntegrationRule::linspace, 1).alphas == std::vector<double>{0.0});

    // Gauss-Legendre on [0, 1], from the textbook values on [-1, 1]: m = 2 has nodes +-1/sqrt(3) and
    // weights 1; m = 3 has 0, +-sqrt(3/5) with weights 8/9, 5/9.
    const auto gauss2 = path_quadrature(IntegrationRule::gauss_legendre, 2);
    CHECK(gauss2.alphas[0] == Approx(0.5 - 0.5 / std::sqrt(3.0)).epsilon(1e-14));
    CHECK(gauss2.alphas[1] == Approx(0.5 + 0.5 / std::sqrt(3.0)).epsilon(1e-14));
    CHECK(gauss2.weights[0] == Approx(0.5).epsilon(1e-14));
    const auto gauss3 = path_quadrature(IntegrationRule::gauss_legendre, 3);
    CHECK(gauss3.alphas[0] == Approx(0.5 - 0.5 * std::sqrt(0.6)).epsilon(1e-14));
    CHECK(gauss3.alphas[1] == Approx(0.5).epsilon(1e-14));
    CHECK(gauss3.weights[0] == Approx(5.0 / 18.0).epsilon(1e-14));
    CHECK(gauss3.weights[1] == Approx(8.0 / 18.0).epsilon(1e-14));

    for (const auto rule : all_rules) {
        for (const int steps : {2, 7, 50, 128}) {
            const auto q = path_quadrature(rule, steps);
            CHECK(std::accumulate(q.weights.begin(), q.weights.end(), 0.0) == Approx(1.0).epsilon(1e-12));
        }
    }
}

TEST_CASE("Gauss-Legendre with m points integrates polynomials of degree 2m-1 exactly",
          "[methods][integrated_gradients]") {
    for (const int m : {1, 3, 10, 50}) {
        const auto q = path_quadrature(IntegrationRule::gauss_legendre, m);
        const int degree = 2 * m - 1;
        double integral = 0.0;
        for (std::size_t k = 0; k < q.alphas.size(); ++k) integral += q.weights[k] * std::pow(q.alphas[k], degree);
        CHECK(integral == Approx(1.0 / (degree + 1)).epsilon(1e-10));  // int_0^1 t^d dt
    }
}

TEST_CASE("on a linear model every rule gives exactly (x - x') * w", "[methods][integrated_gradients]") {
    const toy::LinearModel model{toy::fixed_matrix(3, 6, 21)};
    const Vector x = toy::fixed_matrix(6, 1, 22);
    const Vector baseline = toy::fixed_matrix(6, 1, 23);
    for (const auto rule : all_rules) {
        const Vector expected = x.cwiseProduct(model.weights.row(2).transpose());
        CHECK(IntegratedGradients{.steps = 5, .rule = rule}(model, x, 2).isApprox(expected, 1e-5f));
        const Vector from_baseline = (x - baseline).cwiseProduct(model.weights.row(2).transpose());
        CHECK(IntegratedGradients{.steps = 5, .rule = rule, .baseline = baseline}(model, x, 2)
                  .isApprox(from_baseline, 1e-5f));
    }
}

TEST_CASE("many steps keep a linear model's exact answer: the path sum runs in double",
          "[methods][integrated_gradients]") {
    // On S = w^T x every gradient is w, so any rule gives (x - x') * w up to rounding. Summed in float, the
    // rounding grew with the steps: 7.5e-6 relative at 1 000 steps, 7.5e-5 at 10 000, 3.7e-4 at 50 000.
    const toy::LinearModel model{toy::fixed_matrix(3, 6, 21)};
    const Vector x = toy::fixed_matrix(6, 1, 22);
    const Vector exact = x.cwiseProduct(model.weights.row(1).transpose());
    for (const int steps : {1000, 20000}) {
        for (const auto rule : {IntegrationRule::riemann_middle, IntegrationRule::trapezoid}) {
            const Vector map = IntegratedGradients{.steps = steps, .rule = rule, .batch_size = 4096}(model, x, 1);
            const double error = (map - exact).cwiseAbs().maxCoeff() / exact.cwiseAbs().maxCoeff();
            INFO(steps << " steps: relative error " << error);
            CHECK(error < 1e-6);
        }
    }
}

TEST_CASE("the quadrature of a rule and a step count is computed once and kept", "[methods][integrated_gradients]") {
    const PathQuadrature& first = cached_path_quadrature(IntegrationRule::gauss_legendre, 300);
    const PathQuadrature& again = cached_path_quadrature(IntegrationRule::gauss_legendre, 300);
    CHECK(&first == &again);
    CHECK(first.alphas == path_quadrature(IntegrationRule::gauss_legendre, 300).alphas);
    CHECK(&cached_path_quadrature(IntegrationRule::trapezoid, 300) != &first);
    CHECK_THROWS_AS(cached_path_quadrature(IntegrationRule::trapezoid, 1), argument_error);
}

TEST_CASE("on x^T A x the Riemann sums miss S/m and the others are exact", "[methods][integrated_gradients]") {
    // From a zero baseline the integrand along the path is 2 alpha x^T A x, linear in alpha: midpoint,
    // trapezoid and Gauss-Legendre are exact, the left sum gives S (1 - 1/m) and the right one S (1 + 1/m).
    const auto model = quadratic_model();
    const Vector x = toy::fixed_matrix(4, 1, 31);
    const double score = model.scores(x)(0, 0);
    const int m = 10;
    const auto gap = [&](IntegrationRule rule) {
        return IntegratedGradients{.steps = m, .rule = rule}.with_completeness(model, x, 0).completeness_gap;
    };
    CHECK(gap(IntegrationRule::riemann_left) == Approx(-score / m).epsilon(1e-4));
    CHECK(gap(IntegrationRule::riemann_right) == Approx(score / m).epsilon(1e-4));
    CHECK(std::abs(gap(IntegrationRule::riemann_middle)) < 1e-5 * std::abs(score) + 1e-6);
    CHECK(std::abs(gap(IntegrationRule::trapezoid)) < 1e-5 * std::abs(score) + 1e-6);
    CHECK(std::abs(gap(IntegrationRule::gauss_legendre)) < 1e-5 * std::abs(score) + 1e-6);
    const auto result = IntegratedGradients{.steps = m}.with_completeness(model, x, 0);
    CHECK(result.score_difference == Approx(score).epsilon(1e-6));
}

TEST_CASE("completeness holds within 1 % at 50 steps on a smooth network", "[methods][integrated_gradients]") {
    const toy::TanhNetwork model{2.0f * toy::fixed_matrix(8, 5, 41), toy::fixed_matrix(3, 8, 42)};
    const Vector x = 2.0f * toy::fixed_matrix(5, 1, 43);
    const Vector baseline = toy::fixed_matrix(5, 1, 44);
    for (const auto rule : {IntegrationRule::riemann_middle, IntegrationRule::trapezoid, IntegrationRule::gauss_legendre}) {
        for (Index c = 0; c < 3; ++c) {
            const auto r = IntegratedGradients{.steps = 50, .rule = rule, .baseline = baseline}.with_completeness(model, x, c);
            INFO("rule " << static_cast<int>(rule) << ", class " << c << ", S(x) - S(x') = " << r.score_difference);
            CHECK(std::abs(r.completeness_gap) <= 0.01 * std::abs(r.score_difference));
        }
    }
}

TEST_CASE("the path batch size does not change the result", "[methods][integrated_gradients]") {
    const toy::TanhNetwork model{toy::fixed_matrix(8, 5, 41), toy::fixed_matrix(3, 8, 42)};
    const Matrix inputs = toy::fixed_matrix(5, 3, 45);
    const Vector w = Target(1).weights(3);
    const Matrix reference = IntegratedGradients{.steps = 20, .batch_size = 60}.attribute_batch(model, inputs, w);
    for (const int batch_size : {1, 7, 20, 1000})
        CHECK(IntegratedGradients{.steps = 20, .batch_size = batch_size}.attribute_batch(model, inputs, w) == reference);
    for (Index j = 0; j < 3; ++j) CHECK(IntegratedGradients{.steps = 20}(model, inputs.col(j), 1) == reference.col(j));
}

TEST_CASE("integrated gradients refuses bad parameters", "[methods][integrated_gradients][errors]") {
    const toy::LinearModel model{toy::fixed_matrix(3, 6, 21)};
    const Vector x = Vector::Ones(6);
    using Catch::Matchers::Message;
    CHECK_THROWS_MATCHES(IntegratedGradients{.steps = 0}(model, x, 0), argument_error,
                         Message("path_quadrature: steps must be >= 1, got 0"));
    const IntegratedGradients one_step_trapezoid{.steps = 1, .rule = IntegrationRule::trapezoid};
    CHECK_THROWS_MATCHES(one_step_trapezoid(model, x, 0),
                         argument_error, Message("path_quadrature: the trapezoid rule needs steps >= 2, got 1"));
    CHECK_THROWS_MATCHES(IntegratedGradients{.baseline = Vector::Zero(5)}(model, x, 0), shape_error,
                         Message("integrated_gradients: baseline has 5 values, the input has 6"));
    CHECK_THROWS_MATCHES(IntegratedGradients{.batch_size = 0}(model, x, 0), argument_error,
                         Message("integrated_gradients: batch_size must be >= 1, got 0"));
    CHECK_THROWS_AS(IntegratedGradients{}(model, Vector(), 0), shape_error);
    CHECK_THROWS_AS(IntegratedGradients{}(model, x, 7), argument_error);
    CHECK_THROWS_AS(IntegratedGradients{}(toy::NanGradientModel{}, Vector::Ones(3), 0), numeric_error);
}
