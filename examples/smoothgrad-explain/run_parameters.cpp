// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "run_parameters.hpp"

#include <variant>

#include "atomic_file.hpp"
#include "sha256.hpp"

namespace explain {
namespace {

using nlohmann::json;

std::string_view aggregation_name(Aggregation aggregation) {
    switch (aggregation) {
    case Aggregation::mean: return "mean";
    case Aggregation::mean_of_squares: return "square";
    case Aggregation::variance: return "variance";
    }
    return "unknown";
}

/// A file's SHA-256 if `item` names a file; else the item itself (black, fashion-mnist-train:0-99, ...).
json file_or_name(const std::string& item) {
    if (fs::is_regular_file(item)) return {{"sha256", sha256_of_file(item)}};
    return item;
}

}  // namespace

json run_parameters(const Options& options, const Model& net, const InputCatalog& inputs) {
    std::string names;
    for (Index k = 0; k < inputs.size(); ++k) names += inputs.name(k) + "\n";
    json sets = json::array();
    for (const auto& file : inputs.set_files()) sets.push_back(sha256_of_file(file));
    json layer = nullptr;
    if (options.layer) layer = std::visit([](const auto& id) { return json(id); }, *options.layer);
    json baselines = json::array();
    for (const auto& item : options.baselines) baselines.push_back(file_or_name(item));
    json parameters = {
        {"library_version", std::string(smoothgrad::version)},
        {"model",
         {{"sha256", sha256_of_file(options.model.file)},
          {"spec", options.model.spec},
          {"layer_names", options.model.layer_names},
          {"input", {net.shape.height, net.shape.width, net.shape.channels}},
          {"classes", net.num_classes()},
          {"class_names", net.class_names}}},
        {"inputs", {{"count", inputs.size()}, {"names_sha256", sha256_of(names)}, {"data_files_sha256", sets}}},
        {"pixels", {{"scale", options.scale}, {"mean", options.model.mean}, {"std", options.model.stddev}, {"resize", options.resize}}},
        {"method", options.method},
        {"class", options.target_class ? json(*options.target_class) : json("predicted")},
        {"smooth_grad",
         {{"samples", options.smooth_samples},
          {"noise_level", options.noise_level},
          {"noise_stddev", options.noise_stddev ? json(*options.noise_stddev) : json(nullptr)},
          {"aggregation", aggregation_name(options.aggregation)},
          {"seed", options.seed}}},
        {"steps", options.steps},
        {"baseline", file_or_name(options.baseline)},
        {"blur_ig", {{"max_sigma", options.max_sigma}, {"grad_step", options.grad_step}, {"sqrt_spacing", options.sqrt_spacing}}},
        {"guided_ig", {{"fraction", options.fraction}, {"max_dist", options.max_dist}}},
        {"expected_gradients", {{"baselines", baselines}, {"draws", options.draws}, {"draw_noise", options.draw_noise}}},
        {"grad_cam", {{"layer", layer}, {"upsample", options.upsample}}},
        {"occlusion",
         {{"size", options.occlusion_size},
          {"stride", options.occlusion_stride},
          {"value", options.occlusion_value},
          {"per_channel", options.occlusion_per_channel},
          {"combine", options.occlusion_combine == OcclusionCombine::sum ? "sum" : "mean"}}},
        {"dtype", options.float16 ? "float16" : "float32"},
    };
    // A reference network's maps depend on it by rounding: a run made one way must not resume or merge
    // with one made the other way (nor with runs from before Winograd became the default).
    if (!net.convolutions.empty()) parameters["model"]["convolutions"] = net.convolutions;
    return as_written(parameters);
}

std::string first_difference(const json& here, const json& there, const std::string& at) {
    if (here.is_object() && there.is_object()) {
        for (const auto& [key, value] : here.items()) {
            const std::string path = at.empty() ? key : at + "." + key;
            if (!there.contains(key)) return path + " is missing there";
            if (value != there[key]) return first_difference(value, there[key], path);
        }
        for (const auto& [key, value] : there.items())
            if (!here.contains(key)) return (at.empty() ? key : at + "." + key) + " is missing here";
    }
    return (at.empty() ? std::string("the parameters") : at) + ": " + here.dump() + " here, " + there.dump() + " there";
}

}  // namespace explain
