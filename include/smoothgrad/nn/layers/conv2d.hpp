// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A 2-D convolution (cross-correlation, as PyTorch's `nn.Conv2d`) with stride 1 and 'valid' or
/// 'same' padding, computed per sample as an indirect matrix product (the packed weight times the
/// receptive fields, read where they lie in the image) whose result for a sample does not depend on the
/// other samples of the batch. By default 3 x 3 and 5 x 5 layers with enough channels go through
/// Winograd's transform instead (ConvolutionAlgorithm::winograd, winograd.hpp).

#include "smoothgrad/detail/eigen_core.hpp"
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/random.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/cache.hpp"
#include "smoothgrad/nn/layers/kernels.hpp"
#include "smoothgrad/nn/layers/winograd.hpp"
#include "smoothgrad/nn/parameter.hpp"

namespace smoothgrad::nn {

/// How a convolution treats the border.
enum class Padding {
    valid,  ///< no padding: the output is (H - kh + 1) x (W - kw + 1)
    same,   ///< (k - 1) / 2 zeros on each side, odd kernels only: the output is H x W
};

/// How a convolution computes its forward pass, its input gradient and its weight gradient.
enum class ConvolutionAlgorithm {
    /// The default: Winograd's F(3 x 3, 3 x 3) and F(4 x 4, 5 x 5) for 3 x 3 and 5 x 5 kernels with at
    /// least winograd_min_channels input and output channels (other layers stay direct, on every CPU).
    /// Fewer multiplications (a 5 x 5 layer: 64 per 4 x 4 block instead of 400); results that differ from
    /// the direct product's by rounding (per layer about 1e-6 relative for 3 x 3, up to 1e-5 for 5 x 5).
    /// The weight gradient of training too, by the transform's adjoint (winograd::Correlation::
    /// kernel_gradient: a 14 x 14, 32 -> 64 channel 5 x 5 layer's for 32 samples in 2.1 ms on one AVX-512
    /// core, 7.2 ms direct; its largest difference from the sums in double 1.6e-5 of the largest sum).
    winograd,
    /// The direct product for every layer, forward, backward (as documented at Conv2D::backward) and for
    /// the parameter gradients.
    direct,
};

/// Fewer channels on either side than this make the products of Winograd's transform too thin to pay.
inline constexpr Index winograd_min_channels = 8;

/// A convolution layer with stride 1.
///
/// Shapes: input H x W x in_channels, output H' x W' x out_channels with H' = H, W' = W ('same') or
/// H' = H - kh + 1, W' = W - kw + 1 ('valid'). Batches are (H*W*C) x N, every column one sample in HWC
/// order (the layout of the library's images; the matrix product of the weight and the receptive fields
/// yields HWC directly).
///
/// out(y, x, o) = bias[o] + sum over c, i, j of weight[o, c, i, j] * in(y + i - p, x + j - p, c), where
/// p is the padding and `in` is zero outside the image: PyTorch's `nn.Conv2d(in, out, (kh, kw),
/// padding=p)`. The weight is stored as an out x (in*kh*kw) row-major matrix, i.e. exactly PyTorch's
/// [out, in, kh, kw] tensor in row-major order; the bias has `out` entries.
class Conv2D {
public:
    /// A layer with zero weights. Throws argument_error unless all sizes are > 0 and, for 'same', the
    /// kernel sides are odd.
    Conv2D(Index in_channels, Index out_channels, Index kernel_height, Index kernel_width,
           Padding padding = Padding::valid)
        : in_channels_(in_channels),
          out_channels_(out_channels),
          kernel_height_(kernel_height),
          kernel_width_(kernel_width),
          padding_(padding) {
        constexpr std::string_view who = "Conv2D";
        smoothgrad::detail::require(in_channels > 0, who, "in_channels must be > 0, got ", in_channels);
        smoothgrad::detail::require(out_channels > 0, who, "out_channels must be > 0, got ", out_channels);
        smoothgrad::detail::require(kernel_height > 0 && kernel_width > 0, who, "kernel must be at least 1x1, got ",
                                    kernel_height, "x", kernel_width);
        smoothgrad::detail::require(padding == Padding::valid || (kernel_height % 2 == 1 && kernel_width % 2 == 1), who,
                                    "'same' padding needs an odd kernel, got ", kernel_height, "x", kernel_width);
        weight_ = WeightMatrix::Zero(out_channels, in_channels * kernel_height * kernel_width);
        bias_ = Vector::Zero(out_channels);
    }

    [[nodiscard]] Index in_channels() const noexcept { return in_channels_; }
    [[nodiscard]] Index out_channels() const noexcept { return out_channels_; }
    [[nodiscard]] Index kernel_height() const noexcept { return kernel_height_; }
    [[nodiscard]] Index kernel_width() const noexcept { return kernel_width_; }
    [[nodiscard]] Padding padding() const noexcept { return padding_; }

    /// How forward(), backward() and parameter_gradients() compute (a setting of this object, not of the
    /// model: it is not saved). A sample's output and input gradient do not depend on its batch with either.
    void set_algorithm(ConvolutionAlgorithm algorithm) noexcept { algorithm_ = algorithm; }
    [[nodiscard]] ConvolutionAlgorithm algorithm() const noexcept { return algorithm_; }

    /// The weight as out x (in*kh*kw), row-major: element (o, (c*kh + i)*kw + j) is weight[o, c, i, j].
    [[nodiscard]] const WeightMatrix& weight() const noexcept { return weight_; }
    /// Writable view of the weight (its size cannot change).
    [[nodiscard]] Eigen::Map<WeightMatrix> weight() noexcept {
        return {weight_.data(), weight_.rows(), weight_.cols()};
    }
    [[nodiscard]] const Vector& bias() const noexcept { return bias_; }
    [[nodiscard]] Eigen::Map<Vector> bias() noexcept { return {bias_.data(), bias_.size()}; }

    /// PyTorch's shape of the weight, [out, in, kh, kw].
    [[nodiscard]] std::vector<std::size_t> weight_shape() const {
        return {static_cast<std::size_t>(out_channels_), static_cast<std::size_t>(in_channels_),
                static_cast<std::size_t>(kernel_height_), static_cast<std::size_t>(kernel_width_)};
    }
    [[nodiscard]] std::vector<std::size_t> bias_shape() const { return {static_cast<std::size_t>(out_channels_)}; }

    /// Inputs per output: in*kh*kw.
    [[nodiscard]] Index fan_in() const noexcept { return weight_.cols(); }

    /// PyTorch's default initialization, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias
    /// (kaiming_uniform with a = sqrt(5)), drawn from `noise`: the weight in row-major order, then the bias.
    void reset_parameters(NoiseStream& noise) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in()));
        for (Index i = 0; i < weight_.size(); ++i)
            weight_.data()[i] = static_cast<float>((2.0 * noise.next_uniform() - 1.0) * bound);
        for (Index i = 0; i < bias_.size(); ++i)
            bias_[i] = static_cast<float>((2.0 * noise.next_uniform() - 1.0) * bound);
    }

    /// This layer's item in a network spec: "conv 3x3x16 same" (kernel height x width x out channels).
    [[nodiscard]] std::string spec() const {
        return "conv " + std::to_string(kernel_height_) + "x" + std::to_string(kernel_width_) + "x" +
               std::to_string(out_channels_) + (padding_ == Padding::same ? " same" : " valid");
    }

    /// The output shape for `input`; throws shape_error if the channels differ or, for 'valid', the
    /// kernel is larger than the image.
    [[nodiscard]] ImageShape output_shape(const ImageShape& input) const {
        constexpr std::string_view who = "Conv2D";
        smoothgrad::detail::require<shape_error>(input.channels == in_channels_, who, "expects ", in_channels_,
                                                 " input channels, got input ", input);
        if (padding_ == Padding::same) return {input.height, input.width, out_channels_};
        smoothgrad::detail::require<shape_error>(input.height >= kernel_height_ && input.width >= kernel_width_, who,
                                                 "kernel ", kernel_height_, "x", kernel_width_,
                                                 " is larger than input ", input);
        return {input.height - kernel_height_ + 1, input.width - kernel_width_ + 1, out_channels_};
    }

    /// Forward pass. Pre: `input` is (input_shape.size()) x N with N > 0 and `output_shape(input_shape)`
    /// is valid. Post: `output` is (H'*W'*out) x N. One sample at a time, so a sample's output does not
    /// depend on the rest of the batch: by Winograd's transform where it applies (see
    /// ConvolutionAlgorithm), else as an indirect convolution, the product of the packed weight and the
    /// receptive fields read where they are in the image (no im2col copy).
    void forward(const Matrix& input, const ImageShape& input_shape, Matrix& output, LayerCache& cache) const {
        convolve<true>(input, input_shape, output, cache);
    }

    /// The linear part of forward(), without the bias: how the output moves when the input moves along
    /// `input` (a tangent; see Sequential::directional_parameter_gradients).
    void forward_linear(const Matrix& input, const ImageShape& input_shape, Matrix& output, LayerCache& cache) const {
        convolve<false>(input, input_shape, output, cache);
    }

    /// Input-gradient backward pass; computes no weight gradient and reads nothing from the forward
    /// pass. Pre: `output_gradient` is (H'*W'*out) x N. Post: `input_gradient` is (H*W*in) x N. The
    /// ReLU rule does not apply to a convolution.
    ///
    /// The input gradient is itself a convolution, of the output gradient with the flipped kernel and
    /// the channel roles swapped; with fewer input channels than half a micro-tile (a first layer on
    /// grey or RGB images) that product would be mostly padding, so such a layer computes each input
    /// pixel's channels as dot products with its receptive field in the output gradient instead, or,
    /// where those would not pay for their horizontal sums and scalar tails (a kernel row's run of
    /// kw * out floats not a whole number of packets, or fewer than 8 packets in all; measured), the
    /// gradient of its im2col matrix, added back into the image (col2im).
    void backward(const Matrix& output_gradient, const ImageShape& input_shape, const Matrix& /*input*/,
                  ReluRule /*rule*/, LayerCache& cache, Matrix& input_gradient) const {
        const ImageShape out_shape = output_shape(input_shape);
        const Index batch = output_gradient.cols();
        input_gradient.resize(input_shape.size(), batch);
        const Index rounded = (in_channels_ + kernels::tile_rows - 1) / kernels::tile_rows * kernels::tile_rows;
        const Index run = kernel_width_ * out_channels_;  // floats per kernel row of a receptive field
        if (uses_winograd())
            backward_winograd(output_gradient, input_shape, out_shape, cache, input_gradient);
        else if (rounded <= 2 * in_channels_)
            backward_transposed(output_gradient, input_shape, out_shape, cache, input_gradient);
        else if (run % kernels::lanes == 0 && kernel_height_ * run / kernels::lanes >= 8)
            backward_dots(output_gradient, input_shape, out_shape, cache, input_gradient);
        else
            backward_col2im(output_gradient, input_shape, out_shape, cache, input_gradient);
    }

    /// Parameter gradients of the training backward pass. Pre: `input` is the forward input and
    /// `output_gradient` is (H'*W'*out) x N; `weight_gradient` and `bias_gradient` point to
    /// weight().size() and out_channels() floats. Post: they hold the gradients summed over the batch,
    /// in the layout of the weight and the bias.
    ///
    /// dW(o, (c, i, j)) = sum over samples and output pixels p = (y, x) of grad(o, p) * in(y + i - top,
    /// x + j - left, c). A layer that runs by Winograd's transform computes it by the transform's adjoint
    /// (winograd::Correlation::kernel_gradient). Otherwise it is a product whose depth is the output
    /// pixels, accumulated sample by sample: its left operand is the output gradient read in place
    /// (column-major out x pixels in HWC); its columns are the input plane of channel c shifted by the tap
    /// (i, j), read from a zero-bordered CHW copy of the sample as one run of W' values per output row (no
    /// im2col copy). The bias gradient is the same sums either way.
    void parameter_gradients(const Matrix& output_gradient, const ImageShape& input_shape, const Matrix& input,
                             LayerCache& cache, float* weight_gradient, float* bias_gradient) const {
        const ImageShape out_shape = output_shape(input_shape);
        const Index batch = output_gradient.cols();
        const Index pixels = out_shape.pixels();
        // The columns lie one after another: every pixel of every sample is one group of channels.
        kernels::sum_groups(output_gradient.data(), batch * pixels, out_channels_, bias_gradient);
        if (uses_winograd()) {
            with_winograd([&](auto tile, auto side) {
                const winograd::Correlation<decltype(tile)::value, decltype(side)::value> correlation(
                    input_shape, out_shape.height, out_shape.width, pad_top(), pad_left(), out_channels_,
                    cache.winograd);
                const Index taps = kernel_height_ * kernel_width_;
                correlation.kernel_gradient(
                    input.data(), input.rows(), output_gradient.data(), output_gradient.rows(), batch, cache.winograd,
                    [&](Index o, Index c, Index i, Index j, float value) {
                        weight_gradient[o * fan_in() + c * taps + i * kernel_width_ + j] = value;
                    });
            });
            return;
        }
        const Index top = pad_top();
        const Index left = pad_left();
        const Index padded_height = out_shape.height + kernel_height_ - 1;
        const Index padded_width = out_shape.width + kernel_width_ - 1;
        const Index plane = padded_height * padded_width;
        cache.padded.assign(static_cast<std::size_t>(in_channels_ * plane), 0.0f);
        cache.offsets.resize(static_cast<std::size_t>(out_shape.height));
        for (Index y = 0; y < out_shape.height; ++y) cache.offsets[static_cast<std::size_t>(y)] = y * padded_width;
        const float* planes = cache.padded.data();
        const auto columns = [&](Index first, Index count, const float** table) {
            for (Index t = 0; t < count; ++t) {
                const Index k = first + t;  // (c * kh + i) * kw + j, the order of the weight
                const Index j = k % kernel_width_;
                const Index i = k / kernel_width_ % kernel_height_;
                table[t] = planes + k / (kernel_width_ * kernel_height_) * plane + i * padded_width + j;
            }
        };
        // The product is dW transposed (column-major out x fan_in), summed over the samples.
        cache.columns.setZero(out_channels_, fan_in());
        float* inside = cache.padded.data() + top * padded_width + left;
        for (Index n = 0; n < batch; ++n) {
            const float* pixel = input.col(n).data();  // HWC: the channels of a pixel, pixel after pixel
            for (Index y = 0; y < input_shape.height; ++y)
                for (Index x = 0; x < input_shape.width; ++x)
                    for (Index c = 0; c < in_channels_; ++c) inside[c * plane + y * padded_width + x] = *pixel++;
            const float* gradient = output_gradient.col(n).data();
            const auto grad = kernels::LeftOperand::column_major(gradient, out_channels_, out_channels_, pixels);
            kernels::multiply_indirect(grad, fan_in(), out_shape.height, out_shape.width, cache.offsets.data(),
                                       columns, cache.columns.data(), out_channels_, cache.scratch, true);
        }
        Eigen::Map<WeightMatrix>(weight_gradient, weight_.rows(), weight_.cols()) = cache.columns;
    }

private:
    /// forward() with or without the bias.
    template <bool with_bias>
    void convolve(const Matrix& input, const ImageShape& input_shape, Matrix& output, LayerCache& cache) const {
        const ImageShape out_shape = output_shape(input_shape);
        const Index batch = input.cols();
        const Index pixels = out_shape.pixels();
        const Index taps = kernel_height_ * kernel_width_;
        const Index channels = in_channels_;
        output.resize(pixels * out_channels_, batch);
        if (uses_winograd()) {
            with_winograd([&](auto tile, auto side) {
                const winograd::Correlation<decltype(tile)::value, decltype(side)::value> correlation(
                    input_shape, out_shape.height, out_shape.width, pad_top(), pad_left(), out_channels_,
                    cache.winograd);
                const auto tap = [&](Index o, Index c, Index i, Index j) {
                    return weight_(o, (c * kernel_height_ + i) * kernel_width_ + j);
                };
                correlation.set_kernel(tap, weight_.data(), weight_.size(), cache.winograd.forward);
                const Index step = correlation.samples_per_pass();
                for (Index first = 0; first < batch; first += step) {
                    const Index samples = std::min(step, batch - first);
                    correlation.run(cache.winograd.forward, input.col(first).data(), input.rows(), samples,
                                    output.col(first).data(), output.rows(), cache.winograd);
                    if constexpr (with_bias)
                        kernels::add_to_groups(output.col(first).data(), samples * pixels, out_channels_, bias_.data());
                }
            });
            return;
        }
        // The depth runs over (i, j, c), channels innermost as they lie in an HWC image:
        // A(o, (i * kw + j) * in + c) = weight[o, c, i, j].
        kernels::pack_left(
            weight_.data(), fan_in(), out_channels_, fan_in(),
            [&](Index k) { return (k % channels) * taps + k / channels; }, cache.packed_weight);
        const auto weight = kernels::LeftOperand::packed(cache.packed_weight, out_channels_, fan_in());
        const Correlation correlation(input_shape, out_shape, kernel_height_, kernel_width_, pad_top(), pad_left(),
                                      cache);
        for (Index n = 0; n < batch; ++n) {
            // Column p of the product is output pixel p with its channels contiguous: the HWC layout.
            float* out = output.col(n).data();
            correlation.run(weight, input.col(n).data(), out, cache, with_bias ? bias_.data() : nullptr);
        }
    }

    /// Whether forward(), backward() and parameter_gradients() go through Winograd's transform: the same
    /// answer for all three, and on every CPU (it depends on no SIMD width).
    [[nodiscard]] bool uses_winograd() const noexcept {
        return algorithm_ == ConvolutionAlgorithm::winograd && winograd::supports(kernel_height_, kernel_width_) &&
               in_channels_ >= winograd_min_channels && out_channels_ >= winograd_min_channels;
    }

    /// f(std::integral_constant<int, m>{}, std::integral_constant<int, r>{}) for this layer's F(m x m, r x r):
    /// r its kernel side (3 or 5; see winograd::supports), m winograd::output_side(r).
    template <class F>
    void with_winograd(const F& f) const {
        using Three = std::integral_constant<int, 3>;
        using Five = std::integral_constant<int, 5>;
        if (kernel_height_ == 3)
            f(std::integral_constant<int, winograd::output_side(Three::value)>{}, Three{});
        else
            f(std::integral_constant<int, winograd::output_side(Five::value)>{}, Five{});
    }

    [[nodiscard]] Index pad_top() const noexcept { return padding_ == Padding::same ? (kernel_height_ - 1) / 2 : 0; }
    [[nodiscard]] Index pad_left() const noexcept { return padding_ == Padding::same ? (kernel_width_ - 1) / 2 : 0; }

    /// A correlation of images of one shape with a kernel: result(y, x, :) = A * the values of source(y
    /// + i - top, x + j - left, :) over the kernel taps (i, j), zero outside the source, for every pixel
    /// (y, x) of a result grid, as an indirect matrix product. The source is copied into a zero border
    /// (`cache.padded`) so that every tap lies inside; then the receptive field of a pixel is one run of
    /// kw * channels contiguous values per kernel row, read where it is.
    class Correlation {
    public:
        /// Prepares `cache.padded` and the kernel rows' offsets for sources of `source` shape and a
        /// result of `grid` shape (only its height and width count).
        Correlation(const ImageShape& source, const ImageShape& grid, Index kernel_height, Index kernel_width,
                    Index top, Index left, LayerCache& cache)
            : source_(source), grid_(grid), kernel_width_(kernel_width), top_(top), left_(left) {
            const Index bottom = std::max<Index>(0, grid.height + kernel_height - 1 - top - source.height);
            const Index right = std::max<Index>(0, grid.width + kernel_width - 1 - left - source.width);
            padded_ = top > 0 || left > 0 || bottom > 0 || right > 0;
            padded_width_ = left + source.width + right;
            if (padded_)
                cache.padded.assign(static_cast<std::size_t>((top + source.height + bottom) * padded_width_ *
                                                             source.channels),
                                    0.0f);
            cache.offsets.resize(static_cast<std::size_t>(kernel_height));
            for (Index i = 0; i < kernel_height; ++i)
                cache.offsets[static_cast<std::size_t>(i)] = i * padded_width_ * source.channels;
        }

        /// result (grid pixels x A's rows, HWC) = the correlation of `source` with A, whose depth runs
        /// over (i, j, c) with c innermost, plus `bias` (A's rows floats) at every pixel if set.
        void run(const kernels::LeftOperand& a, const float* source, float* result, LayerCache& cache,
                 const float* bias = nullptr) const {
            const Index channels = source_.channels;
            const float* image = bordered(source, cache);
            const Index grid_width = grid_.width;
            const Index row_stride = padded_width_ * channels;
            // Pixel by pixel from the first one's row and column: a division per pixel cost a tenth of a
            // 16-channel first layer's forward pass.
            const auto columns = [&](Index first, Index count, const float** table) {
                Index y = first / grid_width;
                Index x = first % grid_width;
                for (Index j = 0; j < count; ++j) {
                    table[j] = image + y * row_stride + x * channels;
                    if (++x == grid_width) {
                        x = 0;
                        ++y;
                    }
                }
            };
            const auto segments = static_cast<Index>(cache.offsets.size());
            kernels::multiply_indirect(a, grid_.pixels(), segments, kernel_width_ * channels, cache.offsets.data(),
                                       columns, result, a.rows, cache.scratch, false, bias);
        }

        /// result (grid pixels x B's rows, HWC) = the correlation of `source` with B (rows x depth,
        /// row-major, its depth over (i, j, c) with c innermost), as dot products: for few rows of B.
        void run_dots(const float* b, Index rows, const float* source, float* result, LayerCache& cache) const {
            const float* image = bordered(source, cache);
            const Index channels = source_.channels;
            const Index length = kernel_width_ * channels;
            const auto segments = static_cast<Index>(cache.offsets.size());
            for (Index y = 0; y < grid_.height; ++y)
                kernels::multiply_segmented(image + y * padded_width_ * channels, channels, grid_.width,
                                            cache.offsets.data(), segments, length, b, segments * length, rows,
                                            result + y * grid_.width * rows, rows);
        }

    private:
        /// `source`, or its copy inside the zero border when there is one.
        const float* bordered(const float* source, LayerCache& cache) const {
            if (!padded_) return source;
            // Only the inside changes: the border stays zero from the constructor.
            const Index row = source_.width * source_.channels;
            for (Index y = 0; y < source_.height; ++y)
                std::copy_n(source + y * row, row,
                            cache.padded.data() + ((y + top_) * padded_width_ + left_) * source_.channels);
            return cache.padded.data();
        }

        ImageShape source_;
        ImageShape grid_;
        Index kernel_width_;
        Index top_;
        Index left_;
        bool padded_ = false;
        Index padded_width_ = 0;
    };

    /// The input gradient's kernel, the flipped one with its channels swapped, has depth (i * kw + j) * out
    /// + o: its element (c, k) is weight[o, c, kh - 1 - i, kw - 1 - j], found `flipped_offset(k)` floats
    /// past channel c's first tap in the row-major weight (at c * kh * kw).
    [[nodiscard]] Index flipped_offset(Index k) const noexcept {
        const Index taps = kernel_height_ * kernel_width_;
        return (k % out_channels_) * fan_in() + taps - 1 - k / out_channels_;
    }

    /// The input gradient as the convolution of the output gradient with the flipped kernel:
    /// in(y, x, c) = sum over o, i, j of weight[o, c, kh-1-i, kw-1-j] * out(y + i - (kh-1-top), x + j -
    /// (kw-1-left), o), the output gradient being zero outside its image.
    void backward_transposed(const Matrix& output_gradient, const ImageShape& input_shape, const ImageShape& out_shape,
                             LayerCache& cache, Matrix& input_gradient) const {
        const Index taps = kernel_height_ * kernel_width_;
        const Index depth = taps * out_channels_;
        kernels::pack_left(
            weight_.data(), taps, in_channels_, depth, [&](Index k) { return flipped_offset(k); },
            cache.packed_weight);
        const auto weight = kernels::LeftOperand::packed(cache.packed_weight, in_channels_, depth);
        const Correlation correlation(out_shape, input_shape, kernel_height_, kernel_width_,
                                      kernel_height_ - 1 - pad_top(), kernel_width_ - 1 - pad_left(), cache);
        for (Index n = 0; n < output_gradient.cols(); ++n)
            correlation.run(weight, output_gradient.col(n).data(), input_gradient.col(n).data(), cache);
    }

    /// backward_transposed's correlation by Winograd's transform: the flipped kernel, its channels swapped.
    void backward_winograd(const Matrix& output_gradient, const ImageShape& input_shape, const ImageShape& out_shape,
                           LayerCache& cache, Matrix& input_gradient) const {
        with_winograd([&](auto tile, auto side) {
            const winograd::Correlation<decltype(tile)::value, decltype(side)::value> correlation(
                out_shape, input_shape.height, input_shape.width, kernel_height_ - 1 - pad_top(),
                kernel_width_ - 1 - pad_left(), in_channels_, cache.winograd);
            const auto flipped_tap = [&](Index c, Index o, Index i, Index j) {
                const Index row = kernel_height_ - 1 - i;
                const Index column = kernel_width_ - 1 - j;
                return weight_(o, (c * kernel_height_ + row) * kernel_width_ + column);
            };
            correlation.set_kernel(flipped_tap, weight_.data(), weight_.size(), cache.winograd.backward);
            const Index batch = output_gradient.cols();
            const Index step = correlation.samples_per_pass();
            for (Index first = 0; first < batch; first += step)
                correlation.run(cache.winograd.backward, output_gradient.col(first).data(), output_gradient.rows(),
                                std::min(step, batch - first), input_gradient.col(first).data(),
                                input_gradient.rows(), cache.winograd);
        });
    }

    /// backward_transposed's correlation as dot products, each input pixel's channels with its
    /// receptive field in the output gradient (kernels::multiply_segmented), one sample at a time.
    void backward_dots(const Matrix& output_gradient, const ImageShape& input_shape, const ImageShape& out_shape,
                       LayerCache& cache, Matrix& input_gradient) const {
        const Index taps = kernel_height_ * kernel_width_;
        const Index depth = taps * out_channels_;
        // The flipped kernel, row-major: row c, element k at flipped_offset(k) past channel c's taps.
        cache.packed_weight.resize(static_cast<std::size_t>(in_channels_ * depth));
        for (Index c = 0; c < in_channels_; ++c)
            for (Index k = 0; k < depth; ++k)
                cache.packed_weight[static_cast<std::size_t>(c * depth + k)] =
                    weight_.data()[c * taps + flipped_offset(k)];
        const Correlation correlation(out_shape, input_shape, kernel_height_, kernel_width_,
                                      kernel_height_ - 1 - pad_top(), kernel_width_ - 1 - pad_left(), cache);
        for (Index n = 0; n < output_gradient.cols(); ++n)
            correlation.run_dots(cache.packed_weight.data(), in_channels_, output_gradient.col(n).data(),
                                 input_gradient.col(n).data(), cache);
    }

    /// The input gradient as col2im(weight^T * output gradient), one sample at a time.
    void backward_col2im(const Matrix& output_gradient, const ImageShape& input_shape, const ImageShape& out_shape,
                         LayerCache& cache, Matrix& input_gradient) const {
        const Index pixels = out_shape.pixels();
        // weight^T (fan_in x out) packed with its rows padded to whole micro-tiles, so that every tile
        // of the product is stored whole into `columns` (the padding rows are zeros, never read).
        const Index rows = (fan_in() + kernels::tile_rows - 1) / kernels::tile_rows * kernels::tile_rows;
        const Index fan = fan_in();
        kernels::pack_left(weight_.data(), 1, fan, out_channels_, [&](Index o) { return o * fan; },
                           cache.packed_weight);
        const auto weight = kernels::LeftOperand::packed(cache.packed_weight, rows, out_channels_);
        cache.columns.resize(rows, pixels);
        for (Index n = 0; n < output_gradient.cols(); ++n) {
            const float* gradient = output_gradient.col(n).data();
            const auto columns = [&](Index first, Index count, const float** table) {
                for (Index j = 0; j < count; ++j) table[j] = gradient + (first + j) * out_channels_;
            };
            constexpr Index offset = 0;
            kernels::multiply_indirect(weight, pixels, 1, out_channels_, &offset, columns, cache.columns.data(), rows,
                                       cache.scratch);
            col2im(cache.columns, input_shape, out_shape, input_gradient.col(n).data());
        }
    }

    /// The adjoint of im2col for one image: adds every entry of `columns` (rows (c, i, j) as in im2col,
    /// possibly more, unread) back to the input pixel it was copied from, into `image` (in.size()
    /// floats), which it first sets to zero. One kernel tap at a time, over the output pixels whose tap
    /// falls inside the image, so no element needs a test.
    void col2im(const Matrix& columns, const ImageShape& in, const ImageShape& out, float* image) const {
        std::fill(image, image + in.size(), 0.0f);
        const Index top = pad_top();
        const Index left = pad_left();
        const Index ld = columns.rows();
        for (Index c = 0; c < in_channels_; ++c) {
            for (Index i = 0; i < kernel_height_; ++i) {
                const Index y0 = std::max<Index>(0, top - i);
                const Index y1 = std::min(out.height, in.height + top - i);
                for (Index j = 0; j < kernel_width_; ++j) {
                    const Index x0 = std::max<Index>(0, left - j);
                    const Index x1 = std::min(out.width, in.width + left - j);
                    const Index tap = (c * kernel_height_ + i) * kernel_width_ + j;
                    for (Index y = y0; y < y1; ++y) {
                        const float* from = columns.data() + (y * out.width + x0) * ld + tap;
                        float* to = image + ((y + i - top) * in.width + x0 + j - left) * in_channels_ + c;
                        for (Index x = x0; x < x1; ++x, from += ld, to += in_channels_) *to += *from;
                    }
                }
            }
        }
    }

    Index in_channels_;
    Index out_channels_;
    Index kernel_height_;
    Index kernel_width_;
    Padding padding_;
    ConvolutionAlgorithm algorithm_ = ConvolutionAlgorithm::winograd;
    WeightMatrix weight_;
    Vector bias_;
};

}  // namespace smoothgrad::nn
