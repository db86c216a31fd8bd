// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/winograd.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "../nn_test_support.hpp"
#include "smoothgrad/nn/layers/conv2d.hpp"
#include "smoothgrad/nn/sequential.hpp"
#include "smoothgrad/nn/spec.hpp"

using namespace smoothgrad;
using nn::Conv2D;
using nn::ConvolutionAlgorithm;
using nn::Padding;
namespace winograd = smoothgrad::nn::winograd;

namespace {

/// y = A^T [(G g) . (B^T d)] of F(M, R) against the correlation y_i = sum_k g_k d_{i+k}, for whole-number
/// g and d, in double: they agree up to the rounding of G's fractions (1/6, 1/24, ...).
template <int M, int R>
consteval bool one_dimensional_identity_holds() {
    constexpr auto t = winograd::make_transform<M, R>();
    constexpr int alpha = winograd::Transform<M, R>::alpha;
    std::array<double, R> g{};
    std::array<double, alpha> d{};
    for (int k = 0; k < R; ++k) g[k] = 3 - 2 * k;
    for (int i = 0; i < alpha; ++i) d[i] = i * i - 4;
    for (int i = 0; i < M; ++i) {
        double winograd_sum = 0.0;
        for (int x = 0; x < alpha; ++x) {
            double gg = 0.0;
            double bd = 0.0;
            for (int k = 0; k < R; ++k) gg += t.g[x][k] * g[k];
            for (int j = 0; j < alpha; ++j) bd += t.bt[x][j] * d[j];
            winograd_sum += t.at[i][x] * gg * bd;
        }
        double direct = 0.0;
        for (int k = 0; k < R; ++k) direct += g[k] * d[i + k];
        const double error = winograd_sum - direct;
        if (error > 1e-12 || error < -1e-12) return false;
    }
    return true;
}
static_assert(one_dimensional_identity_holds<2, 3>(), "F(2, 3) computes a correlation");
static_assert(one_dimensional_identity_holds<3, 3>(), "F(3, 3) computes a correlation");
static_assert(one_dimensional_identity_holds<4, 3>(), "F(4, 3) computes a correlation");
static_assert(one_dimensional_identity_holds<2, 5>(), "F(2, 5) computes a correlation");
static_assert(one_dimensional_identity_holds<3, 5>(), "F(3, 5) computes a correlation");
static_assert(one_dimensional_identity_holds<4, 5>(), "F(4, 5) computes a correlation");
static_assert(winograd::output_side(3) == 3 && winograd::output_side(5) == 4, "the layers' F(m, r)");
static_assert(winograd::supports(3, 3) && winograd::supports(5, 5));
static_assert(!winograd::supports(3, 5) && !winograd::supports(7, 7) && !winograd::supports(1, 1));

/// A layer with seeded random parameters that computes by the direct product.
Conv2D seeded(Index in, Index out, Index side, Padding padding, std::uint64_t seed) {
    Conv2D conv(in, out, side, side, padding);
    conv.set_algorithm(ConvolutionAlgorithm::direct);
    conv.weight() = nn_test::random_matrix(conv.weight().rows(), conv.weight().cols(), seed);
    conv.bias() = nn_test::random_vector(out, seed + 1);
    return conv;
}

Conv2D with_algorithm(Conv2D conv, ConvolutionAlgorithm algorithm) {
    conv.set_algorithm(algorithm);
    return conv;
}

Matrix forward(const Conv2D& conv, const ImageShape& shape, const Matrix& batch) {
    Matrix out;
    nn::LayerCache cache;
    conv.forward(batch, shape, out, cache);
    return out;
}

Matrix input_gradient(const Conv2D& conv, const ImageShape& shape, const Matrix& output_gradient) {
    Matrix in;
    nn::LayerCache cache;
    conv.backward(output_gradient, shape, Matrix(), ReluRule::gradient, cache, in);
    return in;
}

/// The weight gradient of a batch, in one column (the bias gradient is the same sums on either path).
Matrix weight_gradient(const Conv2D& conv, const ImageShape& shape, const Matrix& batch,
                       const Matrix& output_gradient) {
    // NaN until written, so that an element the layer never stores cannot pass.
    Matrix weight = Matrix::Constant(conv.weight().size(), 1, std::numeric_limits<float>::quiet_NaN());
    Vector bias(conv.out_channels());
    nn::LayerCache cache;
    conv.parameter_gradients(output_gradient, shape, batch, cache, weight.data(), bias.data());
    return weight;
}

/// max |a - b| / max |b|; infinite if `a` holds a NaN or an infinity (which maxCoeff could skip).
double relative_difference(const Matrix& a, const Matrix& b) {
    if (!a.allFinite()) return std::numeric_limits<double>::infinity();
    return static_cast<double>((a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff());
}

}  // namespace

TEST_CASE("Winograd convolutions agree with the direct ones, forward and backward", "[nn][conv2d][winograd]") {
    std::uint64_t seed = 10;
    for (const Index side : {3, 5}) {
        for (const Padding padding : {Padding::same, Padding::valid}) {
            for (const Index in : {8, 17, 32}) {
                for (const Index out : {8, 20}) {
                    // Sizes that are no multiple of 3 or 4 leave partial blocks on the right and at the
                    // bottom; a 'same' layer on one pixel has a single, partial block.
                    for (const ImageShape shape : {ImageShape{7, 9, in}, ImageShape{6, 6, in}, ImageShape{1, 1, in}}) {
                        if (padding == Padding::valid && shape.height < side) continue;
                        const Conv2D direct = seeded(in, out, side, padding, seed += 2);
                        const Conv2D fast = with_algorithm(direct, ConvolutionAlgorithm::winograd);
                        const ImageShape out_shape = direct.output_shape(shape);
                        const Matrix batch = nn_test::random_matrix(shape.size(), 3, seed + 100);
                        const Matrix gradient = nn_test::random_matrix(out_shape.size(), 3, seed + 200);
                        INFO(side << "x" << side << (padding == Padding::same ? " same" : " valid") << ", " << in
                                  << " -> " << out << " channels, input " << shape);
                        CHECK(relative_difference(forward(fast, shape, batch), forward(direct, shape, batch)) < 1e-5);
                        CHECK(relative_difference(input_gradient(fast, shape, gradient),
                                                  input_gradient(direct, shape, gradient)) < 1e-5);
                        CHECK(relative_difference(weight_gradient(fast, shape, batch, gradient),
                                                  weight_gradient(direct, shape, batch, gradient)) < 1e-5);
                    }
                }
            }
        }
    }
}

/// Correlation<M, R> of a source with a random kernel against the correlation summed in double: max
/// |difference| / max |exact|.
template <int M, int R>
double correlation_error(const ImageShape& source, Index result_channels, std::uint64_t seed) {
    const Index top = R / 2;  // 'same'
    const Matrix image = nn_test::random_matrix(source.size(), 1, seed);
    const Matrix weight = nn_test::random_matrix(result_channels, source.channels * R * R, seed + 1);
    const auto tap = [&](Index k, Index c, Index i, Index j) { return weight(k, (c * R + i) * R + j); };
    winograd::Scratch scratch;
    const winograd::Correlation<M, R> correlation(source, source.height, source.width, top, top, result_channels,
                                                  scratch);
    correlation.set_kernel(tap, weight.data(), weight.size(), scratch.forward);
    Matrix result(source.pixels() * result_channels, 1);
    correlation.run(scratch.forward, image.data(), result.data(), scratch);
    double worst = 0.0;
    double largest = 0.0;
    for (Index y = 0; y < source.height; ++y)
        for (Index x = 0; x < source.width; ++x)
            for (Index k = 0; k < result_channels; ++k) {
                double exact = 0.0;
                for (Index c = 0; c < source.channels; ++c)
                    for (Index i = 0; i < R; ++i)
                        for (Index j = 0; j < R; ++j) {
                            const Index sy = y + i - top;
                            const Index sx = x + j - top;
                            if (sy >= 0 && sy < source.height && sx >= 0 && sx < source.width)
                                exact += static_cast<double>(tap(k, c, i, j)) *
                                         static_cast<double>(image((sy * source.width + sx) * source.channels + c));
                        }
                const double got = result((y * source.width + x) * result_channels + k);
                if (!std::isfinite(got)) return std::numeric_limits<double>::infinity();
                worst = std::max(worst, std::abs(got - exact));
                largest = std::max(largest, std::abs(exact));
            }
    return worst / largest;
}

TEST_CASE("every F(m x m, r x r) computes the correlation", "[nn][winograd]") {
    // Channels that fill whole packets, narrower ones and single floats; sizes no multiple of m.
    for (const Index channels : {5, 8, 29}) {
        const ImageShape shape{11, 13, channels};
        INFO(channels << " channels");
        CHECK(correlation_error<2, 3>(shape, 6, 1) < 1e-5);
        CHECK(correlation_error<3, 3>(shape, 6, 2) < 1e-5);
        CHECK(correlation_error<4, 3>(shape, 6, 3) < 1e-5);
        CHECK(correlation_error<2, 5>(shape, 6, 4) < 1e-5);
        CHECK(correlation_error<3, 5>(shape, 6, 5) < 1e-5);
        CHECK(correlation_error<4, 5>(shape, 6, 6) < 1e-5);
    }
}

/// Correlation<M, R>::kernel_gradient over `samples` random sources and result gradients against the
/// sums of the definition in double ('valid' with no padding if `valid`, else 'same'): max |difference|
/// / max |exact|.
template <int M, int R>
double kernel_gradient_error(const ImageShape& source, Index result_channels, Index samples, bool valid,
                             std::uint64_t seed) {
    const Index top = valid ? 0 : R / 2;
    const Index grid_height = valid ? source.height - R + 1 : source.height;
    const Index grid_width = valid ? source.width - R + 1 : source.width;
    const Matrix images = nn_test::random_matrix(source.size(), samples, seed);
    const Matrix gradients = nn_test::random_matrix(grid_height * grid_width * result_channels, samples, seed + 1);
    winograd::Scratch scratch;
    const winograd::Correlation<M, R> correlation(source, grid_height, grid_width, top, top, result_channels,
                                                  scratch);
    Matrix got = Matrix::Constant(result_channels, source.channels * R * R, std::numeric_limits<float>::quiet_NaN());
    const auto store = [&](Index k, Index c, Index i, Index j, float value) { got(k, (c * R + i) * R + j) = value; };
    correlation.kernel_gradient(images.data(), images.rows(), gradients.data(), gradients.rows(), samples, scratch,
                                store);
    double worst = 0.0;
    double largest = 0.0;
    for (Index k = 0; k < result_channels; ++k)
        for (Index c = 0; c < source.channels; ++c)
            for (Index i = 0; i < R; ++i)
                for (Index j = 0; j < R; ++j) {
                    double exact = 0.0;
                    for (Index n = 0; n < samples; ++n)
                        for (Index y = 0; y < grid_height; ++y)
                            for (Index x = 0; x < grid_width; ++x) {
                                const Index sy = y + i - top;
                                const Index sx = x + j - top;
                                if (sy < 0 || sy >= source.height || sx < 0 || sx >= source.width) continue;
                                exact += static_cast<double>(gradients((y * grid_width + x) * result_channels + k, n)) *
                                         static_cast<double>(images((sy * source.width + sx) * source.channels + c, n));
                            }
                    const double value = got(k, (c * R + i) * R + j);
                    if (!std::isfinite(value)) return std::numeric_limits<double>::infinity();
                    worst = std::max(worst, std::abs(value - exact));
                    largest = std::max(largest, std::abs(exact));
                }
    return worst / largest;
}

TEST_CASE("every F(m x m, r x r) computes the gradient of its kernel", "[nn][winograd]") {
    // Whole packets, narrower ones and single floats on both sides; grids no multiple of m; 7 samples,
    // more than one pass holds for the wider layers, so the sums also continue from pass to pass.
    for (const Index channels : {5, 8, 29}) {
        for (const bool valid : {false, true}) {
            const ImageShape shape{11, 13, channels};
            INFO(channels << " channels, " << (valid ? "valid" : "same"));
            CHECK(kernel_gradient_error<2, 3>(shape, 6, 7, valid, 1) < 1e-5);
            CHECK(kernel_gradient_error<3, 3>(shape, 20, 7, valid, 2) < 1e-5);
            CHECK(kernel_gradient_error<4, 3>(shape, 6, 7, valid, 3) < 1e-5);
            CHECK(kernel_gradient_error<2, 5>(shape, 6, 7, valid, 4) < 1e-5);
            CHECK(kernel_gradient_error<3, 5>(shape, 6, 7, valid, 5) < 1e-5);
            CHECK(kernel_gradient_error<4, 5>(shape, 20, 7, valid, 6) < 1e-5);
        }
    }
}

TEST_CASE("layers Winograd does not cover stay direct, bit for bit", "[nn][conv2d][winograd]") {
    struct Case {
        Index in, out, height, width;
    };
    // Too few input or output channels (either is too few for both directions, on every CPU), a 7 x 7
    // kernel, a 3 x 5 kernel.
    for (const Case c : {Case{4, 16, 3, 3}, Case{16, 4, 3, 3}, Case{1, 32, 5, 5}, Case{16, 8, 7, 7},
                         Case{16, 8, 3, 5}}) {
        Conv2D direct(c.in, c.out, c.height, c.width, Padding::same);
        direct.set_algorithm(ConvolutionAlgorithm::direct);
        direct.weight() = nn_test::random_matrix(direct.weight().rows(), direct.weight().cols(), 3);
        const Conv2D fast = with_algorithm(direct, ConvolutionAlgorithm::winograd);
        const ImageShape shape{9, 8, c.in};
        const Matrix batch = nn_test::random_matrix(shape.size(), 2, 4);
        const Matrix gradient = nn_test::random_matrix(direct.output_shape(shape).size(), 2, 5);
        INFO(c.height << "x" << c.width << ", " << c.in << " -> " << c.out);
        CHECK(forward(fast, shape, batch) == forward(direct, shape, batch));
        CHECK(input_gradient(fast, shape, gradient) == input_gradient(direct, shape, gradient));
    }
}

TEST_CASE("a Winograd convolution's sample does not depend on its batch", "[nn][conv2d][winograd][determinism]") {
    // Several samples go through one product per position (winograd::Correlation::samples_per_pass: 2
    // here for 5 x 5, 3 or 4 for 3 x 3), so a batch of 7 has a shorter last pass; 29 and 20 channels
    // take the narrower packets and single floats of the transforms.
    struct Case {
        Index side, in, out;
    };
    for (const Case c : {Case{3, 16, 24}, Case{3, 29, 20}, Case{5, 16, 24}, Case{5, 29, 20}}) {
        const Conv2D fast =
            with_algorithm(seeded(c.in, c.out, c.side, Padding::same, 7), ConvolutionAlgorithm::winograd);
        const ImageShape shape{11, 10, c.in};
        const Matrix batch = nn_test::random_matrix(shape.size(), 7, 8);
        const Matrix gradient = nn_test::random_matrix(fast.output_shape(shape).size(), 7, 9);
        const Matrix all = forward(fast, shape, batch);
        const Matrix all_gradients = input_gradient(fast, shape, gradient);
        for (Index n = 0; n < batch.cols(); ++n) {
            INFO(c.side << " x " << c.side << ", " << c.in << " -> " << c.out << ", sample " << n);
            REQUIRE(forward(fast, shape, batch.col(n)) == all.col(n));
            REQUIRE(input_gradient(fast, shape, gradient.col(n)) == all_gradients.col(n));
        }
    }
}

TEST_CASE("a Winograd convolution sees a weight changed between calls", "[nn][conv2d][winograd]") {
    Conv2D fast = with_algorithm(seeded(8, 8, 3, Padding::same, 11), ConvolutionAlgorithm::winograd);
    const ImageShape shape{6, 7, 8};
    const Matrix batch = nn_test::random_matrix(shape.size(), 2, 12);
    const Matrix gradient = nn_test::random_matrix(shape.height * shape.width * 8, 2, 13);
    // One cache through all calls, as a network's workspace keeps it.
    nn::LayerCache cache;
    Matrix out;
    Matrix in;
    fast.forward(batch, shape, out, cache);
    fast.backward(gradient, shape, batch, ReluRule::gradient, cache, in);
    fast.weight()(3, 17) += 0.5f;
    fast.forward(batch, shape, out, cache);
    fast.backward(gradient, shape, batch, ReluRule::gradient, cache, in);
    CHECK(out == forward(fast, shape, batch));
    CHECK(in == input_gradient(fast, shape, gradient));
    const Conv2D direct = with_algorithm(fast, ConvolutionAlgorithm::direct);
    CHECK(relative_difference(out, forward(direct, shape, batch)) < 1e-5);
}

TEST_CASE("a transformed kernel is made again for another output block", "[nn][winograd]") {
    // F(2 x 2, 3 x 3) and F(3 x 3, 3 x 3) from the same weight, channels and shape: only the block differs.
    const ImageShape shape{7, 8, 8};
    const Matrix image = nn_test::random_matrix(shape.size(), 1, 21);
    const Matrix weight = nn_test::random_matrix(8, 8 * 9, 22);
    const auto tap = [&](Index k, Index c, Index i, Index j) { return weight(k, (c * 3 + i) * 3 + j); };
    const auto correlate = [&](const auto& correlation, winograd::Scratch& scratch) {
        correlation.set_kernel(tap, weight.data(), weight.size(), scratch.forward);
        Matrix result(shape.pixels() * 8, 1);
        correlation.run(scratch.forward, image.data(), result.data(), scratch);
        return result;
    };
    winograd::Scratch shared;
    winograd::Scratch fresh;
    const winograd::Correlation<2, 3> small_blocks(shape, 7, 8, 1, 1, 8, shared);
    (void)correlate(small_blocks, shared);
    const winograd::Correlation<3, 3> large_blocks(shape, 7, 8, 1, 1, 8, shared);
    const Matrix reused = correlate(large_blocks, shared);
    CHECK(shared.forward.output_side == 3);
    const winograd::Correlation<3, 3> alone(shape, 7, 8, 1, 1, 8, fresh);
    CHECK(reused == correlate(alone, fresh));
}

TEST_CASE("one cache serves Winograd layers of other shapes with the same weight values", "[nn][conv2d][winograd]") {
    // 16 x 8 x 3 x 3 and 8 x 16 x 3 x 3 weights: the same 1152 values, other kernels.
    const Matrix values = nn_test::random_matrix(1, 1152, 14);
    Conv2D wide(8, 16, 3, 3, Padding::same);
    Conv2D narrow(16, 8, 3, 3, Padding::same);
    std::copy_n(values.data(), 1152, wide.weight().data());
    std::copy_n(values.data(), 1152, narrow.weight().data());
    wide.set_algorithm(ConvolutionAlgorithm::winograd);
    narrow.set_algorithm(ConvolutionAlgorithm::winograd);
    const Matrix wide_input = nn_test::random_matrix(5 * 6 * 8, 2, 15);
    const Matrix narrow_input = nn_test::random_matrix(5 * 6 * 16, 2, 16);
    nn::LayerCache cache;
    Matrix out;
    wide.forward(wide_input, ImageShape{5, 6, 8}, out, cache);
    narrow.forward(narrow_input, ImageShape{5, 6, 16}, out, cache);
    CHECK(out == forward(narrow, ImageShape{5, 6, 16}, narrow_input));
    wide.forward(wide_input, ImageShape{5, 6, 8}, out, cache);
    CHECK(out == forward(wide, ImageShape{5, 6, 8}, wide_input));
}

TEST_CASE("Winograd is the default; Sequential::set_convolution_algorithm sets every convolution and changes "
          "gradients by rounding only",
          "[nn][sequential][winograd]") {
    const nn::Sequential fast = nn::parse_spec(
        "input 12x12x3; conv 3x3x8 same; relu; conv 3x3x16 same; relu; maxpool 2; conv 5x5x8 same; relu; flatten; "
        "dense 10",
        21);
    nn::Sequential direct = fast;
    direct.set_convolution_algorithm(ConvolutionAlgorithm::direct);
    for (const auto& layer : fast.layers())
        if (const auto* conv = std::get_if<Conv2D>(&layer)) CHECK(conv->algorithm() == ConvolutionAlgorithm::winograd);
    for (const auto& layer : direct.layers())
        if (const auto* conv = std::get_if<Conv2D>(&layer)) CHECK(conv->algorithm() == ConvolutionAlgorithm::direct);
    CHECK(fast.to_spec() == direct.to_spec());
    const Matrix batch = nn_test::random_matrix(direct.input_size(), 4, 22, 0.0f, 1.0f);
    Vector weights = Vector::Zero(10);
    weights[3] = 1.0f;
    CHECK(relative_difference(fast.scores(batch), direct.scores(batch)) < 1e-5);
    CHECK(relative_difference(fast.gradients(batch, weights), direct.gradients(batch, weights)) < 1e-5);
}
