// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The matrix-product kernels behind Dense and Conv2D. Unlike a general GEMM they compute every
/// column of the result with the same sequence of operations whatever the number of columns and the
/// column's position, so a sample's result never depends on the batch it is in: the layers' results are
/// bit-identical for any batch width and any split of a batch over threads.
///
/// `multiply_indirect` is the main product, in the manner of BLIS: the left operand is read in panels
/// of `tile_rows` rows (packed once per pass, or in place), the right operand is read where it is
/// through a table of column pointers (a convolution points into the image: no im2col copy), and a
/// micro-kernel keeps a tile_rows x tile_columns block of the result in registers while it runs
/// through a block of the depth. Element (m, j) is one multiply-add chain over k = 0, 1, ..., depth - 1
/// in that order, started from zero; between depth blocks the chain is parked in the result matrix,
/// which rounds nothing. The last columns, fewer than tile_columns, go through a narrower instance of
/// the same micro-kernel: the chain of each element is the same, only fewer run side by side.
/// `multiply_row_major` computes dot products, for a left operand that is row-major and too large to
/// pack on every pass (a Dense weight): unlike one chain per element, it is as fast for one column as
/// for many. `multiply_row_major_right` sums outer products of a column-major and a row-major matrix
/// that share their long dimension (weight gradients: one chain per element, continued across calls).
///
/// Everything uses Eigen's packet abstraction (SSE, AVX, AVX-512, NEON, or plain floats).

#include "smoothgrad/detail/eigen_core.hpp"
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include "smoothgrad/core/types.hpp"

namespace smoothgrad::nn::kernels {

/// The SIMD register type of float and its width.
using Packet = Eigen::internal::packet_traits<float>::type;
inline constexpr Index lanes = Eigen::internal::packet_traits<float>::size;

/// Packets per micro-tile column: the micro-tile has tile_rows = 2 * lanes rows.
inline constexpr int tile_packets = 2;
/// Rows of a micro-tile and of a panel of the left operand.
inline constexpr Index tile_rows = tile_packets * lanes;
/// Columns of a micro-tile and of a panel of the right operand. 2 packets x 6 columns = 12
/// accumulators, 2 loads and 6 broadcasts per 12 multiply-adds: it fits AVX2's 16 registers.
inline constexpr Index tile_columns = 6;
/// Depth of a block: a panel of A this deep (16 KiB with AVX) stays in the L1 cache while the
/// columns of B pass.
inline constexpr Index depth_block = 256;

/// Floats in a 64-byte cache line: a gap that keeps buffers a power of two apart out of one cache set.
inline constexpr Index cache_line_floats = 16;

/// Scratch memory of the kernels (a LayerCache member), aligned for packets.
using Buffer = std::vector<float, Eigen::aligned_allocator<float>>;

/// The left operand A (rows x depth) of multiply_indirect, seen as panels of tile_rows rows: element
/// (m, k) of A is at data[p * panel_stride + k * step + (m - p * tile_rows)] with p = m / tile_rows.
/// If `padded`, every panel holds tile_rows rows (zeros past `rows`) and may be read in full; otherwise
/// the last partial panel is copied before use, so nothing past row `rows` is read.
struct LeftOperand {
    const float* data = nullptr;
    Index rows = 0;
    Index depth = 0;
    Index step = 0;          ///< floats between (m, k) and (m, k + 1)
    Index panel_stride = 0;  ///< floats between (m, k) and (m + tile_rows, k)
    bool padded = false;

    /// A column-major matrix read where it is: panels are consecutive rows.
    [[nodiscard]] static LeftOperand column_major(const float* a, Index lda, Index rows, Index depth) noexcept {
        return {a, rows, depth, lda, tile_rows, false};
    }
    /// A buffer filled by pack_left.
    [[nodiscard]] static LeftOperand packed(const Buffer& panels, Index rows, Index depth) noexcept {
        return {panels.data(), rows, depth, tile_rows, depth * tile_rows, true};
    }
};

/// Packs A (rows x depth) into zero-padded panels for LeftOperand::packed, with A(m, k) =
/// source[m * row_stride + offset(k)]: a convolution packs its (small) weight once per pass, in
/// whatever order of the depth suits the right operand.
template <class Offset>
void pack_left(const float* source, Index row_stride, Index rows, Index depth, const Offset& offset, Buffer& panels) {
    const Index count = (rows + tile_rows - 1) / tile_rows;
    panels.assign(static_cast<std::size_t>(count * depth * tile_rows), 0.0f);
    float* out = panels.data();
    for (Index p = 0; p < count; ++p) {
        const Index valid = std::min(tile_rows, rows - p * tile_rows);
        const float* first = source + p * tile_rows * row_stride;
        for (Index k = 0; k < depth; ++k, out += tile_rows) {
            const Index at = offset(k);
            for (Index r = 0; r < valid; ++r) out[r] = first[r * row_stride + at];
        }
    }
}

/// Reused memory of multiply_indirect (a LayerCache member, one per thread).
struct Scratch {
    Buffer panel;                       ///< the last rows of an unpadded left operand, zero-padded
    Buffer addend;                      ///< multiply_indirect's row_addend, zero-padded to whole panels
    std::vector<const float*> columns;  ///< the bases of the right operand's columns
};

namespace detail {

using Eigen::internal::pload;
using Eigen::internal::ploadu;
using Eigen::internal::pmadd;
using Eigen::internal::predux;
using Eigen::internal::pset1;
using Eigen::internal::pstoreu;

/// C(0:rows, 0:W) (+)= the product of a P-packet panel of A and W columns of B over `pieces` pieces
/// of `length` rows of B each: a[k * a_step + r] is A(r, k) for the k-th row of the pieces laid end to
/// end; b[j] + offsets[i] + offset points to the `length` values of piece i of column j. Every element
/// is one chain of multiply-adds from zero (or from its value in C if `accumulate`), the same chain
/// whatever W, then plus addend[r] if `addend` (P * lanes floats) is set; all P * lanes rows are computed
/// and only `rows` of them stored.
template <int P, int W>
inline void micro_tile(const float* a, Index a_step, const float* const* b, const Index* offsets, Index pieces,
                       Index length, Index offset, float* c, Index ldc, Index rows, bool accumulate,
                       const float* addend) {
    constexpr int width = W;
    constexpr Index height = P * lanes;
    const Index cols = W;
    const bool full = rows == height;
    alignas(64) float edge[width * height];  // the partial tile of C, column-major with leading dimension height
    Packet acc[P][width];
    if (!accumulate) {
        for (int j = 0; j < width; ++j)
            for (int p = 0; p < P; ++p) acc[p][j] = pset1<Packet>(0.0f);
    } else if (full) {
        for (int j = 0; j < width; ++j)
            for (int p = 0; p < P; ++p) acc[p][j] = ploadu<Packet>(c + j * ldc + p * lanes);
    } else {
        std::fill(edge, edge + width * height, 0.0f);
        for (Index j = 0; j < cols; ++j) std::copy_n(c + j * ldc, rows, edge + j * height);
        for (int j = 0; j < width; ++j)
            for (int p = 0; p < P; ++p) acc[p][j] = pload<Packet>(edge + j * height + p * lanes);
    }
    for (Index i = 0; i < pieces; ++i) {
        const float* column[width];
        for (int j = 0; j < width; ++j) column[j] = b[j] + offsets[i] + offset;
        for (Index k = 0; k < length; ++k, a += a_step) {
            Packet left[P];
            for (int p = 0; p < P; ++p) left[p] = ploadu<Packet>(a + p * lanes);
            for (int j = 0; j < width; ++j) {
                const Packet scale = pset1<Packet>(column[j][k]);
                for (int p = 0; p < P; ++p) acc[p][j] = pmadd(left[p], scale, acc[p][j]);
            }
        }
    }
    if (addend != nullptr) {
        for (int p = 0; p < P; ++p) {
            const Packet add = ploadu<Packet>(addend + p * lanes);
            for (int j = 0; j < width; ++j) acc[p][j] = Eigen::internal::padd(acc[p][j], add);
        }
    }
    if (full) {
        for (int j = 0; j < width; ++j)
            for (int p = 0; p < P; ++p) pstoreu(c + j * ldc + p * lanes, acc[p][j]);
        return;
    }
    for (int j = 0; j < width; ++j)
        for (int p = 0; p < P; ++p) pstoreu(edge + j * height + p * lanes, acc[p][j]);
    for (Index j = 0; j < cols; ++j) std::copy_n(edge + j * height, rows, c + j * ldc);
}

/// micro_tile for `cols` (1 .. tile_columns) columns.
template <int P>
inline void micro_tile(const float* a, Index a_step, const float* const* b, const Index* offsets, Index pieces,
                       Index length, Index offset, float* c, Index ldc, Index rows, Index cols, bool accumulate,
                       const float* addend) {
    static_assert(tile_columns == 6, "the switch below covers 1 .. tile_columns");
    switch (cols) {
        case 1:
            return micro_tile<P, 1>(a, a_step, b, offsets, pieces, length, offset, c, ldc, rows, accumulate, addend);
        case 2:
            return micro_tile<P, 2>(a, a_step, b, offsets, pieces, length, offset, c, ldc, rows, accumulate, addend);
        case 3:
            return micro_tile<P, 3>(a, a_step, b, offsets, pieces, length, offset, c, ldc, rows, accumulate, addend);
        case 4:
            return micro_tile<P, 4>(a, a_step, b, offsets, pieces, length, offset, c, ldc, rows, accumulate, addend);
        case 5:
            return micro_tile<P, 5>(a, a_step, b, offsets, pieces, length, offset, c, ldc, rows, accumulate, addend);
        default:
            return micro_tile<P, 6>(a, a_step, b, offsets, pieces, length, offset, c, ldc, rows, accumulate, addend);
    }
}

/// Columns of B per pass: a block of `depth` rows of them fills about 128 KiB (half the L2 cache of
/// small cores), so it is read from cache by every panel of A.
[[nodiscard]] inline Index column_block(Index depth) {
    const Index groups = std::max<Index>(1, (128 * 1024 / 4) / std::max<Index>(depth * tile_columns, 1));
    return groups * tile_columns;
}

}  // namespace detail

/// C = A * B, C rows x cols column-major with leading dimension ldc >= rows, B read where it is.
///
/// B (depth x cols, depth = segments * segment_length = a.depth) is read where it is, as runs of
/// contiguous values: B(s * segment_length + q, j) = base(j)[offsets[s] + q]. The caller's
/// `columns(first, count, table)` writes table[j] = base(first + j) for j < count (count <=
/// tile_columns). A Dense layer's B has one segment, its columns; a convolution's B has one segment per
/// row of the kernel (indirect convolution: no im2col copy).
///
/// Element (m, j) of C is A(m, 0) * B(0, j) + A(m, 1) * B(1, j) + ... accumulated in that order by one
/// multiply-add chain, however many columns there are and wherever column j is: a column's result
/// depends on that column of B alone. With `accumulate` the chain starts from the value in C (C +=
/// A * B) instead of zero. With `row_addend` (a.rows floats), element (m, j) is that chain plus
/// row_addend[m], added once the chain is complete: a bias, rounded as adding it to C afterwards would be,
/// without another pass over C. `scratch` is reused memory.
template <class Columns>
void multiply_indirect(const LeftOperand& a, Index cols, Index segments, Index segment_length, const Index* offsets,
                       const Columns& columns, float* c, Index ldc, Scratch& scratch, bool accumulate = false,
                       const float* row_addend = nullptr) {
    const Index rows = a.rows;
    const Index depth = segments * segment_length;
    if (rows == 0 || cols == 0) return;
    if (depth == 0) {  // empty chains: C is zero (or kept), plus the addend
        for (Index j = 0; j < cols; ++j) {
            float* column = c + j * ldc;
            if (!accumulate) std::fill(column, column + rows, 0.0f);
            if (row_addend != nullptr)
                for (Index m = 0; m < rows; ++m) column[m] += row_addend[m];
        }
        return;
    }
    // Blocks of the depth: whole segments if they are short, else pieces of one segment.
    const bool whole = segment_length < depth_block;
    const Index segments_per_block = whole ? depth_block / segment_length : 1;
    const Index piece = whole ? segment_length : depth_block;
    const Index block = std::min(detail::column_block(std::min(depth, depth_block)),
                                 (cols + tile_columns - 1) / tile_columns * tile_columns);
    const Index table_size = tile_columns;
    scratch.columns.resize(static_cast<std::size_t>(block / tile_columns * table_size));
    scratch.panel.resize(static_cast<std::size_t>(std::min(depth, std::max(depth_block, segment_length)) * tile_rows));
    const Index row_panels = (rows + tile_rows - 1) / tile_rows;
    if (row_addend != nullptr) {  // zero-padded, so that a packet of the last panel reads no further
        scratch.addend.assign(static_cast<std::size_t>(row_panels * tile_rows), 0.0f);
        std::copy_n(row_addend, rows, scratch.addend.begin());
    }

    for (Index first = 0; first < cols; first += block) {
        const Index count = std::min(block, cols - first);
        const Index groups = (count + tile_columns - 1) / tile_columns;
        for (Index g = 0; g < groups; ++g)
            columns(first + g * tile_columns, std::min(tile_columns, count - g * tile_columns),
                    scratch.columns.data() + g * table_size);
        // (s0, q0): the first segment and offset of the block; k0 its first row of B.
        for (Index s0 = 0, q0 = 0, k0 = 0; s0 < segments;) {
            const Index pieces = whole ? std::min(segments_per_block, segments - s0) : 1;
            const Index length = whole ? segment_length : std::min(piece, segment_length - q0);
            const Index kc = pieces * length;
            for (Index p = 0; p < row_panels; ++p) {
                const Index valid_rows = std::min(tile_rows, rows - p * tile_rows);
                const float* panel = a.data + p * a.panel_stride + k0 * a.step;
                Index step = a.step;
                if (!a.padded && valid_rows < tile_rows) {
                    // Copy the last rows into a zero-padded panel, so no packet reads past the matrix.
                    float* copy = scratch.panel.data();
                    std::fill(copy, copy + kc * tile_rows, 0.0f);
                    for (Index k = 0; k < kc; ++k) std::copy_n(panel + k * a.step, valid_rows, copy + k * tile_rows);
                    panel = copy;
                    step = tile_rows;
                }
                if (!a.padded && p + 1 < row_panels) {
                    // The next panel of a matrix read in place is kc scattered cache lines: fetch them
                    // while this panel is busy, rather than wait for each at its first use.
                    const float* next = a.data + (p + 1) * a.panel_stride + k0 * a.step;
                    for (Index k = 0; k < kc; ++k) Eigen::internal::prefetch(next + k * a.step);
                }
                float* tile = c + first * ldc + p * tile_rows;
                const float* addend =
                    row_addend != nullptr && k0 + kc == depth ? scratch.addend.data() + p * tile_rows : nullptr;
                for (Index g = 0; g < groups; ++g) {
                    const float* const* b = scratch.columns.data() + g * table_size;
                    const Index valid_cols = std::min(tile_columns, count - g * tile_columns);
                    float* out = tile + g * tile_columns * ldc;
                    if (valid_rows <= lanes)
                        detail::micro_tile<1>(panel, step, b, offsets + s0, pieces, length, q0, out, ldc, valid_rows,
                                              valid_cols, accumulate || k0 > 0, addend);
                    else
                        detail::micro_tile<tile_packets>(panel, step, b, offsets + s0, pieces, length, q0, out, ldc,
                                                         valid_rows, valid_cols, accumulate || k0 > 0, addend);
                }
            }
            k0 += kc;
            if (whole) {
                s0 += pieces;
            } else if ((q0 += length) == segment_length) {
                q0 = 0;
                ++s0;
            }
        }
    }
}

namespace detail {

/// C(0:rows, 0:W) (+)= a P-packet panel of A times W columns of a row-major B: a[k * a_step + r] is
/// A(r, k) and b[k * ldb + j] is B(k, j) for k < depth. Each element is one multiply-add chain over k in
/// order, from zero or (if `accumulate`) from its value in C; a tile with fewer rows goes through `edge`
/// (P * lanes floats, one column at a time) and only its rows are stored.
template <int P, int W>
inline void row_major_tile(const float* a, Index a_step, const float* b, Index ldb, Index depth, float* c, Index ldc,
                           Index rows, bool accumulate, float* edge) {
    constexpr Index height = P * lanes;
    const bool full = rows == height;
    Packet acc[P][W];
    for (int j = 0; j < W; ++j) {
        if (!full && accumulate) {
            std::fill(edge, edge + height, 0.0f);
            std::copy_n(c + j * ldc, rows, edge);
        }
        for (int p = 0; p < P; ++p)
            acc[p][j] = !accumulate ? pset1<Packet>(0.0f)
                        : full      ? ploadu<Packet>(c + j * ldc + p * lanes)
                                    : ploadu<Packet>(edge + p * lanes);
    }
    for (Index k = 0; k < depth; ++k, a += a_step, b += ldb) {
        Packet left[P];
        for (int p = 0; p < P; ++p) left[p] = ploadu<Packet>(a + p * lanes);
        for (int j = 0; j < W; ++j) {
            const Packet scale = pset1<Packet>(b[j]);
            for (int p = 0; p < P; ++p) acc[p][j] = pmadd(left[p], scale, acc[p][j]);
        }
    }
    for (int j = 0; j < W; ++j) {
        if (full) {
            for (int p = 0; p < P; ++p) pstoreu(c + j * ldc + p * lanes, acc[p][j]);
        } else {
            for (int p = 0; p < P; ++p) pstoreu(edge + p * lanes, acc[p][j]);
            std::copy_n(edge, rows, c + j * ldc);
        }
    }
}

/// row_major_tile for `cols` (1 .. tile_columns) columns.
template <int P>
inline void row_major_tile(const float* a, Index a_step, const float* b, Index ldb, Index depth, float* c, Index ldc,
                           Index rows, Index cols, bool accumulate, float* edge) {
    static_assert(tile_columns == 6, "the switch below covers 1 .. tile_columns");
    switch (cols) {
        case 1: return row_major_tile<P, 1>(a, a_step, b, ldb, depth, c, ldc, rows, accumulate, edge);
        case 2: return row_major_tile<P, 2>(a, a_step, b, ldb, depth, c, ldc, rows, accumulate, edge);
        case 3: return row_major_tile<P, 3>(a, a_step, b, ldb, depth, c, ldc, rows, accumulate, edge);
        case 4: return row_major_tile<P, 4>(a, a_step, b, ldb, depth, c, ldc, rows, accumulate, edge);
        case 5: return row_major_tile<P, 5>(a, a_step, b, ldb, depth, c, ldc, rows, accumulate, edge);
        default: return row_major_tile<P, 6>(a, a_step, b, ldb, depth, c, ldc, rows, accumulate, edge);
    }
}

}  // namespace detail

/// C (+)= A * B with A rows x depth column-major (lda >= rows), B depth x cols row-major (ldb >= cols)
/// and C rows x cols column-major (ldc >= rows): a sum of outer products, for two matrices that share
/// their long dimension (Winograd's kernel gradient sums over tiles). Element (m, j) is one multiply-add
/// chain over k = 0, 1, ..., depth - 1 in order, from zero or, with `accumulate`, from its value in C, so
/// products of consecutive runs of the depth, accumulated, give the bits of one product over all of it.
/// Nothing past row `rows` of A is read. `scratch` is reused memory.
inline void multiply_row_major_right(const float* a, Index lda, Index rows, Index depth, const float* b, Index ldb,
                                     Index cols, float* c, Index ldc, bool accumulate, Scratch& scratch) {
    if (rows == 0 || cols == 0) return;
    const Index whole_rows = rows / tile_rows * tile_rows;
    alignas(64) float edge[tile_rows];
    const auto panel = [&](const float* left, Index step, Index first_row, Index valid) {
        for (Index j = 0; j < cols; j += tile_columns) {
            const Index count = std::min(tile_columns, cols - j);
            float* out = c + j * ldc + first_row;
            if (valid <= lanes)
                detail::row_major_tile<1>(left, step, b + j, ldb, depth, out, ldc, valid, count, accumulate, edge);
            else
                detail::row_major_tile<tile_packets>(left, step, b + j, ldb, depth, out, ldc, valid, count,
                                                     accumulate, edge);
        }
    };
    for (Index m = 0; m < whole_rows; m += tile_rows) panel(a + m, lda, m, tile_rows);
    if (whole_rows < rows) {
        // The last rows, copied into zero-padded columns so that no packet reads past them.
        const Index valid = rows - whole_rows;
        scratch.panel.assign(static_cast<std::size_t>(depth * tile_rows), 0.0f);
        for (Index k = 0; k < depth; ++k)
            std::copy_n(a + k * lda + whole_rows, valid, scratch.panel.data() + k * tile_rows);
        panel(scratch.panel.data(), tile_rows, whole_rows, valid);
    }
}

/// sums[c] = the sum over g < groups of values[g * channels + c], for c < channels: one chain per channel in
/// the order of g (a bias gradient: the output gradient's channels at every pixel of every sample). Eigen's
/// rowwise().sum() rounded by where its destination lay: two calls on the same data could differ.
inline void sum_groups(const float* values, Index groups, Index channels, float* sums) {
    std::fill(sums, sums + channels, 0.0f);
    for (Index g = 0; g < groups; ++g, values += channels)
        for (Index c = 0; c < channels; ++c) sums[c] += values[c];
}

/// values[g * channels + c] += addend[c] for g < groups and c < channels (a bias added at every pixel, after
/// a Winograd layer's output transform). Eigen's colwise() += on a map of `channels` rows ran its inner loop
/// at run time.
inline void add_to_groups(float* values, Index groups, Index channels, const float* addend) {
    for (Index g = 0; g < groups; ++g, values += channels)
        for (Index c = 0; c < channels; ++c) values[c] += addend[c];
}

/// C = A * B with A rows x depth column-major (leading dimension lda >= rows), B depth x cols
/// column-major (ldb >= depth) and C rows x cols column-major (ldc >= rows), through multiply_indirect:
/// element (m, j) is the sum over k = 0, 1, ... of A(m, k) * B(k, j), accumulated in that order by
/// one multiply-add chain, whatever `cols` and j. `scratch` is reused memory.
inline void multiply_col_major(const float* a, Index lda, Index rows, Index depth, const float* b, Index ldb,
                               Index cols, float* c, Index ldc, Scratch& scratch) {
    const auto columns = [&](Index first, Index count, const float** table) {
        for (Index j = 0; j < count; ++j) table[j] = b + (first + j) * ldb;
    };
    constexpr Index offset = 0;
    multiply_indirect(LeftOperand::column_major(a, lda, rows, depth), cols, 1, depth, &offset, columns, c, ldc,
                      scratch);
}

/// As above with scratch memory of its own.
inline void multiply_col_major(const float* a, Index lda, Index rows, Index depth, const float* b, Index ldb,
                               Index cols, float* c, Index ldc) {
    Scratch scratch;
    multiply_col_major(a, lda, rows, depth, b, ldb, cols, c, ldc, scratch);
}

namespace detail {

/// Dot products of R rows of A (row-major) and C columns of B (column-major) over the packets
/// [first, last) of the depth, as packet-wise partial sums that continue those parked in `park` (R * C
/// packets) unless `start`, and are parked there again.
template <int R, int C>
inline void dot_block(const float* a, Index lda, const float* b, Index ldb, Index first, Index last, float* park,
                      bool start) {
    Packet acc[R][C];
    for (int r = 0; r < R; ++r)
        for (int j = 0; j < C; ++j)
            acc[r][j] = start ? pset1<Packet>(0.0f) : pload<Packet>(park + (r * C + j) * lanes);
    for (Index k = first; k < last; k += lanes) {
        Packet column[C];
        for (int j = 0; j < C; ++j) column[j] = ploadu<Packet>(b + j * ldb + k);
        for (int r = 0; r < R; ++r) {
            const Packet row = ploadu<Packet>(a + r * lda + k);
            for (int j = 0; j < C; ++j) acc[r][j] = pmadd(row, column[j], acc[r][j]);
        }
    }
    for (int r = 0; r < R; ++r)
        for (int j = 0; j < C; ++j) Eigen::internal::pstore(park + (r * C + j) * lanes, acc[r][j]);
}

/// The end of the dot products of dot_block: the horizontal sum of each parked packet, then the scalar
/// tail [tail, depth) of the depth, into C (ldc).
template <int R, int C>
inline void dot_finish(const float* a, Index lda, const float* b, Index ldb, Index tail, Index depth,
                       const float* park, float* c, Index ldc) {
    for (int r = 0; r < R; ++r) {
        for (int j = 0; j < C; ++j) {
            float sum = predux(pload<Packet>(park + (r * C + j) * lanes));
            // std::fma, not `sum += a * b`: a compiler may contract the latter into a fused
            // multiply-add in one instance of this template and not in another.
            for (Index t = tail; t < depth; ++t) sum = std::fma(a[r * lda + t], b[j * ldb + t], sum);
            c[j * ldc + r] = sum;
        }
    }
}

/// The tile of C that dot_block keeps in registers: 5 x 5 accumulators (and 5 loads) where there are 32
/// vector registers (AVX-512, NEON), 4 x 3 where there are 16 (AVX2). Measured on a 3136 x 1024 weight
/// and 25 columns: 104 GFLOP/s on one AVX-512 core (6 x 2: 56), 85 with AVX2 (6 x 2: 70). The shape
/// changes no result: each element's partial sums are the same whatever runs beside them.
inline constexpr int dot_tile_rows = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS >= 32 ? 5 : 4;
inline constexpr int dot_tile_columns = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS >= 32 ? 5 : 3;
/// Longest run of the depth between parkings, in floats: the whole depth of a Dense layer up to 4096
/// inputs, so its tile's partial sums stay in registers from start to end; a longer depth is cut in
/// equal blocks, so a block of the rows and the columns stays in the L2 cache.
inline constexpr Index dot_depth_block = 4096;

/// An R x C tile of C over the packets [first, last) of the depth, finished if `last` is the end.
template <int R, int C>
inline void dot_tile(const float* a, Index lda, const float* b, Index ldb, Index first, Index last, Index packets,
                     Index depth, float* park, float* c, Index ldc) {
    dot_block<R, C>(a, lda, b, ldb, first, last, park, first == 0);
    if (last == packets) dot_finish<R, C>(a, lda, b, ldb, packets, depth, park, c, ldc);
}

/// Dot products of R rows of A and C rows of B, whose depth is `segments` runs of `length` floats: run s
/// of A's row r at a + r * lda + offsets[s], of B's row j at b + j * ldb + s * length (a convolution
/// reads a pixel's receptive field as one run per kernel row, where it lies in the image). Each element
/// is one packet-wise sum over the runs' whole packets in order, its horizontal sum, then the runs'
/// scalar tails in order, into C(r, j) = c[r * ldc + j].
template <int R, int C>
inline void segmented_dot_tile(const float* a, Index lda, const Index* offsets, Index segments, Index length,
                               const float* b, Index ldb, float* c, Index ldc) {
    const Index packets = length / lanes * lanes;
    Packet acc[R][C];
    for (int r = 0; r < R; ++r)
        for (int j = 0; j < C; ++j) acc[r][j] = pset1<Packet>(0.0f);
    for (Index s = 0; s < segments; ++s) {
        const float* as = a + offsets[s];
        const float* bs = b + s * length;
        for (Index k = 0; k < packets; k += lanes) {
            Packet column[C];
            for (int j = 0; j < C; ++j) column[j] = ploadu<Packet>(bs + j * ldb + k);
            for (int r = 0; r < R; ++r) {
                const Packet row = ploadu<Packet>(as + r * lda + k);
                for (int j = 0; j < C; ++j) acc[r][j] = pmadd(row, column[j], acc[r][j]);
            }
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int j = 0; j < C; ++j) {
            float sum = predux(acc[r][j]);
            for (Index s = 0; s < segments; ++s)
                for (Index t = packets; t < length; ++t)
                    sum = std::fma(a[r * lda + offsets[s] + t], b[j * ldb + s * length + t], sum);
            c[r * ldc + j] = sum;
        }
    }
}

/// `tile<R, C>` for every tile shape up to dot_tile_rows x dot_tile_columns: [R - 1][C - 1].
template <class Tile, class Make, std::size_t... Rows, std::size_t... Columns>
consteval auto tile_table(const Make& tile, std::index_sequence<Rows...>, std::index_sequence<Columns...> columns) {
    const auto row = [&]<std::size_t R, std::size_t... C>(std::integral_constant<std::size_t, R>,
                                                          std::index_sequence<C...>) {
        return std::array<Tile, sizeof...(C)>{
            tile(std::integral_constant<int, int(R) + 1>{}, std::integral_constant<int, int(C) + 1>{})...};
    };
    return std::array{row(std::integral_constant<std::size_t, Rows>{}, columns)...};
}
template <class Tile, class Make>
consteval auto tile_table(const Make& tile) {
    return tile_table<Tile>(tile, std::make_index_sequence<dot_tile_rows>{},
                            std::make_index_sequence<dot_tile_columns>{});
}

using DotTile = void (*)(const float*, Index, const float*, Index, Index, Index, Index, Index, float*, float*, Index);
inline constexpr auto dot_tile_table =
    tile_table<DotTile>([](auto r, auto c) -> DotTile { return &dot_tile<decltype(r)::value, decltype(c)::value>; });

using SegmentedDotTile = void (*)(const float*, Index, const Index*, Index, Index, const float*, Index, float*, Index);
inline constexpr auto segmented_dot_tile_table = tile_table<SegmentedDotTile>(
    [](auto r, auto c) -> SegmentedDotTile { return &segmented_dot_tile<decltype(r)::value, decltype(c)::value>; });

}  // namespace detail

/// C = A * B with A rows x depth row-major (lda >= depth), B depth x cols column-major (ldb >= depth),
/// C rows x cols column-major (ldc >= rows). Element (m, j) is a dot product computed the same way for
/// every column (packet-wise partial sums in the order of the depth, a fixed horizontal reduction, then
/// the scalar tail), so a column's result depends on that column of B alone. It reads A where it is:
/// for a large weight that changes between calls (a Dense layer's) this beats packing it first.
/// `scratch` is reused memory (dot_tile_rows * cols packets).
inline void multiply_row_major(const float* a, Index lda, Index rows, Index depth, const float* b, Index ldb,
                               Index cols, float* c, Index ldc, Buffer& scratch) {
    constexpr Index height = detail::dot_tile_rows;
    constexpr Index width = detail::dot_tile_columns;
    const auto parked = static_cast<std::size_t>(height * ((cols + width - 1) / width * width) * lanes);
    if (scratch.size() < parked) scratch.resize(parked);
    const Index packets = depth / lanes * lanes;
    const Index blocks = std::max<Index>(1, (packets + detail::dot_depth_block - 1) / detail::dot_depth_block);
    const Index block = std::max<Index>(1, (packets / lanes + blocks - 1) / blocks) * lanes;
    for (Index m = 0; m < rows; m += height) {
        const auto& tiles = detail::dot_tile_table[static_cast<std::size_t>(std::min(height, rows - m) - 1)];
        for (Index k0 = 0; k0 < packets || k0 == 0; k0 += block) {
            const Index k1 = std::min(packets, k0 + block);
            for (Index j = 0; j < cols; j += width)
                tiles[static_cast<std::size_t>(std::min(width, cols - j) - 1)](
                    a + m * lda, lda, b + j * ldb, ldb, k0, k1, packets, depth, scratch.data() + j * height * lanes,
                    c + j * ldc + m, ldc);
        }
    }
}

/// As above with scratch memory of its own.
inline void multiply_row_major(const float* a, Index lda, Index rows, Index depth, const float* b, Index ldb,
                               Index cols, float* c, Index ldc) {
    Buffer scratch;
    multiply_row_major(a, lda, rows, depth, b, ldb, cols, c, ldc, scratch);
}

/// C = A * B^T where a row of A (rows x depth) and of B (cols x depth, row-major) is `segments` runs of
/// `length` floats: run s of A's row r at a + r * lda + offsets[s], of B's row j at b + j * ldb + s *
/// length; C is rows x cols row-major (ldc >= cols). For a convolution's few output channels over many
/// pixels (a first layer's input gradient): the rows are pixels, read where they lie in the image, and
/// each element is a dot product computed the same way whatever its neighbours (segmented_dot_tile).
inline void multiply_segmented(const float* a, Index lda, Index rows, const Index* offsets, Index segments,
                               Index length, const float* b, Index ldb, Index cols, float* c, Index ldc) {
    constexpr Index height = detail::dot_tile_rows;
    constexpr Index width = detail::dot_tile_columns;
    for (Index m = 0; m < rows; m += height) {
        const auto& tiles = detail::segmented_dot_tile_table[static_cast<std::size_t>(std::min(height, rows - m) - 1)];
        for (Index j = 0; j < cols; j += width)
            tiles[static_cast<std::size_t>(std::min(width, cols - j) - 1)](a + m * lda, lda, offsets, segments, length,
                                                                           b + j * ldb, ldb, c + m * ldc + j, ldc);
    }
}

}  // namespace smoothgrad::nn::kernels
