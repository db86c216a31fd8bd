// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A PyTorch model saved as TorchScript, explained from C++: TorchScriptModel models DifferentiableModel and
/// GuidedBackpropModel, so every method of the library runs on it unchanged.
///
///     TorchScriptModel model("resnet50.pt");                  // metadata from the file's smoothgrad.json
///     Image image = load_image("dog.png", {.channels = 3});   // pixels / 255, HWC
///     Vector map = SmoothGrad{.samples = 50}(model, image.pixels, 207);
///
/// Inputs are pixels in [0, 1] (HWC columns); the model normalizes them, (x - mean) / std per channel, as
/// its first step, so maps and SmoothGrad's noise live in pixel space. The module runs in eval mode with its
/// parameters frozen into constants: no weight gradient is ever formed.

#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/runtime/interpreter.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/torch/block_cache.hpp"
#include "smoothgrad/torch/layer_output.hpp"
#include "smoothgrad/torch/metadata.hpp"
#include "smoothgrad/torch/relu_rule.hpp"
#include "smoothgrad/torch/tensor_layout.hpp"

namespace smoothgrad {

/// How a TorchScript model is set up; what is left empty comes from the file's metadata.
struct TorchScriptParams {
    /// The input's height x width x channels; required when the file carries no input size.
    std::optional<ImageShape> input_shape = std::nullopt;
    /// Per-channel mean of the normalization (x - mean) / std: one value, or one per channel.
    /// Empty: the file's, else 0.
    std::vector<float> mean = {};
    /// Per-channel standard deviation of the normalization, as `mean`. Empty: the file's, else 1.
    std::vector<float> stddev = {};
    /// Where the model runs: "cpu", "cuda" or "cuda:N" (the latter only where LibTorch has CUDA).
    std::string device = "cpu";
    /// LibTorch's intra-op threads. LibTorch keeps one such setting per process, so a value > 0 sets it
    /// for the whole process; 0 leaves it as it is.
    int threads = 0;
    /// Keep the large CPU blocks that a call frees for the next call (see torch/block_cache.hpp): with
    /// glibc's malloc this halves the time of SmoothGrad on ResNet-50, at the price of a higher peak
    /// memory (BENCHMARKS.md measures both). false: every block goes back to malloc at once.
    bool reuse_blocks = true;
};

namespace detail {

/// The useful line of a PyTorch error: its "RuntimeError: ..." line if TorchScript wrapped it in a traceback,
/// else its first line, without the C++ backtrace.
[[nodiscard]] inline std::string torch_error_line(const std::exception& e) {
    const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
    const std::string text = c10_error != nullptr ? c10_error->what_without_backtrace() : e.what();
    std::string line;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view candidate(text.data() + start, end - start);
        if (line.empty() && !candidate.empty()) line = candidate;
        if (const auto at = candidate.find("Error: "); at != std::string_view::npos && at < 40)
            line = candidate;  // the innermost Python-style error line wins
        start = end + 1;
    }
    return line;
}

/// Runs `body`; a PyTorch exception becomes an `Error` whose message starts with `context`.
template <class Error, class Body>
decltype(auto) translating_torch_errors(const std::string& context, Body&& body) {
    try {
        return body();
    } catch (const smoothgrad::error&) {
        throw;
    } catch (const c10::Error& e) {
        throw Error(context + torch_error_line(e));
    } catch (const std::runtime_error& e) {  // torch::jit::JITException and other interpreter errors
        throw Error(context + torch_error_line(e));
    }
}

}  // namespace detail

/// A TorchScript model as a GuidedBackpropModel.
///
/// Errors, each one line naming the file: a missing file (io_error); a file that is not a TorchScript
/// archive, is truncated or cannot be frozen (format_error); no input size known, bad normalization or
/// device (argument_error); an input size the model rejects or an output that is not [batch, classes],
/// found by one forward pass when the model is loaded (shape_error); NaN or infinite scores or gradients
/// (numeric_error).
class TorchScriptModel {
public:
    /// Loads the TorchScript file `file`.
    explicit TorchScriptModel(const std::filesystem::path& file, TorchScriptParams params = {})
        : who_("TorchScriptModel: '" + file.string() + "'") {
        std::error_code status;
        detail::require<io_error>(std::filesystem::is_regular_file(file, status), who_,
                                  "cannot open the file (", std::filesystem::exists(file, status) ? "not a regular file"
                                                                                                   : "no such file",
                                  ")");
        ::torch::jit::ExtraFilesMap extra_files{{TorchScriptMetadata::file_name, ""}};
        ::torch::jit::Module module;
        try {
            module = ::torch::jit::load(file.string(), ::torch::kCPU, extra_files);
        } catch (const std::exception& e) {
            throw format_error(detail::message(who_, "not a readable TorchScript archive (", detail::torch_error_line(e),
                                               "); save a model with torch.jit.script or torch.jit.trace and ",
                                               "torch.jit.save, e.g. with scripts/export_torchscript.py"));
        }
        const std::string& json = extra_files[TorchScriptMetadata::file_name];
        if (!json.empty()) metadata_ = parse_torchscript_metadata(json, file.string());
        set_up(std::move(module), params);
    }

    /// Wraps a module loaded or built by the caller; `params.input_shape` is required.
    explicit TorchScriptModel(::torch::jit::Module module, TorchScriptParams params = {},
                              TorchScriptMetadata metadata = {})
        : who_("TorchScriptModel: module"), metadata_(std::move(metadata)) {
        set_up(std::move(module), params);
    }

    [[nodiscard]] Index input_size() const noexcept { return shape_.size(); }
    [[nodiscard]] Index num_classes() const noexcept { return classes_; }
    [[nodiscard]] const ImageShape& input_shape() const noexcept { return shape_; }
    /// The class names of the file's metadata; empty when it has none.
    [[nodiscard]] const std::vector<std::string>& class_names() const noexcept { return metadata_.class_names; }
    [[nodiscard]] const TorchScriptMetadata& metadata() const noexcept { return metadata_; }
    /// The normalization in use, one value per channel.
    [[nodiscard]] const std::vector<float>& mean() const noexcept { return mean_values_; }
    [[nodiscard]] const std::vector<float>& stddev() const noexcept { return stddev_values_; }
    /// How many ReLUs (aten::relu, aten::relu_) guided backprop and deconvnet rewrite.
    [[nodiscard]] int relu_count() const noexcept { return relu_count_; }
    /// The frozen, inlined forward graph that runs for `rule`: guided backprop's and deconvnet's have their
    /// ReLUs replaced by smoothgrad::relu_rule.
    [[nodiscard]] std::shared_ptr<const ::torch::jit::Graph> graph(ReluRule rule = ReluRule::gradient) const {
        return program_for(rule).graph;
    }

    /// Class scores of a batch of HWC pixel columns: classes x batch.
    [[nodiscard]] Matrix scores(const MatrixRef& inputs) const {
        check_batch(inputs);
        const std::optional<detail::BlockCache::CallScope> reusing_blocks = block_reuse();
        const ::torch::NoGradGuard no_gradients;
        const ::torch::Tensor output = forward(plain_, to_model_input(to_device(inputs)));
        Matrix result(classes_, inputs.cols());
        const ::torch::Tensor cpu = output.to(::torch::kCPU, ::torch::kFloat32).contiguous();
        // [batch, classes] row-major is classes x batch column-major.
        std::memcpy(result.data(), cpu.data_ptr<float>(), static_cast<std::size_t>(result.size()) * sizeof(float));
        return result;
    }

    /// The gradient of w^T scores with respect to each column's pixels: features x batch.
    [[nodiscard]] Matrix gradients(const MatrixRef& inputs, const Vector& output_weights) const {
        return gradients_of(plain_, inputs, output_weights);
    }

    /// As gradients(inputs, w), with every ReLU's backward step replaced by `rule`.
    [[nodiscard]] Matrix gradients(const MatrixRef& inputs, const Vector& output_weights, ReluRule rule) const {
        return gradients_of(program_for(rule), inputs, output_weights);
    }

    /// The output of the submodule `layer` names ("layer4", "features.28", "layer4.1.conv2": the names of
    /// PyTorch's named_modules()) for each column, and the gradient of w^T scores with respect to it
    /// (LayerGradientModel). An [N, C, H, W] output becomes HWC columns of shape H x W x C, an [N, F] one
    /// 1 x 1 x F. The submodule must run once in forward() and return one tensor; its graph is made on the
    /// first call for each name and kept.
    [[nodiscard]] LayerGradients layer_gradients(const MatrixRef& inputs, const Vector& output_weights,
                                                 const LayerId& layer) const {
        const std::string* name = std::get_if<std::string>(&layer);
        detail::require(name != nullptr, who_, "a TorchScript model's layers are its submodules, by name (e.g. ",
                        "'layer4'), not by position; got index ", name == nullptr ? std::get<Index>(layer) : 0);
        const std::shared_ptr<const Program> program = layer_program(*name);
        check_batch(inputs);
        check_weights(output_weights);
        const std::optional<detail::BlockCache::CallScope> reusing_blocks = block_reuse();
        const ::torch::AutoGradMode with_gradients(true);
        const ::torch::Tensor pixels = to_device(inputs).requires_grad_(true);
        const ::torch::jit::Stack outputs = detail::translating_torch_errors<error>(
            who_ + ": forward() failed: ", [&] { return run_all(*program, to_model_input(pixels)); });
        const ::torch::Tensor scores = outputs.at(0).toTensor(), activations = outputs.at(1).toTensor();
        detail::require<numeric_error>(::torch::isfinite(scores).all().item<bool>(), who_,
                                       "the model's scores contain NaN or Inf");
        detail::require<shape_error>((activations.dim() == 4 || activations.dim() == 2) &&
                                         activations.size(0) == inputs.cols() && activations.is_floating_point(),
                                     who_, "layer '", *name, "' gives a tensor of shape ", activations.sizes(),
                                     " for a batch of ", inputs.cols(), "; a layer needs [batch, C, H, W] or [batch, F]");
        const ::torch::Tensor weights = weight_tensor(output_weights, scores);
        const ::torch::Tensor gradient = detail::translating_torch_errors<error>(who_ + ": backward pass failed: ", [&] {
            auto result = ::torch::autograd::grad({scores}, {activations}, {weights}, /*retain_graph=*/false,
                                                  /*create_graph=*/false, /*allow_unused=*/true);
            return result[0].defined() ? result[0] : ::torch::zeros_like(activations);  // a layer the scores ignore
        });
        LayerGradients result;
        if (activations.dim() == 4) {
            result.shape = {activations.size(2), activations.size(3), activations.size(1)};
            result.activations = columns_from_nchw(activations);
            result.gradients = columns_from_nchw(gradient);
        } else {
            result.shape = {1, 1, activations.size(1)};
            result.activations = columns_from_nchw(activations.reshape({activations.size(0), -1, 1, 1}));
            result.gradients = columns_from_nchw(gradient.reshape({gradient.size(0), -1, 1, 1}));
        }
        detail::require<numeric_error>(result.activations.allFinite() && result.gradients.allFinite(), who_,
                                       "layer '", *name, "': its activations or gradients contain NaN or Inf");
        return result;
    }

private:
    /// A forward graph and its interpreter code.
    struct Program {
        std::shared_ptr<::torch::jit::Graph> graph;
        std::shared_ptr<::torch::jit::Code> code;
    };

    [[nodiscard]] const Program& program_for(ReluRule rule) const {
        if (rule == ReluRule::gradient) return plain_;
        detail::require(!rule_problem_, who_, rule_problem_.value_or(""));
        return rule == ReluRule::guided ? guided_ : deconvnet_;
    }

    void set_up(::torch::jit::Module module, const TorchScriptParams& params) {
        device_ = detail::translating_torch_errors<argument_error>(
            who_ + ": device '" + params.device + "': ", [&] { return ::torch::Device(params.device); });
        detail::require(!device_.is_cuda() || ::torch::cuda::is_available(), who_, "device '", params.device,
                        "' asked for, but LibTorch has no CUDA device here");
        detail::require(params.threads >= 0, who_, "threads must be >= 0, got ", params.threads);
        if (params.threads > 0) at::set_num_threads(params.threads);
        reuse_blocks_ = params.reuse_blocks;

        const std::optional<ImageShape> shape = params.input_shape ? params.input_shape : metadata_.input_shape;
        detail::require(shape.has_value(), who_, "the input size is unknown: the file carries no ",
                        TorchScriptMetadata::file_name, " with one; give TorchScriptParams::input_shape ",
                        "(--input-size HxWxC)");
        detail::require(shape->height > 0 && shape->width > 0 && shape->channels > 0, who_,
                        "input_shape must be positive, got ", *shape);
        shape_ = *shape;
        mean_values_ = per_channel(params.mean.empty() ? metadata_.mean : params.mean, 0.0f, "mean");
        stddev_values_ = per_channel(params.stddev.empty() ? metadata_.stddev : params.stddev, 1.0f, "std");
        for (const float s : stddev_values_)
            detail::require(std::isfinite(s) && s != 0.0f, who_, "std must be finite and non-zero, got ", s);
        for (const float m : mean_values_) detail::require(std::isfinite(m), who_, "mean must be finite, got ", m);
        const auto channel_tensor = [&](const std::vector<float>& values) {
            return ::torch::tensor(values, ::torch::kFloat32).reshape({1, shape_.channels, 1, 1}).to(device_);
        };
        mean_ = channel_tensor(mean_values_);
        stddev_ = channel_tensor(stddev_values_);

        detail::translating_torch_errors<format_error>(who_ + ": cannot prepare the model: ", [&] {
            detail::require<format_error>(module.find_method("forward").has_value(), who_, "the module has no forward()");
            module.eval();
            for (::torch::Tensor parameter : module.parameters()) parameter.requires_grad_(false);
            module.to(device_);
            module_ = ::torch::jit::freeze_module(module);
            plain_ = program(module_.get_method("forward").graph()->copy());
        });
        check_with_dummy_forward();
        make_rule_programs();
    }

    /// `values` expanded to one per channel (one value is repeated); `fallback` when empty.
    [[nodiscard]] std::vector<float> per_channel(const std::vector<float>& values, float fallback,
                                                 std::string_view what) const {
        const auto channels = static_cast<std::size_t>(shape_.channels);
        if (values.empty()) return std::vector<float>(channels, fallback);
        if (values.size() == 1) return std::vector<float>(channels, values.front());
        detail::require(values.size() == channels, who_, what, " has ", values.size(),
                        " values; give one, or one per channel (", channels, ")");
        return values;
    }

    [[nodiscard]] static Program program(std::shared_ptr<::torch::jit::Graph> graph) {
        auto code = std::make_shared<::torch::jit::Code>(graph, "forward");
        return {std::move(graph), std::move(code)};
    }

    /// One forward pass on a batch of two: an input size the model rejects, or an output that is not
    /// [batch, classes], is found here rather than in the first explanation.
    void check_with_dummy_forward() {
        const ::torch::NoGradGuard no_gradients;
        const ::torch::Tensor input =
            ::torch::zeros({2, shape_.channels, shape_.height, shape_.width}, ::torch::kFloat32).to(device_);
        const std::string size_text = [&] {
            std::ostringstream out;
            out << shape_ << " (NCHW [2, " << shape_.channels << ", " << shape_.height << ", " << shape_.width << "])";
            return out.str();
        }();
        const ::torch::jit::IValue output = detail::translating_torch_errors<shape_error>(
            who_ + ": the model rejects input size " + size_text + ": ", [&] { return run(plain_, input); });
        detail::require<shape_error>(output.isTensor(), who_, "forward() returns ", output.tagKind(),
                                     ", expected a [batch, classes] tensor (export a module that returns the logits)");
        const ::torch::Tensor scores = output.toTensor();
        detail::require<shape_error>(scores.dim() == 2 && scores.size(0) == 2 && scores.size(1) > 0, who_,
                                     "forward() returns a tensor of shape ", scores.sizes(), " for a batch of 2, ",
                                     "expected [2, classes]");
        detail::require<shape_error>(scores.is_floating_point(), who_, "forward() returns ", scores.dtype(),
                                     " scores, expected floating point");
        classes_ = scores.size(1);
        detail::require<format_error>(metadata_.class_names.empty() ||
                                          static_cast<Index>(metadata_.class_names.size()) == classes_,
                                      who_, TorchScriptMetadata::file_name, " names ", metadata_.class_names.size(),
                                      " classes, the model has ", classes_);
    }

    /// The guided backprop and deconvnet programs; a model that cannot have them says why when asked.
    void make_rule_programs() {
        try {
            auto guided = plain_.graph->copy();
            relu_count_ = detail::rewrite_relus(guided, ReluRule::guided, who_);
            auto deconvnet = plain_.graph->copy();
            detail::rewrite_relus(deconvnet, ReluRule::deconvnet, who_);
            guided_ = program(std::move(guided));
            deconvnet_ = program(std::move(deconvnet));
            if (relu_count_ == 0)
                rule_problem_ = "the model has no ReLU (aten::relu or aten::relu_) for guided backprop or deconvnet "
                                "to act on; other activations keep their true gradient";
        } catch (const smoothgrad::error& e) {
            rule_problem_ = std::string(e.what()).substr(who_.size() + 2);
        } catch (const std::exception& e) {
            rule_problem_ = "cannot rewrite the model's ReLUs: " + detail::torch_error_line(e);
        }
    }

    [[nodiscard]] ::torch::jit::IValue run(const Program& program, const ::torch::Tensor& input) const {
        return run_all(program, input).back();
    }

    /// Every output of `program` on `input`.
    [[nodiscard]] ::torch::jit::Stack run_all(const Program& program, const ::torch::Tensor& input) const {
        ::torch::jit::Stack stack;
        if (program.graph->inputs().size() == 2) stack.emplace_back(module_._ivalue());  // `self`, unused once frozen
        stack.emplace_back(input);
        ::torch::jit::InterpreterState(*program.code).run(stack);
        return stack;
    }

    /// The forward program that also returns the output of submodule `name`, made once per name.
    [[nodiscard]] std::shared_ptr<const Program> layer_program(const std::string& name) const {
        const std::scoped_lock lock(layer_programs_->mutex);
        auto& entry = layer_programs_->programs[name];
        if (!entry) {
            auto graph = plain_.graph->copy();
            detail::add_layer_output(graph, name, who_);
            entry = std::make_shared<const Program>(program(std::move(graph)));
        }
        return entry;
    }

    void check_weights(const Vector& output_weights) const {
        detail::require<shape_error>(output_weights.size() == classes_, who_,
                                     "output weights have ", output_weights.size(), " entries, the model has ",
                                     classes_, " classes");
    }

    /// The output weights as a tensor shaped like the scores: each row of scores weighted alike.
    [[nodiscard]] ::torch::Tensor weight_tensor(const Vector& output_weights, const ::torch::Tensor& scores) const {
        return ::torch::from_blob(const_cast<float*>(output_weights.data()), {1, classes_}, ::torch::kFloat32)
            .to(device_, scores.scalar_type())
            .expand_as(scores);
    }

    /// The scores tensor [batch, classes] of `input`, checked.
    [[nodiscard]] ::torch::Tensor forward(const Program& program, const ::torch::Tensor& input) const {
        ::torch::Tensor scores = detail::translating_torch_errors<error>(
            who_ + ": forward() failed: ", [&] { return run(program, input).toTensor(); });
        detail::require<numeric_error>(::torch::isfinite(scores).all().item<bool>(), who_,
                                       "the model's scores contain NaN or Inf");
        return scores;
    }

    [[nodiscard]] Matrix gradients_of(const Program& program, const MatrixRef& inputs, const Vector& output_weights) const {
        check_batch(inputs);
        check_weights(output_weights);
        const std::optional<detail::BlockCache::CallScope> reusing_blocks = block_reuse();
        const ::torch::AutoGradMode with_gradients(true);
        const ::torch::Tensor pixels = to_device(inputs).requires_grad_(true);
        const ::torch::Tensor scores = forward(program, to_model_input(pixels));
        const ::torch::Tensor weights = weight_tensor(output_weights, scores);
        const ::torch::Tensor gradient = detail::translating_torch_errors<error>(who_ + ": backward pass failed: ", [&] {
            auto result = ::torch::autograd::grad({scores}, {pixels}, {weights}, /*retain_graph=*/false,
                                                  /*create_graph=*/false, /*allow_unused=*/true);
            return result[0].defined() ? result[0] : ::torch::zeros_like(pixels);  // a model that ignores its input
        });
        Matrix result = columns_from_nchw(gradient);
        detail::require<numeric_error>(result.allFinite(), who_,
                                       "the input gradients contain NaN or Inf");
        return result;
    }

    /// A call's scope of block reuse, if the model reuses blocks.
    [[nodiscard]] std::optional<detail::BlockCache::CallScope> block_reuse() const {
        if (!reuse_blocks_) return std::nullopt;
        return std::optional<detail::BlockCache::CallScope>(std::in_place);
    }

    [[nodiscard]] ::torch::Tensor to_device(const MatrixRef& inputs) const {
        return nchw_from_columns(inputs, shape_).to(device_);
    }

    [[nodiscard]] ::torch::Tensor to_model_input(const ::torch::Tensor& pixels) const {
        return (pixels - mean_) / stddev_;
    }

    void check_batch(const MatrixRef& inputs) const {
        detail::require<shape_error>(inputs.rows() == input_size() && inputs.cols() > 0,
                                     who_, "batch is ", inputs.rows(), "x", inputs.cols(),
                                     ", expected ", input_size(), " rows (", shape_, ") and at least one column");
    }

    detail::BlockCache::Lease block_cache_lease_;  // the calls' large blocks are reused, see block_cache.hpp
    std::string who_;  // "TorchScriptModel: 'file'", the start of every message
    TorchScriptMetadata metadata_;
    ImageShape shape_;
    Index classes_ = 0;
    std::vector<float> mean_values_, stddev_values_;
    ::torch::Device device_ = ::torch::kCPU;
    ::torch::Tensor mean_, stddev_;
    ::torch::jit::Module module_;
    Program plain_, guided_, deconvnet_;
    /// Programs that also return a layer's output, by layer name; shared by copies, guarded by its mutex.
    struct LayerPrograms {
        std::mutex mutex;
        std::map<std::string, std::shared_ptr<const Program>> programs;
    };
    std::shared_ptr<LayerPrograms> layer_programs_ = std::make_shared<LayerPrograms>();
    int relu_count_ = 0;
    std::optional<std::string> rule_problem_;
    bool reuse_blocks_ = true;
};

static_assert(GuidedBackpropModel<TorchScriptModel> && LayerGradientModel<TorchScriptModel>);

}  // namespace smoothgrad
