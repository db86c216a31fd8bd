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
