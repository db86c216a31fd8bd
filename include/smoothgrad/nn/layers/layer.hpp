// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The closed set of layer types a Sequential holds, and what they have in common.
///
/// Every layer type L offers, all const and free of hidden state (buffers live in a LayerCache that
/// the caller owns):
/// 1. `l.spec()`: its item in a network spec string ("conv 3x3x16 same", "relu", ...).
/// 2. `l.output_shape(in)`: the output shape for an input shape, or shape_error if it cannot take it.
/// 3. `l.forward(x, in, y, cache)`: y = layer(x) on a batch (one HWC sample per column).
/// 4. `l.backward(dy, in, x, rule, cache, dx)`: the input gradient dx from the output gradient dy,
///    after `forward` filled `cache` from x; only ReLU looks at `rule`. No parameter gradients.
/// Layers with parameters (ParameterizedLayer: Conv2D, Dense) also have a weight and a bias in
/// PyTorch's layouts, `reset_parameters(noise)` and `parameter_gradients(dy, in, x, cache, dw, db)`.

#include <concepts>
#include <variant>

#include "smoothgrad/core/random.hpp"
#include "smoothgrad/nn/layers/activation.hpp"
#include "smoothgrad/nn/layers/conv2d.hpp"
#include "smoothgrad/nn/layers/dense.hpp"
#include "smoothgrad/nn/layers/flatten.hpp"
#include "smoothgrad/nn/layers/pooling.hpp"

namespace smoothgrad::nn {

/// One layer of a Sequential.
using Layer = std::variant<Conv2D, Dense, ReLU, MaxPool2D, Flatten>;

/// A layer with a weight and a bias (named "<index>.weight" and "<index>.bias" in a Sequential).
template <class L>
concept ParameterizedLayer = requires(L& layer, const L& const_layer, NoiseStream& noise) {
    { const_layer.weight_shape() } -> std::convertible_to<std::vector<std::size_t>>;
    { const_layer.bias_shape() } -> std::convertible_to<std::vector<std::size_t>>;
    { const_layer.weight().data() } -> std::convertible_to<const float*>;
    { layer.weight().data() } -> std::convertible_to<float*>;
    { const_layer.bias().data() } -> std::convertible_to<const float*>;
    layer.reset_parameters(noise);
};

}  // namespace smoothgrad::nn
