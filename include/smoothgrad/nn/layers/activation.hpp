// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The ReLU activation, whose backward step follows a ReluRule: the true gradient, guided backprop
/// or deconvnet.

#include <string>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/cache.hpp"

namespace smoothgrad::nn {

/// out = max(in, 0) elementwise; any shape, output shape = input shape. No parameters, no cache.
///
/// Backward, with x the forward input and g the incoming gradient:
/// - ReluRule::gradient: g where x > 0, else 0 (the derivative at 0 is taken as 0, like PyTorch);
/// - ReluRule::guided: g where x > 0 and g > 0, else 0;
/// - ReluRule::deconvnet: g where g > 0, else 0, whatever x.
class ReLU {
public:
    [[nodiscard]] std::string spec() const { return "relu"; }
    [[nodiscard]] ImageShape output_shape(const ImageShape& input) const { return input; }

    void forward(const Matrix& input, const ImageShape& /*input_shape*/, Matrix& output, LayerCache& /*cache*/) const {
        output.resize(input.rows(), input.cols());
        output.array() = input.array().max(0.0f);
    }

    /// Pre: `input` is the forward input and `output_gradient` has its shape.
    void backward(const Matrix& output_gradient, const ImageShape& /*input_shape*/, const Matrix& input, ReluRule rule,
                  LayerCache& /*cache*/, Matrix& input_gradient) const {
        input_gradient.resize(output_gradient.rows(), output_gradient.cols());
        // Plain loops: the compiler vectorizes them, Eigen 3.4's select() does not.
        const float* x = input.data();
        const float* g = output_gradient.data();
        float* result = input_gradient.data();
        const Index size = output_gradient.size();
        switch (rule) {
            case ReluRule::gradient:
                for (Index k = 0; k < size; ++k) result[k] = x[k] > 0.0f ? g[k] : 0.0f;
                break;
            case ReluRule::guided:
                for (Index k = 0; k < size; ++k) result[k] = x[k] > 0.0f && g[k] > 0.0f ? g[k] : 0.0f;
                break;
            case ReluRule::deconvnet:
                for (Index k = 0; k < size; ++k) result[k] = g[k] > 0.0f ? g[k] : 0.0f;
                break;
        }
    }
};

}  // namespace smoothgrad::nn
