// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/training.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "nn_test_support.hpp"
#include "smoothgrad/nn/spec.hpp"
#include "smoothgrad/testing/gradient_check.hpp"

using namespace smoothgrad;

namespace {

/// 4x4 images of two classes: class 0 is bright on the left half, class 1 on the right half.
struct Halves {
    Matrix images;
    std::vector<int> labels;
};

Halves halves(Index n, std::uint64_t seed) {
    Halves data{nn_test::random_matrix(16, n, seed, 0.0f, 0.3f), std::vector<int>(static_cast<std::size_t>(n))};
    for (Index j = 0; j < n; ++j) {
        const int label = static_cast<int>(j % 2);
        data.labels[static_cast<std::size_t>(j)] = label;
        for (Index y = 0; y < 4; ++y)
            for (Index x = 0; x < 2; ++x) data.images(y * 4 + x + 2 * label, j) += 0.7f;
    }
    return data;
}

}  // namespace

TEST_CASE("shuffled_indices is a seeded permutation", "[nn][training][shuffle]") {
    const auto order = nn::shuffled_indices(1000, 5, 0);
    std::vector<Index> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<Index> identity(1000);
    std::iota(identity.begin(), identity.end(), Index{0});
    CHECK(sorted == identity);
    CHECK(order != identity);
    CHECK(nn::shuffled_indices(1000, 5, 0) == order);
    CHECK(nn::shuffled_indices(1000, 5, 1) != order);
    CHECK(nn::shuffled_indices(1000, 6, 0) != order);
    CHECK(nn::shuffled_indices(0, 5, 0).empty());
    CHECK(nn::shuffled_indices(1, 5, 0) == std::vector<Index>{0});
}

TEST_CASE("training parameter gradients agree with finite differences of the loss", "[nn][training][gradient]") {
    nn::Sequential net = nn::parse_spec(
        "input 6x6x2; conv 3x3x3 same; relu; maxpool 2; conv 2x2x4 valid; relu; flatten; dense 5; relu; dense 3", 71);
    const Matrix x = nn_test::random_matrix(net.input_size(), 4, 72);
    const std::vector<int> labels{0, 2, 1, 2};
    nn::Workspace workspace;
    Matrix score_gradient;
    (void)nn::softmax_cross_entropy(net.forward(x, workspace), labels, score_gradient);
    auto gradients = net.zero_gradients();
    net.backward_parameters(score_gradient, workspace, gradients);
    const auto loss = [&] {
        Matrix unused;
        return nn::softmax_cross_entropy(net.scores(x), labels, unused);
    };
    auto parameters = net.parameters();
    REQUIRE(parameters.size() == 8);
    for (std::size_t k = 0; k < parameters.size(); ++k) {
        const auto report =
            testing::check_function_gradient(loss, parameters[k].values(), {gradients[k].data(), parameters[k].size},
                                             {.step = 2e-4, .abs_tolerance = 1e-4});
        INFO(parameters[k].name << ": " << report);
        CHECK(report.passed);
    }
}

TEST_CASE("training on a separable problem lowers the loss and learns it", "[nn][training]") {
    const Halves data = halves(64, 3);
    nn::Sequential net = nn::parse_spec("input 4x4x1; conv 3x3x4 same; relu; maxpool 2; flatten; dense 2", 4);
    nn::Adam adam({.learning_rate = 0.01});
    std::vector<double> losses;
    for (std::uint64_t epoch = 0; epoch < 15; ++epoch)
        losses.push_back(
            nn::train_epoch(net, data.images, data.labels, {.batch_size = 8, .seed = 5, .epoch = epoch}, adam));
    INFO("first loss " << losses.front() << ", last loss " << losses.back());
    CHECK(losses.back() < 0.5 * losses.front());
    CHECK(adam.steps() == 15 * 8);
    const Halves test = halves(40, 9);
    CHECK(nn::accuracy(net, test.images, test.labels) == 1.0);
    CHECK(nn::predict(net, test.images) == test.labels);
}

TEST_CASE("SGD trains too, with Eigen labels and input noise", "[nn][training]") {
    const Halves data = halves(32, 13);
    const Eigen::VectorXi labels = Eigen::Map<const Eigen::VectorXi>(data.labels.data(), 32);
    nn::Sequential net = nn::parse_spec("input 16; dense 8; relu; dense 2", 14);
    nn::Sgd sgd({.learning_rate = 0.05});
    const nn::TrainParams params{.batch_size = 5, .seed = 6, .input_noise_stddev = 0.05};
    const double first = nn::train_epoch(net, data.images, labels, params, sgd);
    double last = first;
    for (std::uint64_t epoch = 1; epoch < 20; ++epoch) {
        nn::TrainParams next = params;
        next.epoch = epoch;
        last = nn::train_epoch(net, data.images, labels, next, sgd);
    }
    CHECK(last < first);
    CHECK(nn::accuracy(net, data.images, labels, 7) == 1.0);
}

TEST_CASE("training is deterministic in its seed, and the noise changes it", "[nn][training]") {
    const Halves data = halves(20, 23);
    const auto train = [&](double noise, std::uint64_t seed) {
        nn::Sequential net = nn::parse_spec("input 16; dense 4; relu; dense 2", 1);
        nn::Adam adam;
        (void)nn::train_epoch(net, data.images, data.labels,
                              {.batch_size = 6, .seed = seed, .input_noise_stddev = noise}, adam);
        return Vector(Eigen::Map<const Vector>(net.parameters()[0].data, 64));
    };
    CHECK(train(0.1, 1) == train(0.1, 1));
    CHECK(train(0.1, 1) != train(0.0, 1));
    CHECK(train(0.0, 1) != train(0.0, 2));  // another shuffle
}

TEST_CASE("accuracy counts the columns whose top score is the label", "[nn][training]") {
    nn::Sequential net = nn::parse_spec("input 2; dense 2");
    nn_test::set_parameter(net, 0, {1, 0, 0, 1});  // scores = input
    Matrix x(2, 4);
    x << 1, 0, 3, 2,  //
        0, 1, 1, 5;
    CHECK(nn::accuracy(net, x, std::vector<int>{0, 1, 1, 1}) == 0.75);
    CHECK(nn::accuracy(net, x, std::vector<int>{0, 1, 0, 1}, 3) == 1.0);
}

TEST_CASE("training checks its data and settings", "[nn][training][errors]") {
    nn::Sequential net = nn::parse_spec("input 2; dense 2", 1);
    nn::Adam adam;
    const Matrix x = Matrix::Zero(2, 3);
    CHECK_THROWS_AS(nn::train_epoch(net, x, std::vector<int>{0, 1}, {}, adam), shape_error);
    CHECK_THROWS_WITH(nn::train_epoch(net, x, std::vector<int>{0, 1, 2}, {}, adam), Catch::Contains("label 2"));
    CHECK_THROWS_AS(nn::train_epoch(net, x, std::vector<int>{0, 1, 1}, {.batch_size = 0}, adam), argument_error);
    CHECK_THROWS_AS(nn::train_epoch(net, Matrix::Zero(3, 3), std::vector<int>{0, 1, 1}, {}, adam), shape_error);
    CHECK_THROWS_AS(nn::accuracy(net, x, std::vector<int>{0, 1, 1}, 0), argument_error);
}

TEST_CASE("an epoch gives bit-identical weights on any number of threads", "[nn][training][determinism]") {
    // 70 images make three parts of a mini-batch (32, 32 and 6 columns); the Dense weight (over
    // 600 000 values) is large enough for the gradient sum and the Adam step to run on several threads;
    // the second convolution (8 -> 8 channels) computes its weight gradient by Winograd's transform.
    const Matrix images = nn_test::random_matrix(12 * 12 * 2, 70, 41, 0.0f, 1.0f);
    std::vector<int> labels(70);
    for (std::size_t j = 0; j < labels.size(); ++j) labels[j] = static_cast<int>(j % 3);
    const auto train = [&](int threads) {
        nn::Sequential net = nn::parse_spec("input 12x12x2; conv 3x3x8 same; relu; conv 3x3x8 same; relu; maxpool 2; "
                                            "flatten; dense 2100; relu; dense 3",
                                            7);
        net.set_threads(threads);
        net.set_min_work_per_thread(0);  // every part worth a thread
        nn::Adam adam({.threads = threads});
        for (std::uint64_t epoch = 0; epoch < 2; ++epoch)
            (void)nn::train_epoch(net, images, labels, {.batch_size = 70, .seed = 3, .epoch = epoch}, adam);
        std::vector<float> values;
        for (const auto& parameter : net.parameters())
            values.insert(values.end(), parameter.data, parameter.data + parameter.size);
        return values;
    };
    const std::vector<float> one = train(1);
    CHECK(train(2) == one);
    CHECK(train(3) == one);
}

TEST_CASE("epochs reuse the network's workspaces without carrying anything over", "[nn][training]") {
    const Matrix images = nn_test::random_matrix(6 * 6 * 1, 40, 43, 0.0f, 1.0f);
    std::vector<int> labels(40);
    for (std::size_t j = 0; j < labels.size(); ++j) labels[j] = static_cast<int>(j % 2);
    const auto train = [&](bool release_between) {
        nn::Sequential net = nn::parse_spec("input 6x6x1; conv 3x3x4 same; relu; flatten; dense 2", 3);
        nn::Adam adam;
        for (std::uint64_t epoch = 0; epoch < 3; ++epoch) {
            (void)nn::train_epoch(net, images, labels, {.batch_size = 40, .seed = 1, .epoch = epoch}, adam);
            if (release_between) net.release_workspaces();
            (void)net.gradients(images.leftCols(3), Vector::Ones(2));  // other calls share the workspaces
        }
        std::vector<float> values;
        for (const auto& parameter : net.parameters())
            values.insert(values.end(), parameter.data, parameter.data + parameter.size);
        return values;
    };
    CHECK(train(false) == train(true));
}
