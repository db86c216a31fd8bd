// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Networks in safetensors files, in PyTorch's names and layouts: a network trained in PyTorch as an
/// `nn.Sequential` (or with named layers, given their names) loads and gives the same scores.
///
/// The architecture travels as a spec string (see spec.hpp) under the metadata key "spec"; files that
/// PyTorch wrote without it load when the spec is given by hand.

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/io/safetensors.hpp"
#include "smoothgrad/nn/sequential.hpp"
#include "smoothgrad/nn/spec.hpp"

namespace smoothgrad::nn {

/// Metadata keys this library reads and writes.
inline constexpr std::string_view spec_metadata_key = "spec";
inline constexpr std::string_view classes_metadata_key = "classes";
inline constexpr std::string_view layer_names_metadata_key = "layer_names";

/// How to read a network from a safetensors file.
struct LoadNetworkParams {
    /// The architecture; when empty, the file's "spec" metadata.
    std::string spec = {};
    /// Names of the layers with parameters, in order ("conv1", "conv2", "fc"), for networks saved from a
    /// module with named layers; when empty, the file's "layer_names" metadata, else nn.Sequential
    /// positions ("0", "3", ...).
    std::vector<std::string> layer_names = {};
};

/// A network with what its file says about it.
struct LoadedNetwork {
    Sequential network;
    std::map<std::string, std::string> metadata;
    /// The class names from the "classes" metadata (comma-separated), or empty.
    std::vector<std::string> class_names;
};

namespace detail {

[[nodiscard]] inline std::vector<std::string> split_names(std::string_view text) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        names.emplace_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return names;
}

[[nodiscard]] inline std::string shape_text(const std::vector<std::size_t>& shape) {
    std::ostringstream out;
    out << '[';
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

/// The file's name for a parameter called "<position>.<kind>" by the network: the position replaced
/// by the name of its parametric layer when layer names are given.
[[nodiscard]] inline std::string file_parameter_name(const std::string& network_name,
                                                     const std::vector<std::string>& layer_names,
                                                     std::map<std::string, std::size_t>& layer_numbers) {
    if (layer_names.empty()) return network_name;
    const auto dot = network_name.find('.');
    const std::string position = network_name.substr(0, dot);
    const auto [it, inserted] = layer_numbers.try_emplace(position, layer_numbers.size());
    (void)inserted;
    smoothgrad::detail::require<format_error>(it->second < layer_names.size(), "load_network", "the network has more layers with ",
                          "parameters than the ", layer_names.size(), " layer names given");
    return layer_names[it->second] + network_name.substr(dot);
}

}  // namespace detail

/// Builds the network that `file` describes and copies its weights in. Throws format_error naming the
/// tensor when one is missing, has another shape, or is left over (nothing is ignored silently).
[[nodiscard]] inline LoadedNetwork load_network(const SafetensorsFile& file, const LoadNetworkParams& params = {},
                                               std::string_view where = "load_network") {
    std::string spec = params.spec;
    if (spec.empty()) {
        const auto it = file.metadata.find(std::string(spec_metadata_key));
        smoothgrad::detail::require<format_error>(it != file.metadata.end(), where,
            "the file has no \"spec\" metadata; give the architecture by hand (LoadNetworkParams::spec)");
        spec = it->second;
    }
    // A bad spec names the file it came from, not only the parser.
    LoadedNetwork loaded = [&] {
        try {
            return LoadedNetwork{parse_spec(spec), file.metadata, {}};
        } catch (const format_error& e) {
            throw format_error(smoothgrad::detail::message(where, params.spec.empty() ? "the file's \"spec\" metadata: "
                                                                                      : "LoadNetworkParams::spec: ",
                                                           e.what()));
        }
    }();
    std::vector<std::string> layer_names = params.layer_names;
    if (const auto it = file.metadata.find(std::string(layer_names_metadata_key));
        layer_names.empty() && it != file.metadata.end())
        layer_names = detail::split_names(it->second);
    if (const auto it = file.metadata.find(std::string(classes_metadata_key)); it != file.metadata.end())
        loaded.class_names = detail::split_names(it->second);

    std::set<std::string> used;
    std::map<std::string, std::size_t> layer_numbers;
    for (const NamedParameter& parameter : loaded.network.parameters()) {
        const std::string name = detail::file_parameter_name(parameter.name, layer_names, layer_numbers);
        const auto it = file.tensors.find(name);
        smoothgrad::detail::require<format_error>(it != file.tensors.end(), where, "tensor \"", name,
                                                  "\" is missing for spec \"", spec, "\"");
        smoothgrad::detail::require<format_error>(
            it->second.shape == parameter.shape, where, "tensor \"", name, "\" has shape ",
            detail::shape_text(it->second.shape), ", the spec needs ", detail::shape_text(parameter.shape));
        std::copy(it->second.values.begin(), it->second.values.end(), parameter.data);
        used.insert(name);
    }
    // The layers with parameters take the module's names, so that a layer can be asked for by name.
    if (!layer_names.empty()) {
        std::size_t named = 0;
        for (std::size_t i = 0; i < loaded.network.layers().size() && named < layer_names.size(); ++i)
            if (std::visit([](const auto& layer) { return ParameterizedLayer<std::decay_t<decltype(layer)>>; },
                           loaded.network.layers()[i]))
                try {
                    loaded.network.set_layer_name(i, layer_names[named++]);
                } catch (const argument_error& e) {
                    throw format_error(smoothgrad::detail::message(where, "layer names: ", e.what()));
                }
    }
    for (const auto& [name, tensor] : file.tensors)
        smoothgrad::detail::require<format_error>(used.contains(name), where, "tensor \"", name,
                                                  "\" is not a parameter of spec \"", spec, "\"");
    smoothgrad::detail::require<format_error>(
        loaded.class_names.empty() || static_cast<Index>(loaded.class_names.size()) == loaded.network.num_classes(),
        where, "\"classes\" metadata names ", loaded.class_names.size(), " classes, the network has ",
        loaded.network.num_classes());
    return loaded;
}

/// Reads a network from a safetensors file (see the overload on SafetensorsFile).
///
///     auto [net, metadata, classes] = nn::load_network("examples/models/fashion_mnist_cnn.safetensors");
[[nodiscard]] inline LoadedNetwork load_network(const std::filesystem::path& path, const LoadNetworkParams& params = {}) {
    const std::string where = "load_network(" + path.string() + ")";
    return load_network(read_safetensors(path), params, where);
}

/// The network's weights as tensors named like an nn.Sequential state dict, with its spec (and any
/// extra `metadata`) in `__metadata__`.
[[nodiscard]] inline SafetensorsFile to_safetensors(const Sequential& network,
                                                   std::map<std::string, std::string> metadata = {}) {
    SafetensorsFile file;
    for (const ConstNamedParameter& parameter : network.parameters())
        file.tensors[parameter.name] = Tensor{parameter.shape, {parameter.data, parameter.data + parameter.size}};
    metadata[std::string(spec_metadata_key)] = network.to_spec();
    file.metadata = std::move(metadata);
    return file;
}

/// Writes the network to a safetensors file that load_network and PyTorch (`safetensors.torch.load_file`
/// into an nn.Sequential of the same architecture) read.
inline void save_network(const std::filesystem::path& path, const Sequential& network,
                         std::map<std::string, std::string> metadata = {}) {
    write_safetensors(path, to_safetensors(network, std::move(metadata)));
}

}  // namespace smoothgrad::nn
