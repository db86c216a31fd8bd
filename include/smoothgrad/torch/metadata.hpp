// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// What a TorchScript file says about itself: the `smoothgrad.json` extra file that
/// scripts/export_torchscript.py writes beside the model.
///
///     {"format": "smoothgrad-torchscript", "version": 1, "input_size": [224, 224, 3],
///      "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "classes": ["tench", ...],
///      "architecture": "resnet50", "random_weights": false}
///
/// Every key but "format" and "version" is optional; `mean` and `std` map pixels in [0, 1] to the
/// model's input, (x - mean) / std per channel.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// The metadata of a TorchScript model, as read from its `smoothgrad.json`.
struct TorchScriptMetadata {
    /// The name of the extra file inside the TorchScript archive.
    static constexpr const char* file_name = "smoothgrad.json";

    std::optional<ImageShape> input_shape;
    std::vector<float> mean;  ///< empty, or one value per channel
    std::vector<float> stddev;  ///< empty, or one value per channel ("std" in the file)
    std::vector<std::string> class_names;
    std::string architecture;
    bool random_weights = false;
};

/// Parses `text`, the content of `smoothgrad.json` in `file`; throws format_error naming the file and the key.
[[nodiscard]] inline TorchScriptMetadata parse_torchscript_metadata(std::string_view text, std::string_view file) {
    const std::string who = "TorchScriptModel: '" + std::string(file) + "': " + TorchScriptMetadata::file_name;
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {
        throw format_error(detail::message(who, "is not valid JSON (", e.what(), ")"));
    }
    detail::require<format_error>(json.is_object(), who, "must hold a JSON object");
    detail::require<format_error>(json.value("format", "") == "smoothgrad-torchscript" && json.value("version", 0) == 1,
                                  who, "must say \"format\": \"smoothgrad-torchscript\", \"version\": 1");
    const auto floats = [&](const char* key) {
        std::vector<float> values;
        if (!json.contains(key)) return values;
        const nlohmann::json& list = json[key];
        detail::require<format_error>(list.is_array(), who, "\"", key, "\" must be a list of numbers");
        for (const nlohmann::json& value : list) {
            detail::require<format_error>(value.is_number() && std::isfinite(value.get<double>()), who, "\"", key,
                                          "\" must be a list of finite numbers");
            values.push_back(value.get<float>());
        }
        return values;
    };
    TorchScriptMetadata metadata;
    if (json.contains("input_size")) {
        const nlohmann::json& size = json["input_size"];
        const bool valid = size.is_array() && size.size() == 3 &&
                           std::all_of(size.begin(), size.end(), [](const nlohmann::json& v) {
                               return v.is_number_integer() && v.get<long long>() > 0 && v.get<long long>() <= 65536;
                           });
        detail::require<format_error>(valid, who, "\"input_size\" must be [height, width, channels], each in [1, 65536]");
        metadata.input_shape = ImageShape{size[0].get<Index>(), size[1].get<Index>(), size[2].get<Index>()};
    }
    metadata.mean = floats("mean");
    metadata.stddev = floats("std");
    if (json.contains("classes")) {
        detail::require<format_error>(json["classes"].is_array(), who, "\"classes\" must be a list of names");
        for (const nlohmann::json& name : json["classes"]) {
            detail::require<format_error>(name.is_string(), who, "\"classes\" must be a list of names");
            metadata.class_names.push_back(name.get<std::string>());
        }
    }
    if (json.contains("architecture") && json["architecture"].is_string())
        metadata.architecture = json["architecture"].get<std::string>();
    if (json.contains("random_weights") && json["random_weights"].is_boolean())
        metadata.random_weights = json["random_weights"].get<bool>();
    return metadata;
}

}  // namespace smoothgrad
