// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/visualization/reduce.hpp"

#include <catch2/catch.hpp>

using namespace smoothgrad;

namespace {

// A 1x2 image with 3 channels: pixel 0 = (1, -2, 3), pixel 1 = (-4, 0, 0.5).
Vector two_pixels() {
    Vector map(6);
    map << 1.0f, -2.0f, 3.0f, -4.0f, 0.0f, 0.5f;
    return map;
}

}  // namespace

TEST_CASE("reduce_channels combines the channels of each pixel", "[visualization][reduce]") {
    const ImageShape shape{.height = 1, .width = 2, .channels = 3};

    const Image sum_abs = reduce_channels(two_pixels(), shape);
    CHECK(sum_abs.shape == ImageShape{1, 2, 1});
    CHECK(sum_abs.pixels[0] == 6.0f);  // 1 + 2 + 3
    CHECK(sum_abs.pixels[1] == 4.5f);  // 4 + 0 + 0.5

    const Image sum = reduce_channels(two_pixels(), shape, ChannelReduction::sum);
    CHECK(sum.pixels[0] == 2.0f);   // 1 - 2 + 3
    CHECK(sum.pixels[1] == -3.5f);  // -4 + 0 + 0.5

    const Image max_abs = reduce_channels(two_pixels(), shape, ChannelReduction::max_abs);
    CHECK(max_abs.pixels[0] == 3.0f);
    CHECK(max_abs.pixels[1] == 4.0f);
}

TEST_CASE("reduce_channels keeps rows and columns in place", "[visualization][reduce]") {
    // 2x3 pixels, 2 channels; pixel (y, x) holds (10y + x, -(10y + x)), so sum_abs is 2 * (10y + x).
    const ImageShape shape{.height = 2, .width = 3, .channels = 2};
    Vector map(shape.size());
    for (Index y = 0; y < 2; ++y)
        for (Index x = 0; x < 3; ++x) {
            map[shape.offset(y, x, 0)] = static_cast<float>(10 * y + x);
            map[shape.offset(y, x, 1)] = -static_cast<float>(10 * y + x);
        }
    const Image reduced = reduce_channels(Image{map, shape});
    REQUIRE(reduced.shape == ImageShape{2, 3, 1});
    for (Index y = 0; y < 2; ++y)
        for (Index x = 0; x < 3; ++x) CHECK(reduced.pixels[reduced.shape.offset(y, x)] == 2.0f * static_cast<float>(10 * y + x));
    CHECK(reduce_channels(map, shape, ChannelReduction::sum).pixels.isZero());
}

TEST_CASE("reduce_channels of one channel is the value or its magnitude", "[visualization][reduce]") {
    Vector map(3);
    map << -1.5f, 0.0f, 2.0f;
    const ImageShape shape{1, 3, 1};
    CHECK(reduce_channels(map, shape).pixels == Vector(Eigen::Vector3f(1.5f, 0.0f, 2.0f)));
    CHECK(reduce_channels(map, shape, ChannelReduction::sum).pixels == map);
}

TEST_CASE("reduce_channels refuses a map that does not fit its shape", "[visualization][reduce][errors]") {
    CHECK_THROWS_AS(reduce_channels(Vector::Zero(5), {1, 2, 3}), shape_error);
    CHECK_THROWS_AS(reduce_channels(Vector::Zero(0), {0, 0, 3}), shape_error);
    CHECK_THROWS_WITH(reduce_channels(Vector::Zero(5), {1, 2, 3}), Catch::Contains("reduce_channels"));
}
