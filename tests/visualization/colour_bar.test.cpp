// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/visualization/colour_bar.hpp"

#include <catch2/catch.hpp>

using namespace smoothgrad;

namespace {

Eigen::Vector3f pixel(const Image& image, Index y, Index x) { return image.pixels.segment<3>(image.shape.offset(y, x, 0)); }

/// What apply_colormap gives one value: the colour map's own answer, the oracle for the bar's ends.
Eigen::Vector3f colour_of(Colormap map, float value) {
    const Image rgb = apply_colormap(Image{Vector::Constant(1, value), {1, 1, 1}}, map);
    return rgb.pixels.head<3>();
}

}  // namespace

TEST_CASE("a colour bar's ends are its colour map's ends, in every row", "[visualization][colour_bar]") {
    for (const Colormap map : {Colormap::gray, Colormap::heat, Colormap::diverging}) {
        const auto [low, high] = colormap_range(map);
        const Image bar = colour_bar(map, 50, 7);
        REQUIRE(bar.shape == ImageShape{7, 50, 3});
        for (Index y = 0; y < 7; ++y) {
            CHECK(pixel(bar, y, 0) == colour_of(map, low));
            CHECK(pixel(bar, y, 49) == colour_of(map, high));
        }
    }
    // The diverging scale's middle column of an odd-length bar is its zero: mid gray.
    CHECK(pixel(colour_bar(Colormap::diverging, 5, 1), 0, 2) == colour_of(Colormap::diverging, 0.0f));
    CHECK(pixel(colour_bar(Colormap::gray, 5, 1), 0, 2).isApproxToConstant(0.5f));
}

TEST_CASE("a colour bar refuses sizes it cannot draw", "[visualization][colour_bar]") {
    CHECK_THROWS_MATCHES(colour_bar(Colormap::gray, 1), argument_error,
                         Catch::Matchers::Message("colour_bar: length must be in [2, 65536], got 1"));
    CHECK_THROWS_MATCHES(colour_bar(Colormap::gray, 10, 0), argument_error,
                         Catch::Matchers::Message("colour_bar: thickness must be in [1, 65536], got 0"));
}
