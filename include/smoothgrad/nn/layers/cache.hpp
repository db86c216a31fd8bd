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
/// allocate.
struct LayerCache {
    /// Conv2D: the im2col matrix of the input, (in_channels*kh*kw) x (output pixels * batch).
    Matrix columns;
    /// Conv2D: scratch space for the gradient of `columns` in the backward pass.
    Matrix column_gradients;
    /// MaxPool2D: for every output element (column-major over output x batch), the row of the input
    /// column that held the maximum.
    std::vector<std::int32_t> argmax;
};

}  // namespace smoothgrad::nn
