// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/visualization/colormap.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <limits>

using namespace smoothgrad;

namespace {

/// The RGB colour of one value under `map`.
std::array<float, 3> colour_of(float value, Colormap map) {
    const Image rgb = apply_colormap(Image{Vector::Constant(1, value), {1, 1, 1}}, map);
    REQUIRE(rgb.shape == ImageShape{1, 1, 3});
    return {rgb.pixels[0], rgb.pixels[1], rgb.pixels[2]};
}

/// Relative luminance of linear-ish RGB (ITU-R BT.709 weights): enough to check an ordering.
float luminance(const std::array<float, 3>& rgb) { return 0.2126f * rgb[0] + 0.7152f * rgb[1] + 0.0722f * rgb[2]; }

}  // namespace

TEST_CASE("gray maps v to (v, v, v) and clamps", "[visualization][colormap]") {
    CHECK(colour_of(0.0f, Colormap::gray) == std::array{0.0f, 0.0f, 0.0f});
    CHECK(colour_of(1.0f, Colormap::gray) == std::array{1.0f, 1.0f, 1.0f});
    CHECK(colour_of(0.25f, Colormap::gray) == std::array{0.25f, 0.25f, 0.25f});
    CHECK(colour_of(-3.0f, Colormap::gray) == std::array{0.0f, 0.0f, 0.0f});
    CHECK(colour_of(7.0f, Colormap::gray) == std::array{1.0f, 1.0f, 1.0f});
}

TEST_CASE("diverging runs blue - gray - red", "[visualization][colormap]") {
    CHECK(colour_of(-1.0f, Colormap::diverging) == std::array{0.0f, 0.0f, 1.0f});
    CHECK(colour_of(0.0f, Colormap::diverging) == std::array{0.5f, 0.5f, 0.5f});
    CHECK(colour_of(1.0f, Colormap::diverging) == std::array{1.0f, 0.0f, 0.0f});
    // Halfway between gray and red.
    const auto half = colour_of(0.5f, Colormap::diverging);
    CHECK(half[0] == Approx(0.75));
    CHECK(half[1] == Approx(0.25));
    CHECK(half[2] == Approx(0.25));
    CHECK(colour_of(-5.0f, Colormap::diverging) == colour_of(-1.0f, Colormap::diverging));
    CHECK(colour_of(5.0f, Colormap::diverging) == colour_of(1.0f, Colormap::diverging));
}

TEST_CASE("heat runs from near black to pale yellow with rising luminance", "[visualization][colormap]") {
    const auto bottom = colour_of(0.0f, Colormap::heat);
    const auto top = colour_of(1.0f, Colormap::heat);
    CHECK(luminance(bottom) < 0.01f);
    CHECK(top[0] > 0.95f);
    CHECK(top[1] > 0.95f);
    CHECK(top[2] < top[1]);  // yellow, not white
    float previous = -1.0f;
    for (int i = 0; i <= 200; ++i) {
        const auto rgb = colour_of(static_cast<float>(i) / 200.0f, Colormap::heat);
        for (const float channel : rgb) {
            CHECK(channel >= 0.0f);
            CHECK(channel <= 1.0f);
        }
        CHECK(luminance(rgb) > previous);
        previous = luminance(rgb);
    }
    CHECK(colour_of(-1.0f, Colormap::heat) == bottom);
    CHECK(colour_of(2.0f, Colormap::heat) == top);
}

TEST_CASE("apply_colormap keeps the pixel layout", "[visualization][colormap]") {
    // 2x2 gray ramp: pixel (y, x) = (2y + x) / 3; its RGB triple sits at offset 3 * (2y + x).
    const Image ramp{Eigen::Vector4f(0.0f, 1.0f / 3, 2.0f / 3, 1.0f), {2, 2, 1}};
    const Image rgb = apply_colormap(ramp, Colormap::gray);
    REQUIRE(rgb.shape == ImageShape{2, 2, 3});
    for (Index p = 0; p < 4; ++p)
        for (Index c = 0; c < 3; ++c) CHECK(rgb.pixels[3 * p + c] == ramp.pixels[p]);
}

TEST_CASE("apply_colormap rejects NaN and multi-channel maps", "[visualization][colormap][errors]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(apply_colormap(Image{Vector::Constant(1, nan), {1, 1, 1}}, Colormap::heat), numeric_error);
    CHECK_THROWS_AS(apply_colormap(Image{Vector::Zero(3), {1, 1, 3}}, Colormap::gray), shape_error);
    CHECK_THROWS_AS(apply_colormap(Image{Vector::Zero(3), {2, 2, 1}}, Colormap::gray), shape_error);
    CHECK_THROWS_WITH(apply_colormap(Image{Vector::Zero(3), {1, 1, 3}}, Colormap::gray),
                      Catch::Contains("apply_colormap") && Catch::Contains("1x1x3"));
    // Infinities are clamped like any value outside the range.
    const float inf = std::numeric_limits<float>::infinity();
    CHECK(colour_of(inf, Colormap::heat) == colour_of(1.0f, Colormap::heat));
    CHECK(colour_of(-inf, Colormap::diverging) == colour_of(-1.0f, Colormap::diverging));
}
