// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// What one layer keeps from its forward pass for its backward pass. It lives in the caller's
/// workspace, never in the layer, so layers stay const and a network can run on several threads.

#include <vector>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/kernels.hpp"
#include "smoothgrad/nn/layers/winograd.hpp"

namespace smoothgrad::nn {

/// Per-layer buffers of one forward/backward pass. Each layer uses only the members it documents;
/// the buffers keep their capacity between batches of the same size, so a reused workspace does not
/// allocate. The Conv2D buffers hold one sample at a time (Winograd's the tiles of the few samples of
/// winograd::Correlation::samples_per_pass): their size does not grow with the batch.
struct LayerCache {
    /// Conv2D: the im2col matrix of one sample, (in_channels*kh*kw) x (output pixels), in the backward
    /// pass of a layer with few input channels that computes it by col2im; the transposed weight
    /// gradient in the training pass.
    Matrix columns;
    /// Conv2D: the weight packed for the forward pass, then for the backward pass (each pass packs it
    /// anew, so a weight changed between passes is always seen); unused where Winograd's transform runs.
    kernels::Buffer packed_weight;
    /// Conv2D: one image with a zero border, the source of a correlation.
    kernels::Buffer padded;
    /// Conv2D: where each row of the kernel starts in `padded`, relative to the kernel's top left.
    std::vector<Index> offsets;
    /// MaxPool2D: for every output, where in its window the maximum was (see MaxPool2D).
    kernels::Buffer winners;
    /// Conv2D and Dense: reused memory of the matrix-product kernels.
    kernels::Scratch scratch;
    /// Conv2D with ConvolutionAlgorithm::winograd: the transformed kernel, tiles and products.
    winograd::Scratch winograd;
};

}  // namespace smoothgrad::nn
