// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Flattening an image into PyTorch's C*H*W feature order, so that a Dense layer after it uses a
/// PyTorch-trained weight as it is.

#include "smoothgrad/detail/eigen_core.hpp"
#include <string>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/cache.hpp"

namespace smoothgrad::nn {

/// Reorders each HWC column into CHW: output feature c*H*W + y*W + x is input (y, x, c), as
/// `torch.flatten(x, 1)` orders an N x C x H x W tensor.
///
/// Shapes: input H x W x C, output 1 x 1 x (H*W*C); no parameters, no cache. On a flat input
/// (1 x 1 x n) it is the identity.
class Flatten {
public:
    [[nodiscard]] std::string spec() const { return "flatten"; }
    [[nodiscard]] ImageShape output_shape(const ImageShape& input) const { return {1, 1, input.size()}; }

    void forward(const Matrix& input, const ImageShape& input_shape, Matrix& output, LayerCache& /*cache*/) const {
        output.resize(input.rows(), input.cols());
        const Index channels = input_shape.channels;
        const Index pixels = input_shape.pixels();
        if (channels == 1 || pixels == 1) {  // HWC is CHW: a copy (Eigen's 1 x n transposes go value by value)
            output = input;
            return;
        }
        // An HWC column is a channels x pixels column-major matrix; CHW is its transpose.
        for (Index n = 0; n < input.cols(); ++n) {
            Eigen::Map<Matrix>(output.col(n).data(), pixels, channels) =
                Eigen::Map<const Matrix>(input.col(n).data(), channels, pixels).transpose();
        }
    }

    void backward(const Matrix& output_gradient, const ImageShape& input_shape, const Matrix& /*input*/,
                  ReluRule /*rule*/, LayerCache& /*cache*/, Matrix& input_gradient) const {
        input_gradient.resize(output_gradient.rows(), output_gradient.cols());
        const Index channels = input_shape.channels;
        const Index pixels = input_shape.pixels();
        if (channels == 1 || pixels == 1) {
            input_gradient = output_gradient;
            return;
        }
        for (Index n = 0; n < output_gradient.cols(); ++n) {
            Eigen::Map<Matrix>(input_gradient.col(n).data(), channels, pixels) =
                Eigen::Map<const Matrix>(output_gradient.col(n).data(), pixels, channels).transpose();
        }
    }
};

}  // namespace smoothgrad::nn
