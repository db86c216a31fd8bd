// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/expected_gradients.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "../support/toy_models.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"

using namespace smoothgrad;

TEST_CASE("expected gradients of a linear model with one reference are w * (x - b)", "[methods][expected_gradients]") {
    // The gradient is the same everywhere, so no draw of alpha changes a sample: each is w * (x - b).
    const toy::LinearModel model{toy::fixed_matrix(3, 8, 1)};
    const Vector x = toy::fixed_matrix(8, 1, 2).col(0), b = toy::fixed_matrix(8, 1, 3).col(0);
    const ExpectedGradients eg{.references = b, .samples = 7, .batch_size = 3};
    const Vector expected = model.weights.row(2).transpose().cwiseProduct(x - b);
    CHECK((eg(model, x, 2) - expected).cwiseAbs().maxCoeff() <= 1e-6f);
}

TEST_CASE("expected gradients are the mean over the drawn baselines and path points", "[methods][expected_gradients]") {
    // S = x^T A x: the gradient at b + alpha (x - b) is 2 A (b + alpha (x - b)); the map is the mean over the
    // documented draws of (x - b_i) * that gradient, worked out here from draw().
    const Matrix a = [] {
        const Matrix m = toy::fixed_matrix(5, 5, 4);
        return Matrix(m + m.transpose());
    }();
    const toy::QuadraticModel model{a};
    const Vector x = toy::fixed_matrix(5, 1, 5).col(0);
    const Matrix references = toy::fixed_matrix(5, 4, 6);
    const ExpectedGradients eg{.references = references, .samples = 9, .batch_size = 4, .seed = 3};
    Eigen::VectorXd expected = Eigen::VectorXd::Zero(5);
    std::set<Index> used;
    for (Index i = 0; i < 9; ++i) {
        const auto [reference, alpha] = eg.draw(x, i);
        CHECK(alpha > 0.0);
        CHECK(alpha <= 1.0);
        used.insert(reference);
        const Eigen::VectorXd b = references.col(reference).cast<double>();
        const Eigen::VectorXd point = b + alpha * (x.cast<double>() - b);
        expected += (x.cast<double>() - b).cwiseProduct(2.0 * a.cast<double>() * point);
    }
    expected /= 9.0;
    CHECK(used.size() > 1);  // the draws use more than one reference
    CHECK((eg(model, x, 0).cast<double>() - expected).cwiseAbs().maxCoeff() <= 1e-5 * expected.cwiseAbs().maxCoeff());
}

TEST_CASE("expected gradients add up to S(x) - E[S(b)] as the samples grow", "[methods][expected_gradients]") {
    const toy::TanhNetwork model{toy::fixed_matrix(6, 10, 7), toy::fixed_matrix(2, 6, 8)};
    const Vector x = toy::fixed_matrix(10, 1, 9).col(0);
    const Matrix references = toy::fixed_matrix(10, 3, 10) * 0.5f;
    const ExpectedGradients eg{.references = references, .samples = 20000, .batch_size = 500};
    const Matrix scores = model.scores(x);
    const double expected = scores(1, 0) - model.scores(references).row(1).cast<double>().mean();
    const double total = eg(model, x, 1).cast<double>().sum();
    // Monte-Carlo error of 20 000 draws of (baseline, alpha): well under 2 % here.
    CHECK(std::abs(total - expected) <= 0.02 * std::abs(expected));
}

TEST_CASE("expected gradients' noise averages out around the input", "[methods][expected_gradients]") {
    // Linear model, one reference: sample i is w * (x + e_i - b), so the map is w * (x + mean e - b).
    const toy::LinearModel model{toy::fixed_matrix(2, 6, 11)};
    const Vector x = toy::fixed_matrix(6, 1, 12).col(0), b = Vector::Zero(6);
    const ExpectedGradients noisy{.references = b, .samples = 40000, .noise_stddev = 0.5, .batch_size = 1000};
    const Vector w = model.weights.row(0).transpose();
    const Vector map = noisy(model, x, 0);
    // sigma / sqrt(n) = 0.0025 per value; 5 standard errors.
    CHECK((map - w.cwiseProduct(x)).cwiseAbs().maxCoeff() <= 5 * 0.0025f * w.cwiseAbs().maxCoeff());
    const ExpectedGradients quiet{.references = b, .samples = 3};
    CHECK(map != quiet(model, x, 0));
}

TEST_CASE("expected gradients' draws follow the input, not its column or the batch size", "[methods][expected_gradients]") {
    const toy::ReluNetwork model{toy::fixed_matrix(5, 6, 13), toy::fixed_matrix(5, 1, 14), toy::fixed_matrix(2, 5, 15)};
    const Matrix inputs = toy::fixed_matrix(6, 3, 16);
    ExpectedGradients eg{.references = toy::fixed_matrix(6, 5, 17), .samples = 11, .noise_stddev = 0.1, .batch_size = 7};
    const Vector w = Vector::Unit(2, 1);
    const Matrix together = eg.attribute_batch(model, inputs, w);
    Matrix reversed(6, 3);
    reversed << inputs.col(2), inputs.col(1), inputs.col(0);
    const Matrix backwards = eg.attribute_batch(model, reversed, w);
    for (Index j = 0; j < 3; ++j) CHECK(together.col(j) == backwards.col(2 - j));
    eg.batch_size = 1;
    CHECK(eg.attribute_batch(model, inputs, w) == together);
    eg.seed = 1;
    CHECK(eg.attribute_batch(model, inputs, w) != together);
}

TEST_CASE("SmoothGrad wraps expected gradients, each noisy copy with its own draws", "[methods][expected_gradients]") {
    const toy::TanhNetwork model{toy::fixed_matrix(4, 6, 18), toy::fixed_matrix(2, 4, 19)};
    const Vector x = toy::fixed_matrix(6, 1, 20).col(0);
    const ExpectedGradients eg{.references = toy::fixed_matrix(6, 8, 21), .samples = 1};
    const SmoothGrad smooth{.method = eg, .samples = 4, .noise_stddev = 0.2, .batch_size = 2};
    // The mean of the four maps of the noisy copies, worked out from the copies SmoothGrad documents.
    Vector expected = Vector::Zero(6);
    std::set<Index> references;
    for (Index i = 0; i < 4; ++i) {
        Vector noisy(6);
        NoiseStream(0, 0, static_cast<std::uint64_t>(i)).fill_normal_float(noisy, 0.2f);
        noisy += x;
        references.insert(eg.draw(noisy, 0).reference);
        expected += eg(model, noisy, 1) / 4.0f;
    }
    CHECK(references.size() > 1);  // the copies in the two batches of two do not share draws
    CHECK((smooth(model, x, 1) - expected).cwiseAbs().maxCoeff() <= 1e-6f * expected.cwiseAbs().maxCoeff());
}

TEST_CASE("expected gradients refuse bad parameters, naming them", "[methods][expected_gradients][errors]") {
    const toy::LinearModel model{toy::fixed_matrix(1, 4, 22)};
    const Vector x = Vector::Ones(4);
    const Matrix references = Matrix::Zero(4, 2);
    CHECK_THROWS_WITH(ExpectedGradients{}(model, x, 0),
                      "expected_gradients: references must hold at least one baseline (one per column), got none");
    CHECK_THROWS_AS((ExpectedGradients{.references = Matrix::Zero(3, 2)}(model, x, 0)), shape_error);
    Matrix bad = references;
    bad(1, 1) = std::nanf("");
    CHECK_THROWS_AS((ExpectedGradients{.references = bad}(model, x, 0)), numeric_error);
    CHECK_THROWS_WITH((ExpectedGradients{.references = references, .samples = 0}(model, x, 0)),
                      "expected_gradients: samples must be >= 1, got 0");
    CHECK_THROWS_WITH((ExpectedGradients{.references = references, .noise_stddev = -1.0}(model, x, 0)),
                      "expected_gradients: noise_stddev must be finite and >= 0, got -1");
    CHECK_THROWS_WITH((ExpectedGradients{.references = references, .batch_size = 0}(model, x, 0)),
                      "expected_gradients: batch_size must be >= 1, got 0");
    CHECK_THROWS_AS(ExpectedGradients{}.draw(x, 0), argument_error);
    CHECK_THROWS_AS((ExpectedGradients{.references = Matrix::Zero(3, 2)}(toy::NanGradientModel{}, Vector::Ones(3), 0)),
                    numeric_error);
}
