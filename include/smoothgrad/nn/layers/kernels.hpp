// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The two matrix-product kernels behind Dense and Conv2D. Unlike a general GEMM they compute every
/// column of the result with the same sequence of operations whatever the number of columns and the
/// column's position, so a sample's result never depends on the batch it is in: the layers' results are
/// bit-identical for any batch width and any split of a batch over threads.
///
/// They use Eigen's packet abstraction (SSE, AVX, AVX-512, NEON, or plain floats), read their operands
/// where they are (no packing copy) and block only over rows, so that a weight tile stays in cache while
/// the columns stream past it.

#include <Eigen/Core>
#include <algorithm>

#include "smoothgrad/core/types.hpp"

namespace smoothgrad::nn::kernels {

/// The SIMD register type of float and its width.
using Packet = Eigen::internal::packet_traits<float>::type;
inline constexpr Index lanes = Eigen::internal::packet_traits<float>::size;

namespace detail {

using Eigen::internal::pmadd;
using Eigen::internal::pset1;
using Eigen::internal::ploadu;
using Eigen::internal::predux;
using Eigen::internal::pstoreu;

/// P packets of rows of C = A * B for C columns, A col-major; one multiply-add chain per element.
template <int P, int C>
inline void axpy_tile(const float* a, Index lda, const float* b, Index ldb, Index depth, float* c, Index ldc) {
    Packet acc[P][C];
    for (int p = 0; p < P; ++p)
        for (int j = 0; j < C; ++j) acc[p][j] = pset1<Packet>(0.0f);
    for (Index k = 0; k < depth; ++k) {
        Packet column[P];
        for (int p = 0; p < P; ++p) column[p] = ploadu<Packet>(a + k * lda + p * lanes);
        for (int j = 0; j < C; ++j) {
            const Packet scale = pset1<Packet>(b[j * ldb + k]);
            for (int p = 0; p < P; ++p) acc[p][j] = pmadd(column[p], scale, acc[p][j]);
        }
    }
    for (int j = 0; j < C; ++j)
        for (int p = 0; p < P; ++p) pstoreu(c + j * ldc + p * lanes, acc[p][j]);
}

/// One row of C = A * B for C columns, for the rows past the last whole packet.
template <int C>
inline void axpy_row(const float* a, Index lda, const float* b, Index ldb, Index depth, float* c, Index ldc) {
    float acc[C] = {};
    for (Index k = 0; k < depth; ++k)
        for (int j = 0; j < C; ++j) acc[j] += a[k * lda] * b[j * ldb + k];
    for (int j = 0; j < C; ++j) c[j * ldc] = acc[j];
}

/// Rows [first, last) of C for columns [j, j + C): whole packets in tiles of up to 3, then single rows.
template <int C>
inline void axpy_columns(const float* a, Index lda, const float* b, Index ldb, Index depth, float* c, Index ldc,
                         Index first, Index last) {
    Index m = first;
    for (; m + 3 * lanes <= last; m += 3 * lanes) axpy_tile<3, C>(a + m, lda, b, ldb, depth, c + m, ldc);
    for (; m + lanes <= last; m += lanes) axpy_tile<1, C>(a + m, lda, b, ldb, depth, c + m, ldc);
    for (; m < last; ++m) axpy_row<C>(a + m, lda, b, ldb, depth, c + m, ldc);
}

/// R rows of C = A * B for C columns, A row-major (rows contiguous), B col-major: dot products.
template <int R, int C>
inline void dot_tile(const float* a, Index lda, const float* b, Index ldb, Index depth, float* c, Index ldc) {
    Packet acc[R][C];
    for (int r = 0; r < R; ++r)
        for (int j = 0; j < C; ++j) acc[r][j] = pset1<Packet>(0.0f);
    Index k = 0;
    for (; k + lanes <= depth; k += lanes) {
        Packet column[C];
        for (int j = 0; j < C; ++j) column[j] = ploadu<Packet>(b + j * ldb + k);
        for (int r = 0; r < R; ++r) {
            const Packet row = ploadu<Packet>(a + r * lda + k);
            for (int j = 0; j < C; ++j) acc[r][j] = pmadd(row, column[j], acc[r][j]);
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int j = 0; j < C; ++j) {
            float sum = predux(acc[r][j]);
            for (Index t = k; t < depth; ++t) sum += a[r * lda + t] * b[j * ldb + t];
            c[j * ldc + r] = sum;
        }
    }
}

template <int C>
inline void dot_columns(const float* a, Index lda, const float* b, Index ldb, Index depth, float* c, Index ldc,
                        Index first, Index last) {
    Index m = first;
    for (; m + 4 <= last; m += 4) dot_tile<4, C>(a + m * lda, lda, b, ldb, depth, c + m, ldc);
    for (; m < last; ++m) dot_tile<1, C>(a + m * lda, lda, b, ldb, depth, c + m, ldc);
}

/// Rows per block: a block of A of about 192 KiB stays in the L2 cache while every column passes.
[[nodiscard]] inline Index row_block(Index depth, Index multiple) {
    const Index rows = std::max<Index>(1, (192 * 1024 / 4) / std::max<Index>(depth, 1));
    return std::max(multiple, rows / multiple * multiple);
}

}  // namespace detail

/// C = A * B with A rows x depth column-major (leading dimension lda >= rows), B depth x cols
/// column-major (ldb >= depth) and C rows x cols column-major (ldc >= rows). Element (m, j) is the
/// sum over k = 0, 1, ... of A(m, k) * B(k, j), accumulated in that order by one multiply-add chain,
/// whatever `cols` and j: a column's result depends on that column of B alone.
inline void multiply_col_major(const float* a, Index lda, Index rows, Index depth, const float* b, Index ldb,
                               Index cols, float* c, Index ldc) {
    constexpr int width = 4;  // 3 packets x 4 columns: 12 accumulators, 3 loads, 4 broadcasts
    const Index block = detail::row_block(depth, 3 * lanes);
    for (Index first = 0; first < rows; first += block) {
        const Index last = std::min(rows, first + block);
        Index j = 0;
        for (; j + width <= cols; j += width)
            detail::axpy_columns<width>(a, lda, b + j * ldb, ldb, depth, c + j * ldc, ldc, first, last);
        for (; j < cols; ++j) detail::axpy_columns<1>(a, lda, b + j * ldb, ldb, depth, c + j * ldc, ldc, first, last);
    }
}

/// C = A * B with A rows x depth row-major (lda >= depth), B depth x cols column-major (ldb >= depth),
/// C rows x cols column-major (ldc >= rows). Element (m, j) is a dot product computed the same way for
/// every column (packet-wise partial sums, a fixed horizontal reduction, then the scalar tail), so a
/// column's result depends on that column of B alone.
inline void multiply_row_major(const float* a, Index lda, Index rows, Index depth, const float* b, Index ldb,
                               Index cols, float* c, Index ldc) {
    constexpr int width = 3;  // 4 rows x 3 columns: 12 accumulators, 7 loads
    const Index block = detail::row_block(depth, 4);
    for (Index first = 0; first < rows; first += block) {
        const Index last = std::min(rows, first + block);
        Index j = 0;
        for (; j + width <= cols; j += width)
            detail::dot_columns<width>(a, lda, b + j * ldb, ldb, depth, c + j * ldc, ldc, first, last);
        for (; j < cols; ++j) detail::dot_columns<1>(a, lda, b + j * ldb, ldb, depth, c + j * ldc, ldc, first, last);
    }
}

}  // namespace smoothgrad::nn::kernels
