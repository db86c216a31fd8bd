// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/serialization.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"
#include "../support/files.hpp"

using namespace smoothgrad;

namespace {
const std::filesystem::path data_dir = std::filesystem::path(SMOOTHGRAD_TEST_DATA_DIR) / "safetensors";

/// A [batch, ...] tensor as a matrix with one sample per column (row-major HWC samples stay HWC).
Matrix as_batch(const Tensor& tensor) {
    const auto batch = static_cast<Index>(tensor.shape.front());
    const auto features = static_cast<Index>(tensor.values.size()) / batch;
    return Eigen::Map<const Matrix>(tensor.values.data(), features, batch);
}

/// Largest |a - b| relative to the largest |b|: the scale-aware error used against PyTorch.
double relative_error(const Matrix& actual, const Matrix& expected) {
    return (actual - expected).cwiseAbs().maxCoeff() / expected.cwiseAbs().maxCoeff();
}
}  // namespace

TEST_CASE("a PyTorch nn.Sequential loads and agrees with PyTorch's scores and input gradients",
          "[nn][serialization][pytorch]") {
    // Both files were written by scripts/make_pytorch_fixture.py with PyTorch (see its header).
    const auto loaded = nn::load_network(data_dir / "tiny_cnn.safetensors");
    const auto expected = read_safetensors(data_dir / "tiny_cnn_expected.safetensors");
    const nn::Sequential& net = loaded.network;
    REQUIRE(net.input_shape() == ImageShape{8, 8, 1});
    REQUIRE(net.num_classes() == 5);

    const Matrix inputs = as_batch(expected.tensors.at("inputs"));
    const Matrix scores = net.scores(inputs);
    // PyTorch's scores are [batch, classes]: row-major, so each sample's scores are contiguous.
    const Matrix torch_scores = as_batch(expected.tensors.at("scores"));
    CHECK(relative_error(scores, torch_scores) < 1e-4);

    const Matrix class2 = VanillaGradient{}.attribute_batch(net, inputs, Target(2).weights(5));
    CHECK(relative_error(class2, as_batch(expected.tensors.at("gradients_class2"))) < 1e-4);
    const Matrix difference = VanillaGradient{}.attribute_batch(net, inputs, Target::difference(1, 3, 5).weights(5));
    CHECK(relative_error(difference, as_batch(expected.tensors.at("gradients_diff"))) < 1e-4);
    const Matrix guided = GuidedBackprop{}.attribute_batch(net, inputs, Target(2).weights(5));
    CHECK(relative_error(guided, as_batch(expected.tensors.at("guided_class2"))) < 1e-4);
    const Matrix deconvnet = Deconvnet{}.attribute_batch(net, inputs, Target(2).weights(5));
    CHECK(relative_error(deconvnet, as_batch(expected.tensors.at("deconvnet_class2"))) < 1e-4);
}

TEST_CASE("a saved network loads back with the same weights and metadata", "[nn][serialization]") {
    const auto original = nn::load_network(data_dir / "tiny_cnn.safetensors");
    const auto path = std::filesystem::temp_directory_path() / "smoothgrad_serialization_round_trip.safetensors";
    nn::save_network(path, original.network, {{"classes", "a,b,c,d,e"}, {"note", "round trip"}});
    const auto reloaded = nn::load_network(path);
    std::filesystem::remove(path);
    CHECK(reloaded.network.to_spec() == original.network.to_spec());
    CHECK(reloaded.metadata.at("note") == "round trip");
    CHECK(reloaded.class_names == std::vector<std::string>{"a", "b", "c", "d", "e"});
    const auto a = original.network.parameters();
    const auto b = reloaded.network.parameters();
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].name == b[i].name);
        CHECK(std::equal(a[i].data, a[i].data + a[i].size, b[i].data));
    }
}

TEST_CASE("a file without a spec loads with a spec given by hand, and named layers map in order",
          "[nn][serialization]") {
    auto file = read_safetensors(data_dir / "tiny_cnn.safetensors");
    const std::string spec = file.metadata.at("spec");
    file.metadata.clear();
    CHECK_THROWS_AS(nn::load_network(file), format_error);
    const auto by_hand = nn::load_network(file, {.spec = spec});
    CHECK(by_hand.network.to_spec() == nn::load_network(data_dir / "tiny_cnn.safetensors").network.to_spec());

    // The same weights as a module with attributes conv1, conv2 and fc.
    SafetensorsFile named;
    named.metadata["spec"] = spec;
    for (const auto& [name, tensor] : file.tensors) {
        const std::string layer = name.substr(0, name.find('.'));
        const std::string renamed = layer == "0" ? "conv1" : layer == "3" ? "conv2" : "fc";
        named.tensors[renamed + name.substr(name.find('.'))] = tensor;
    }
    const auto loaded = nn::load_network(named, {.layer_names = {"conv1", "conv2", "fc"}});
    const Matrix x = Matrix::Ones(64, 2);
    CHECK(loaded.network.scores(x) == by_hand.network.scores(x));
    // The layers with parameters take the names, for Grad-CAM's layer by name; the others keep positions.
    CHECK(loaded.network.layer_name(0) == "conv1");
    CHECK(loaded.network.layer_name(3) == "conv2");
    CHECK(loaded.network.layer_name(1) == "1");
    CHECK(loaded.network.layer_index(LayerId{std::string("fc")}) == 6);
}

TEST_CASE("weights that do not fit the spec are refused by name", "[nn][serialization][errors]") {
    const auto good = read_safetensors(data_dir / "tiny_cnn.safetensors");
    using Catch::Matchers::Contains;

    auto missing = good;
    missing.tensors.erase("3.bias");
    CHECK_THROWS_WITH(nn::load_network(missing), Contains("tensor \"3.bias\" is missing"));

    auto reshaped = good;
    reshaped.tensors["6.weight"].shape = {24, 5};
    CHECK_THROWS_WITH(nn::load_network(reshaped), Contains("tensor \"6.weight\" has shape [24, 5], the spec needs [5, 24]"));

    auto extra = good;
    extra.tensors["7.weight"] = Tensor{{1}, {0.0f}};
    CHECK_THROWS_WITH(nn::load_network(extra), Contains("tensor \"7.weight\" is not a parameter"));

    auto wrong_classes = good;
    wrong_classes.metadata["classes"] = "a,b";
    CHECK_THROWS_AS(nn::load_network(wrong_classes), format_error);

    CHECK_THROWS_AS(nn::load_network(good, {.spec = "input 8x8x1; conv 3x3x4 same; relu; flatten; dense 5"}),
                    format_error);
    CHECK_THROWS_AS(nn::load_network(data_dir / "no_such_file.safetensors"), io_error);

    // A bad spec in the file names the file and where the spec came from, then the parser's finding.
    const test_support::TempDir dir("serialization-bad-spec");
    auto bad_spec = good;
    bad_spec.metadata["spec"] = "input 8x8x1; reluu; flatten; dense 5";
    write_safetensors(dir / "bad_spec.safetensors", bad_spec);
    CHECK_THROWS_AS(nn::load_network(dir / "bad_spec.safetensors"), format_error);
    CHECK_THROWS_WITH(nn::load_network(dir / "bad_spec.safetensors"),
                      Contains("load_network(" + (dir / "bad_spec.safetensors").string() + "): the file's \"spec\" metadata: ") &&
                          Contains("parse_spec: ") && Contains("reluu"));
    CHECK_THROWS_WITH(nn::load_network(good, {.spec = "input 8x8x1; reluu"}),
                      Contains("load_network: LoadNetworkParams::spec: parse_spec: "));
}
