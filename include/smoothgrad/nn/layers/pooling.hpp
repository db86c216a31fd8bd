// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Max pooling over k x k windows with stride k, PyTorch's `nn.MaxPool2d(k)`.

#include <cstdint>
#include <limits>
#include <string>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/cache.hpp"

namespace smoothgrad::nn {

/// out(y, x, c) = max over 0 <= i, j < k of in(k*y + i, k*x + j, c), per channel.
///
/// Shapes: input H x W x C (HWC columns), output floor(H/k) x floor(W/k) x C: the rows and columns
/// past the last whole window are dropped, as PyTorch does by default. The backward pass sends each
/// output gradient to the input element that held the maximum (the first one in row-major window order
/// on ties), recorded in `LayerCache::argmax` by the forward pass.
class MaxPool2D {
public:
    /// Throws argument_error unless `kernel` >= 1.
    explicit MaxPool2D(Index kernel) : kernel_(kernel) {
        smoothgrad::detail::require(kernel >= 1, "MaxPool2D", "kernel must be >= 1, got ", kernel);
    }

    [[nodiscard]] Index kernel() const noexcept { return kernel_; }
    [[nodiscard]] std::string spec() const { return "maxpool " + std::to_string(kernel_); }

    /// Throws shape_error if the input is smaller than one window.
    [[nodiscard]] ImageShape output_shape(const ImageShape& input) const {
        smoothgrad::detail::require<shape_error>(input.height >= kernel_ && input.width >= kernel_, "MaxPool2D",
                                                 "window ", kernel_, "x", kernel_, " is larger than input ", input);
        return {input.height / kernel_, input.width / kernel_, input.channels};
    }

    /// Pre: `input` is (H*W*C) x N. Post: `output` is (H'*W'*C) x N, `cache.argmax` filled.
    void forward(const Matrix& input, const ImageShape& input_shape, Matrix& output, LayerCache& cache) const {
        const ImageShape out = output_shape(input_shape);
        const Index batch = input.cols();
        const Index channels = input_shape.channels;
        smoothgrad::detail::require<shape_error>(input_shape.size() <= std::numeric_limits<std::int32_t>::max(),
                                                 "MaxPool2D", "input ", input_shape, " is too large");
        output.resize(out.size(), batch);
        cache.argmax.resize(static_cast<std::size_t>(out.size() * batch));
        for (Index n = 0; n < batch; ++n) {
            const float* image = input.col(n).data();
            for (Index y = 0; y < out.height; ++y) {
                for (Index x = 0; x < out.width; ++x) {
                    // The channels of a pixel are contiguous in HWC: compare whole pixels, channel-wise.
                    const Index first = out.offset(y, x);
                    float* best = output.col(n).data() + first;
                    std::int32_t* where = cache.argmax.data() + n * out.size() + first;
                    for (Index i = 0; i < kernel_; ++i) {
                        for (Index j = 0; j < kernel_; ++j) {
                            const auto at =
                                static_cast<std::int32_t>(input_shape.offset(kernel_ * y + i, kernel_ * x + j));
                            const float* pixel = image + at;
                            if (i == 0 && j == 0) {
                                for (Index c = 0; c < channels; ++c) {
                                    best[c] = pixel[c];
                                    where[c] = at + static_cast<std::int32_t>(c);
                                }
                                continue;
                            }
                            for (Index c = 0; c < channels; ++c) {
                                const bool larger = pixel[c] > best[c];
                                best[c] = larger ? pixel[c] : best[c];
                                where[c] = larger ? at + static_cast<std::int32_t>(c) : where[c];
                            }
                        }
                    }
                }
            }
        }
    }

    /// Pre: `forward` ran on this cache; `output_gradient` is (H'*W'*C) x N. Post: `input_gradient` is
    /// (H*W*C) x N, zero except at the maxima.
    void backward(const Matrix& output_gradient, const ImageShape& input_shape, const Matrix& /*input*/,
                  ReluRule /*rule*/, LayerCache& cache, Matrix& input_gradient) const {
        const Index batch = output_gradient.cols();
        const Index outputs = output_gradient.rows();
        input_gradient.setZero(input_shape.size(), batch);
        const std::int32_t* argmax = cache.argmax.data();
        for (Index n = 0; n < batch; ++n) {
            const float* gradient = output_gradient.col(n).data();
            float* result = input_gradient.col(n).data();
            for (Index k = 0; k < outputs; ++k) result[*argmax++] += gradient[k];
        }
    }

private:
    Index kernel_;
};

}  // namespace smoothgrad::nn
