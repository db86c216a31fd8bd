// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The one place where the library's layout meets PyTorch's: a batch of flat HWC columns (features x batch,
/// column-major, as every smoothgrad model takes it) and an NCHW tensor, in one function each way.

#include <torch/torch.h>

#include <cstring>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// The batch `columns` (shape.size() x batch) as a contiguous float32 NCHW tensor [batch, C, H, W] on the CPU.
[[nodiscard]] inline ::torch::Tensor nchw_from_columns(const MatrixRef& columns, const ImageShape& shape) {
    detail::require<shape_error>(columns.rows() == shape.size(), "nchw_from_columns", "columns have ", columns.rows(),
                                 " rows, the shape ", shape, " has ", shape.size(), " values");
    // Column j of a column-major matrix is the HWC image j (columns.outerStride() floats apart), so the
    // buffer reads as [batch, H, W, C].
    const ::torch::Tensor nhwc = ::torch::from_blob(
        const_cast<float*>(columns.data()), {columns.cols(), shape.height, shape.width, shape.channels},
        {columns.outerStride(), shape.width * shape.channels, shape.channels, 1}, ::torch::kFloat32);
    return nhwc.permute({0, 3, 1, 2}).contiguous();  // contiguous() copies: the tensor owns its memory
}

/// A [batch, C, H, W] tensor (any device, any floating type) as features x batch HWC columns.
[[nodiscard]] inline Matrix columns_from_nchw(const ::torch::Tensor& nchw) {
    detail::require<shape_error>(nchw.dim() == 4, "columns_from_nchw", "expected a [batch, C, H, W] tensor, got ",
                                 nchw.dim(), " dimensions");
    const ::torch::Tensor nhwc =
        nchw.detach().to(::torch::kCPU, ::torch::kFloat32).permute({0, 2, 3, 1}).contiguous();
    Matrix columns(nhwc.size(1) * nhwc.size(2) * nhwc.size(3), nhwc.size(0));
    if (columns.size() > 0)
        std::memcpy(columns.data(), nhwc.data_ptr<float>(), static_cast<std::size_t>(columns.size()) * sizeof(float));
    return columns;
}

}  // namespace smoothgrad
