// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Winograd's minimal filtering F(2 x 2, r x r) for a stride-1 correlation with a square r x r kernel,
/// r = 3 or 5 (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016). Every 2 x 2
/// block of the result is A^T [(G g G^T) . (B^T d B)] A over the (r + 1) x (r + 1) tile d of the source
/// under it: (r + 1)^2 multiplications per channel pair instead of 4 r^2 (16 instead of 36 for 3 x 3, 36
/// instead of 100 for 5 x 5). The elementwise products, summed over the channels, are (r + 1)^2 matrix
/// products (kernels::multiply_indirect); the transforms are vectorized over the channels.
///
/// The matrices come from the Toom-Cook construction with the points 0, 1, -1 (and 2, -2 for 5 x 5) and
/// infinity: A^T and B^T are small integers, exact in floating point; G's fractions (1/2, and 1/6, 1/12 and
/// 1/24 for 5 x 5) are applied to the kernel in double and rounded once. Results differ from the direct
/// product by rounding only (about 1e-6 relative for 3 x 3, up to 1e-5 for 5 x 5); each sample is computed
/// alone, so a sample's result does not depend on its batch.

#include "smoothgrad/detail/eigen_core.hpp"
#include <algorithm>
#include <array>
#include <cstddef>
#include <iterator>
#include <vector>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/kernels.hpp"

namespace smoothgrad::nn::winograd {

/// Side of the block of the result that one tile yields.
inline constexpr int output_tile = 2;

/// Whether F(2 x 2, kh x kw) is implemented: square kernels of side 3 or 5.
[[nodiscard]] constexpr bool supports(Index kernel_height, Index kernel_width) noexcept {
    return kernel_height == kernel_width && (kernel_height == 3 || kernel_height == 5);
}

/// The matrices of F(2, R), row-major: at is 2 x alpha, g is alpha x R, bt is alpha x alpha.
template <int R>
struct Transform {
    static constexpr int alpha = R + output_tile - 1;
    std::array<std::array<double, alpha>, output_tile> at{};
    std::array<std::array<double, R>, alpha> g{};
    std::array<std::array<double, alpha>, alpha> bt{};
};

/// Toom-Cook with the points p = 0, 1, -1, 2, -2, ... and infinity. Evaluating at p_j and interpolating
/// computes a convolution; its transpose is the correlation: y = A^T [(G g) . (B^T d)] with
/// A^T(i, j) = p_j^i, G(j, k) = p_j^k / prod_{l != j} (p_j - p_l) and row j of B^T the coefficients of
/// prod_{l != j} (x - p_l); infinity contributes the leading coefficients (the last row and column).
template <int R>
[[nodiscard]] consteval Transform<R> make_transform() {
    constexpr int alpha = Transform<R>::alpha;
    constexpr int finite = alpha - 1;
    std::array<double, finite> p{};
    for (int j = 1; j < finite; ++j) p[j] = (j + 1) / 2 * (j % 2 == 1 ? 1.0 : -1.0);
    const auto power = [](double x, int n) {
        double y = 1.0;
        for (int i = 0; i < n; ++i) y *= x;
        return y;
    };
    // The coefficients of prod over l != skip of (x - p_l), lowest first (skip = finite: all of them).
    const auto product = [&](int skip) {
        std::array<double, alpha> poly{};
        poly[0] = 1.0;
        int degree = 0;
        for (int l = 0; l < finite; ++l) {
            if (l == skip) continue;
            ++degree;
            for (int n = degree; n >= 0; --n) poly[n] = (n > 0 ? poly[n - 1] : 0.0) - p[l] * poly[n];
        }
        return poly;
    };
    Transform<R> t;
    for (int i = 0; i < output_tile; ++i) {
        for (int j = 0; j < finite; ++j) t.at[i][j] = power(p[j], i);
        t.at[i][finite] = i == output_tile - 1 ? 1.0 : 0.0;
    }
    for (int j = 0; j < finite; ++j) {
        double scale = 1.0;
        for (int l = 0; l < finite; ++l)
            if (l != j) scale *= p[j] - p[l];
        for (int k = 0; k < R; ++k) t.g[j][k] = power(p[j], k) / scale;
        t.bt[j] = product(j);
    }
    t.g[finite][R - 1] = 1.0;
    t.bt[finite] = product(finite);
    return t;
}

/// The matrices of F(2, R), made once at compile time.
template <int R>
inline constexpr Transform<R> transform = make_transform<R>();

/// A transformed kernel, G g G^T, as one packed K x C matrix per position of the tile ((r + 1)^2 / r^2
/// times the weight's size), with a copy of the weight it was made from: it is made again only when the
/// weight or the shape changes (SmoothGrad's batches share one).
struct Kernel {
    std::vector<kernels::Buffer> panels;
    std::vector<float> made_from;  ///< the weight, as Correlation::set_kernel was given it
    Index result_channels = 0;
    Index source_channels = 0;
    int side = 0;
};

/// Reused memory of a Winograd correlation (a LayerCache member, one per thread).
struct Scratch {
    Kernel forward;                       ///< a layer's kernel for its forward pass
    Kernel backward;                      ///< and for its input gradient
    kernels::Buffer padded;               ///< the source inside a zero border that covers every tile
    kernels::Buffer transformed;          ///< B^T d B of every tile: per position, C x tiles
    kernels::Buffer products;             ///< the products: per position, K x tiles
    kernels::Scratch product;             ///< multiply_indirect's
};

namespace detail {

using Eigen::internal::pmadd;
using Eigen::internal::ploadu;
using Eigen::internal::pset1;
using Eigen::internal::pstoreu;

/// out[a] = sum over b of m[a][b] * in[b], for a constant matrix m (its zeros cost nothing).
template <class V, std::size_t Rows, std::size_t Columns>
inline void apply(const std::array<std::array<double, Columns>, Rows>& m, const V* in, V* out) {
    for (std::size_t a = 0; a < Rows; ++a) {
        V sum = pset1<V>(0.0f);
        for (std::size_t b = 0; b < Columns; ++b)
            if (m[a][b] != 0.0) sum = pmadd(pset1<V>(static_cast<float>(m[a][b])), in[b], sum);
        out[a] = sum;
    }
}

/// M d M^T over one tile for one run of channels (a packet, or one float), M a constant Rows x Side
/// matrix: d(i, j) at in[i * in_row + j * in_column] for i, j < Side; the result's (a, b) to
/// out[a * out_row + b * out_column] for a < rows and b < columns. B^T d B of an input tile and A^T m A of
/// a tile of products are both this.
template <class V, std::size_t Rows, std::size_t Side>
inline void transform_tile(const std::array<std::array<double, Side>, Rows>& m, const float* in, Index in_row,
                           Index in_column, float* out, Index out_row, Index out_column, Index rows, Index columns) {
    V half[Side][Rows];  // half[j][a]: (M d)(a, j)
    for (std::size_t j = 0; j < Side; ++j) {
        V column[Side];
        for (std::size_t i = 0; i < Side; ++i)
            column[i] = ploadu<V>(in + static_cast<Index>(i) * in_row + static_cast<Index>(j) * in_column);
        apply(m, column, half[j]);
    }
    for (Index a = 0; a < rows; ++a) {
        V row[Side];
        V result[Rows];
        for (std::size_t j = 0; j < Side; ++j) row[j] = half[j][static_cast<std::size_t>(a)];
        apply(m, row, result);
        for (Index b = 0; b < columns; ++b) pstoreu(out + a * out_row + b * out_column, result[b]);
    }
}

}  // namespace detail

/// result(y, x, k) = sum over c, i, j of kernel(k, c, i, j) * source(y + i - top, x + j - left, c), zero
/// outside the source, for every pixel of a grid_height x grid_width result: a stride-1 correlation of
/// HWC images with an R x R kernel, by F(2 x 2, R x R).
template <int R>
class Correlation {
public:
    static constexpr int alpha = Transform<R>::alpha;
    static constexpr int positions = alpha * alpha;

    /// Prepares `scratch` for sources of `source` shape and results of grid_height x grid_width x
    /// result_channels.
    Correlation(const ImageShape& source, Index grid_height, Index grid_width, Index top, Index left,
                Index result_channels, Scratch& scratch)
        : source_(source),
          result_channels_(result_channels),
          grid_height_(grid_height),
          grid_width_(grid_width),
          top_(top),
          left_(left),
          tiles_down_((grid_height + output_tile - 1) / output_tile),
          tiles_across_((grid_width + output_tile - 1) / output_tile),
          // Wide and high enough for every tile and for the whole source.
          padded_width_(std::max(tiles_across_ * output_tile + R - 1, left + source.width)) {
        const Index padded_height = std::max(tiles_down_ * output_tile + R - 1, top + source.height);
        scratch.padded.assign(static_cast<std::size_t>(padded_height * padded_width_ * source.channels), 0.0f);
        scratch.transformed.resize(static_cast<std::size_t>(positions * tiles() * source.channels));
        scratch.products.resize(static_cast<std::size_t>(positions * tiles() * result_channels));
    }

    [[nodiscard]] Index tiles() const noexcept { return tiles_down_ * tiles_across_; }

    /// Transforms and packs into `target` the kernel, kernel(k, c, i, j) for k < result channels, c <
    /// source channels and i, j < R, in double: G g G^T, rounded once. `weight` (`size` floats) is what
    /// the kernel is read from: if `target` was made from the same values, it is kept as it is.
    template <class Tap>
    void set_kernel(const Tap& kernel, const float* weight, Index size, Kernel& target) const {
        constexpr const Transform<R>& t = transform<R>;
        if (target.side == R && target.result_channels == result_channels_ &&
            target.source_channels == source_.channels && std::ssize(target.made_from) == size &&
            std::equal(weight, weight + size, target.made_from.begin()))
            return;
        // Not valid until it is whole (an allocation below may throw).
        target.side = 0;
        target.made_from.clear();
        const Index channels = source_.channels;
        const Index pairs = result_channels_ * channels;
        // The transform of every (k, c), per position: each value computed in double, rounded once.
        std::vector<float> staging(static_cast<std::size_t>(positions * pairs));
        std::array<std::array<double, R>, alpha> half{};  // G g
        for (Index k = 0; k < result_channels_; ++k) {
            for (Index c = 0; c < channels; ++c) {
                for (int x = 0; x < alpha; ++x)
                    for (int j = 0; j < R; ++j) {
                        double sum = 0.0;
                        for (int i = 0; i < R; ++i) sum += t.g[x][i] * static_cast<double>(kernel(k, c, i, j));
                        half[x][j] = sum;
                    }
                for (int x = 0; x < alpha; ++x)
                    for (int y = 0; y < alpha; ++y) {
                        double sum = 0.0;
                        for (int j = 0; j < R; ++j) sum += half[x][j] * t.g[y][j];
                        staging[static_cast<std::size_t>((x * alpha + y) * pairs + k * channels + c)] =
                            static_cast<float>(sum);
                    }
            }
        }
        target.panels.resize(positions);
        for (int position = 0; position < positions; ++position)
            kernels::pack_left(
                staging.data() + position * pairs, channels, result_channels_, channels, [](Index c) { return c; },
                target.panels[static_cast<std::size_t>(position)]);
        target.made_from.assign(weight, weight + size);
        target.result_channels = result_channels_;
        target.source_channels = channels;
        target.side = R;
    }

    /// result (grid pixels x result channels, HWC) = the correlation of `source` (HWC) with `kernel`
    /// (made by set_kernel for this correlation).
    void run(const Kernel& kernel, const float* source, float* result, Scratch& scratch) const {
        const Index channels = source_.channels;
        const Index row = source_.width * channels;
        for (Index y = 0; y < source_.height; ++y)
            std::copy_n(source + y * row, row,
                        scratch.padded.data() + ((y + top_) * padded_width_ + left_) * channels);
        const Index count = tiles();
        // B^T d B of every tile: position p's matrix is C x tiles at transformed + p * tiles * C.
        const Index stride = count * channels;
        for (Index ty = 0; ty < tiles_down_; ++ty)
            for (Index tx = 0; tx < tiles_across_; ++tx) {
                const float* patch =
                    scratch.padded.data() + (ty * output_tile * padded_width_ + tx * output_tile) * channels;
                float* out = scratch.transformed.data() + (ty * tiles_across_ + tx) * channels;
                for_each_run(channels, [&](Index c, auto one) {
                    detail::transform_tile<decltype(one)>(transform<R>.bt, patch + c, padded_width_ * channels,
                                                          channels, out + c, alpha * stride, stride, alpha, alpha);
                });
            }
        // One product per position: (K x C) times (C x tiles).
        const Index k = result_channels_;
        for (int position = 0; position < positions; ++position) {
            const float* transformed = scratch.transformed.data() + position * stride;
            const auto columns = [&](Index first, Index n, const float** table) {
                for (Index j = 0; j < n; ++j) table[j] = transformed + (first + j) * channels;
            };
            constexpr Index offset = 0;
            kernels::multiply_indirect(
                kernels::LeftOperand::packed(kernel.panels[static_cast<std::size_t>(position)], k, channels), count,
                1, channels, &offset, columns, scratch.products.data() + position * count * k, k, scratch.product);
        }
        for (Index ty = 0; ty < tiles_down_; ++ty)
            for (Index tx = 0; tx < tiles_across_; ++tx) {
                const Index y0 = ty * output_tile;
                const Index x0 = tx * output_tile;
                const Index rows = std::min<Index>(output_tile, grid_height_ - y0);
                const Index columns = std::min<Index>(output_tile, grid_width_ - x0);
                const float* products = scratch.products.data() + (ty * tiles_across_ + tx) * k;
                float* block = result + (y0 * grid_width_ + x0) * k;
                for_each_run(k, [&](Index c, auto one) {
                    detail::transform_tile<decltype(one)>(transform<R>.at, products + c, alpha * count * k,
                                                          count * k, block + c, grid_width_ * k, k, rows, columns);
                });
            }
    }

private:
    /// work(c, V{}) for the runs of `n` channels: whole packets, then single floats.
    template <class Work>
    static void for_each_run(Index n, const Work& work) {
        Index c = 0;
        for (; c + kernels::lanes <= n; c += kernels::lanes) work(c, kernels::Packet{});
        for (; c < n; ++c) work(c, 0.0f);
    }

    ImageShape source_;
    Index result_channels_;
    Index grid_height_;
    Index grid_width_;
    Index top_;
    Index left_;
    Index tiles_down_;
    Index tiles_across_;
    Index padded_width_;
};

}  // namespace smoothgrad::nn::winograd
