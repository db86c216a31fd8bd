// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The model smoothgrad-explain runs, whatever its file held: the reference network (safetensors) or a
// TorchScript file. Both become the same GuidedBackpropModel, with the normalization (x - mean) / std
// inside, so that maps and SmoothGrad's noise are in the space of the scaled pixels.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <smoothgrad/core/concepts.hpp>
#include <smoothgrad/core/types.hpp>

namespace explain {

/// What the command line says about the model.
struct ModelOptions {
    std::filesystem::path file;
    std::string spec;                        // the reference network's architecture, for files without one
    std::optional<smoothgrad::ImageShape> input_size;  // --input-size; a TorchScript file's metadata otherwise
    std::vector<float> mean, stddev;         // one value or one per channel; empty: the file's, else 0 and 1
    int threads = 0;                         // the model's threads; 0: every core
    std::vector<std::string> layer_names;    // the reference network's layers with parameters, as named in the file
    bool direct_convolutions = false;        // the reference network's convolutions all by the direct product
};

/// A loaded model behind three callables; it models smoothgrad::GuidedBackpropModel and
/// smoothgrad::LayerGradientModel.
struct Model {
    smoothgrad::ImageShape shape;
    smoothgrad::Index classes = 0;
    std::vector<std::string> class_names;
    std::string description;  // e.g. "TorchScript resnet18, random weights"
    bool random_weights = false;
    std::vector<float> mean;  // the normalization's mean, one per channel
    std::string convolutions = {};  // a reference network's convolution algorithm ("winograd", "direct"); else empty
    std::function<smoothgrad::Matrix(const smoothgrad::MatrixRef&)> scores_of = {};
    std::function<smoothgrad::Matrix(const smoothgrad::MatrixRef&, const smoothgrad::Vector&, smoothgrad::ReluRule)>
        gradients_of = {};
    std::function<smoothgrad::LayerGradients(const smoothgrad::MatrixRef&, const smoothgrad::Vector&,
                                             const smoothgrad::LayerId&)>
        layer_gradients_of = {};

    [[nodiscard]] smoothgrad::Index input_size() const { return shape.size(); }
    [[nodiscard]] smoothgrad::Index num_classes() const { return classes; }
    [[nodiscard]] smoothgrad::Matrix scores(const smoothgrad::MatrixRef& inputs) const { return scores_of(inputs); }
    [[nodiscard]] smoothgrad::Matrix gradients(const smoothgrad::MatrixRef& inputs, const smoothgrad::Vector& w) const {
        return gradients_of(inputs, w, smoothgrad::ReluRule::gradient);
    }
    [[nodiscard]] smoothgrad::Matrix gradients(const smoothgrad::MatrixRef& inputs, const smoothgrad::Vector& w,
                                               smoothgrad::ReluRule rule) const {
        return gradients_of(inputs, w, rule);
    }
    [[nodiscard]] smoothgrad::LayerGradients layer_gradients(const smoothgrad::MatrixRef& inputs,
                                                             const smoothgrad::Vector& w,
                                                             const smoothgrad::LayerId& layer) const {
        return layer_gradients_of(inputs, w, layer);
    }
};

static_assert(smoothgrad::GuidedBackpropModel<Model> && smoothgrad::LayerGradientModel<Model>);

/// Whether `file` starts as a zip archive does, which TorchScript files are (safetensors files never are).
[[nodiscard]] bool is_zip_archive(const std::filesystem::path& file);

/// Loads a TorchScript file. Defined in torchscript_model.cpp where LibTorch was found, else in
/// no_torchscript_model.cpp, which says that this build cannot.
[[nodiscard]] Model load_torchscript_model(const ModelOptions& options);

/// Loads a reference network from safetensors.
[[nodiscard]] Model load_reference_network(const ModelOptions& options);

/// The model in `options.file`, by its content.
[[nodiscard]] inline Model load_model(const ModelOptions& options) {
    return is_zip_archive(options.file) ? load_torchscript_model(options) : load_reference_network(options);
}

}  // namespace explain
