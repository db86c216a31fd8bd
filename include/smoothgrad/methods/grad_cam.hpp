// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Grad-CAM (Selvaraju et al. 2017) and Guided Grad-CAM: a class's evidence in a layer's feature maps,
/// weighted by the spatial mean of the class score's gradient. They need a LayerGradientModel.

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"

namespace smoothgrad {

/// Maps at a layer's resolution, one per column.
struct LayerMaps {
    ImageShape shape;  ///< the layer's height x width, one channel
    Matrix maps;       ///< shape.size() x batch, row-major pixels (HW) per column
};

namespace detail {

/// Bilinear resampling of an HW map to out_height x out_width with half-pixel centres and mirrored edges:
/// scikit-image's resize(order=1, mode="reflect") when enlarging, which PAIR saliency's Grad-CAM uses.
[[nodiscard]] inline Vector resize_bilinear_mirrored(const Eigen::Ref<const Vector>& map, Index height, Index width,
                                                     Index out_height, Index out_width) {
    // A coordinate outside [0, n - 1] is mirrored about the edge pixel's centre (no edge repeated).
    const auto taps = [](Index out, Index n, Index out_n, Index& low, Index& high, double& frac) {
        double at = (static_cast<double>(out) + 0.5) * static_cast<double>(n) / static_cast<double>(out_n) - 0.5;
        if (n == 1) at = 0.0;
        if (at < 0.0) at = -at;
        if (at > static_cast<double>(n - 1)) at = 2.0 * static_cast<double>(n - 1) - at;
        low = std::clamp<Index>(static_cast<Index>(std::floor(at)), 0, n - 1);
        high = std::min<Index>(low + 1, n - 1);
        frac = at - static_cast<double>(low);
    };
    Vector out(out_height * out_width);
    for (Index y = 0; y < out_height; ++y) {
        Index y0 = 0, y1 = 0;
        double fy = 0.0;
        taps(y, height, out_height, y0, y1, fy);
        for (Index x = 0; x < out_width; ++x) {
            Index x0 = 0, x1 = 0;
            double fx = 0.0;
            taps(x, width, out_width, x0, x1, fx);
            const double top = (1.0 - fx) * map[y0 * width + x0] + fx * map[y0 * width + x1];
            const double bottom = (1.0 - fx) * map[y1 * width + x0] + fx * map[y1 * width + x1];
            out[y * out_width + x] = static_cast<float>((1.0 - fy) * top + fy * bottom);
        }
    }
    return out;
}

}  // namespace detail

/// Grad-CAM: with A the layer's activations and g = dS/dA, channel k's weight is the mean of g over the
/// layer's pixels, and the map is ReLU(sum_k w_k A_k) at the layer's resolution (layer_maps()). As a
/// method (attribute_batch) the map is divided by its maximum (when positive) and resized bilinearly to
/// the input, repeated over its channels: PAIR saliency's GradCam.GetMask with should_resize and three_dims.
///
///     GradCam cam{.layer = Index{4}, .shape = {28, 28, 1}};  // the output of layer 4 of an nn::Sequential
///     Vector map = cam(model, image, label);
///
/// The layer should have a spatial output (H x W x C); the paper takes the last convolutional block.
struct GradCam {
    static constexpr std::string_view name = "grad_cam";
    static constexpr bool needs_layer = true;

    /// The layer whose output is weighed: its position or its name (see LayerId); required.
    std::optional<LayerId> layer = std::nullopt;
    /// The input's height x width x channels, the size the map is resized to; required for attribute_batch.
    ImageShape shape{};
    /// Divide each map by its maximum before resizing (PAIR); false keeps the layer's scale (Captum).
    bool normalize = true;

    /// The maps at the layer's resolution, before any division or resizing.
    template <LayerGradientModel M>
    [[nodiscard]] LayerMaps layer_maps(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        detail::require(layer.has_value(), name, "layer must be set (the paper takes the last convolutional layer)");
        const LayerGradients g = model.layer_gradients(inputs, output_weights, *layer);
        const ImageShape& s = g.shape;
        detail::require<shape_error>(s.size() > 0 && g.activations.rows() == s.size() &&
                                         g.gradients.rows() == s.size() && g.activations.cols() == inputs.cols() &&
                                         g.gradients.cols() == inputs.cols(),
                                     name, "the model returned a layer of shape ", s, " with activations ",
                                     g.activations.rows(), "x", g.activations.cols(), " and gradients ",
                                     g.gradients.rows(), "x", g.gradients.cols(), " for a batch of ", inputs.cols());
        detail::require<numeric_error>(g.activations.allFinite() && g.gradients.allFinite(), name,
                                       "the model returned NaN or Inf activations or gradients at the layer");
        LayerMaps result{{s.height, s.width, 1}, Matrix(s.height * s.width, inputs.cols())};
        for (Index j = 0; j < inputs.cols(); ++j) {
            // Column j as channels x pixels: HWC stores each pixel's channels together.
            const Eigen::Map<const Eigen::MatrixXf> activations(g.activations.col(j).data(), s.channels, s.pixels());
            const Eigen::Map<const Eigen::MatrixXf> gradients(g.gradients.col(j).data(), s.channels, s.pixels());
            const Eigen::VectorXd weights = gradients.cast<double>().rowwise().mean();
            result.maps.col(j) = (weights.transpose() * activations.cast<double>()).transpose().cwiseMax(0.0).cast<float>();
        }
        return result;
    }

    template <LayerGradientModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::require(shape.size() == inputs.rows(), name, "shape must be set to the input's height x width x ",
                        "channels (", inputs.rows(), " values), got ", shape);
        const LayerMaps low = layer_maps(model, inputs, output_weights);
        Matrix result(inputs.rows(), inputs.cols());
        for (Index j = 0; j < inputs.cols(); ++j) result.col(j) = to_input(low.maps.col(j), low.shape);
        return result;
    }

    /// A map of layer_maps() as attribute_batch gives it: divided by its maximum when `normalize` and
    /// positive, resized to `shape` and repeated over its channels.
    [[nodiscard]] Vector to_input(const Eigen::Ref<const Vector>& layer_map, const ImageShape& layer_shape) const {
        detail::require<shape_error>(layer_map.size() == layer_shape.height * layer_shape.width && shape.size() > 0,
                                     name, "a map of ", layer_map.size(), " values at layer shape ", layer_shape,
                                     " to input shape ", shape);
        Vector map = layer_map;
        const float peak = map.maxCoeff();
        if (normalize && peak > 0.0f) map /= peak;
        const Vector resized =
            detail::resize_bilinear_mirrored(map, layer_shape.height, layer_shape.width, shape.height, shape.width);
        // The same value in every channel of a pixel (HWC).
        return resized.transpose().replicate(shape.channels, 1).reshaped();
    }

    template <LayerGradientModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }
};

/// Guided Grad-CAM: guided backprop times the resized Grad-CAM map, value by value (Selvaraju et al.;
/// Captum's GuidedGradCam, which resizes by nearest neighbour and does not normalize).
struct GuidedGradCam {
    static constexpr std::string_view name = "guided_grad_cam";
    static constexpr bool needs_layer = true;
    static constexpr bool needs_relu_rule = true;

    /// The Grad-CAM whose map weighs guided backprop's; its layer and shape are required.
    GradCam grad_cam{};

    template <class M>
        requires GuidedBackpropModel<M> && LayerGradientModel<M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        const Matrix cam = grad_cam.attribute_batch(model, inputs, output_weights);
        Matrix guided = model.gradients(inputs, output_weights, ReluRule::guided);
        detail::check_gradients(guided, inputs, name);
        return guided.cwiseProduct(cam);
    }

    template <class M>
        requires GuidedBackpropModel<M> && LayerGradientModel<M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }
};

}  // namespace smoothgrad
