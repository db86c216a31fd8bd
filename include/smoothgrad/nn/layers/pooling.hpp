// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Max pooling over k x k windows with stride k, PyTorch's `nn.MaxPool2d(k)`.

#include "smoothgrad/detail/eigen_core.hpp"
#include <string>
#include <string_view>
#include <type_traits>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/cache.hpp"
#include "smoothgrad/nn/layers/kernels.hpp"

namespace smoothgrad::nn {

/// out(y, x, c) = max over 0 <= i, j < k of in(k*y + i, k*x + j, c), per channel.
///
/// Shapes: input H x W x C (HWC columns), output floor(H/k) x floor(W/k) x C: the rows and columns
/// past the last whole window are dropped, as PyTorch does by default. The backward pass sends each
/// output gradient to the input element that held the maximum (the first one in row-major window order
/// on ties). The forward pass records that element for every output in the cache, so the backward pass
/// reads neither the input nor all of its window (PyTorch's indices); both passes run on whole packets
/// of channels.
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

    /// Pre: `input` is (H*W*C) x N. Post: `output` is (H'*W'*C) x N; `cache.winners` holds, for every
    /// output, where in its window the maximum is.
    void forward(const Matrix& input, const ImageShape& input_shape, Matrix& output, LayerCache& cache) const {
        with_kernel([&](auto k) { pool<false, decltype(k)::value>(input, input_shape, output, cache); });
    }

    /// Pre: forward() filled `cache`; `output_gradient` is (H'*W'*C) x N. Post: `input_gradient` is
    /// (H*W*C) x N, zero except at the maxima.
    void backward(const Matrix& output_gradient, const ImageShape& input_shape, const Matrix& /*input*/,
                  ReluRule /*rule*/, LayerCache& cache, Matrix& input_gradient) const {
        with_kernel([&](auto k) {
            unpool<false, decltype(k)::value>(output_gradient, input_shape, ReluRule::gradient, cache, input_gradient);
        });
    }

    /// A ReLU and then this pooling in one pass, from the ReLU's input x: out = max(0, max of the
    /// window of x), bit for bit the value of forward(ReLU(x)), without storing ReLU(x).
    void forward_rectified(const Matrix& input, const ImageShape& input_shape, Matrix& output,
                           LayerCache& cache) const {
        with_kernel([&](auto k) { pool<true, decltype(k)::value>(input, input_shape, output, cache); });
    }

    /// The backward pass of forward_rectified (which filled `cache`): the gradient with respect to the
    /// ReLU's input x, bit for bit what backward() and then ReLU::backward(rule) give. The window's
    /// maximum of x is where ReLU(x) has its maximum too, unless no element is positive: then the
    /// window's gradient is zero, except under the deconvnet rule, which passes positive gradients where
    /// ReLU(x) (all zeros) has its first maximum, the window's first element.
    void backward_rectified(const Matrix& output_gradient, const ImageShape& input_shape, ReluRule rule,
                            LayerCache& cache, Matrix& input_gradient) const {
        with_kernel([&](auto k) {
            unpool<true, decltype(k)::value>(output_gradient, input_shape, rule, cache, input_gradient);
        });
    }

    /// How the output moves when the input moves along `input_tangent` and no window's maximum changes:
    /// each output takes the tangent of the element that won its window in the last forward() or
    /// forward_rectified() through `cache`, and 0 for a window that the fused ReLU zeroed. Pre:
    /// `input_tangent` is (H*W*C) x N, N the forward pass's batch. Post: `output_tangent` is (H'*W'*C) x N.
    void tangent(const Matrix& input_tangent, const ImageShape& input_shape, const LayerCache& cache,
                 Matrix& output_tangent) const {
        const ImageShape out = output_shape(input_shape);
        const Index batch = input_tangent.cols();
        check_winners(cache, out, batch, "MaxPool2D::tangent");
        output_tangent.resize(out.size(), batch);
        for (Index n = 0; n < batch; ++n) {
            const float* winners = cache.winners.data() + n * out.size();
            const float* in = input_tangent.col(n).data();
            float* result = output_tangent.col(n).data();
            for (Index y = 0; y < out.height; ++y) {
                for (Index x = 0; x < out.width; ++x) {
                    for (Index c = 0; c < out.channels; ++c) {
                        const Index at = out.offset(y, x, c);
                        const float winner = winners[at];
                        if (winner < 0.0f) {  // dead: the fused ReLU holds the window at 0
                            result[at] = 0.0f;
                            continue;
                        }
                        const auto q = static_cast<Index>(winner);
                        result[at] = in[input_shape.offset(kernel_ * y + q / kernel_, kernel_ * x + q % kernel_, c)];
                    }
                }
            }
        }
    }

private:
    /// Throws unless `cache` holds the winners of a forward pass over `batch` columns with output `out`.
    static void check_winners(const LayerCache& cache, const ImageShape& out, Index batch, std::string_view who) {
        smoothgrad::detail::require<shape_error>(static_cast<Index>(cache.winners.size()) == out.size() * batch, who,
                                                 "run forward on a batch of ", batch, " columns first");
    }

    using Packet = kernels::Packet;

    /// The winner of a window as a float: its element's index in row-major window order, or `dead` if
    /// a fused ReLU zeroes the window (no element is positive).
    static constexpr float dead = -1.0f;

    /// f(std::integral_constant<Index, 2>{}) for the common 2 x 2 window, whose loops the compiler then
    /// unrolls (the small CNN's first pooling with its ReLU, 25 columns: 55 -> 32 us on one core), else
    /// f(std::integral_constant<Index, 0>{}): the kernel read at run time.
    template <class F>
    void with_kernel(const F& f) const {
        if (kernel_ == 2)
            f(std::integral_constant<Index, 2>{});
        else
            f(std::integral_constant<Index, 0>{});
    }

    template <bool rectify, Index fixed_kernel>
    void pool(const Matrix& input, const ImageShape& input_shape, Matrix& output, LayerCache& cache) const {
        const Index kernel = fixed_kernel > 0 ? fixed_kernel : kernel_;
        const ImageShape out = output_shape(input_shape);
        output.resize(out.size(), input.cols());
        cache.winners.resize(static_cast<std::size_t>(output.size()));
        for (Index n = 0; n < input.cols(); ++n) {
            float* winners = cache.winners.data() + n * out.size();
            for (Index y = 0; y < out.height; ++y) {
                for (Index x = 0; x < out.width; ++x) {
                    // The channels of a pixel are contiguous in HWC: compare whole pixels, channel-wise.
                    const Index at = out.offset(y, x);
                    float* best = output.col(n).data() + at;
                    const float* corner = input.col(n).data() + input_shape.offset(kernel * y, kernel * x);
                    each_channel(input_shape.channels, [&](auto tag, Index c) {
                        using P = decltype(tag);
                        P max = load<P>(corner + c);
                        P winner = splat<P>(0.0f);
                        for_window(kernel, input_shape, [&](Index q, Index element) {
                            if (q == 0) return;
                            const P value = load<P>(corner + element + c);
                            const P larger = less(max, value);
                            max = select(larger, value, max);
                            winner = select(larger, splat<P>(static_cast<float>(q)), winner);
                        });
                        if constexpr (rectify) {
                            const P positive = less(splat<P>(0.0f), max);
                            max = select(positive, max, splat<P>(0.0f));
                            winner = select(positive, winner, splat<P>(dead));
                        }
                        store(best + c, max);
                        store(winners + at + c, winner);
                    });
                }
            }
        }
    }

    template <bool rectify, Index fixed_kernel>
    void unpool(const Matrix& output_gradient, const ImageShape& input_shape, ReluRule rule, const LayerCache& cache,
                Matrix& input_gradient) const {
        const ImageShape out = output_shape(input_shape);
        const Index batch = output_gradient.cols();
        check_winners(cache, out, batch, "MaxPool2D::backward");
        const Index kernel = fixed_kernel > 0 ? fixed_kernel : kernel_;
        const bool dropped = input_shape.height % kernel != 0 || input_shape.width % kernel != 0;
        // The windows cover every element but the dropped rows and columns: they alone need zeros.
        if (dropped)
            input_gradient.setZero(input_shape.size(), batch);
        else
            input_gradient.resize(input_shape.size(), batch);
        for (Index n = 0; n < batch; ++n) {
            const float* gradient = output_gradient.col(n).data();
            const float* winners = cache.winners.data() + n * out.size();
            float* result = input_gradient.col(n).data();
            for (Index y = 0; y < out.height; ++y) {
                for (Index x = 0; x < out.width; ++x) {
                    const Index at = out.offset(y, x);
                    float* target = result + input_shape.offset(kernel * y, kernel * x);
                    each_channel(input_shape.channels, [&](auto tag, Index c) {
                        using P = decltype(tag);
                        P winner = load<P>(winners + at + c);
                        P g = load<P>(gradient + at + c);
                        if constexpr (rectify) rectify_gradient(rule, winner, g);
                        for_window(kernel, input_shape, [&](Index q, Index element) {
                            store(target + element + c,
                                  select(equal(winner, splat<P>(static_cast<float>(q))), g, splat<P>(0.0f)));
                        });
                    });
                }
            }
        }
    }

    /// The ReLU's backward rule at the winner of a window. A dead window (ReLU(x) all zeros) matches no
    /// element, so the gradient and guided rules send it nothing; the deconvnet rule sends positive
    /// gradients to ReLU(x)'s first maximum, the window's first element.
    template <class P>
    static void rectify_gradient(ReluRule rule, P& winner, P& g) {
        const P zero = splat<P>(0.0f);
        switch (rule) {
            case ReluRule::gradient:
                break;
            case ReluRule::guided:
                g = select(less(zero, g), g, zero);
                break;
            case ReluRule::deconvnet:
                winner = select(less(winner, zero), zero, winner);
                g = select(less(zero, g), g, zero);
                break;
        }
    }

    /// Calls work(q, offset) for the elements of a `kernel` x `kernel` window in row-major order: q counts
    /// them, offset is the element's position in an HWC image of `shape` relative to the window's first
    /// element.
    template <class Work>
    static void for_window(Index kernel, const ImageShape& shape, const Work& work) {
        Index q = 0;
        for (Index i = 0; i < kernel; ++i)
            for (Index j = 0; j < kernel; ++j, ++q) work(q, (i * shape.width + j) * shape.channels);
    }

    /// Calls work(Packet{}, c) for every whole packet of `channels`, then work(float{}, c) for the rest.
    template <class Work>
    static void each_channel(Index channels, const Work& work) {
        Index c = 0;
        for (; c + kernels::lanes <= channels; c += kernels::lanes) work(Packet{}, c);
        for (; c < channels; ++c) work(0.0f, c);
    }

    // The few operations of the two passes, on a packet of channels or on one channel.
    template <class P>
    static P load(const float* from) {
        if constexpr (std::is_same_v<P, float>) return *from;
        else return Eigen::internal::ploadu<P>(from);
    }
    static void store(float* to, float value) { *to = value; }
    template <class P>
    static void store(float* to, const P& value) { Eigen::internal::pstoreu(to, value); }
    template <class P>
    static P splat(float value) {
        if constexpr (std::is_same_v<P, float>) return value;
        else return Eigen::internal::pset1<P>(value);
    }
    // Comparisons give a bool for one channel and a mask for a packet; select(mask, a, b) is mask ? a : b.
    static bool less(float a, float b) { return a < b; }
    static bool equal(float a, float b) { return a == b; }
    static float select(bool mask, float a, float b) { return mask ? a : b; }
    template <class P>
    static P less(const P& a, const P& b) { return Eigen::internal::pcmp_lt(a, b); }
    template <class P>
    static P equal(const P& a, const P& b) { return Eigen::internal::pcmp_eq(a, b); }
    template <class P>
    static P select(const P& mask, const P& a, const P& b) { return Eigen::internal::pselect(mask, a, b); }

    Index kernel_;
};

}  // namespace smoothgrad::nn
