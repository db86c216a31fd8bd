// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// A 3-channel PyTorch model with named layers, saved without metadata, against PyTorch's own answers.
// With one input channel (tiny_cnn) a mix-up of the HWC image layout and PyTorch's CHW cannot show; here
// scripts/make_pytorch_fixture.py checked that swapping rows and columns, permuting channels or reading a
// kernel in another axis order moves the scores or gradients by at least 1e-2 relative, far above 1e-4.
#include "smoothgrad/nn/serialization.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"

using namespace smoothgrad;

namespace {
const std::filesystem::path data_dir = std::filesystem::path(SMOOTHGRAD_TEST_DATA_DIR) / "safetensors";
const std::filesystem::path weights_path = data_dir / "rgb_named_cnn.safetensors";
const std::filesystem::path expected_path = data_dir / "rgb_named_cnn_expected.safetensors";
const std::vector<std::string> layer_names = {"conv1", "conv2", "fc"};

/// A [batch, ...] row-major tensor as a matrix with one sample per column (HWC samples stay HWC).
Matrix as_batch(const Tensor& tensor) {
    const auto batch = static_cast<Index>(tensor.shape.front());
    const auto features = static_cast<Index>(tensor.values.size()) / batch;
    return Eigen::Map<const Matrix>(tensor.values.data(), features, batch);
}

/// Largest |a - b| relative to the largest |b|: the scale-aware error used against PyTorch.
double relative_error(const Matrix& actual, const Matrix& expected) {
    REQUIRE(actual.rows() == expected.rows());
    REQUIRE(actual.cols() == expected.cols());
    return (actual - expected).cwiseAbs().maxCoeff() / expected.cwiseAbs().maxCoeff();
}
}  // namespace

TEST_CASE("a 3-channel PyTorch module with named layers agrees with PyTorch's scores and input gradients",
          "[nn][serialization][pytorch]") {
    const auto expected = read_safetensors(expected_path);
    const std::string spec = expected.metadata.at("spec");
    CHECK(spec == "input 6x6x3; conv 3x3x5 same; relu; maxpool 2; conv 3x3x4 valid; relu; flatten; dense 3");
    const auto loaded = nn::load_network(weights_path, {.spec = spec, .layer_names = layer_names});
    const nn::Sequential& net = loaded.network;
    REQUIRE(net.input_shape() == ImageShape{6, 6, 3});
    REQUIRE(net.num_classes() == 3);
    CHECK(net.to_spec() == spec);

    const Tensor& input_tensor = expected.tensors.at("inputs");
    REQUIRE(input_tensor.shape == std::vector<std::size_t>{4, 6, 6, 3});
    const Matrix inputs = as_batch(input_tensor);

    // PyTorch's scores are [batch, classes]: row-major, so each sample's scores are contiguous.
    const double scores_error = relative_error(net.scores(inputs), as_batch(expected.tensors.at("scores")));
    CAPTURE(scores_error);
    CHECK(scores_error < 1e-4);

    const Matrix vanilla = VanillaGradient{}.attribute_batch(net, inputs, Target(1).weights(3));
    const double vanilla_error = relative_error(vanilla, as_batch(expected.tensors.at("gradients_class1")));
    CAPTURE(vanilla_error);
    CHECK(vanilla_error < 1e-4);

    const Matrix guided = GuidedBackprop{}.attribute_batch(net, inputs, Target(1).weights(3));
    const double guided_error = relative_error(guided, as_batch(expected.tensors.at("guided_class1")));
    CAPTURE(guided_error);
    CHECK(guided_error < 1e-4);
}

TEST_CASE("a PyTorch file without metadata needs the spec and the layer names by hand", "[nn][serialization]") {
    const auto file = read_safetensors(weights_path);
    REQUIRE(file.metadata.empty());
    const std::string spec = read_safetensors(expected_path).metadata.at("spec");
    using Catch::Matchers::Contains;

    CHECK_THROWS_WITH(nn::load_network(file), Contains("no \"spec\" metadata"));
    // Without layer names the network looks for nn.Sequential names ("0.weight"), which this file lacks.
    CHECK_THROWS_AS(nn::load_network(file, {.spec = spec}), format_error);
    CHECK_THROWS_WITH(nn::load_network(file, {.spec = spec}), Contains("is missing"));
    // Names in another order put conv2's weights where conv1's belong: refused by shape, not loaded wrongly.
    CHECK_THROWS_WITH(nn::load_network(file, {.spec = spec, .layer_names = {"conv2", "conv1", "fc"}}),
                      Contains("the spec needs"));
    CHECK_THROWS_AS(nn::load_network(file, {.spec = spec, .layer_names = {"conv1", "conv2"}}), format_error);
}

TEST_CASE("the RGB fixture tells image layouts apart", "[nn][serialization][pytorch]") {
    // The agreement above means something only if a wrong layout would break it: the same images with their
    // channels rotated, reversed, or rows and columns swapped must miss PyTorch's scores by far more than 1e-4.
    const auto expected = read_safetensors(expected_path);
    const auto loaded =
        nn::load_network(weights_path, {.spec = expected.metadata.at("spec"), .layer_names = layer_names});
    const Matrix inputs = as_batch(expected.tensors.at("inputs"));
    const Matrix torch_scores = as_batch(expected.tensors.at("scores"));
    const auto offset = [](Index row, Index column, Index channel) { return (row * 6 + column) * 3 + channel; };
    const auto permuted = [&](auto source_of) {
        Matrix out(inputs.rows(), inputs.cols());
        for (Index r = 0; r < 6; ++r)
            for (Index c = 0; c < 6; ++c)
                for (Index k = 0; k < 3; ++k) out.row(offset(r, c, k)) = inputs.row(source_of(r, c, k));
        return out;
    };
    const Matrix rotated = permuted([&](Index r, Index c, Index k) { return offset(r, c, (k + 1) % 3); });
    const Matrix reversed = permuted([&](Index r, Index c, Index k) { return offset(r, c, 2 - k); });
    const Matrix transposed = permuted([&](Index r, Index c, Index k) { return offset(c, r, k); });
    CHECK(relative_error(loaded.network.scores(rotated), torch_scores) > 1e-2);
    CHECK(relative_error(loaded.network.scores(reversed), torch_scores) > 1e-2);
    CHECK(relative_error(loaded.network.scores(transposed), torch_scores) > 1e-2);
}
