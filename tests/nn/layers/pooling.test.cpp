// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/pooling.hpp"

#include <catch2/catch.hpp>

#include "../nn_test_support.hpp"
#include "smoothgrad/nn/sequential.hpp"
#include "smoothgrad/testing/gradient_check.hpp"

using namespace smoothgrad;
using nn::MaxPool2D;

TEST_CASE("MaxPool2D takes the maximum of each window, by hand", "[nn][maxpool]") {
    const MaxPool2D pool(2);
    nn::LayerCache cache;
    Matrix out;
    SECTION("4x4 single channel") {
        Matrix x(16, 1);
        x << 1, 5, 2, 0,  //
            3, 4, 8, 7,   //
            9, 6, 1, 1,   //
            2, 0, 3, 4.5f;
        pool.forward(x, {4, 4, 1}, out, cache);
        CHECK(out.col(0) == Vector{{5, 8, 9, 4.5f}});
        // The gradient goes to the positions of the maxima: 1, 6, 8 and 15.
        Matrix g(4, 1);
        g << 10, 20, 30, 40;
        Matrix dx;
        pool.backward(g, {4, 4, 1}, x, ReluRule::gradient, cache, dx);
        Vector expected = Vector::Zero(16);
        expected[1] = 10;
        expected[6] = 20;
        expected[8] = 30;
        expected[15] = 40;
        CHECK(dx.col(0) == expected);
    }
    SECTION("odd sizes are floored like PyTorch, channels pooled separately") {
        // 3x3 image, 2 channels, HWC: channel 0 = 0..8 row by row, channel 1 = 8..0.
        Matrix x(18, 1);
        for (Index p = 0; p < 9; ++p) {
            x(2 * p, 0) = static_cast<float>(p);
            x(2 * p + 1, 0) = static_cast<float>(8 - p);
        }
        REQUIRE(pool.output_shape({3, 3, 2}) == ImageShape{1, 1, 2});
        pool.forward(x, {3, 3, 2}, out, cache);
        // Window rows 0-1, columns 0-1: channel 0 holds 0, 1, 3, 4; channel 1 holds 8, 7, 5, 4.
        CHECK(out.col(0) == Vector{{4, 8}});
    }
}

TEST_CASE("MaxPool2D gradients agree with finite differences without ties", "[nn][maxpool][gradient]") {
    nn::Sequential net({5, 4, 3}, {MaxPool2D(2)});
    const Matrix x = nn_test::random_matrix(net.input_size(), 3, 31);
    const auto report = testing::check_gradients(net, x, nn_test::random_vector(net.num_classes(), 32), {.step = 1e-3});
    INFO(report);
    CHECK(report.passed);
    CHECK(report.max_abs_error < 1e-3);
}

TEST_CASE("MaxPool2D with a 3 x 3 window, which runs the kernel read at run time", "[nn][maxpool]") {
    // A 4 x 7 image with 19 channels (whole packets and a scalar tail on every SIMD width): two windows side
    // by side, the last row and column dropped. Every value of a column is distinct, so each window has one
    // maximum; the reference takes it by brute force. Channel 3 of the second sample is negative everywhere,
    // so with the fused ReLU its windows are dead.
    const MaxPool2D pool(3);
    constexpr Index channels = 19;
    const ImageShape shape{4, 7, channels};
    REQUIRE(pool.output_shape(shape) == ImageShape{1, 2, channels});
    Matrix x(shape.size(), 2);
    for (Index n = 0; n < 2; ++n)
        for (Index i = 0; i < shape.size(); ++i) x(i, n) = static_cast<float>((i * 37 + n * 11) % 541) - 200.0f;
    for (Index p = 0; p < shape.pixels(); ++p) x(p * channels + 3, 1) = -1000.0f - static_cast<float>(p);
    const Matrix g = nn_test::random_matrix(2 * channels, 2, 35);
    nn::LayerCache cache;
    Matrix out;
    Matrix dx;
    for (const bool rectified : {false, true}) {
        INFO((rectified ? "with the fused ReLU" : "plain"));
        if (rectified) {
            pool.forward_rectified(x, shape, out, cache);
            pool.backward_rectified(g, shape, ReluRule::gradient, cache, dx);
        } else {
            pool.forward(x, shape, out, cache);
            pool.backward(g, shape, x, ReluRule::gradient, cache, dx);
        }
        Matrix expected_dx = Matrix::Zero(shape.size(), 2);
        Index dead_windows = 0;
        for (Index n = 0; n < 2; ++n) {
            for (Index window = 0; window < 2; ++window) {
                for (Index c = 0; c < channels; ++c) {
                    Index best = shape.offset(0, 3 * window, c);
                    for (Index i = 0; i < 3; ++i) {
                        for (Index j = 0; j < 3; ++j) {
                            const Index element = shape.offset(i, 3 * window + j, c);
                            if (x(element, n) > x(best, n)) best = element;
                        }
                    }
                    const Index at = window * channels + c;
                    const bool dead = rectified && x(best, n) <= 0.0f;
                    dead_windows += dead ? 1 : 0;
                    CHECK(out(at, n) == (dead ? 0.0f : x(best, n)));
                    if (!dead) expected_dx(best, n) = g(at, n);
                }
            }
        }
        CHECK(dx == expected_dx);
        CHECK(dead_windows >= (rectified ? 2 : 0));
    }
}

TEST_CASE("MaxPool2D with a fused ReLU and a 3 x 3 window agrees with finite differences", "[nn][maxpool][gradient]") {
    nn::Sequential net({7, 7, 2}, {nn::ReLU(), MaxPool2D(3)});
    const Matrix x = nn_test::random_matrix(net.input_size(), 3, 33);
    const auto report = testing::check_gradients(net, x, nn_test::random_vector(net.num_classes(), 34), {.step = 1e-3});
    INFO(report);
    CHECK(report.passed);
    CHECK(report.max_abs_error < 1e-3);
}

TEST_CASE("MaxPool2D rejects a kernel below 1 and inputs smaller than a window", "[nn][maxpool][errors]") {
    CHECK_THROWS_AS(MaxPool2D(0), argument_error);
    CHECK_THROWS_WITH(MaxPool2D(3).output_shape({2, 5, 1}), Catch::Contains("larger than input 2x5x1"));
    CHECK(MaxPool2D(3).spec() == "maxpool 3");
}

TEST_CASE("MaxPool2D with a fused ReLU, by hand", "[nn][maxpool][relu]") {
    const MaxPool2D pool(2);
    nn::LayerCache cache;
    // Two 2x2 windows side by side in a 2x4 image: the left one has a positive maximum (3, at element 2),
    // the right one none (its first maximum is -1, at element 1).
    Matrix x(8, 1);
    x << -2, 1, -4, -1,  //
        3, 0, -3, -5;
    Matrix out;
    pool.forward_rectified(x, {2, 4, 1}, out, cache);
    CHECK(out.col(0) == Vector{{3, 0}});
    Matrix g(2, 1);
    g << 2, 5;
    Matrix dx;
    Vector expected = Vector::Zero(8);
    SECTION("gradient rule: the dead window passes nothing") {
        pool.backward_rectified(g, {2, 4, 1}, ReluRule::gradient, cache, dx);
        expected[4] = 2;
        CHECK(dx.col(0) == expected);
    }
    SECTION("guided rule: also nothing where the gradient is negative") {
        g(0, 0) = -2;
        pool.backward_rectified(g, {2, 4, 1}, ReluRule::guided, cache, dx);
        CHECK(dx.col(0) == expected);
    }
    SECTION("deconvnet rule: a positive gradient goes to the dead window's first element") {
        pool.backward_rectified(g, {2, 4, 1}, ReluRule::deconvnet, cache, dx);
        expected[4] = 2;
        expected[2] = 5;
        CHECK(dx.col(0) == expected);
    }
}

TEST_CASE("MaxPool2D's backward pass needs a forward pass on the same batch", "[nn][maxpool][errors]") {
    const MaxPool2D pool(2);
    nn::LayerCache cache;
    const Matrix x = nn_test::random_matrix(16, 2, 33);
    Matrix out;
    Matrix dx;
    CHECK_THROWS_WITH(pool.backward(Matrix::Ones(4, 2), {4, 4, 1}, x, ReluRule::gradient, cache, dx),
                      Catch::Contains("run forward on a batch of 2 columns first"));
    pool.forward(x, {4, 4, 1}, out, cache);
    CHECK_THROWS_AS(pool.backward(Matrix::Ones(4, 3), {4, 4, 1}, x, ReluRule::gradient, cache, dx), shape_error);
    CHECK_NOTHROW(pool.backward(Matrix::Ones(4, 2), {4, 4, 1}, x, ReluRule::gradient, cache, dx));
}
