// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad-explain's TorchScript models, through smoothgrad::torch (built where LibTorch was found).
#include <memory>
#include <thread>

#include <smoothgrad/torch/torchscript_model.hpp>

#include "explain_model.hpp"

namespace explain {
using namespace smoothgrad;

Model load_torchscript_model(const ModelOptions& options) {
    smoothgrad::detail::require(options.layer_names.empty(), "smoothgrad-explain", "--layer-names is for a reference network's ",
                    "safetensors file; a TorchScript file names its own submodules (--layer layer4)");
    smoothgrad::detail::require(!options.direct_convolutions, "smoothgrad-explain",
                                "--direct-convolutions is for a reference network's safetensors file; ",
                                "LibTorch chooses a TorchScript model's convolutions");
    const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto torch_model = std::make_shared<TorchScriptModel>(
        options.file,
        TorchScriptParams{.input_shape = options.input_size, .mean = options.mean, .stddev = options.stddev, .threads = threads});
    const TorchScriptMetadata& metadata = torch_model->metadata();
    Model model{.shape = torch_model->input_shape(),
                .classes = torch_model->num_classes(),
                .class_names = torch_model->class_names(),
                .description = "TorchScript " + (metadata.architecture.empty() ? options.file.filename().string()
                                                                               : metadata.architecture) +
                               (metadata.random_weights ? ", random weights" : ""),
                .random_weights = metadata.random_weights,
                .mean = torch_model->mean()};
    model.scores_of = [torch_model](const MatrixRef& pixels) { return torch_model->scores(pixels); };
    model.gradients_of = [torch_model](const MatrixRef& pixels, const Vector& w, ReluRule rule) {
        return torch_model->gradients(pixels, w, rule);
    };
    model.layer_gradients_of = [torch_model](const MatrixRef& pixels, const Vector& w, const LayerId& layer) {
        return torch_model->layer_gradients(pixels, w, layer);
    };
    return model;
}

}  // namespace explain
