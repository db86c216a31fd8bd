// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The centre of the library: what a model must offer to be explained.

#include <concepts>
#include <string>
#include <variant>

#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// How the backward pass treats a ReLU y = max(x, 0), given the incoming gradient g = dS/dy.
enum class ReluRule {
    gradient,   ///< the true derivative: g where x > 0
    guided,     ///< guided backprop (Springenberg et al. 2015): g where x > 0 and g > 0
    deconvnet,  ///< deconvnet (Zeiler & Fergus 2014): g where g > 0, whatever x
};

/// A model that can be explained with gradients.
///
/// Requirements, for a `const M m`, a batch `MatrixRef x` (features x batch, one sample per column) and
/// output weights `Vector w` (one per class):
/// 1. `m.input_size()` is the number of features of one sample (height * width * channels).
/// 2. `m.num_classes()` is the number of outputs.
/// 3. `m.scores(x)` returns the scores, classes x batch.
/// 4. `m.gradients(x, w)` returns, in one call, the gradient of the score w^T scores(x_j) with respect
///    to each column x_j: features x batch.
/// 5. Both calls are const and reentrant: no hidden "last forward" state, so they may run concurrently.
///
/// The methods pass batches as MatrixRef; a model that takes `const Matrix&` works too, with a copy.
template <class M>
concept DifferentiableModel = requires(const M& model, const MatrixRef& inputs, const Vector& output_weights) {
    { model.input_size() } -> std::convertible_to<Index>;
    { model.num_classes() } -> std::convertible_to<Index>;
    { model.scores(inputs) } -> std::convertible_to<Matrix>;
    { model.gradients(inputs, output_weights) } -> std::convertible_to<Matrix>;
};

/// A DifferentiableModel whose backward pass can apply a chosen ReluRule.
///
/// Requirements, in addition to DifferentiableModel's, for a `ReluRule rule`:
/// 1. `m.gradients(x, w, rule)` returns features x batch like `m.gradients(x, w)`, with every ReLU's
///    backward step replaced by `rule`.
/// 2. `m.gradients(x, w, ReluRule::gradient)` equals `m.gradients(x, w)`.
template <class M>
concept GuidedBackpropModel =
    DifferentiableModel<M> && requires(const M& model, const MatrixRef& inputs, const Vector& output_weights,
                                       ReluRule rule) {
        { model.gradients(inputs, output_weights, rule) } -> std::convertible_to<Matrix>;
    };

/// A layer of a model: its position (as a model counts its layers, e.g. nn::Sequential's spec) or its name
/// (a named layer of nn::Sequential, a submodule of a TorchScript model such as "layer4").
using LayerId = std::variant<Index, std::string>;

/// One layer's output for a batch and the gradient of the weighted score with respect to it.
struct LayerGradients {
    ImageShape shape;    ///< the layer's output, height x width x channels (a flat output is 1 x 1 x n)
    Matrix activations;  ///< shape.size() x batch, each column HWC like the library's images
    Matrix gradients;    ///< d(w^T scores(x_j)) / d activations, shaped like `activations`
};

/// A DifferentiableModel that exposes a layer's activations and their gradients (Grad-CAM).
///
/// Requirements, in addition to DifferentiableModel's, for a `LayerId layer`:
/// 1. `m.layer_gradients(x, w, layer)` returns the LayerGradients of `layer` for the batch x and output
///    weights w, in one call; it throws argument_error naming the layer when the model has no such layer.
/// 2. It is const and reentrant, like `gradients`.
template <class M>
concept LayerGradientModel =
    DifferentiableModel<M> && requires(const M& model, const MatrixRef& inputs, const Vector& output_weights,
                                       const LayerId& layer) {
        { model.layer_gradients(inputs, output_weights, layer) } -> std::convertible_to<LayerGradients>;
    };

/// A method that runs only on GuidedBackpropModels says so with `static constexpr bool needs_relu_rule = true`,
/// so that wrappers such as SmoothGrad pass the requirement on and name it when it is not met.
template <class Method>
concept NeedsReluRule = requires { requires Method::needs_relu_rule; };

/// A method that needs a layer's activations says so with `static constexpr bool needs_layer = true`.
template <class Method>
concept NeedsLayer = requires { requires Method::needs_layer; };

/// M models the concepts that `Method` needs: GuidedBackpropModel where the method needs a ReLU rule,
/// LayerGradientModel where it needs a layer, DifferentiableModel always.
template <class Method, class M>
concept ModelFor = DifferentiableModel<M> && (!NeedsReluRule<Method> || GuidedBackpropModel<M>) &&
                   (!NeedsLayer<Method> || LayerGradientModel<M>);

/// An attribution method that can explain a batch of inputs with a model of type M.
///
/// Requirements, for a `const Method method`, a `const M model`, a batch `x` and output weights `w`:
/// 1. M models the concept the method needs (ModelFor).
/// 2. `method.attribute_batch(model, x, w)` returns one attribution per column of x (features x batch).
template <class Method, class M>
concept AttributionMethodFor =
    ModelFor<Method, M> && requires(const Method& method, const M& model, const MatrixRef& inputs,
                                    const Vector& output_weights) {
        { method.attribute_batch(model, inputs, output_weights) } -> std::convertible_to<Matrix>;
    };

}  // namespace smoothgrad
