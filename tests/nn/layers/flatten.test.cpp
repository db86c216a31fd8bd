// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/flatten.hpp"

#include <catch2/catch.hpp>

#include "../nn_test_support.hpp"
#include "smoothgrad/nn/sequential.hpp"
#include "smoothgrad/testing/gradient_check.hpp"

using namespace smoothgrad;

TEST_CASE("Flatten orders features like torch.flatten on N x C x H x W", "[nn][flatten]") {
    // A 2x2x2 image whose value at (y, x, c) is 100y + 10x + c, stored HWC.
    const ImageShape shape{2, 2, 2};
    Matrix x(8, 1);
    x << 0, 1, 10, 11, 100, 101, 110, 111;
    const nn::Flatten flatten;
    Matrix out;
    nn::LayerCache cache;
    flatten.forward(x, shape, out, cache);
    // CHW: channel 0 row by row, then channel 1.
    CHECK(out.col(0) == Vector{{0, 10, 100, 110, 1, 11, 101, 111}});
    CHECK(flatten.output_shape(shape) == ImageShape{1, 1, 8});
    Matrix back;
    flatten.backward(out, shape, x, ReluRule::gradient, cache, back);
    CHECK(back == x);
}

TEST_CASE("Flatten gradients agree with finite differences", "[nn][flatten][gradient]") {
    nn::Sequential net({3, 2, 4}, {nn::Flatten{}});
    const auto report =
        testing::check_gradients(net, nn_test::random_matrix(24, 2, 41), nn_test::random_vector(24, 42));
    INFO(report);
    CHECK(report.passed);
    CHECK(report.max_abs_error < 1e-4);
}

TEST_CASE("Flatten of one channel or one pixel is a copy in both directions", "[nn][flatten]") {
    const nn::Flatten flatten;
    for (const ImageShape shape : {ImageShape{4, 3, 1}, ImageShape{1, 1, 12}}) {
        INFO(shape);
        const Matrix x = nn_test::random_matrix(12, 3, 7);
        Matrix out, back;
        nn::LayerCache cache;
        flatten.forward(x, shape, out, cache);
        CHECK(out == x);
        flatten.backward(x, shape, x, ReluRule::gradient, cache, back);
        CHECK(back == x);
    }
}
