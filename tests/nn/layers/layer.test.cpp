// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/layer.hpp"

#include <catch2/catch.hpp>

using namespace smoothgrad;

static_assert(nn::ParameterizedLayer<nn::Conv2D>, "Conv2D has a weight and a bias");
static_assert(nn::ParameterizedLayer<nn::Dense>, "Dense has a weight and a bias");
static_assert(!nn::ParameterizedLayer<nn::ReLU>, "ReLU has no parameters");
static_assert(!nn::ParameterizedLayer<nn::MaxPool2D>, "MaxPool2D has no parameters");
static_assert(!nn::ParameterizedLayer<nn::Flatten>, "Flatten has no parameters");

TEST_CASE("every layer type prints its spec item through the variant", "[nn][layer]") {
    const std::vector<nn::Layer> layers{nn::Conv2D(1, 8, 5, 5, nn::Padding::same), nn::ReLU{}, nn::MaxPool2D(2),
                                        nn::Flatten{}, nn::Dense(4, 3)};
    std::vector<std::string> specs;
    for (const auto& layer : layers) specs.push_back(std::visit([](const auto& l) { return l.spec(); }, layer));
    CHECK(specs == std::vector<std::string>{"conv 5x5x8 same", "relu", "maxpool 2", "flatten", "dense 3"});
}

TEST_CASE("reset_parameters draws PyTorch's default bounds from the stream", "[nn][layer][init]") {
    nn::Dense dense(16, 8);  // bound 1/sqrt(16) = 0.25
    NoiseStream noise(5, 0);
    dense.reset_parameters(noise);
    CHECK(dense.weight().cwiseAbs().maxCoeff() <= 0.25f);
    CHECK(dense.bias().cwiseAbs().maxCoeff() <= 0.25f);
    CHECK(dense.weight().cwiseAbs().maxCoeff() > 0.2f);  // 128 draws fill the range
    nn::Conv2D conv(4, 2, 3, 3);                         // fan_in 36: bound 1/6
    conv.reset_parameters(noise);
    CHECK(conv.weight().cwiseAbs().maxCoeff() <= 1.0f / 6.0f);
    CHECK(conv.weight().cwiseAbs().maxCoeff() > 0.12f);
}
