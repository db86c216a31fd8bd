// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad-explain's reference network (safetensors), with the normalization wrapped around it, and how
// a model file is told apart.
#include <array>
#include <fstream>
#include <memory>
#include <thread>

#include <smoothgrad/core/error.hpp>
#include <smoothgrad/nn/serialization.hpp>

#include "explain_model.hpp"

namespace explain {
using namespace smoothgrad;

bool is_zip_archive(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::array<char, 4> magic{};
    in.read(magic.data(), magic.size());
    return in.gcount() == 4 && magic == std::array<char, 4>{'P', 'K', '\3', '\4'};
}

Model load_reference_network(const ModelOptions& options) {
    constexpr std::string_view who = "smoothgrad-explain";
    auto loaded = std::make_shared<nn::LoadedNetwork>(nn::load_network(options.file, {.spec = options.spec, .layer_names = options.layer_names}));
    nn::Sequential& net = loaded->network;
    if (options.threads > 0) net.set_threads(options.threads);
    if (options.direct_convolutions) net.set_convolution_algorithm(nn::ConvolutionAlgorithm::direct);
    const ImageShape shape = net.input_shape();
    detail::require<shape_error>(!options.input_size || *options.input_size == shape, who, "--input-size ",
                                 options.input_size.value_or(shape), " does not match the network's input ", shape);
    // One value stands for every channel.
    const auto per_channel = [&](const std::vector<float>& values, float fallback, std::string_view flag) {
        if (values.empty()) return Vector(Vector::Constant(shape.channels, fallback));
        if (values.size() == 1) return Vector(Vector::Constant(shape.channels, values.front()));
        detail::require(static_cast<Index>(values.size()) == shape.channels, who, flag, " has ", values.size(),
                        " values; give one, or one per channel (", shape.channels, ")");
        return Vector(Eigen::Map<const Vector>(values.data(), shape.channels));
    };
    const Vector mean = per_channel(options.mean, 0.0f, "--mean");
    const Vector stddev = per_channel(options.stddev, 1.0f, "--std");
    // The value k of an HWC column belongs to channel k % channels.
    const Vector mean_column = mean.replicate(shape.pixels(), 1), scale_column = stddev.cwiseInverse().replicate(shape.pixels(), 1);
    const auto normalize = [=](const MatrixRef& pixels) -> Matrix {
        return (pixels.colwise() - mean_column).array().colwise() * scale_column.array();
    };
    Model model{.shape = shape,
                .classes = net.num_classes(),
                .class_names = loaded->class_names,
                .description = "reference network " + options.file.filename().string(),
                .mean = std::vector<float>(mean.data(), mean.data() + mean.size()),
                .convolutions = options.direct_convolutions ? "direct" : "winograd"};
    model.scores_of = [loaded, normalize](const MatrixRef& pixels) { return loaded->network.scores(normalize(pixels)); };
    // d/dx f((x - m) / s) = f'((x - m) / s) / s.
    model.gradients_of = [loaded, normalize, scale_column](const MatrixRef& pixels, const Vector& w, ReluRule rule) -> Matrix {
        return loaded->network.gradients(normalize(pixels), w, rule).array().colwise() * scale_column.array();
    };
    // A layer's activations and their gradient do not see the normalization before the first layer.
    model.layer_gradients_of = [loaded, normalize](const MatrixRef& pixels, const Vector& w, const LayerId& layer) {
        return loaded->network.layer_gradients(normalize(pixels), w, layer);
    };
    return model;
}

}  // namespace explain
