// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/conv2d.hpp"

#include <catch2/catch.hpp>

#include "../nn_test_support.hpp"
#include "smoothgrad/nn/sequential.hpp"
#include "smoothgrad/testing/gradient_check.hpp"

using namespace smoothgrad;
using nn::Conv2D;
using nn::Padding;

namespace {

/// Runs the layer forward on one HWC column.
Vector run(const Conv2D& conv, const ImageShape& shape, const Vector& input) {
    Matrix out;
    nn::LayerCache cache;
    conv.forward(input, shape, out, cache);
    return out.col(0);
}

/// The 3x3 single-channel image 1 2 3 / 4 5 6 / 7 8 9.
Vector image_1_to_9() {
    Vector v(9);
    v << 1, 2, 3, 4, 5, 6, 7, 8, 9;
    return v;
}

}  // namespace

TEST_CASE("Conv2D 'valid' with a 2x2 kernel on a 3x3 image, worked by hand", "[nn][conv2d]") {
    Conv2D conv(1, 1, 2, 2, Padding::valid);
    conv.weight() << 1, 2, 3, 4;  // [[1, 2], [3, 4]]
    conv.bias() << 0.5f;
    const ImageShape shape{3, 3, 1};
    REQUIRE(conv.output_shape(shape) == ImageShape{2, 2, 1});
    // out(0,0) = 1*1 + 2*2 + 3*4 + 4*5 = 37, then 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77.
    Vector expected(4);
    expected << 37.5f, 47.5f, 67.5f, 77.5f;
    CHECK(run(conv, shape, image_1_to_9()).isApprox(expected));
}

TEST_CASE("Conv2D 'same' is a cross-correlation with zero padding", "[nn][conv2d]") {
    Conv2D conv(1, 1, 3, 3, Padding::same);
    const ImageShape shape{3, 3, 1};
    REQUIRE(conv.output_shape(shape) == shape);
    SECTION("a 1 right of the centre reads the right neighbour") {
        conv.weight()(0, 1 * 3 + 2) = 1.0f;
        Vector expected(9);
        expected << 2, 3, 0, 5, 6, 0, 8, 9, 0;
        CHECK(run(conv, shape, image_1_to_9()) == expected);
    }
    SECTION("a 1 in the top-left corner reads the upper-left neighbour") {
        conv.weight()(0, 0) = 1.0f;
        Vector expected(9);
        expected << 0, 0, 0, 0, 1, 2, 0, 4, 5;
        CHECK(run(conv, shape, image_1_to_9()) == expected);
    }
}

TEST_CASE("Conv2D reads HWC input with PyTorch's [out, in, kh, kw] weight", "[nn][conv2d]") {
    // A 1x2 image with 2 channels: pixel 0 = (1, 10), pixel 1 = (2, 20), stored HWC.
    Vector input(4);
    input << 1, 10, 2, 20;
    Conv2D conv(2, 2, 1, 2, Padding::valid);
    // Output 0: channel 0 taps (1, 2), channel 1 taps (3, 4); output 1 reads channel 0 of pixel 1.
    conv.weight() << 1, 2, 3, 4, 0, 1, 0, 0;
    conv.bias() << 0, 0;
    Vector expected(2);
    expected << 1 * 1 + 2 * 2 + 3 * 10 + 4 * 20, 2;
    CHECK(run(conv, {1, 2, 2}, input) == expected);
    CHECK(conv.weight_shape() == std::vector<std::size_t>{2, 2, 1, 2});
    CHECK(conv.bias_shape() == std::vector<std::size_t>{2});
}

TEST_CASE("Conv2D input gradients agree with finite differences", "[nn][conv2d][gradient]") {
    const auto padding = GENERATE(Padding::same, Padding::valid);
    nn::Sequential net({5, 6, 2}, {Conv2D(2, 3, 3, 3, padding)});
    net.initialize(11);
    const Matrix x = nn_test::random_matrix(net.input_size(), 3, 1);
    const Vector w = nn_test::random_vector(net.num_classes(), 2);
    const auto report = testing::check_gradients(net, x, w);
    INFO(report);
    CHECK(report.passed);
    CHECK(report.max_abs_error < 1e-4);
}

TEST_CASE("Conv2D parameter gradients agree with finite differences", "[nn][conv2d][gradient]") {
    const auto padding = GENERATE(Padding::same, Padding::valid);
    nn::Sequential net({4, 5, 2}, {Conv2D(2, 3, 3, 3, padding)});
    net.initialize(5);
    const Matrix x = nn_test::random_matrix(net.input_size(), 2, 3);
    const Matrix score_weights = nn_test::random_matrix(net.num_classes(), 2, 4);
    nn::Workspace workspace;
    (void)net.forward(x, workspace);
    auto gradients = net.zero_gradients();
    net.backward_parameters(score_weights, workspace, gradients);
    const auto objective = [&] { return static_cast<double>(net.scores(x).cwiseProduct(score_weights).sum()); };
    auto parameters = net.parameters();
    REQUIRE(parameters.size() == 2);
    for (std::size_t k = 0; k < parameters.size(); ++k) {
        const auto report = testing::check_function_gradient(objective, parameters[k].values(),
                                                             {gradients[k].data(), parameters[k].size});
        INFO(parameters[k].name << ": " << report);
        CHECK(report.passed);
    }
}

TEST_CASE("Conv2D rejects bad sizes", "[nn][conv2d][errors]") {
    CHECK_THROWS_AS(Conv2D(0, 1, 3, 3), argument_error);
    CHECK_THROWS_AS(Conv2D(1, 0, 3, 3), argument_error);
    CHECK_THROWS_AS(Conv2D(1, 1, 0, 3), argument_error);
    CHECK_THROWS_WITH(Conv2D(1, 1, 2, 2, Padding::same), Catch::Contains("odd kernel"));
    const Conv2D conv(2, 4, 3, 3);
    CHECK_THROWS_AS(conv.output_shape({5, 5, 3}), shape_error);
    CHECK_THROWS_WITH(conv.output_shape({2, 5, 2}), Catch::Contains("larger than input 2x5x2"));
    CHECK(conv.output_shape({5, 7, 2}) == ImageShape{3, 5, 4});
    CHECK(conv.spec() == "conv 3x3x4 valid");
}

namespace {

/// Calls visit(output index, input index, weight index) for every term of the convolution's
/// definition: out(y, x, o) gets weight[o, c, i, j] * in(y + i - p, x + j - p, c) wherever that input lies
/// inside the image; the weight index is that of weight[o, c, i, j] in conv.weight().data(). An oracle
/// that shares no code with the layer (no matrix product, no flipped kernel, no shifted planes).
template <class Visit>
void for_each_term(const Conv2D& conv, const ImageShape& in, Visit&& visit) {
    const ImageShape out = conv.output_shape(in);
    const Index top = conv.padding() == Padding::same ? (conv.kernel_height() - 1) / 2 : 0;
    const Index left = conv.padding() == Padding::same ? (conv.kernel_width() - 1) / 2 : 0;
    for (Index y = 0; y < out.height; ++y)
        for (Index x = 0; x < out.width; ++x)
            for (Index o = 0; o < conv.out_channels(); ++o)
                for (Index c = 0; c < conv.in_channels(); ++c)
                    for (Index i = 0; i < conv.kernel_height(); ++i)
                        for (Index j = 0; j < conv.kernel_width(); ++j) {
                            const Index row = y + i - top;
                            const Index col = x + j - left;
                            if (row < 0 || row >= in.height || col < 0 || col >= in.width) continue;
                            visit(out.offset(y, x) + o, in.offset(row, col) + c,
                                  o * conv.fan_in() + (c * conv.kernel_height() + i) * conv.kernel_width() + j);
                        }
}

/// The convolution of one HWC image by its definition, in double precision.
Eigen::VectorXd direct_forward(const Conv2D& conv, const ImageShape& in, const Vector& image) {
    const ImageShape out = conv.output_shape(in);
    Eigen::VectorXd result(out.size());
    for (Index p = 0; p < out.pixels(); ++p)
        for (Index o = 0; o < conv.out_channels(); ++o) result[p * conv.out_channels() + o] = conv.bias()[o];
    for_each_term(conv, in, [&](Index to, Index from, Index tap) {
        result[to] += static_cast<double>(conv.weight().data()[tap]) * image[from];
    });
    return result;
}

/// The input gradient by the chain rule on the definition: every output gradient sent back along each
/// weight to the input element it multiplied.
Eigen::VectorXd direct_input_gradient(const Conv2D& conv, const ImageShape& in, const Vector& gradient) {
    Eigen::VectorXd result = Eigen::VectorXd::Zero(in.size());
    for_each_term(conv, in, [&](Index to, Index from, Index tap) {
        result[from] += static_cast<double>(conv.weight().data()[tap]) * gradient[to];
    });
    return result;
}

/// Adds the weight gradient of one sample to `result` (laid out as the weight): every output gradient
/// times the input element its weight multiplied.
void add_direct_weight_gradient(const Conv2D& conv, const ImageShape& in, const Vector& image,
                                const Vector& gradient, Eigen::VectorXd& result) {
    for_each_term(conv, in, [&](Index to, Index from, Index tap) {
        result[tap] += static_cast<double>(gradient[to]) * image[from];
    });
}

}  // namespace

TEST_CASE("Conv2D forward, input and parameter gradients agree with the definition for many channel counts",
          "[nn][conv2d]") {
    // Channel counts below and above a SIMD micro-tile, so that every way of computing the input
    // gradient runs with every SIMD width (a transposed convolution; for few input channels dot products
    // per input pixel where a kernel row's run is whole packets, else col2im), with odd kernels,
    // non-square kernels and images, and both paddings.
    struct Case {
        Index in, out, kh, kw;
        Padding padding;
        ImageShape image;
    };
    const auto c = GENERATE(Case{1, 4, 3, 3, Padding::same, {6, 5, 1}}, Case{3, 5, 3, 3, Padding::valid, {7, 6, 3}},
                            Case{2, 16, 3, 3, Padding::same, {6, 5, 2}}, Case{1, 32, 3, 1, Padding::valid, {5, 4, 1}},
                            Case{8, 6, 5, 5, Padding::same, {9, 7, 8}}, Case{17, 9, 1, 3, Padding::valid, {4, 8, 17}},
                            Case{20, 3, 3, 5, Padding::same, {5, 6, 20}}, Case{32, 40, 2, 2, Padding::valid, {3, 4, 32}});
    Conv2D conv(c.in, c.out, c.kh, c.kw, c.padding);
    conv.weight() = nn_test::random_matrix(c.out, c.in * c.kh * c.kw, 21);
    conv.bias() = nn_test::random_vector(c.out, 22);
    const ImageShape out_shape = conv.output_shape(c.image);
    const Index batch = 3;
    const Matrix x = nn_test::random_matrix(c.image.size(), batch, 23);
    const Matrix g = nn_test::random_matrix(out_shape.size(), batch, 24);
    Matrix y;
    Matrix dx;
    nn::LayerCache cache;
    conv.forward(x, c.image, y, cache);
    conv.backward(g, c.image, x, ReluRule::gradient, cache, dx);
    INFO("in " << c.in << ", out " << c.out << ", kernel " << c.kh << "x" << c.kw << ", image " << c.image);
    REQUIRE(y.rows() == out_shape.size());
    REQUIRE(dx.rows() == c.image.size());
    const double tolerance = 1e-5 * static_cast<double>(c.in * c.kh * c.kw + c.out * c.kh * c.kw);
    Eigen::VectorXd weight_gradient = Eigen::VectorXd::Zero(conv.weight().size());
    Eigen::VectorXd bias_gradient = Eigen::VectorXd::Zero(c.out);
    for (Index n = 0; n < batch; ++n) {
        CHECK((y.col(n).cast<double>() - direct_forward(conv, c.image, x.col(n))).cwiseAbs().maxCoeff() < tolerance);
        CHECK((dx.col(n).cast<double>() - direct_input_gradient(conv, c.image, g.col(n))).cwiseAbs().maxCoeff() <
              tolerance);
        add_direct_weight_gradient(conv, c.image, x.col(n), g.col(n), weight_gradient);
        for (Index p = 0; p < out_shape.pixels(); ++p)
            bias_gradient += g.col(n).segment(p * c.out, c.out).cast<double>();
    }
    // The weight gradient sums batch * output pixels terms per element.
    Vector weights(conv.weight().size());
    Vector biases(c.out);
    conv.parameter_gradients(g, c.image, x, cache, weights.data(), biases.data());
    const double sum_tolerance = 1e-5 * static_cast<double>(batch * out_shape.pixels());
    CHECK((weights.cast<double>() - weight_gradient).cwiseAbs().maxCoeff() < sum_tolerance);
    CHECK((biases.cast<double>() - bias_gradient).cwiseAbs().maxCoeff() < sum_tolerance);
}
