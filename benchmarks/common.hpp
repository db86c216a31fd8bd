// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// What the benchmark programs share: the two networks of the issue, their FLOP counts and the images.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "smoothgrad/io/idx.hpp"
#include "smoothgrad/nn/nn.hpp"
#include "smoothgrad/nn/serialization.hpp"

namespace bench {

using smoothgrad::Index;
using smoothgrad::Matrix;
using smoothgrad::nn::Sequential;

/// The small CNN and the SmoothGrad paper's MNIST network (examples/train_fashion_mnist.cpp).
inline constexpr std::string_view small_spec =
    "input 28x28x1; conv 3x3x16 same; relu; maxpool 2; conv 3x3x32 same; relu; maxpool 2; flatten; dense 128; "
    "relu; dense 10";
inline constexpr std::string_view tf_tutorial_spec =
    "input 28x28x1; conv 5x5x32 same; relu; maxpool 2; conv 5x5x64 same; relu; maxpool 2; flatten; dense 1024; "
    "relu; dense 10";

/// The shipped small model when it exists, else seeded weights; the TF-tutorial CNN with seeded weights.
inline Sequential load_model(std::string_view name) {
    const std::filesystem::path shipped =
        std::filesystem::path(SMOOTHGRAD_MODELS_DIR) / "fashion_mnist_cnn.safetensors";
    if (name == "small") {
        if (std::filesystem::exists(shipped)) {
            Sequential net = smoothgrad::nn::load_network(shipped).network;
            if (net.to_spec() == smoothgrad::nn::parse_spec(small_spec).to_spec()) return net;
        }
        return smoothgrad::nn::parse_spec(small_spec, 1);
    }
    return smoothgrad::nn::parse_spec(tf_tutorial_spec, 1);
}

/// Multiply-adds of one forward pass.
inline double forward_macs(const Sequential& net) {
    double macs = 0.0;
    for (std::size_t i = 0; i < net.layers().size(); ++i) {
        const auto& out = net.shape(i + 1);
        if (const auto* conv = std::get_if<smoothgrad::nn::Conv2D>(&net.layers()[i]))
            macs += static_cast<double>(out.size()) * static_cast<double>(conv->fan_in());
        else if (const auto* dense = std::get_if<smoothgrad::nn::Dense>(&net.layers()[i]))
            macs += static_cast<double>(dense->in_features()) * static_cast<double>(dense->out_features());
    }
    return macs;
}

/// The first `count` images of a Fashion-MNIST split, or seeded uniform images if the data set is absent.
inline smoothgrad::Dataset images(smoothgrad::Split split, std::size_t count) {
    try {
        return smoothgrad::load_fashion_mnist(smoothgrad::default_fashion_mnist_dir(), split, {.limit = count});
    } catch (const smoothgrad::io_error&) {
        smoothgrad::Dataset data;
        data.shape = {28, 28, 1};
        data.images.resize(784, static_cast<Index>(count));
        smoothgrad::NoiseStream noise(1234, 0);
        for (Index i = 0; i < data.images.size(); ++i) data.images.data()[i] = static_cast<float>(noise.next_uniform());
        for (std::size_t j = 0; j < count; ++j) data.labels.push_back(static_cast<int>(j % 10));
        return data;
    }
}

}  // namespace bench
