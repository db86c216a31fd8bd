// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "explanation.hpp"

#include <algorithm>
#include <iostream>

#include <smoothgrad/methods/blur.hpp>

namespace explain {
namespace {

/// Runs `method` on the input at position `input_index` of the command line's inputs, wrapped in SmoothGrad
/// unless --smooth-samples is 0; the position keys SmoothGrad's noise, so every input gets its own.
template <class Method>
Vector explain_with(const Method& method, const Model& net, const Vector& input, std::size_t input_index,
                    const Target& target, const Options& options, const ProgressCallback& progress) {
    if (options.smooth_samples == 0) return method(net, input, target);
    const SmoothGrad<Method> smooth{.method = method,
                                    .samples = options.smooth_samples,
                                    .noise_level = options.noise_level,
                                    .noise_stddev = options.noise_stddev,
                                    .aggregation = options.aggregation,
                                    .batch_size = options.batch_size,
                                    .seed = options.seed,
                                    .first_input = input_index,
                                    .progress = progress};
    return smooth(net, input, target);
}

Vector explain_at_input(const Model& net, const Vector& input, std::size_t input_index, const Target& target,
                        const Options& options, const ProgressCallback& progress, const std::optional<Vector>& baseline,
                        const Matrix& references) {
    const std::string& m = options.method;
    if (m == "vanilla") return explain_with(VanillaGradient{}, net, input, input_index, target, options, progress);
    if (m == "gradient-x-input") return explain_with(GradientTimesInput{}, net, input, input_index, target, options, progress);
    if (m == "guided-backprop") return explain_with(GuidedBackprop{}, net, input, input_index, target, options, progress);
    if (m == "deconvnet") return explain_with(Deconvnet{}, net, input, input_index, target, options, progress);
    if (m == "integrated-gradients")
        return explain_with(IntegratedGradients{.steps = options.steps, .baseline = baseline, .batch_size = options.batch_size}, net, input,
                            input_index, target, options, progress);
    if (m == "blur-ig")
        return explain_with(BlurIntegratedGradients{.shape = net.shape,
                                                    .max_sigma = options.max_sigma,
                                                    .steps = options.steps,
                                                    .grad_step = options.grad_step,
                                                    .sqrt_spacing = options.sqrt_spacing,
                                                    .batch_size = options.batch_size},
                            net, input, input_index, target, options, progress);
    if (m == "occlusion")
        return explain_with(Occlusion{.shape = net.shape,
                                      .size = options.occlusion_size,
                                      .stride = options.occlusion_stride,
                                      .value = options.occlusion_value,
                                      .per_channel = options.occlusion_per_channel,
                                      .combine = options.occlusion_combine,
                                      .batch_size = options.batch_size},
                            net, input, input_index, target, options, progress);
    if (m == "guided-ig")
        return explain_with(GuidedIntegratedGradients{.steps = options.steps,
                                                      .fraction = options.fraction,
                                                      .max_dist = options.max_dist,
                                                      .baseline = baseline},
                            net, input, input_index, target, options, progress);
    if (m == "expected-gradients")
        return explain_with(ExpectedGradients{.references = references,
                                              .samples = options.draws,
                                              .noise_stddev = options.draw_noise,
                                              .batch_size = options.batch_size,
                                              .seed = options.seed},
                            net, input, input_index, target, options, progress);
    if (m == "xrai")
        return explain_with(Xrai{.shape = net.shape, .steps = options.steps, .batch_size = options.batch_size}, net,
                            input, input_index, target, options, progress);
    if (m == "grad-cam") return explain_with(grad_cam_for(options, net.shape), net, input, input_index, target, options, progress);
    if (m == "guided-grad-cam")
        return explain_with(GuidedGradCam{.grad_cam = grad_cam_for(options, net.shape)}, net, input, input_index, target,
                            options, progress);
    throw argument_error(detail::message(who, "--method must be ", method_list, ", got '", m, "'"));
}

}  // namespace

GradCam grad_cam_for(const Options& options, const ImageShape& shape) {
    return GradCam{.layer = options.layer, .shape = shape};
}

Explanation explain(const Model& net, const Vector& input, std::size_t input_index, const Target& target,
                    const Options& options, const ProgressCallback& progress, const std::optional<Vector>& baseline,
                    const Matrix& references) {
    if (options.method == "grad-cam" && !options.upsample) {
        const LayerMaps low = grad_cam_for(options, net.shape).layer_maps(net, input, target.weights(net.num_classes(), who));
        return {low.maps.col(0), low.shape};
    }
    return {explain_at_input(net, input, input_index, target, options, progress, baseline, references), net.shape};
}

std::optional<Vector> baseline_for(const Vector& input, const ImageShape& shape, const Model& net,
                                   const Options& options, const std::optional<Vector>& file_baseline) {
    if (options.baseline == "black") return std::nullopt;
    if (options.baseline == "mean" || options.baseline == "zero")
        return Vector(Eigen::Map<const Vector>(net.mean.data(), shape.channels).replicate(shape.pixels(), 1));
    if (options.baseline == "blur")
        return gaussian_blur(input, shape, static_cast<double>(std::min(shape.height, shape.width)) / 10.0);
    return file_baseline;
}

Run start_run(const Options& options) {
    Run run{.net = load_model(options.model), .file_baseline = std::nullopt, .references = {}};
    const Model& net = run.net;
    if (net.random_weights)
        std::cerr << who << ": warning: '" << options.model.file.string() << "' has random weights (its metadata "
                  << "says so): its maps explain no trained model\n";
    const ImageShape shape = net.shape;
    const bool file_given = options.baseline != "black" && options.baseline != "mean" && options.baseline != "zero" &&
                            options.baseline != "blur";
    if (file_given) run.file_baseline = scaled(read_input_image(options.baseline, shape, options).pixels, options);
    if (options.target_class)
        detail::require(*options.target_class >= 0 && *options.target_class < net.num_classes(), who, "--class must be in [0, ",
                        net.num_classes(), "), got ", *options.target_class);
    run.references = read_references(options, shape);
    if (options.method == "occlusion")
        detail::require(options.occlusion_size <= shape.height && options.occlusion_size <= shape.width, who,
                        "--occlusion-size ", options.occlusion_size, " is larger than the model's ", shape.height, "x",
                        shape.width, " input");
    return run;
}

Explained explain_input(const Run& run, const Options& options, const Input& input, Index input_index,
                        const ProgressCallback& progress) {
    Explained result;
    result.scores = run.net.scores(input.values);
    result.scores.maxCoeff(&result.predicted);
    result.probability = 1.0 / (result.scores.array() - result.scores[result.predicted]).exp().cast<double>().sum();
    result.explained = options.target_class.value_or(result.predicted);
    result.explanation = explain(run.net, input.values, static_cast<std::size_t>(input_index), result.explained, options,
                                 progress, baseline_for(input.values, run.net.shape, run.net, options, run.file_baseline),
                                 run.references);
    return result;
}

}  // namespace explain
