// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/blur.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace smoothgrad;

TEST_CASE("the blur of a point is the normalized Gaussian, channel by channel", "[methods][blur]") {
    const ImageShape shape{21, 21, 2};
    Vector point = Vector::Zero(shape.size());
    point[shape.offset(10, 10, 1)] = 1.0f;
    const double sigma = 1.5;
    const Vector blurred = gaussian_blur(point, shape, sigma);
    // Closed form: the product of two 1-D kernels exp(-d^2 / 2 sigma^2) / Z, cut at 4 sigma (radius 6).
    double z = 0.0;
    for (int d = -6; d <= 6; ++d) z += std::exp(-0.5 * d * d / (sigma * sigma));
    const auto expected = [&](int dy, int dx) {
        return std::exp(-0.5 * (dy * dy + dx * dx) / (sigma * sigma)) / (z * z);
    };
    CHECK(blurred[shape.offset(10, 10, 1)] == Approx(expected(0, 0)).epsilon(1e-6));
    CHECK(blurred[shape.offset(12, 9, 1)] == Approx(expected(2, -1)).epsilon(1e-6));
    CHECK(blurred[shape.offset(16, 16, 1)] == Approx(expected(6, 6)).epsilon(1e-5));
    CHECK(blurred[shape.offset(17, 10, 1)] == 0.0f);  // beyond the cut
    CHECK(blurred[shape.offset(10, 10, 0)] == 0.0f);  // channels stay apart
    CHECK(blurred.sum() == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("the blur pads with zeros outside the image, and sigma 0 returns it", "[methods][blur]") {
    const ImageShape shape{9, 9, 1};
    const Vector ones = Vector::Ones(shape.size());
    const Vector blurred = gaussian_blur(ones, shape, 1.0);
    CHECK(blurred[shape.offset(4, 4)] == Approx(1.0).epsilon(1e-6));  // 4 sigma inside: the kernel sums to 1
    // At a corner, a quarter of the kernel (plus the centre row and column's halves) falls outside.
    CHECK(blurred[shape.offset(0, 0)] < 0.5f);
    CHECK(gaussian_blur(ones, shape, 0.0) == ones);
    CHECK_THROWS_AS(gaussian_blur(ones, shape, -1.0), argument_error);
    CHECK_THROWS_AS(gaussian_blur(ones, shape, std::nan("")), argument_error);
    CHECK_THROWS_AS(gaussian_blur(ones, ImageShape{9, 8, 1}, 1.0), shape_error);
}
