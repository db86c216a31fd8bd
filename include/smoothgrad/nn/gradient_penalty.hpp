// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Penalties on the input gradient g = dS_y/dx of the true class's score, added to the training loss as
/// lambda * mean over the batch of P(g), the two that Smilkov et al. propose in Sec. 4:
///   - squared_norm: P = ||g||^2 (double backpropagation, Drucker & LeCun 1992);
///   - neighbour_differences: P = sum over pairs of 4-neighbouring pixels p, q of one channel of
///     (g_p - g_q)^2, a penalty on maps that change sharply from pixel to pixel.
/// Both are quadratic forms g^T A g (A = I, or the grid's graph Laplacian), so their weight gradient is
/// 2 (dg/dtheta)^T A g = 2 d/dh grad_theta S_y(x + h A g) at h = 0: a Hessian-vector product. For a network of
/// ReLUs and max pooling it is computed exactly, with every unit's state held as it is at x
/// (Sequential::directional_parameter_gradients), which is what double backpropagation in PyTorch computes;
/// a finite difference of two weight gradients would be wrong whenever a unit changes state between the two
/// points, and for these networks one almost always does.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/parameter.hpp"
#include "smoothgrad/nn/sequential.hpp"

namespace smoothgrad::nn {

/// Which function of the input gradient a GradientPenalty charges for.
enum class InputGradientPenalty : std::uint8_t {
    none,                   ///< no penalty
    squared_norm,           ///< ||g||^2
    neighbour_differences,  ///< sum over 4-neighbouring pixel pairs of one channel of (g_p - g_q)^2
};

/// A penalty lambda * P(dS_y/dx) added to the training loss (see the file comment).
struct GradientPenalty {
    InputGradientPenalty kind = InputGradientPenalty::none;
    double weight = 0.0;  ///< lambda, >= 0

    [[nodiscard]] bool active() const noexcept { return kind != InputGradientPenalty::none && weight > 0.0; }
};

namespace penalty_detail {

inline void check(const GradientPenalty& penalty, std::string_view who) {
    smoothgrad::detail::require(penalty.weight >= 0.0 && std::isfinite(penalty.weight), who,
                                "penalty weight must be finite and >= 0, got ", penalty.weight);
}

/// Calls visit(p, q) for every pair of 4-neighbouring positions of one channel of an HWC image.
template <class Visit>
void for_each_neighbour_pair(const ImageShape& shape, const Visit& visit) {
    for (Index y = 0; y < shape.height; ++y) {
        for (Index x = 0; x < shape.width; ++x) {
            for (Index c = 0; c < shape.channels; ++c) {
                const Index p = shape.offset(y, x, c);
                if (x + 1 < shape.width) visit(p, shape.offset(y, x + 1, c));
                if (y + 1 < shape.height) visit(p, shape.offset(y + 1, x, c));
            }
        }
    }
}

}  // namespace penalty_detail

/// P(g) for the input gradient `g` of one image of `shape` (HWC), in double.
[[nodiscard]] inline double penalty_value(const Eigen::Ref<const Vector>& g, const ImageShape& shape,
                                          InputGradientPenalty kind) {
    smoothgrad::detail::require<shape_error>(g.size() == shape.size(), "penalty_value", "gradient has ", g.size(),
                                             " values, the image ", shape.size());
    double total = 0.0;
    switch (kind) {
    case InputGradientPenalty::none: break;
    case InputGradientPenalty::squared_norm:
        for (Index i = 0; i < g.size(); ++i) total += static_cast<double>(g[i]) * g[i];
        break;
    case InputGradientPenalty::neighbour_differences:
        penalty_detail::for_each_neighbour_pair(shape, [&](Index p, Index q) {
            const double d = static_cast<double>(g[p]) - g[q];
            total += d * d;
        });
        break;
    }
    return total;
}

/// u = A g, half the gradient of P = g^T A g with respect to g: the direction along which the penalty's
/// weight gradient is a derivative of grad_theta S_y.
inline void penalty_direction(const Eigen::Ref<const Vector>& g, const ImageShape& shape, InputGradientPenalty kind,
                              Eigen::Ref<Vector> u) {
    smoothgrad::detail::require<shape_error>(g.size() == shape.size() && u.size() == g.size(), "penalty_direction",
                                             "gradient has ", g.size(), " values and the direction ", u.size(),
                                             ", the image ", shape.size());
    switch (kind) {
    case InputGradientPenalty::none: u.setZero(); break;
    case InputGradientPenalty::squared_norm: u = g; break;
    case InputGradientPenalty::neighbour_differences:
        u.setZero();
        penalty_detail::for_each_neighbour_pair(shape, [&](Index p, Index q) {
            const float d = g[p] - g[q];
            u[p] += d;
            u[q] -= d;
        });
        break;
    }
}

/// Buffers of penalty_gradients, kept between calls by train_epoch.
struct PenaltyScratch {
    Matrix unit_scores;  ///< one-hot columns: the score S_y whose gradients are taken
    Matrix input_gradients;
    Matrix directions;   ///< u = A g, per column
};

namespace penalty_detail {

/// penalty_gradients on the batch that the last network.forward(batch, workspace) ran, with labels that the
/// caller checked: train_epoch's cross-entropy pass has made that forward pass already.
inline double gradients_after_forward(const Sequential& network, std::span<const int> labels,
                                      const GradientPenalty& penalty, double scale, Workspace& workspace,
                                      PenaltyScratch& scratch, ParameterGradients& gradients) {
    const Index columns = workspace.input.cols();
    scratch.unit_scores.setZero(network.num_classes(), columns);
    for (Index j = 0; j < columns; ++j) scratch.unit_scores(labels[static_cast<std::size_t>(j)], j) = 1.0f;
    scratch.input_gradients = network.backward_input(scratch.unit_scores, ReluRule::gradient, workspace);
    const ImageShape& shape = network.input_shape();
    scratch.directions.resize(network.input_size(), columns);
    double total = 0.0;
    for (Index j = 0; j < columns; ++j) {
        const auto g = scratch.input_gradients.col(j);
        total += penalty_value(g, shape, penalty.kind);
        penalty_direction(g, shape, penalty.kind, scratch.directions.col(j));
    }
    // d/dtheta P = 2 d/dh grad_theta S_y(x + h u): the cotangent 2 * scale on S_y.
    scratch.unit_scores *= static_cast<float>(2.0 * scale);
    network.directional_parameter_gradients(scratch.unit_scores, scratch.directions, workspace, gradients);
    return total;
}

}  // namespace penalty_detail

/// Writes into `gradients` (shaped like network.zero_gradients()) the weight gradient of
/// scale * sum_j P(dS_{labels[j]}/dx at batch column j), and returns sum_j P. `workspace` holds the batch's
/// forward pass afterwards. train_epoch's use, scale = lambda / batch size, makes it the gradient of
/// lambda * mean_j P.
inline double penalty_gradients(const Sequential& network, const Eigen::Ref<const Matrix>& batch,
                                std::span<const int> labels, const GradientPenalty& penalty, double scale,
                                Workspace& workspace, PenaltyScratch& scratch, ParameterGradients& gradients) {
    constexpr std::string_view who = "penalty_gradients";
    penalty_detail::check(penalty, who);
    smoothgrad::detail::require<shape_error>(batch.rows() == network.input_size(), who, "batch has ", batch.rows(),
                                             " rows, the network expects ", network.input_size());
    smoothgrad::detail::require<shape_error>(static_cast<Index>(labels.size()) == batch.cols(), who, "got ",
                                             labels.size(), " labels for ", batch.cols(), " columns");
    for (std::size_t j = 0; j < labels.size(); ++j) {
        smoothgrad::detail::require(labels[j] >= 0 && labels[j] < network.num_classes(), who, "label ", j,
                                    " must be in [0, ", network.num_classes(), "), got ", labels[j]);
    }
    (void)network.forward(batch, workspace);
    return penalty_detail::gradients_after_forward(network, labels, penalty, scale, workspace, scratch, gradients);
}

}  // namespace smoothgrad::nn
