// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Softmax cross-entropy, PyTorch's `nn.CrossEntropyLoss()` (mean over the batch), and its gradient.

#include <cmath>
#include <span>
#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad::nn {

namespace loss_detail {

inline void check_labels(const Matrix& scores, std::span<const int> labels, std::string_view who) {
    smoothgrad::detail::require<shape_error>(static_cast<Index>(labels.size()) == scores.cols(), who, "got ",
                                             labels.size(), " labels for a batch of ", scores.cols());
    smoothgrad::detail::require<shape_error>(scores.cols() > 0 && scores.rows() > 0, who, "scores are empty");
    for (std::size_t j = 0; j < labels.size(); ++j) {
        smoothgrad::detail::require(labels[j] >= 0 && labels[j] < scores.rows(), who, "label ", j, " must be in [0, ",
                                    scores.rows(), "), got ", labels[j]);
    }
}

}  // namespace loss_detail

/// Column-wise softmax of classes x N scores, computed as exp(s - max s) / sum so that large scores
/// do not overflow.
[[nodiscard]] inline Matrix softmax(const Matrix& scores) {
    Matrix result(scores.rows(), scores.cols());
    for (Index j = 0; j < scores.cols(); ++j) {
        const float top = scores.col(j).maxCoeff();
        result.col(j) = (scores.col(j).array() - top).exp().matrix();
        result.col(j) /= result.col(j).sum();
    }
    return result;
}

/// The mean over the batch of -log softmax(scores(:, j))[labels[j]], and in `gradient` its gradient with
/// respect to the scores, (softmax - one_hot(labels)) / N. Each column's log-sum-exp is taken around its
/// maximum, in double. Throws shape_error if there is not one label per column, argument_error for a
/// label outside [0, classes).
inline double softmax_cross_entropy(const Matrix& scores, std::span<const int> labels, Matrix& gradient) {
    loss_detail::check_labels(scores, labels, "softmax_cross_entropy");
    const Index batch = scores.cols();
    gradient.resize(scores.rows(), batch);
    double total = 0.0;
    for (Index j = 0; j < batch; ++j) {
        const float top = scores.col(j).maxCoeff();
        gradient.col(j) = (scores.col(j).array() - top).exp().matrix();
        double sum = 0.0;
        for (Index k = 0; k < scores.rows(); ++k) sum += gradient(k, j);
        const auto label = static_cast<Index>(labels[static_cast<std::size_t>(j)]);
        total += static_cast<double>(top) + std::log(sum) - static_cast<double>(scores(label, j));
        gradient.col(j) *= static_cast<float>(1.0 / (sum * static_cast<double>(batch)));
        gradient(label, j) -= 1.0f / static_cast<float>(batch);
    }
    return total / static_cast<double>(batch);
}

/// The loss of a batch and its gradient with respect to the scores.
struct LossResult {
    double loss = 0.0;
    Matrix gradient;
};

/// softmax_cross_entropy returning the gradient instead of writing it.
[[nodiscard]] inline LossResult softmax_cross_entropy(const Matrix& scores, std::span<const int> labels) {
    LossResult result;
    result.loss = softmax_cross_entropy(scores, labels, result.gradient);
    return result;
}

}  // namespace smoothgrad::nn
