// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/sequential.hpp"

#include <catch2/catch.hpp>

#include "nn_test_support.hpp"
#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/nn/spec.hpp"
#include "smoothgrad/testing/gradient_check.hpp"

using namespace smoothgrad;
using nn::Sequential;

static_assert(DifferentiableModel<Sequential>, "the reference network can be explained with gradients");
static_assert(GuidedBackpropModel<Sequential>, "the reference network supports guided backprop and deconvnet");

namespace {

constexpr std::string_view small_cnn =
    "input 6x6x2; conv 3x3x3 same; relu; maxpool 2; conv 2x2x4 valid; relu; flatten; dense 5; relu; dense 3";

/// input 2; dense 3; relu; dense 1 with W1 = [[1, -1], [2, 1], [-1, 3]], b1 = (0, -1, 0),
/// W2 = [[1, -2, 0.5]], b2 = 0.25.
Sequential hand_network() {
    Sequential net = nn::parse_spec("input 2; dense 3; relu; dense 1");
    nn_test::set_parameter(net, 0, {1, -1, 2, 1, -1, 3});
    nn_test::set_parameter(net, 1, {0, -1, 0});
    nn_test::set_parameter(net, 2, {1, -2, 0.5f});
    nn_test::set_parameter(net, 3, {0.25f});
    return net;
}

}  // namespace

TEST_CASE("gradient, guided backprop and deconvnet on a tiny network, by hand", "[nn][sequential][guided]") {
    const Sequential net = hand_network();
    const Vector x{{1, 2}};
    // Hidden pre-activations W1 x + b1 = (-1, 3, 5); the gradient arriving at the ReLU is W2^T = (1, -2, 0.5).
    CHECK(net.scores(x)(0, 0) == Approx(-2 * 3 + 0.5 * 5 + 0.25));
    const Vector w{{1}};
    // gradient: mask x > 0 -> (0, -2, 0.5); W1^T (0, -2, 0.5) = (-4.5, -0.5).
    CHECK(net.gradients(x, w).col(0).isApprox(Vector{{-4.5f, -0.5f}}));
    CHECK(net.gradients(x, w, ReluRule::gradient).col(0).isApprox(Vector{{-4.5f, -0.5f}}));
    // guided: x > 0 and g > 0 -> (0, 0, 0.5); W1^T (0, 0, 0.5) = (-0.5, 1.5).
    CHECK(net.gradients(x, w, ReluRule::guided).col(0).isApprox(Vector{{-0.5f, 1.5f}}));
    // deconvnet: g > 0 -> (1, 0, 0.5); W1^T (1, 0, 0.5) = (0.5, 0.5).
    CHECK(net.gradients(x, w, ReluRule::deconvnet).col(0).isApprox(Vector{{0.5f, 0.5f}}));
    // The library's methods run on it.
    CHECK(GuidedBackprop{}.attribute_batch(net, x, w).col(0).isApprox(Vector{{-0.5f, 1.5f}}));
    CHECK(Deconvnet{}.attribute_batch(net, x, w).col(0).isApprox(Vector{{0.5f, 0.5f}}));
    // Output weights scale the gradient linearly.
    CHECK(net.gradients(x, Vector{{-2}}).col(0).isApprox(Vector{{9.0f, 1.0f}}));
}

TEST_CASE("a whole CNN's input gradients agree with finite differences", "[nn][sequential][gradient]") {
    const Sequential net = nn::parse_spec(small_cnn, 17);
    const Matrix x = nn_test::random_matrix(net.input_size(), 3, 18);
    const Vector w = nn_test::random_vector(net.num_classes(), 19);
    const auto report = testing::check_gradients(net, x, w, {.step = 1e-3});
    INFO(report);
    CHECK(report.passed);
    CHECK(report.max_abs_error < 1e-3);
}

TEST_CASE("parameters are named and shaped like a PyTorch nn.Sequential", "[nn][sequential][parameters]") {
    Sequential net =
        nn::parse_spec("input 8x8x1; conv 3x3x4 same; relu; maxpool 2; conv 3x3x6 valid; flatten; dense 5");
    const auto parameters = net.parameters();
    std::vector<std::string> names;
    for (const auto& p : parameters) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "3.weight", "3.bias", "5.weight", "5.bias"});
    CHECK(parameters[0].shape == std::vector<std::size_t>{4, 1, 3, 3});
    CHECK(parameters[2].shape == std::vector<std::size_t>{6, 4, 3, 3});
    CHECK(parameters[3].shape == std::vector<std::size_t>{6});
    CHECK(parameters[4].shape == std::vector<std::size_t>{5, 24});
    CHECK(parameters[4].size == 120);
    // The pointers are the layers' own storage.
    parameters[2].data[1 * 36 + 2 * 9 + 0 * 3 + 1] = 7.0f;  // weight[1, 2, 0, 1]
    CHECK(net.layer_as<nn::Conv2D>(3).weight()(1, 2 * 9 + 1) == 7.0f);
    const Sequential& const_net = net;
    CHECK(const_net.parameters()[2].data == parameters[2].data);
    CHECK_THROWS_AS(net.layer_as<nn::Dense>(0), argument_error);
    CHECK_THROWS_AS(net.layer_as<nn::Dense>(9), argument_error);
}

TEST_CASE("each layer's spec is the part of the spec it was parsed from", "[nn][sequential][spec]") {
    const Sequential net = nn::parse_spec("input 8x8x1; conv 3x3x4 same; relu; maxpool 2; flatten; dense 5");
    const std::vector<std::string> parts{"conv 3x3x4 same", "relu", "maxpool 2", "flatten", "dense 5"};
    for (std::size_t i = 0; i < parts.size(); ++i) CHECK(net.layer_spec(i) == parts[i]);
    CHECK_THROWS_AS(net.layer_spec(5), argument_error);
}

TEST_CASE("a Dense after a Flatten uses PyTorch's CHW feature order", "[nn][sequential][flatten]") {
    // input 1x2x2 (HWC: pixel 0 = (1, 10), pixel 1 = (2, 20)); flatten gives CHW (1, 2, 10, 20).
    Sequential net = nn::parse_spec("input 1x2x2; flatten; dense 1");
    nn_test::set_parameter(net, 0, {1, 100, 10000, 1000000});
    nn_test::set_parameter(net, 1, {0});
    const Vector x{{1, 10, 2, 20}};
    CHECK(net.scores(x)(0, 0) == Approx(1 + 200 + 100000 + 20000000));
}

TEST_CASE("construction checks that the shapes chain and names the layer", "[nn][sequential][errors]") {
    CHECK_THROWS_WITH(Sequential({4, 4, 1}, {nn::Conv2D(1, 2, 3, 3), nn::Dense(8, 2)}),
                      Catch::Contains("layer 1 (dense 2)") && Catch::Contains("2x2x2"));
    CHECK_THROWS_AS(Sequential({4, 4, 1}, {nn::Conv2D(3, 2, 3, 3)}), shape_error);
    CHECK_THROWS_WITH(Sequential({4, 4, 1}, {nn::ReLU{}, nn::Conv2D(3, 2, 3, 3)}), Catch::Contains("layer 1"));
    CHECK_THROWS_AS(Sequential({4, 4, 1}, {}), argument_error);
    CHECK_THROWS_AS(Sequential({0, 4, 1}, {nn::ReLU{}}), argument_error);
    const Sequential net = nn::parse_spec("input 4; dense 2");
    CHECK_THROWS_AS(net.scores(Matrix::Zero(3, 1)), shape_error);
    CHECK_THROWS_AS(net.gradients(Matrix::Zero(4, 1), Vector::Zero(3)), shape_error);
    CHECK(net.input_size() == 4);
    CHECK(net.num_classes() == 2);
}

TEST_CASE("calls are reentrant: interleaved batches give the results of separate calls", "[nn][sequential]") {
    const Sequential net = nn::parse_spec(small_cnn, 23);
    const Matrix a = nn_test::random_matrix(net.input_size(), 4, 24);
    const Matrix b = nn_test::random_matrix(net.input_size(), 5, 25);
    const Vector w = nn_test::random_vector(3, 26);
    const Matrix scores_a = net.scores(a);
    const Matrix gradients_a = net.gradients(a, w, ReluRule::guided);
    const Matrix gradients_b = net.gradients(b, w, ReluRule::guided);

    nn::Workspace workspace_a;
    nn::Workspace workspace_b;
    CHECK(net.forward(a, workspace_a) == scores_a);
    (void)net.forward(b, workspace_b);
    CHECK(net.scores(b).cols() == 5);  // a call in between touches neither workspace
    CHECK(net.backward_input(w.replicate(1, 5), ReluRule::guided, workspace_b) == gradients_b);
    CHECK(net.backward_input(w.replicate(1, 4), ReluRule::guided, workspace_a) == gradients_a);
    CHECK(net.gradients(a, w, ReluRule::guided) == gradients_a);
}

TEST_CASE("batches larger than a chunk give the same results per column", "[nn][sequential]") {
    Sequential net = nn::parse_spec("input 3x3x1; conv 2x2x2 valid; relu; flatten; dense 2", 3);
    net.set_threads(1);  // one thread's range holds every column, so the batch runs in two chunks
    CHECK(net.workspace_limit() == Sequential::default_workspace_limit);
    const Index n = net.chunk_columns() + 7;
    const Matrix x = nn_test::random_matrix(9, n, 4);
    const Vector w{{1, -1}};
    const Matrix scores = net.scores(x);
    const Matrix gradients = net.gradients(x, w);
    for (const Index j : {Index{0}, Index{100}, net.chunk_columns(), n - 1}) {
        const Matrix column = x.col(j);
        CHECK(net.scores(column).col(0) == scores.col(j));
        CHECK(net.gradients(column, w).col(0) == gradients.col(j));
    }
    // A limit below one column's needs runs one column at a time, with the same results.
    net.set_workspace_limit(1);
    CHECK(net.chunk_columns() == 1);
    CHECK(net.scores(x.leftCols(9)) == scores.leftCols(9));
    CHECK(net.gradients(x.leftCols(9), w) == gradients.leftCols(9));
    net.set_workspace_limit(1000);
    CHECK(net.chunk_columns() > 1);
    CHECK(net.gradients(x, w) == gradients);
    CHECK_THROWS_WITH(net.set_workspace_limit(0), Catch::Contains("set_workspace_limit"));
}

TEST_CASE("released workspaces are allocated anew with the same results", "[nn][sequential]") {
    const Sequential net = nn::parse_spec(small_cnn, 5);
    const Matrix x = nn_test::random_matrix(net.input_size(), 3, 6);
    const Vector w = nn_test::random_vector(net.num_classes(), 7);
    const Matrix gradients = net.gradients(x, w);
    net.release_workspaces();
    CHECK(net.gradients(x, w) == gradients);
    const Sequential copy = net;  // copies share the workspaces, and their release
    copy.release_workspaces();
    CHECK(net.gradients(x, w) == gradients);
}

TEST_CASE("initialization is deterministic in the seed", "[nn][sequential][init]") {
    const auto values = [](const Sequential& net) {
        std::vector<float> all;
        for (const auto& p : net.parameters()) all.insert(all.end(), p.data, p.data + p.size);
        return all;
    };
    const Sequential a = nn::parse_spec(small_cnn, 99);
    const Sequential b = nn::parse_spec(small_cnn, 99);
    const Sequential c = nn::parse_spec(small_cnn, 100);
    CHECK(values(a) == values(b));
    CHECK(values(a) != values(c));
    const Sequential zero = nn::parse_spec(small_cnn);
    for (const float v : values(zero)) REQUIRE(v == 0.0f);
}

TEST_CASE("backward passes check their arguments", "[nn][sequential][errors]") {
    const Sequential net = nn::parse_spec("input 4; dense 3; relu; dense 2", 1);
    nn::Workspace workspace;
    CHECK_THROWS_AS(net.backward_input(Matrix::Zero(2, 1), ReluRule::gradient, workspace), shape_error);
    (void)net.forward(Matrix::Zero(4, 2), workspace);
    CHECK_THROWS_AS(net.backward_input(Matrix::Zero(3, 2), ReluRule::gradient, workspace), shape_error);
    auto gradients = net.zero_gradients();
    REQUIRE(gradients.size() == 4);
    gradients.pop_back();
    CHECK_THROWS_AS(net.backward_parameters(Matrix::Zero(2, 2), workspace, gradients), shape_error);
}

TEST_CASE("a ReLU before a max pooling runs fused, bit for bit as the two layers one after the other",
          "[nn][sequential][maxpool]") {
    // 7x5 images drop a row and a column of the 2x2 windows. Inputs rounded to quarters in [-1, 1] make
    // ties, zeros and windows without a positive element common: the cases where the pooling's winner
    // in the ReLU's input and in its output could differ.
    const Sequential net = nn::parse_spec("input 7x5x9; conv 3x3x18 same; relu; maxpool 2; flatten; dense 4");
    Sequential seeded = net;
    seeded.initialize(5);
    Matrix x = nn_test::random_matrix(seeded.input_size(), 6, 31);
    x = (x * 4.0f).array().round() / 4.0f;
    const Matrix score_gradient = nn_test::random_matrix(4, 6, 32);

    // The reference: every layer's own forward and backward, in order.
    const auto& layers = seeded.layers();
    std::vector<Matrix> outputs(layers.size());
    std::vector<nn::LayerCache> caches(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const Matrix& in = i == 0 ? x : outputs[i - 1];
        std::visit([&](const auto& layer) { layer.forward(in, seeded.shape(i), outputs[i], caches[i]); }, layers[i]);
    }
    // The pooled ReLU output has zeros from windows without a positive element.
    CHECK((outputs[2].array() == 0.0f).count() > 0);
    nn::Workspace workspace;
    const Matrix fused_scores = seeded.forward(x, workspace);
    CHECK(fused_scores == outputs.back());
    CHECK(workspace.outputs[1].size() == 0);

    for (const ReluRule rule : {ReluRule::gradient, ReluRule::guided, ReluRule::deconvnet}) {
        INFO("rule " << static_cast<int>(rule));
        Matrix gradient = score_gradient;
        for (std::size_t i = layers.size(); i-- > 0;) {
            const Matrix& in = i == 0 ? x : outputs[i - 1];
            Matrix next;
            std::visit([&](const auto& layer) { layer.backward(gradient, seeded.shape(i), in, rule, caches[i], next); },
                       layers[i]);
            gradient = next;
        }
        CHECK(seeded.backward_input(score_gradient, rule, workspace) == gradient);
    }
}

TEST_CASE("layer_gradients: a layer's output and the score's gradient there, as the two halves of the network give them",
          "[nn][sequential][layer]") {
    static_assert(LayerGradientModel<Sequential>);
    // Layer 1 is a ReLU that fuses with the pooling after it; 2 is that pooling; 4 a ReLU before a Flatten;
    // 8 the last layer, whose gradient is the output weights.
    const Sequential net = nn::parse_spec(small_cnn, 41);
    const Matrix x = nn_test::random_matrix(net.input_size(), 3, 42);
    const Vector w = nn_test::random_vector(net.num_classes(), 43);
    for (const std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{4}, std::size_t{8}}) {
        INFO("layer " << k);
        const LayerGradients g = net.layer_gradients(x, w, static_cast<Index>(k));
        CHECK(g.shape == net.shape(k + 1));
        const auto& layers = net.layers();
        const Sequential head(net.input_shape(), std::vector<nn::Layer>(layers.begin(), layers.begin() + static_cast<std::ptrdiff_t>(k) + 1));
        CHECK(g.activations == head.scores(x));
        if (k + 1 == layers.size()) {
            CHECK(g.gradients == w.replicate(1, 3));
            continue;
        }
        const Sequential tail(net.shape(k + 1), std::vector<nn::Layer>(layers.begin() + static_cast<std::ptrdiff_t>(k) + 1, layers.end()));
        CHECK(g.gradients == tail.gradients(g.activations, w));
    }
    // The pass that kept the ReLU's output leaves no trace: the next calls fuse again and agree.
    CHECK(net.gradients(x, w) == nn::parse_spec(small_cnn, 41).gradients(x, w));
}

TEST_CASE("layers are found by position or name, and a wrong one is named with the layers there are",
          "[nn][sequential][layer][errors]") {
    Sequential net = nn::parse_spec("input 4x4x1; conv 3x3x2 same; relu; flatten; dense 2", 44);
    CHECK(net.layer_name(1) == "1");
    CHECK(net.layer_index(LayerId{std::string("3")}) == 3);
    net.set_layer_name(0, "conv1");
    CHECK(net.layer_index(LayerId{std::string("conv1")}) == 0);
    const Matrix x = nn_test::random_matrix(16, 1, 45);
    CHECK(net.layer_gradients(x, Vector::Ones(2), std::string("conv1")).activations ==
          net.layer_gradients(x, Vector::Ones(2), Index{0}).activations);
    CHECK_THROWS_WITH(net.layer_gradients(x, Vector::Ones(2), Index{4}),
                      "Sequential: layer index must be in [0, 4), got 4; layers: 0 conv1 (conv 3x3x2 same), 1 (relu), "
                      "2 (flatten), 3 (dense 2)");
    CHECK_THROWS_WITH(net.layer_index(LayerId{std::string("conv2")}),
                      Catch::Matchers::StartsWith("Sequential: no layer is named 'conv2'; layers: 0 conv1"));
    CHECK_THROWS_WITH(net.set_layer_name(2, "conv1"), "Sequential::set_layer_name: layer 0 is already named 'conv1'");
    CHECK_THROWS_AS(net.set_layer_name(2, ""), argument_error);
    CHECK_THROWS_AS(net.layer_gradients(x, Vector::Ones(3), Index{0}), shape_error);
}
