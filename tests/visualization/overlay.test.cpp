// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/visualization/overlay.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace smoothgrad;

TEST_CASE("blend mixes heat and an RGB base by alpha", "[visualization][overlay]") {
    // One pixel: heat (1, 0, 0.5), base (0, 1, 0.5).
    const Image heat{Eigen::Vector3f(1.0f, 0.0f, 0.5f), {1, 1, 3}};
    const Image base{Eigen::Vector3f(0.0f, 1.0f, 0.5f), {1, 1, 3}};
    const Image mixed = blend(heat, base, 0.25f);
    REQUIRE(mixed.shape == ImageShape{1, 1, 3});
    CHECK(mixed.pixels[0] == Approx(0.25));
    CHECK(mixed.pixels[1] == Approx(0.75));
    CHECK(mixed.pixels[2] == Approx(0.5));
    CHECK(blend(heat, base, 1.0f).pixels == heat.pixels);
    CHECK(blend(heat, base, 0.0f).pixels == base.pixels);
    CHECK(blend(heat, base).pixels.isApprox(Vector(Eigen::Vector3f(0.5f, 0.5f, 0.5f))));
}

TEST_CASE("blend broadcasts a gray base to RGB", "[visualization][overlay]") {
    // 1x2: heat pixels (1, 1, 1) and (0, 0, 0); gray base 0.2 and 0.6.
    Vector heat_pixels(6);
    heat_pixels << 1, 1, 1, 0, 0, 0;
    const Image heat{heat_pixels, {1, 2, 3}};
    const Image base{Eigen::Vector2f(0.2f, 0.6f), {1, 2, 1}};
    const Image mixed = blend(heat, base, 0.5f);
    REQUIRE(mixed.shape == ImageShape{1, 2, 3});
    for (Index c = 0; c < 3; ++c) {
        CHECK(mixed.pixels[c] == Approx(0.6));      // (1 + 0.2) / 2
        CHECK(mixed.pixels[3 + c] == Approx(0.3));  // (0 + 0.6) / 2
    }
}

TEST_CASE("blend checks shapes and alpha", "[visualization][overlay][errors]") {
    const Image heat{Vector::Zero(12), {2, 2, 3}};
    CHECK_THROWS_AS(blend(heat, Image{Vector::Zero(6), {2, 3, 1}}), shape_error);
    CHECK_THROWS_AS(blend(heat, Image{Vector::Zero(8), {2, 2, 2}}), shape_error);
    CHECK_THROWS_AS(blend(Image{Vector::Zero(4), {2, 2, 1}}, Image{Vector::Zero(4), {2, 2, 1}}), shape_error);
    CHECK_THROWS_AS(blend(heat, Image{Vector::Zero(3), {2, 2, 1}}), shape_error);
    CHECK_THROWS_AS(blend(heat, heat, 1.5f), argument_error);
    CHECK_THROWS_AS(blend(heat, heat, std::numeric_limits<float>::quiet_NaN()), argument_error);
    CHECK_THROWS_WITH(blend(heat, heat, -0.5f), Catch::Contains("blend") && Catch::Contains("alpha"));
}
