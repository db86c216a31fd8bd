// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/gradient_penalty.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "../support/files.hpp"
#include "nn_test_support.hpp"
#include "smoothgrad/io/safetensors.hpp"
#include "smoothgrad/nn/serialization.hpp"
#include "smoothgrad/nn/spec.hpp"
#include "smoothgrad/nn/training.hpp"

using namespace smoothgrad;
using nn::InputGradientPenalty;

namespace {

using DoubleMatrix = Eigen::MatrixXd;
using DoubleVector = Eigen::VectorXd;

/// Every parameter of the network, flattened in parameters() order.
std::vector<float> flat_parameters(const nn::Sequential& net) {
    std::vector<float> values;
    for (const auto& parameter : net.parameters()) values.insert(values.end(), parameter.data, parameter.data + parameter.size);
    return values;
}

std::vector<float> flat(const nn::ParameterGradients& gradients) {
    std::vector<float> values;
    for (const auto& g : gradients) values.insert(values.end(), g.data(), g.data() + g.size());
    return values;
}

/// sum over 4-neighbour pairs of a 1-channel h x w image of (g_p - g_q)^2, written out independently of
/// the library.
double neighbour_penalty(const DoubleVector& g, Index h, Index w) {
    double total = 0.0;
    for (Index y = 0; y < h; ++y)
        for (Index x = 0; x < w; ++x) {
            if (x + 1 < w) total += std::pow(g[y * w + x] - g[y * w + x + 1], 2);
            if (y + 1 < h) total += std::pow(g[y * w + x] - g[(y + 1) * w + x], 2);
        }
    return total;
}

/// The exact weight gradient of scale * sum_j P(dS_y/dx_j) for a ReLU MLP (dense, relu, dense, relu, dense)
/// with each unit's state frozen at x_j, which is the derivative almost everywhere. With the states frozen,
/// g = W1^T D1 W2^T D2 W3^T e_y is linear in each weight, so P is quadratic in each one and a central
/// difference of P in double is exact up to rounding (about 1e-9 here).
std::vector<double> exact_mlp_penalty_gradient(const nn::Sequential& net, const Matrix& batch,
                                               const std::vector<int>& labels, InputGradientPenalty kind,
                                               double scale) {
    const auto parameters = net.parameters();
    REQUIRE(parameters.size() == 6);
    std::vector<DoubleMatrix> weights;
    std::vector<DoubleVector> biases;
    for (std::size_t k = 0; k < 6; k += 2) {
        const Index out = static_cast<Index>(parameters[k + 1].size);
        const Index in = static_cast<Index>(parameters[k].size) / out;
        weights.push_back(Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                              parameters[k].data, out, in)
                              .cast<double>());
        biases.push_back(Eigen::Map<const Vector>(parameters[k + 1].data, out).cast<double>());
    }
    const ImageShape shape = net.input_shape();
    // The unit states of every column, from the unperturbed weights.
    std::vector<std::array<DoubleVector, 2>> masks;
    for (Index j = 0; j < batch.cols(); ++j) {
        const DoubleVector z1 = weights[0] * batch.col(j).cast<double>() + biases[0];
        const DoubleVector z2 = weights[1] * z1.cwiseMax(0.0) + biases[1];
        masks.push_back({(z1.array() > 0).cast<double>().matrix(), (z2.array() > 0).cast<double>().matrix()});
    }
    const auto objective = [&](const std::vector<DoubleMatrix>& w) {
        double total = 0.0;
        for (Index j = 0; j < batch.cols(); ++j) {
            const DoubleVector top = w[2].row(labels[static_cast<std::size_t>(j)]).transpose();
            const DoubleVector g = w[0].transpose() * masks[static_cast<std::size_t>(j)][0].cwiseProduct(
                                                          w[1].transpose() * masks[static_cast<std::size_t>(j)][1].cwiseProduct(top));
            total += kind == InputGradientPenalty::squared_norm ? g.squaredNorm()
                                                                 : neighbour_penalty(g, shape.height, shape.width);
        }
        return scale * total;
    };
    std::vector<double> result;
    const double step = 1e-4;
    for (std::size_t m = 0; m < 3; ++m) {
        DoubleMatrix gradient(weights[m].rows(), weights[m].cols());
        for (Index r = 0; r < gradient.rows(); ++r)
            for (Index c = 0; c < gradient.cols(); ++c) {
                std::vector<DoubleMatrix> plus = weights, minus = weights;
                plus[m](r, c) += step;
                minus[m](r, c) -= step;
                gradient(r, c) = (objective(plus) - objective(minus)) / (2 * step);
            }
        for (Index r = 0; r < gradient.rows(); ++r)
            for (Index c = 0; c < gradient.cols(); ++c) result.push_back(gradient(r, c));
        // With the states frozen, the biases do not enter g.
        result.insert(result.end(), static_cast<std::size_t>(biases[m].size()), 0.0);
    }
    return result;
}

/// Largest |a - b| over the elements, and the largest |b|.
std::pair<double, double> compare(const std::vector<float>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double error = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        error = std::max(error, std::abs(static_cast<double>(a[i]) - b[i]));
        scale = std::max(scale, std::abs(b[i]));
    }
    return {error, scale};
}

std::vector<int> cycling_labels(Index n, int classes) {
    std::vector<int> labels(static_cast<std::size_t>(n));
    for (std::size_t j = 0; j < labels.size(); ++j) labels[j] = static_cast<int>(j % static_cast<std::size_t>(classes));
    return labels;
}

}  // namespace

TEST_CASE("the penalties and their directions, worked by hand", "[nn][penalty]") {
    // A 2x2 image, g at (0,0) (0,1) (1,0) (1,1) = 1 2 3 5.
    const Vector g = (Vector(4) << 1, 2, 3, 5).finished();
    const ImageShape square{2, 2, 1};
    CHECK(nn::penalty_value(g, square, InputGradientPenalty::none) == 0.0);
    CHECK(nn::penalty_value(g, square, InputGradientPenalty::squared_norm) == 39.0);
    // pairs: (1-2)^2 + (1-3)^2 + (2-5)^2 + (3-5)^2
    CHECK(nn::penalty_value(g, square, InputGradientPenalty::neighbour_differences) == 18.0);
    Vector u(4);
    nn::penalty_direction(g, square, InputGradientPenalty::neighbour_differences, u);
    CHECK(u == (Vector(4) << -3, -2, 0, 5).finished());  // the graph Laplacian times g
    nn::penalty_direction(g, square, InputGradientPenalty::squared_norm, u);
    CHECK(u == g);

    // Two channels never mix: a 1x2 image of 2 channels pairs channel 0 with 0 and 1 with 1.
    const Vector two = (Vector(4) << 1, 10, 4, 30).finished();
    CHECK(nn::penalty_value(two, ImageShape{1, 2, 2}, InputGradientPenalty::neighbour_differences) == 9.0 + 400.0);

    CHECK_THROWS_AS(nn::penalty_value(g, ImageShape{3, 3, 1}, InputGradientPenalty::squared_norm), shape_error);
}

TEST_CASE("the penalty direction is half the penalty's gradient", "[nn][penalty]") {
    const ImageShape shape{3, 4, 2};
    const Vector g = nn_test::random_vector(shape.size(), 5);
    for (const auto kind : {InputGradientPenalty::squared_norm, InputGradientPenalty::neighbour_differences}) {
        Vector u(g.size());
        nn::penalty_direction(g, shape, kind, u);
        // P is quadratic: a central difference is exact up to rounding.
        for (Index i = 0; i < g.size(); ++i) {
            Vector plus = g, minus = g;
            plus[i] += 0.25f;
            minus[i] -= 0.25f;
            const double numeric = (nn::penalty_value(plus, shape, kind) - nn::penalty_value(minus, shape, kind)) / 0.5;
            CHECK(numeric == Approx(2.0 * u[i]).margin(1e-5));
        }
    }
}

TEST_CASE("the penalty gradient matches the exact one on ReLU MLPs, also next to a kink", "[nn][penalty]") {
    // Stated tolerance: max |difference| <= 1e-5 of the largest exact value, over every weight (about 1e-7
    // is measured: float rounding).
    const Matrix batch = nn_test::random_matrix(16, 6, 11, 0.0f, 1.0f);
    const std::vector<int> labels = cycling_labels(6, 3);
    for (const auto kind : {InputGradientPenalty::squared_norm, InputGradientPenalty::neighbour_differences}) {
        for (const std::uint64_t seed : {1u, 2u, 3u}) {
            nn::Sequential net = nn::parse_spec("input 4x4x1; flatten; dense 12; relu; dense 8; relu; dense 3", seed);
            if (seed == 3) {
                // Put the first hidden unit of column 0 a hair above its kink: any step along the penalty's
                // direction would switch it, the exact derivative must not care.
                const auto parameters = net.parameters();
                const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> w(
                    parameters[0].data, 12, 16);
                parameters[1].data[0] = -(w.row(0) * batch.col(0))(0) + 1e-6f;
                REQUIRE(std::abs((w.row(0) * batch.col(0))(0) + parameters[1].data[0]) < 1e-5f);
            }
            const double scale = 0.7 / 6.0;
            nn::Workspace workspace;
            nn::PenaltyScratch scratch;
            nn::ParameterGradients gradients = net.zero_gradients();
            const double total = nn::penalty_gradients(net, batch, labels, {.kind = kind, .weight = 0.7}, scale,
                                                       workspace, scratch, gradients);
            const std::vector<double> exact = exact_mlp_penalty_gradient(net, batch, labels, kind, scale);
            const auto [error, largest] = compare(flat(gradients), exact);
            INFO("penalty " << static_cast<int>(kind) << ", seed " << seed << ": max error " << error << ", largest "
                            << largest << ", sum of P " << total);
            CHECK(total > 0.0);
            CHECK(largest > 0.0);
            CHECK(error <= 1e-5 * largest);
        }
    }
}

TEST_CASE("the penalty gradient matches PyTorch's double backward on a small CNN",
          "[nn][penalty][pytorch]") {
    // scripts/make_pytorch_fixture.py: PyTorch's exact weight gradient of mean_j P(dS_{label_j}/dx_j) in float64,
    // for a CNN with two convolutions, max pooling and a dense layer whose inputs lie clear of every kink.
    // Stated tolerance: 1e-5 of the largest value (about 1e-7 is measured).
    const auto dir = std::filesystem::path(SMOOTHGRAD_TEST_DATA_DIR) / "safetensors";
    const nn::Sequential net = nn::load_network(dir / "tiny_cnn.safetensors").network;
    const auto expected = read_safetensors(dir / "tiny_cnn_expected.safetensors").tensors;
    const Tensor& inputs = expected.at("inputs");
    const auto batch = static_cast<Index>(inputs.shape.front());
    const Matrix x = Eigen::Map<const Matrix>(inputs.values.data(), net.input_size(), batch);
    std::vector<int> labels;
    for (const float label : expected.at("penalty_labels").values) labels.push_back(static_cast<int>(label));
    REQUIRE(static_cast<Index>(labels.size()) == batch);
    for (const auto& [kind, key] : {std::pair{InputGradientPenalty::squared_norm, "norm"},
                                    std::pair{InputGradientPenalty::neighbour_differences, "neighbour"}}) {
        nn::Workspace workspace;
        nn::PenaltyScratch scratch;
        nn::ParameterGradients gradients = net.zero_gradients();
        const double total = nn::penalty_gradients(net, x, labels, {.kind = kind, .weight = 1.0},
                                                   1.0 / static_cast<double>(batch), workspace, scratch, gradients);
        const double torch_mean = expected.at(std::string("penalty_") + key + "_mean").values.front();
        CHECK(total / static_cast<double>(batch) == Approx(torch_mean).epsilon(1e-4));
        std::vector<double> reference;
        for (const auto& parameter : net.parameters()) {
            const std::vector<float>& values = expected.at(std::string("penalty_") + key + "/" + parameter.name).values;
            REQUIRE(values.size() == parameter.size);
            reference.insert(reference.end(), values.begin(), values.end());
        }
        const auto [error, largest] = compare(flat(gradients), reference);
        INFO("penalty " << key << ": max error " << error << ", largest " << largest);
        CHECK(largest > 0.0);
        CHECK(error <= 1e-5 * largest);
    }
}

TEST_CASE("the penalty gradient matches differences of the penalty on a small CNN",
          "[nn][penalty]") {
    // The reference: lambda * mean_j P(dS_y/dx_j) as a function of each weight, from the network's own input
    // gradients, by central differences of step 1e-3 in float. Stated tolerance: 2e-3 of the largest value
    // (about 4e-6 is measured, the reference's own float rounding).
    const Matrix batch = nn_test::random_matrix(6 * 6, 4, 21, 0.0f, 1.0f);
    const std::vector<int> labels = cycling_labels(4, 3);
    for (const auto kind : {InputGradientPenalty::squared_norm, InputGradientPenalty::neighbour_differences}) {
        nn::Sequential net = nn::parse_spec("input 6x6x1; conv 3x3x3 same; relu; maxpool 2; flatten; dense 3", 4);
        const double weight = 0.5;
        const auto objective = [&] {
            Matrix unit = Matrix::Zero(3, batch.cols());
            for (Index j = 0; j < batch.cols(); ++j) unit(labels[static_cast<std::size_t>(j)], j) = 1.0f;
            nn::Workspace workspace;
            (void)net.forward(batch, workspace);
            const Matrix g = net.backward_input(unit, ReluRule::gradient, workspace);
            double total = 0.0;
            for (Index j = 0; j < g.cols(); ++j) total += nn::penalty_value(g.col(j), net.input_shape(), kind);
            return weight * total / static_cast<double>(batch.cols());
        };
        nn::Workspace workspace;
        nn::PenaltyScratch scratch;
        nn::ParameterGradients gradients = net.zero_gradients();
        (void)nn::penalty_gradients(net, batch, labels, {.kind = kind, .weight = weight},
                                    weight / static_cast<double>(batch.cols()), workspace, scratch, gradients);
        std::vector<double> numeric;
        for (auto& parameter : net.parameters()) {
            for (std::size_t i = 0; i < parameter.size; ++i) {
                const float original = parameter.data[i];
                parameter.data[i] = original + 1e-3f;
                const double plus = objective();
                parameter.data[i] = original - 1e-3f;
                const double minus = objective();
                parameter.data[i] = original;
                numeric.push_back((plus - minus) / (static_cast<double>(original + 1e-3f) - (original - 1e-3f)));
            }
        }
        const auto [error, largest] = compare(flat(gradients), numeric);
        INFO("penalty " << static_cast<int>(kind) << ": max error " << error << ", largest " << largest);
        CHECK(largest > 0.0);
        CHECK(error <= 2e-3 * largest);
    }
}

TEST_CASE("training with a gradient penalty shrinks what it penalizes", "[nn][penalty][training]") {
    const Matrix images = nn_test::random_matrix(5 * 5, 96, 31, 0.0f, 1.0f);
    std::vector<int> labels(96);
    for (Index j = 0; j < 96; ++j) labels[static_cast<std::size_t>(j)] = images.col(j).head(12).sum() > images.col(j).tail(12).sum() ? 1 : 0;
    for (const auto kind : {InputGradientPenalty::squared_norm, InputGradientPenalty::neighbour_differences}) {
        const auto train = [&](double weight) {
            nn::Sequential net = nn::parse_spec("input 5x5x1; conv 3x3x4 same; relu; flatten; dense 2", 6);
            nn::Adam adam({.learning_rate = 0.01});
            double penalty = 0.0;
            for (std::uint64_t epoch = 0; epoch < 30; ++epoch)
                (void)nn::train_epoch(net, images, labels,
                                      {.batch_size = 32, .seed = 2, .epoch = epoch, .penalty = {.kind = kind, .weight = weight}},
                                      adam, &penalty);
            // The penalty of the trained network, measured afresh.
            nn::Workspace workspace;
            nn::PenaltyScratch scratch;
            nn::ParameterGradients unused = net.zero_gradients();
            return nn::penalty_gradients(net, images, labels, {.kind = kind, .weight = 1.0}, 0.0, workspace, scratch,
                                         unused) /
                   96.0;
        };
        const double plain = train(0.0), penalized = train(1.0);
        INFO("penalty " << static_cast<int>(kind) << ": mean P " << plain << " without, " << penalized << " with");
        CHECK(penalized < 0.5 * plain);
    }
}

TEST_CASE("penalized training reports its penalty and gives bit-identical weights on any number of threads",
          "[nn][penalty][determinism]") {
    const Matrix images = nn_test::random_matrix(8 * 8, 70, 41, 0.0f, 1.0f);
    const std::vector<int> labels = cycling_labels(70, 3);
    const auto train = [&](int threads, double* penalty) {
        nn::Sequential net = nn::parse_spec("input 8x8x1; conv 3x3x4 same; relu; maxpool 2; flatten; dense 3", 7);
        net.set_threads(threads);
        net.set_min_work_per_thread(0);
        nn::Adam adam({.threads = threads});
        const nn::GradientPenalty penalty_kind{.kind = InputGradientPenalty::neighbour_differences, .weight = 0.1};
        (void)nn::train_epoch(net, images, labels, {.batch_size = 70, .seed = 3, .penalty = penalty_kind}, adam, penalty);
        return flat_parameters(net);
    };
    double penalty = -1.0;
    const std::vector<float> one = train(1, &penalty);
    CHECK(penalty > 0.0);
    CHECK(train(2, nullptr) == one);
    CHECK(train(3, nullptr) == one);
}

TEST_CASE("a penalty with a negative or infinite weight is refused by name", "[nn][penalty][errors]") {
    nn::Sequential net = nn::parse_spec("input 2; dense 2", 1);
    nn::Adam adam;
    const Matrix x = Matrix::Zero(2, 2);
    const std::vector<int> labels{0, 1};
    CHECK_THROWS_WITH(nn::train_epoch(net, x, labels,
                                      {.penalty = {.kind = InputGradientPenalty::squared_norm, .weight = -1.0}}, adam),
                      Catch::Contains("train_epoch") && Catch::Contains("penalty weight") && Catch::Contains("-1"));
    CHECK_THROWS_WITH(nn::train_epoch(net, x, labels,
                                      {.penalty = {.kind = InputGradientPenalty::neighbour_differences,
                                                   .weight = std::numeric_limits<double>::infinity()}},
                                      adam),
                      Catch::Contains("penalty weight must be finite"));
    nn::Workspace workspace;
    nn::PenaltyScratch scratch;
    nn::ParameterGradients gradients = net.zero_gradients();
    CHECK_THROWS_AS(nn::penalty_gradients(net, x, std::vector<int>{0}, {}, 1.0, workspace, scratch, gradients),
                    shape_error);
    CHECK_THROWS_WITH(nn::penalty_gradients(net, x, std::vector<int>{0, 2}, {}, 1.0, workspace, scratch, gradients),
                      Catch::Contains("label 1"));
    // The directional pass checks its directions against the forward pass's batch.
    (void)net.forward(x, workspace);
    CHECK_THROWS_WITH(net.directional_parameter_gradients(Matrix::Ones(2, 2), Matrix::Ones(2, 3), workspace, gradients),
                      Catch::Contains("directional_parameter_gradients") && Catch::Contains("2 x 3"));
}
