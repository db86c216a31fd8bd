// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A one-line text description of an architecture, parsed into a Sequential; `Sequential::to_spec()`
/// prints it back, so it can travel in file metadata (e.g. safetensors' `__metadata__`).
///
/// Grammar: items separated by ';', words within an item by blanks:
///
///     input HxWxC | input N          first item only; N means a flat 1x1xN input
///     conv KHxKWxOUT same|valid      Conv2D, stride 1; in channels come from the previous shape
///     dense OUT                      Dense; needs a flat input (after flatten or dense)
///     relu                           ReLU
///     maxpool K                      MaxPool2D, kernel = stride = K
///     flatten                        Flatten (PyTorch's C*H*W order)
///
/// Example: "input 28x28x1; conv 3x3x16 same; relu; maxpool 2; conv 3x3x32 same; relu; maxpool 2;
/// flatten; dense 128; relu; dense 10". Sizes are integers in [1, 2^24].

#include <charconv>
#include <initializer_list>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/layer.hpp"
#include "smoothgrad/nn/sequential.hpp"

namespace smoothgrad::nn {

/// The most numbers a spec may ask for: the values of the input or of any layer's output for one sample,
/// and the weights of all layers together (2^28, 1 GiB of floats; VGG-16 has 138 million). parse_spec
/// checks it before it allocates anything, so a hostile "spec" in a file's metadata cannot exhaust memory.
inline constexpr Index max_spec_values = Index{1} << 28;

/// Options of parse_spec.
struct ParseSpecParams {
    /// A lower limit than max_spec_values (in [1, max_spec_values]) for specs that must stay cheap, such as
    /// a fuzzer's, whose memory is capped.
    Index max_spec_values = nn::max_spec_values;
};

}  // namespace smoothgrad::nn

namespace smoothgrad::detail {

inline constexpr std::string_view spec_who = "parse_spec";
inline constexpr Index max_spec_size = Index{1} << 24;

/// The product of `factors` (each >= 1), or format_error if it exceeds `limit` (nn::max_spec_values unless
/// the caller lowered it); the check divides rather than multiplies, so a product that would overflow is caught.
[[nodiscard]] inline Index spec_count(std::initializer_list<Index> factors, std::string_view what,
                                      std::string_view item, Index limit) {
    Index product = 1;
    for (const Index factor : factors) {
        require<format_error>(factor <= limit / product, spec_who, what, " in '", item,
                              "' has more than max_spec_values = ", limit, " values");
        product *= factor;
    }
    return product;
}

/// Adds the weights of the layer `item` to the spec's running `total`, or format_error if the layer or the
/// total would exceed nn::max_spec_values; called before the layer allocates them.
inline void spec_add_weights(Index& total, std::initializer_list<Index> factors, std::string_view item, Index limit) {
    const Index count = spec_count(factors, "the weight", item, limit);
    require<format_error>(count <= limit - total, spec_who, "the weights up to '", item,
                          "' have more than max_spec_values = ", limit, " values in all");
    total += count;
}

[[nodiscard]] inline std::string_view spec_trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

[[nodiscard]] inline std::vector<std::string_view> spec_split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

[[nodiscard]] inline std::vector<std::string_view> spec_words(std::string_view item) {
    std::vector<std::string_view> result;
    std::size_t at = 0;
    while (at < item.size()) {
        const auto first = item.find_first_not_of(" \t\r\n", at);
        if (first == std::string_view::npos) break;
        auto last = item.find_first_of(" \t\r\n", first);
        if (last == std::string_view::npos) last = item.size();
        result.push_back(item.substr(first, last - first));
        at = last;
    }
    return result;
}

/// A size in [1, 2^24], or format_error naming the token and the item.
[[nodiscard]] inline Index spec_size(std::string_view token, std::string_view item) {
    Index value = 0;
    const auto [end, status] = std::from_chars(token.data(), token.data() + token.size(), value);
    require<format_error>(
        status == std::errc{} && end == token.data() + token.size() && value >= 1 && value <= max_spec_size, spec_who,
        "expected a size in [1, ", max_spec_size, "], got '", token, "' in '", item, "'");
    return value;
}

/// "AxBxC" (or fewer dimensions) split at 'x' into sizes; format_error unless it has `count` of them.
[[nodiscard]] inline std::vector<Index> spec_dimensions(std::string_view token, std::string_view item,
                                                        std::size_t count) {
    const auto parts = spec_split(token, 'x');
    require<format_error>(parts.size() == count, spec_who, "expected ", count, " sizes separated by 'x', got '", token,
                          "' in '", item, "'");
    std::vector<Index> sizes;
    for (const auto part : parts) sizes.push_back(spec_size(part, item));
    return sizes;
}

[[nodiscard]] inline nn::Layer spec_layer(const std::vector<std::string_view>& tokens, std::string_view item,
                                          const ImageShape& in, Index& weights, Index limit) {
    const std::string_view kind = tokens.front();
    const auto arguments = [&](std::size_t count) {
        require<format_error>(tokens.size() == count + 1, spec_who, "'", kind, "' takes ", count, " argument(s), got '",
                              item, "'");
    };
    if (kind == "conv") {
        arguments(2);
        const auto kernel = spec_dimensions(tokens[1], item, 3);
        const std::string_view padding = tokens[2];
        require<format_error>(padding == "same" || padding == "valid", spec_who,
                              "padding must be 'same' or 'valid', got '", padding, "' in '", item, "'");
        require<format_error>(padding == "valid" || (kernel[0] % 2 == 1 && kernel[1] % 2 == 1), spec_who,
                              "'same' padding needs an odd kernel, got '", tokens[1], "' in '", item, "'");
        spec_add_weights(weights, {kernel[2], in.channels, kernel[0], kernel[1]}, item, limit);
        return nn::Conv2D(in.channels, kernel[2], kernel[0], kernel[1],
                          padding == "same" ? nn::Padding::same : nn::Padding::valid);
    }
    if (kind == "dense") {
        arguments(1);
        const Index out = spec_size(tokens[1], item);
        require<format_error>(in.height == 1 && in.width == 1, spec_who, "'", item, "' needs a flat input, got ", in,
                              " (add 'flatten' before it)");
        spec_add_weights(weights, {out, in.channels}, item, limit);
        return nn::Dense(in.channels, out);
    }
    if (kind == "maxpool") {
        arguments(1);
        return nn::MaxPool2D(spec_size(tokens[1], item));
    }
    if (kind == "relu") {
        arguments(0);
        return nn::ReLU{};
    }
    if (kind == "flatten") {
        arguments(0);
        return nn::Flatten{};
    }
    throw format_error(smoothgrad::detail::message(spec_who, "unknown layer '", kind, "' in '", item,
                                                   "' (expected conv, dense, relu, maxpool or flatten)"));
}

}  // namespace smoothgrad::detail

namespace smoothgrad::nn {

/// The network described by `spec`, with zero weights (call `initialize(seed)` or load them).
/// Throws format_error naming the offending token for a malformed spec, layers whose shapes do not chain, or
/// an input, output or all weights of more than max_spec_values numbers (checked before anything is allocated).
[[nodiscard]] inline Sequential parse_spec(std::string_view spec, const ParseSpecParams& params = {}) {
    using smoothgrad::detail::spec_who;
    const Index limit = params.max_spec_values;
    smoothgrad::detail::require(limit >= 1 && limit <= max_spec_values, spec_who, "max_spec_values must be in [1, ",
                                max_spec_values, "], got ", limit);
    const auto items = smoothgrad::detail::spec_split(spec, ';');
    const std::string_view first = smoothgrad::detail::spec_trim(items.front());
    const auto input_tokens = smoothgrad::detail::spec_words(first);
    smoothgrad::detail::require<format_error>(input_tokens.size() == 2 && input_tokens[0] == "input", spec_who,
                                              "a spec starts with 'input HxWxC' or 'input N', got '", first, "'");
    ImageShape shape;
    if (input_tokens[1].find('x') == std::string_view::npos) {
        shape = {1, 1, smoothgrad::detail::spec_size(input_tokens[1], first)};
    } else {
        const auto sizes = smoothgrad::detail::spec_dimensions(input_tokens[1], first, 3);
        shape = {sizes[0], sizes[1], sizes[2]};
    }
    (void)smoothgrad::detail::spec_count({shape.height, shape.width, shape.channels}, "the input", first, limit);
    const ImageShape input_shape = shape;
    smoothgrad::detail::require<format_error>(items.size() > 1, spec_who, "'", spec, "' has no layer after the input");
    std::vector<Layer> layers;
    Index weights = 0;  // all layers' weights so far, bounded like each layer's
    for (std::size_t i = 1; i < items.size(); ++i) {
        const std::string_view item = smoothgrad::detail::spec_trim(items[i]);
        const auto tokens = smoothgrad::detail::spec_words(item);
        smoothgrad::detail::require<format_error>(!tokens.empty(), spec_who, "item ", i, " is empty in '", spec, "'");
        Layer layer = smoothgrad::detail::spec_layer(tokens, item, shape, weights, limit);
        try {
            shape = std::visit([&](const auto& l) { return l.output_shape(shape); }, layer);
        } catch (const shape_error& e) {
            throw format_error(
                smoothgrad::detail::message(spec_who, "'", item, "' cannot take input ", shape, ": ", e.what()));
        }
        (void)smoothgrad::detail::spec_count({shape.height, shape.width, shape.channels}, "the output", item, limit);
        layers.push_back(std::move(layer));
    }
    return Sequential(input_shape, std::move(layers));
}

/// parse_spec(spec), then `initialize(seed)`: PyTorch's default initialization, reproducible.
[[nodiscard]] inline Sequential parse_spec(std::string_view spec, std::uint64_t seed) {
    Sequential network = parse_spec(spec);
    network.initialize(seed);
    return network;
}

}  // namespace smoothgrad::nn
