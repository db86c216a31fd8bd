// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/smooth_grad.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "../support/toy_models.hpp"
#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/integrated_gradients.hpp"

using namespace smoothgrad;

namespace {
toy::QuadraticModel quadratic_model() {
    const Matrix m = toy::fixed_matrix(6, 6, 11);
    return {0.5f * (m + m.transpose())};
}
toy::ReluNetwork relu_network() {
    return {toy::fixed_matrix(12, 6, 5), toy::fixed_matrix(12, 1, 6), toy::fixed_matrix(3, 12, 7)};
}
}  // namespace

TEST_CASE("on a linear model every aggregation has a closed form", "[methods][smooth_grad]") {
    // The gradient of a linear score does not depend on the noise.
    const toy::LinearModel model{toy::fixed_matrix(3, 5, 1)};
    const Vector x = toy::fixed_matrix(5, 1, 2);
    const Vector g = model.weights.row(1).transpose();
    CHECK(SmoothGrad{.samples = 10}(model, x, 1).isApprox(g, 1e-6f));
    CHECK(SmoothGrad{.samples = 10, .aggregation = Aggregation::mean_of_squares}(model, x, 1).isApprox(g.cwiseAbs2(), 1e-6f));
    CHECK(SmoothGrad{.samples = 10, .aggregation = Aggregation::variance}(model, x, 1).cwiseAbs().maxCoeff() < 1e-10f);
}

TEST_CASE("on x^T A x SmoothGrad estimates 2 A x with an error that shrinks like sigma / sqrt(n)",
          "[methods][smooth_grad]") {
    // M(x + e) = 2 A x + 2 A e, so the sample mean misses 2 A x by 2 A e_bar, whose expected squared
    // norm is 4 sigma^2 ||A||_F^2 / n. Averaged over many seeds, the observed ratio must be ~1.
    const auto model = quadratic_model();
    const Vector x = toy::fixed_matrix(6, 1, 3);
    const Vector expected = 2.0f * model.a * x;
    const double sigma = 0.3;
    const double frobenius2 = model.a.cast<double>().squaredNorm();
    for (const int n : {4, 64}) {
        double squared_error = 0.0;
        const int seeds = 400;
        for (int seed = 0; seed < seeds; ++seed) {
            const SmoothGrad smooth{.samples = n, .noise_stddev = sigma, .seed = static_cast<std::uint64_t>(seed)};
            squared_error += (smooth(model, x, 0) - expected).cast<double>().squaredNorm();
        }
        const double predicted = 4.0 * sigma * sigma * frobenius2 / n;
        INFO("n = " << n);
        CHECK(squared_error / seeds / predicted == Approx(1.0).margin(0.15));
    }
}

TEST_CASE("VarGrad on x^T A x estimates 4 sigma^2 (A A^T)_ii", "[methods][smooth_grad]") {
    const auto model = quadratic_model();
    const Vector x = toy::fixed_matrix(6, 1, 3);
    const double sigma = 0.2;
    const Vector variance = SmoothGrad{.samples = 20000, .noise_stddev = sigma, .aggregation = Aggregation::variance,
                                       .batch_size = 500}(model, x, 0);
    const Eigen::VectorXd expected = 4.0 * sigma * sigma * (model.a * model.a.transpose()).diagonal().cast<double>();
    for (Index i = 0; i < 6; ++i) CHECK(variance[i] == Approx(expected[i]).epsilon(0.05));
}

TEST_CASE("VarGrad agrees with a two-pass variance of the same noisy maps", "[methods][smooth_grad]") {
    const auto model = relu_network();
    const Vector x = toy::fixed_matrix(6, 1, 9);
    const int n = 3000;
    const SmoothGrad vargrad{.samples = n, .noise_level = 0.2, .aggregation = Aggregation::variance, .seed = 5};
    // The same noisy inputs, rebuilt from the documented noise stream, and a two-pass variance in double.
    const double sigma = 0.2 * (x.maxCoeff() - x.minCoeff());
    std::vector<Eigen::VectorXd> maps;
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(6);
    for (int i = 0; i < n; ++i) {
        Vector noisy(6);
        NoiseStream(5, static_cast<std::uint64_t>(i)).fill_normal_float(noisy, static_cast<float>(sigma));
        noisy += x;
        maps.push_back(model.gradients(noisy, Target(0).weights(3)).cast<double>());
        mean += maps.back();
    }
    mean /= n;
    Eigen::VectorXd two_pass = Eigen::VectorXd::Zero(6);
    for (const auto& m : maps) two_pass += (m - mean).cwiseAbs2();
    two_pass /= n;
    const Vector streamed = vargrad(model, x, 0);
    for (Index i = 0; i < 6; ++i) CHECK(streamed[i] == Approx(two_pass[i]).epsilon(1e-5).margin(1e-9));
}

TEST_CASE("a seed gives bit-identical maps whatever the batch size", "[methods][smooth_grad][determinism]") {
    const auto model = relu_network();
    const Vector x = toy::fixed_matrix(6, 1, 9);
    for (const auto aggregation : {Aggregation::mean, Aggregation::mean_of_squares, Aggregation::variance}) {
        const Vector reference = SmoothGrad{.samples = 37, .aggregation = aggregation, .batch_size = 37, .seed = 3}(model, x, 2);
        for (const int batch_size : {1, 5, 16, 100}) {
            const SmoothGrad smooth{.samples = 37, .aggregation = aggregation, .batch_size = batch_size, .seed = 3};
            CHECK(smooth(model, x, 2) == reference);
        }
        CHECK(SmoothGrad{.samples = 37, .aggregation = aggregation, .seed = 4}(model, x, 2) != reference);
    }
}

TEST_CASE("each column of a batch gets the map it would get alone as input first_input + j",
          "[methods][smooth_grad]") {
    const auto model = relu_network();
    const Matrix batch = toy::fixed_matrix(6, 3, 10);
    const SmoothGrad smooth{.samples = 9, .batch_size = 4, .first_input = 20};
    const Matrix maps = smooth.attribute_batch(model, batch, Target(0).weights(3));
    for (Index j = 0; j < 3; ++j) {
        SmoothGrad alone = smooth;
        alone.first_input = 20 + static_cast<std::uint64_t>(j);
        CHECK(maps.col(j) == alone(model, batch.col(j), 0));
    }
    // A batch split in two, each part with its first global index, gives the same maps.
    SmoothGrad tail = smooth;
    tail.first_input = 21;
    const Matrix tail_maps = tail.attribute_batch(model, batch.rightCols(2), Target(0).weights(3));
    CHECK(tail_maps == maps.rightCols(2));
}

TEST_CASE("the images of a batch get independent noise", "[methods][smooth_grad]") {
    // Two copies of one image in a batch: with noise keyed by (seed, sample) alone they got the same map.
    const auto model = relu_network();
    const Vector x = toy::fixed_matrix(6, 1, 10);
    const Matrix twins = x.replicate(1, 2);
    const Matrix maps = SmoothGrad{.samples = 5, .noise_level = 0.3}.attribute_batch(model, twins, Target(1).weights(3));
    CHECK(maps.col(0) != maps.col(1));
    // Their noise is the documented stream of each input: column 1 is input 1.
    Vector expected = Vector::Zero(6);
    const double sigma = 0.3 * (x.maxCoeff() - x.minCoeff());
    for (int i = 0; i < 5; ++i) {
        Vector noisy(6);
        NoiseStream(0, 1, static_cast<std::uint64_t>(i)).fill_normal_float(noisy, static_cast<float>(sigma));
        noisy += x;
        expected += model.gradients(noisy, Target(1).weights(3)).col(0);
    }
    CHECK(maps.col(1).isApprox(expected / 5.0f, 1e-6f));
}

TEST_CASE("noise level is relative to the input's range", "[methods][smooth_grad]") {
    Vector x(4);
    x << -1.0f, 3.0f, 0.0f, 1.0f;
    CHECK(SmoothGrad{.noise_level = 0.1}.noise_sigma(x) == Approx(0.4));
    CHECK(SmoothGrad{.noise_level = 0.1, .noise_stddev = 2.0}.noise_sigma(x) == 2.0);
    // Zero noise makes SmoothGrad the plain method.
    const auto model = relu_network();
    const Vector y = toy::fixed_matrix(6, 1, 9);
    CHECK(SmoothGrad{.samples = 3, .noise_level = 0.0}(model, y, 1).isApprox(VanillaGradient{}(model, y, 1)));
}

TEST_CASE("SmoothGrad wraps integrated gradients and guided backprop", "[methods][smooth_grad]") {
    const auto model = relu_network();
    const Vector x = toy::fixed_matrix(6, 1, 12);
    // With zero noise the wrapper returns its method's map.
    const SmoothGrad<IntegratedGradients> smooth_ig{.method = {.steps = 8}, .samples = 2, .noise_level = 0.0};
    CHECK(smooth_ig(model, x, 0).isApprox(IntegratedGradients{.steps = 8}(model, x, 0)));
    const SmoothGrad<GuidedBackprop> smooth_guided{.samples = 2, .noise_level = 0.0};
    CHECK(smooth_guided(model, x, 0).isApprox(GuidedBackprop{}(model, x, 0)));
    // With noise, the mean of the method over the documented noisy inputs.
    const SmoothGrad<IntegratedGradients> noisy_ig{.method = {.steps = 8}, .samples = 3, .noise_stddev = 0.5, .seed = 2};
    Vector expected = Vector::Zero(6);
    for (int i = 0; i < 3; ++i) {
        Vector noisy(6);
        NoiseStream(2, static_cast<std::uint64_t>(i)).fill_normal_float(noisy, 0.5f);
        expected += IntegratedGradients{.steps = 8}(model, Vector(x + noisy), 0) / 3.0f;
    }
    CHECK(noisy_ig(model, x, 0).isApprox(expected, 1e-5f));
}

TEST_CASE("the progress callback counts samples up to the total", "[methods][smooth_grad]") {
    const auto model = relu_network();
    std::vector<std::pair<Index, Index>> calls;
    const SmoothGrad smooth{.samples = 10, .batch_size = 4,
                            .progress = [&](Index done, Index total) { calls.emplace_back(done, total); }};
    (void)smooth.attribute_batch(model, toy::fixed_matrix(6, 2, 1), Target(0).weights(3));
    const std::vector<std::pair<Index, Index>> expected{{4, 20}, {8, 20}, {10, 20}, {14, 20}, {18, 20}, {20, 20}};
    CHECK(calls == expected);
}

TEST_CASE("SmoothGrad refuses bad parameters with a clear message", "[methods][smooth_grad][errors]") {
    const auto model = relu_network();
    const Vector x = toy::fixed_matrix(6, 1, 9);
    using Catch::Matchers::Message;
    CHECK_THROWS_MATCHES(SmoothGrad{.samples = 0}(model, x, 0), argument_error,
                         Message("smooth_grad: samples must be >= 1, got 0"));
    CHECK_THROWS_MATCHES(SmoothGrad{.noise_level = -0.1}(model, x, 0), argument_error,
                         Message("smooth_grad: noise_level must be finite and >= 0, got -0.1"));
    CHECK_THROWS_AS(SmoothGrad{.noise_level = std::numeric_limits<double>::quiet_NaN()}(model, x, 0), argument_error);
    CHECK_THROWS_AS(SmoothGrad{.noise_stddev = -1.0}(model, x, 0), argument_error);
    CHECK_THROWS_AS(SmoothGrad{.noise_stddev = std::numeric_limits<double>::infinity()}(model, x, 0), argument_error);
    CHECK_THROWS_MATCHES(SmoothGrad{.batch_size = 0}(model, x, 0), argument_error,
                         Message("smooth_grad: batch_size must be >= 1, got 0"));
    CHECK_THROWS_MATCHES(SmoothGrad{}(model, Vector::Zero(5), 0), shape_error,
                         Message("smooth_grad: input has 5 values, the model expects 6"));
    CHECK_THROWS_AS(SmoothGrad{}(model, Vector(), 0), shape_error);
    CHECK_THROWS_AS(SmoothGrad{}(model, x, 3), argument_error);
    // The message names SmoothGrad's column and sample range, and the inner method's finding.
    CHECK_THROWS_MATCHES(SmoothGrad{.samples = 4}(toy::NanGradientModel{}, Vector::Ones(3), 0), numeric_error,
                         Message("smooth_grad: column 0, noisy samples [0, 4): vanilla_gradient: the model returned "
                                 "NaN or Inf gradients"));
}
