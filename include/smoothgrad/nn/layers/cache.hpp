// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// What one layer keeps from its forward pass for its backward pass. It lives in the caller's
/// workspace, never in the layer, so layers stay const and a network can run on several threads.

#include <cstdint>
#include <vector>

#include "smoothgrad/core/types.hpp"

namespace smoothgrad::nn {

/// Per-layer buffers of one forward/backward pass. Each layer uses only the members it documents;
/// the buffers keep their capacity between batches of the same size, so a reused workspace does not
/// allocate. The Conv2D buffers hold one sample at a time: their size does not grow with the batch.
struct LayerCache {
    /// Conv2D: scratch for the im2col matrix of one sample, (in_channels*kh*kw) x (output pixels).
    Matrix columns;
    /// Conv2D: scratch for the gradient of `columns` in the backward pass, same shape.
    Matrix column_gradients;
    /// Conv2D: a column-major copy of the weight (out x in*kh*kw), made by each forward pass.
    Matrix column_major_weight;
    /// MaxPool2D: for every output element (column-major over output x batch), the row of the input
    /// column that held the maximum.
    std::vector<std::int32_t> argmax;
};

}  // namespace smoothgrad::nn
