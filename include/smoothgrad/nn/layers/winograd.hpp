// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Winograd's minimal filtering F(m x m, r x r) for a stride-1 correlation with a square r x r kernel,
/// r = 3 or 5 (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016). Every m x m
/// block of the result is A^T [(G g G^T) . (B^T d B)] A over the alpha x alpha tile d of the source under
/// it, alpha = m + r - 1: alpha^2 multiplications per channel pair instead of m^2 r^2. The layers use
/// F(3 x 3, 3 x 3), 25 instead of 81, and F(4 x 4, 5 x 5), 64 instead of 400 (see output_side). The
/// elementwise products, summed over the channels, are alpha^2 matrix products
/// (kernels::multiply_indirect); the transforms are vectorized over the channels.
///
/// The matrices come from the Toom-Cook construction with the first alpha - 1 of `points` and infinity:
/// A^T and B^T hold powers of two and small integers, exact in floating point; G's fractions are applied
/// to the kernel in double and rounded once. Results differ from the direct product by rounding only
/// (about 1e-6 relative for 3 x 3, up to 1e-5 for 5 x 5); every tile is computed the same way whatever the
/// tiles and samples beside it, so a sample's result does not depend on its batch.

#include "smoothgrad/detail/eigen_core.hpp"
#include <algorithm>
#include <array>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/kernels.hpp"

namespace smoothgrad::nn::winograd {

/// The finite points of the Toom-Cook construction, in the order they are taken: F(m, r) uses the first
/// m + r - 2. Powers of two keep A^T and B^T exact in floating point; -1/2 rather than 3 keeps F(4, 5)'s
/// rounding error near F(2, 5)'s (measured in a float simulation of 32-channel tiles: at most 7e-6 of a
/// typical output, against 2.5e-4 with 3 in place of -1/2).
inline constexpr std::array<double, 7> points{0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5};

/// Whether F(m x m, kh x kw) is implemented: square kernels of side 3 or 5.
[[nodiscard]] constexpr bool supports(Index kernel_height, Index kernel_width) noexcept {
    return kernel_height == kernel_width && (kernel_height == 3 || kernel_height == 5);
}

/// The side m of the output block that a layer with an r x r kernel computes per tile: F(3 x 3, 3 x 3) and
/// F(4 x 4, 5 x 5). Measured per layer (8 samples or 25, one AVX-512 core) against m = 2, 3 and 4: for
/// 3 x 3, m = 3 is fastest on 14 x 14 images (16 -> 32 channels: 294 us against 341 for m = 2 and 344
/// for m = 4) and within 10 % of m = 4 on larger ones (28 x 28 to 224 x 224); for 5 x 5, m = 4 is
/// fastest from 7 x 7 up (14 x 14, 32 -> 64: 1.94 ms against 2.64 for m = 2); on 8 channels it ties with
/// m = 2 (14 x 14, 8 -> 8: 126-129 us against 123-125).
[[nodiscard]] constexpr int output_side(int kernel_side) noexcept { return kernel_side == 3 ? 3 : 4; }

/// The matrices of F(M, R), row-major: at is M x alpha, g is alpha x R, bt is alpha x alpha.
template <int M, int R>
struct Transform {
    static constexpr int alpha = M + R - 1;
    std::array<std::array<double, alpha>, M> at{};
    std::array<std::array<double, R>, alpha> g{};
    std::array<std::array<double, alpha>, alpha> bt{};
};

/// Toom-Cook with the first alpha - 1 of `points` and infinity. Evaluating at p_j and interpolating
/// computes a convolution; its transpose is the correlation: y = A^T [(G g) . (B^T d)] with
/// A^T(i, j) = p_j^i, G(j, k) = p_j^k / prod_{l != j} (p_j - p_l) and row j of B^T the coefficients of
/// prod_{l != j} (x - p_l); infinity contributes the leading coefficients (the last row and column).
template <int M, int R>
[[nodiscard]] consteval Transform<M, R> make_transform() {
    constexpr int alpha = Transform<M, R>::alpha;
    constexpr int finite = alpha - 1;
    static_assert(finite <= static_cast<int>(points.size()), "F(M, R) needs more points than winograd::points has");
    const auto& p = points;
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
    Transform<M, R> t;
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < finite; ++j) t.at[i][j] = power(p[j], i);
        t.at[i][finite] = i == M - 1 ? 1.0 : 0.0;
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

/// The matrices of F(M, R), made once at compile time, and its A^T and B^T on their own (template
/// arguments of the transforms).
template <int M, int R>
inline constexpr Transform<M, R> transform = make_transform<M, R>();
template <int M, int R>
inline constexpr auto output_transform = transform<M, R>.at;
template <int M, int R>
inline constexpr auto input_transform = transform<M, R>.bt;

/// A, the transpose of A^T (alpha x M): the kernel gradient transforms a block dy of the result's gradient
/// into A dy A^T, the gradient of the tile of products that A^T [.] A turned into that block.
template <int M, int R>
inline constexpr auto gradient_transform = [] {
    constexpr int alpha = Transform<M, R>::alpha;
    std::array<std::array<double, M>, alpha> a{};
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < alpha; ++j) a[j][i] = transform<M, R>.at[i][j];
    return a;
}();

/// A transformed kernel, G g G^T, as one packed K x C matrix per position of the tile ((m + r - 1)^2 / r^2
/// times the weight's size), with a copy of the weight it was made from: it is made again only when the
/// weight or the shape changes (SmoothGrad's batches share one).
struct Kernel {
    std::vector<kernels::Buffer> panels;
    std::vector<float> made_from;  ///< the weight, as Correlation::set_kernel was given it
    Index result_channels = 0;
    Index source_channels = 0;
    int side = 0;         ///< r, 0 while the kernel is not whole
    int output_side = 0;  ///< m
};

/// Reused memory of a Winograd correlation (a LayerCache member, one per thread).
struct Scratch {
    Kernel forward;                       ///< a layer's kernel for its forward pass
    Kernel backward;                      ///< and for its input gradient
    kernels::Buffer padded;               ///< the source inside a zero border that covers every tile
    /// B^T d B of every tile of a pass (of run() or kernel_gradient()): per position a C x (tiles x
    /// samples) matrix, the positions a little more than that apart (see Correlation::stride_of)
    kernels::Buffer transformed;
    /// the same with K rows: run()'s products, kernel_gradient()'s transformed result gradients A dy A^T
    kernels::Buffer products;
    kernels::Scratch product;             ///< the matrix-product kernels'
    /// Correlation::kernel_gradient's: the result's gradient inside a zero border that covers every tile,
    /// and the sums over the tiles per position (K x C each)
    std::vector<float> padded_gradient;
    kernels::Buffer kernel_sums;
};

namespace detail {

using Eigen::internal::pmadd;
using Eigen::internal::ploadu;
using Eigen::internal::pset1;
using Eigen::internal::pstoreu;

/// sum over b of m[a][b] * in[b] in the order of b, for a matrix m known at compile time: its zeros cost
/// nothing and its coefficients are constants in the code (with a loop over m's entries at run time, a
/// 14 x 14, 32 -> 64 channel 5 x 5 layer took 2.64 ms for 25 samples by F(2 x 2), 2.36 ms without).
template <class V, const auto& m, std::size_t a, std::size_t... b>
inline V row_sum(const V* in, std::index_sequence<b...> /*columns*/) {
    V sum = pset1<V>(0.0f);
    ((m[a][b] != 0.0 ? (sum = pmadd(pset1<V>(static_cast<float>(m[a][b])), in[b], sum)) : sum), ...);
    return sum;
}

/// out[a] = row_sum for every row a of m.
template <class V, const auto& m, std::size_t... a>
inline void apply(const V* in, V* out, std::index_sequence<a...> /*rows*/) {
    constexpr std::size_t columns = m[0].size();
    ((out[a] = row_sum<V, m, a>(in, std::make_index_sequence<columns>{})), ...);
}

/// M d M^T over one tile for one run of channels (a packet, or one float), M a Rows x Side matrix known
/// at compile time: d(i, j) at in[i * in_row + j * in_column] for i, j < Side; the result's (a, b) to
/// out[a * out_row + b * out_column] for a < rows and b < columns. B^T d B of an input tile and A^T m A of
/// a tile of products are both this.
template <class V, const auto& m>
inline void transform_tile(const float* in, Index in_row, Index in_column, float* out, Index out_row,
                           Index out_column, Index rows, Index columns) {
    constexpr std::size_t Rows = m.size();
    constexpr std::size_t Side = m[0].size();
    V half[Side][Rows];  // half[j][a]: (M d)(a, j)
    for (std::size_t j = 0; j < Side; ++j) {
        V column[Side];
        for (std::size_t i = 0; i < Side; ++i)
            column[i] = ploadu<V>(in + static_cast<Index>(i) * in_row + static_cast<Index>(j) * in_column);
        apply<V, m>(column, half[j], std::make_index_sequence<Rows>{});
    }
    for (Index a = 0; a < rows; ++a) {
        V row[Side];
        V result[Rows];
        for (std::size_t j = 0; j < Side; ++j) row[j] = half[j][static_cast<std::size_t>(a)];
        apply<V, m>(row, result, std::make_index_sequence<Rows>{});
        for (Index b = 0; b < columns; ++b) pstoreu(out + a * out_row + b * out_column, result[b]);
    }
}

}  // namespace detail

/// result(y, x, k) = sum over c, i, j of kernel(k, c, i, j) * source(y + i - top, x + j - left, c), zero
/// outside the source, for every pixel of a grid_height x grid_width result: a stride-1 correlation of
/// HWC images with an R x R kernel, by F(M x M, R x R).
template <int M, int R>
class Correlation {
public:
    static constexpr int alpha = Transform<M, R>::alpha;
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
          tiles_down_((grid_height + M - 1) / M),
          tiles_across_((grid_width + M - 1) / M),
          // Wide and high enough for every tile and for the whole source.
          padded_width_(std::max(tiles_across_ * M + R - 1, left + source.width)) {
        const Index padded_height = std::max(tiles_down_ * M + R - 1, top + source.height);
        scratch.padded.assign(static_cast<std::size_t>(padded_height * padded_width_ * source.channels), 0.0f);
        // reserve() sizes `transformed` and `products` for each pass: only ever up, so that calls do not fill
        // them anew.
    }

    [[nodiscard]] Index tiles() const noexcept { return tiles_down_ * tiles_across_; }

    /// How many samples one pass of run() or kernel_gradient() should take: as many as keep its tiles within
    /// about 256 KiB (an L2 cache of small cores), at least one. Measured with 25 samples on one AVX-512
    /// core: a 14 x 14, 16 -> 32 channel 3 x 3 layer's input gradient 264 us one at a time, 248 two at a
    /// time, 241 four at a time; a 32 -> 64 channel 5 x 5 layer (one at a time by this rule) gains nothing.
    [[nodiscard]] Index samples_per_pass() const noexcept {
        constexpr Index budget = Index{256} << 10;
        const Index bytes = positions * tiles() * (source_.channels + result_channels_) * Index{sizeof(float)};
        return std::max<Index>(1, budget / std::max<Index>(bytes, 1));
    }

    /// Transforms and packs into `target` the kernel, kernel(k, c, i, j) for k < result channels, c <
    /// source channels and i, j < R, in double: G g G^T, rounded once. `weight` (`size` floats) is what
    /// the kernel is read from: if `target` was made from the same values, it is kept as it is.
    template <class Tap>
    void set_kernel(const Tap& kernel, const float* weight, Index size, Kernel& target) const {
        constexpr const Transform<M, R>& t = transform<M, R>;
        if (target.side == R && target.output_side == M && target.result_channels == result_channels_ &&
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
        target.output_side = M;
    }

    /// result (grid pixels x result channels, HWC) = the correlation of `source` (HWC) with `kernel`
    /// (made by set_kernel for this correlation).
    void run(const Kernel& kernel, const float* source, float* result, Scratch& scratch) const {
        run(kernel, source, 0, 1, result, 0, scratch);
    }

    /// run() for `samples` sources at once: source n at sources + n * source_stride, its result at
    /// results + n * result_stride. The products of all their tiles go through one matrix product per
    /// position, which pays where one sample's are thin (few tiles or channels); each result is the one
    /// run() gives for that sample alone, bit for bit (kernels::multiply_indirect computes every column
    /// alike).
    void run(const Kernel& kernel, const float* sources, Index source_stride, Index samples, float* results,
             Index result_stride, Scratch& scratch) const {
        const Index channels = source_.channels;
        const Index k = result_channels_;
        const Index count = tiles() * samples;
        reserve(count, scratch);
        const Index stride = stride_of(count, channels);
        const Index product_stride = stride_of(count, k);
        transform_sources(sources, source_stride, samples, stride, scratch);
        // One product per position: (K x C) times (C x count).
        for (int position = 0; position < positions; ++position) {
            const float* transformed = scratch.transformed.data() + position * stride;
            const auto columns = [&](Index first, Index n, const float** table) {
                for (Index j = 0; j < n; ++j) table[j] = transformed + (first + j) * channels;
            };
            constexpr Index offset = 0;
            kernels::multiply_indirect(
                kernels::LeftOperand::packed(kernel.panels[static_cast<std::size_t>(position)], k, channels), count,
                1, channels, &offset, columns, scratch.products.data() + position * product_stride, k,
                scratch.product);
        }
        for (Index n = 0; n < samples; ++n)
            for (Index ty = 0; ty < tiles_down_; ++ty)
                for (Index tx = 0; tx < tiles_across_; ++tx) {
                    const Index y0 = ty * M;
                    const Index x0 = tx * M;
                    const Index rows = std::min<Index>(M, grid_height_ - y0);
                    const Index columns = std::min<Index>(M, grid_width_ - x0);
                    const float* products = scratch.products.data() + (n * tiles() + ty * tiles_across_ + tx) * k;
                    float* block = results + n * result_stride + (y0 * grid_width_ + x0) * k;
                    for_each_run(k, [&](Index c, auto one) {
                        detail::transform_tile<decltype(one), output_transform<M, R>>(
                            products + c, alpha * product_stride, product_stride, block + c, grid_width_ * k, k, rows,
                            columns);
                    });
                }
    }

    /// The gradient of the correlation with respect to its kernel, summed over `samples` samples: source n
    /// at sources + n * source_stride (HWC), the gradient of its result at gradients + n * gradient_stride
    /// (grid pixels x result channels, HWC). store(k, c, i, j, value) receives d(sum)/d kernel(k, c, i, j)
    /// once for every k, c, i, j < R.
    ///
    /// The adjoint of run(): a tile's block y = A^T [U . V] A passes dy back as A dy A^T to the products,
    /// and so sum over tiles of (A dy A^T) . V to U = G g G^T, whose gradient G^T [.] G is then the kernel's.
    /// The sums over the tiles are one matrix product per position, (K x tiles) times (tiles x C),
    /// accumulated over the samples in their order (the samples of a pass are its columns in order), so
    /// the result does not depend on the pass size; G^T [.] G is applied once, in double. alpha^2 multiply-
    /// adds per channel pair and tile instead of m^2 r^2, as in run().
    template <class Store>
    void kernel_gradient(const float* sources, Index source_stride, const float* gradients, Index gradient_stride,
                         Index samples, Scratch& scratch, const Store& store) const {
        const Index channels = source_.channels;
        const Index k = result_channels_;
        const Index pairs = k * channels;
        scratch.kernel_sums.resize(static_cast<std::size_t>(positions * pairs));
        // The gradient of whole tiles: zero past the grid, where run() computes outputs that it drops.
        const Index grid_row = tiles_across_ * M * k;
        scratch.padded_gradient.assign(static_cast<std::size_t>(tiles_down_ * M * grid_row), 0.0f);
        const Index step = samples_per_pass();
        for (Index first = 0; first < samples; first += step) {
            const Index pass = std::min(step, samples - first);
            const Index count = tiles() * pass;
            reserve(count, scratch);
            const Index stride = stride_of(count, channels);
            const Index product_stride = stride_of(count, k);
            transform_sources(sources + first * source_stride, source_stride, pass, stride, scratch);
            for (Index n = 0; n < pass; ++n) {
                const float* gradient = gradients + (first + n) * gradient_stride;
                for (Index y = 0; y < grid_height_; ++y)
                    std::copy_n(gradient + y * grid_width_ * k, grid_width_ * k,
                                scratch.padded_gradient.data() + y * grid_row);
                for (Index ty = 0; ty < tiles_down_; ++ty)
                    for (Index tx = 0; tx < tiles_across_; ++tx) {
                        const float* block = scratch.padded_gradient.data() + ty * M * grid_row + tx * M * k;
                        float* out = scratch.products.data() + (n * tiles() + ty * tiles_across_ + tx) * k;
                        for_each_run(k, [&](Index c, auto one) {
                            detail::transform_tile<decltype(one), gradient_transform<M, R>>(
                                block + c, grid_row, k, out + c, alpha * product_stride, product_stride, alpha, alpha);
                        });
                    }
            }
            // Per position: sums (K x C) (+)= gradients (K x count) times the sources (C x count, column-major)
            // transposed, which is the same floats read as a row-major count x C matrix.
            for (int position = 0; position < positions; ++position)
                kernels::multiply_row_major_right(scratch.products.data() + position * product_stride, k, k, count,
                                                  scratch.transformed.data() + position * stride, channels, channels,
                                                  scratch.kernel_sums.data() + position * pairs, k, first > 0,
                                                  scratch.product);
        }
        if (samples == 0) std::fill(scratch.kernel_sums.begin(), scratch.kernel_sums.end(), 0.0f);
        // G^T [sums] G per channel pair, in double.
        constexpr const Transform<M, R>& t = transform<M, R>;
        std::array<std::array<double, R>, alpha> half{};  // sums G: half[x][j]
        for (Index c = 0; c < channels; ++c)
            for (Index o = 0; o < k; ++o) {
                const float* sums = scratch.kernel_sums.data() + c * k + o;
                for (int x = 0; x < alpha; ++x)
                    for (int j = 0; j < R; ++j) {
                        double sum = 0.0;
                        for (int y = 0; y < alpha; ++y)
                            sum += static_cast<double>(sums[(x * alpha + y) * pairs]) * t.g[y][j];
                        half[x][j] = sum;
                    }
                for (int i = 0; i < R; ++i)
                    for (int j = 0; j < R; ++j) {
                        double sum = 0.0;
                        for (int x = 0; x < alpha; ++x) sum += t.g[x][i] * half[x][j];
                        store(o, c, i, j, static_cast<float>(sum));
                    }
            }
    }

private:
    /// Floats between the positions' matrices of `rows` x count: a cache line more than they take, so that
    /// the alpha^2 values of one tile, one per position, do not all fall into one set of the L1 cache (64
    /// channels of 16 tiles are 4 KiB: that 5 x 5 layer's forward pass, 25 samples, took 1.73 ms without
    /// the gap, 1.52 ms with it).
    [[nodiscard]] static Index stride_of(Index count, Index rows) noexcept {
        return count * rows + kernels::cache_line_floats;
    }

    /// Grows (never shrinks, so that calls do not fill them anew) the tiles' buffers for `count` tiles.
    void reserve(Index count, Scratch& scratch) const {
        const auto needed = [&](Index rows) { return static_cast<std::size_t>(positions * stride_of(count, rows)); };
        if (scratch.transformed.size() < needed(source_.channels)) scratch.transformed.resize(needed(source_.channels));
        if (scratch.products.size() < needed(result_channels_)) scratch.products.resize(needed(result_channels_));
    }

    /// B^T d B of every tile of `samples` sources into `scratch.transformed`: position p's matrix is C x
    /// (tiles x samples) at transformed + p * stride, sample n's tile t its column n * tiles() + t.
    void transform_sources(const float* sources, Index source_stride, Index samples, Index stride,
                           Scratch& scratch) const {
        const Index channels = source_.channels;
        const Index row = source_.width * channels;
        for (Index n = 0; n < samples; ++n) {
            const float* source = sources + n * source_stride;
            for (Index y = 0; y < source_.height; ++y)
                std::copy_n(source + y * row, row,
                            scratch.padded.data() + ((y + top_) * padded_width_ + left_) * channels);
            for (Index ty = 0; ty < tiles_down_; ++ty)
                for (Index tx = 0; tx < tiles_across_; ++tx) {
                    const float* patch = scratch.padded.data() + (ty * M * padded_width_ + tx * M) * channels;
                    float* out = scratch.transformed.data() + (n * tiles() + ty * tiles_across_ + tx) * channels;
                    for_each_run(channels, [&](Index c, auto one) {
                        detail::transform_tile<decltype(one), input_transform<M, R>>(
                            patch + c, padded_width_ * channels, channels, out + c, alpha * stride, stride, alpha,
                            alpha);
                    });
                }
        }
    }

    /// work(c, V{}) for the runs of `n` channels: whole packets, then at most one of each narrower packet
    /// (8 and 4 floats on AVX-512), then single floats. Which width carries a channel depends on the
    /// channel count alone (a packet's fused multiply-add and a single float's may round differently),
    /// so results still do not depend on the batch; the narrower runs keep a layer whose channels are no
    /// multiple of the packet (8 channels on AVX-512) from transforming most of its tiles one float at a
    /// time.
    template <class Work>
    static void for_each_run(Index n, const Work& work) {
        Index c = 0;
        for (; c + kernels::lanes <= n; c += kernels::lanes) work(c, kernels::Packet{});
        narrower_runs<kernels::Packet>(c, n, work);
        for (; c < n; ++c) work(c, 0.0f);
    }

    /// The runs of for_each_run narrower than P, widest first.
    template <class P, class Work>
    static void narrower_runs(Index& c, Index n, const Work& work) {
        // decltype drops the vector types' attributes, which a template argument would ignore with a warning.
        using Half = decltype(typename Eigen::internal::unpacket_traits<P>::half{});
        constexpr auto width = static_cast<Index>(sizeof(Half) / sizeof(float));
        if constexpr (sizeof(Half) < sizeof(P)) {
            if (c + width <= n) {
                work(c, Half{});
                c += width;
            }
            narrower_runs<Half>(c, n, work);
        }
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
