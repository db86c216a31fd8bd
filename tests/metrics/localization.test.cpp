// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/localization.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace smoothgrad;
using metrics::Mask;

TEST_CASE("localization of a map half inside the mask is 1/2", "[metrics][localization]") {
    Mask mask(4);
    mask << true, true, false, false;
    CHECK(metrics::attribution_localization(Vector::Ones(4), mask) == Approx(0.5));
    // Positive part (2, 0, 1, 1): 2 of 4 inside. Magnitudes (2, 3, 1, 1): 5 of 7 inside.
    Vector map(4);
    map << 2, -3, 1, 1;
    CHECK(metrics::attribution_localization(map, mask) == Approx(0.5));
    CHECK(metrics::attribution_localization(map, mask, {.mass = metrics::Mass::absolute}) == Approx(5.0 / 7.0));
    // All mass inside, none inside.
    map << 1, 3, 0, -2;
    CHECK(metrics::attribution_localization(map, mask) == Approx(1.0));
    CHECK(metrics::attribution_localization(map, Mask::Constant(4, false)) == 0.0);
}

TEST_CASE("the object mask of an item on a black background", "[metrics][localization]") {
    Vector image(4);
    image << 0.0f, 0.5f, 0.0f, 1.0f;
    const Mask mask = metrics::object_mask(image);
    REQUIRE(mask.size() == 4);
    CHECK_FALSE(mask[0]);
    CHECK(mask[1]);
    CHECK_FALSE(mask[2]);
    CHECK(mask[3]);
    CHECK(metrics::object_mask(image, 0.75f).count() == 1);
}

TEST_CASE("pointing game on a 3x3 grid", "[metrics][localization]") {
    const ImageShape shape{.height = 3, .width = 3, .channels = 1};
    Vector map = Vector::Zero(9);
    map[4] = 2.0f;  // the maximum at the centre (1, 1)
    Mask centre = Mask::Constant(9, false);
    centre[4] = true;
    Mask corner = Mask::Constant(9, false);
    corner[0] = true;  // (0, 0), at distance sqrt(2) from the centre
    CHECK(metrics::pointing_game(map, centre, shape));
    CHECK_FALSE(metrics::pointing_game(map, corner, shape));
    CHECK_FALSE(metrics::pointing_game(map, corner, shape, {.tolerance = 1.0}));
    CHECK(metrics::pointing_game(map, corner, shape, {.tolerance = 1.5}));
    // A radius far beyond the image reaches every pixel.
    CHECK(metrics::pointing_game(map, corner, shape, {.tolerance = 1e300}));
}

TEST_CASE("pointing game takes the first of tied maxima and any channel of its pixel", "[metrics][localization]") {
    const ImageShape shape{.height = 3, .width = 3, .channels = 1};
    Vector map = Vector::Zero(9);
    map[2] = 1.0f;
    map[6] = 1.0f;
    Mask at6 = Mask::Constant(9, false);
    at6[6] = true;
    Mask at2 = Mask::Constant(9, false);
    at2[2] = true;
    CHECK_FALSE(metrics::pointing_game(map, at6, shape));
    CHECK(metrics::pointing_game(map, at2, shape));

    // 1x2 image with 2 channels: the maximum is channel 1 of pixel (0, 1); the mask marks channel 0 there.
    Vector rgb(4);
    rgb << 0, 0, 0, 5;
    Mask mask(4);
    mask << false, false, true, false;
    CHECK(metrics::pointing_game(rgb, mask, {.height = 1, .width = 2, .channels = 2}));
}

TEST_CASE("localization metrics refuse bad input", "[metrics][localization][errors]") {
    const ImageShape shape{.height = 2, .width = 2, .channels = 1};
    CHECK_THROWS_MATCHES(metrics::attribution_localization(Vector::Ones(4), Mask::Constant(3, true)), shape_error,
                         Catch::Matchers::Message("attribution_localization: map has 4 entries but mask has 3"));
    CHECK_THROWS_MATCHES(metrics::attribution_localization(-Vector::Ones(4), Mask::Constant(4, true)), numeric_error,
                         Catch::Matchers::Message("attribution_localization: the map has no positive attribution mass"));
    CHECK_THROWS_AS(metrics::attribution_localization(Vector::Zero(4), Mask::Constant(4, true),
                                                      {.mass = metrics::Mass::absolute}),
                    numeric_error);
    CHECK_THROWS_AS(metrics::attribution_localization(Vector(), Mask()), shape_error);
    Vector bad = Vector::Ones(4);
    bad[0] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(metrics::attribution_localization(bad, Mask::Constant(4, true)), numeric_error);
    CHECK_THROWS_AS(metrics::pointing_game(bad, Mask::Constant(4, true), shape), numeric_error);
    CHECK_THROWS_MATCHES(metrics::pointing_game(Vector::Ones(4), Mask::Constant(4, true), shape, {.tolerance = -1.0}),
                         argument_error, Catch::Matchers::Message("pointing_game: tolerance must be finite and >= 0, got -1"));
    CHECK_THROWS_AS(metrics::pointing_game(Vector::Ones(4), Mask::Constant(4, true), {.height = 1, .width = 3}),
                    shape_error);
    CHECK_THROWS_AS(metrics::pointing_game(Vector::Ones(4), Mask::Constant(2, true), shape), shape_error);
    CHECK_THROWS_AS(metrics::object_mask(bad), numeric_error);
}
