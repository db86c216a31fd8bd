// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/coherence.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace smoothgrad;

TEST_CASE("total variation of a 3x3 checkerboard", "[metrics][coherence]") {
    // 1 0 1
    // 0 1 0
    // 1 0 1   L1 norm 5, so m = 1/5 on the ones. Every one of the 6 horizontal and 6 vertical
    // neighbour pairs differs by 1/5: TV = 12/5.
    Vector map(9);
    map << 1, 0, 1, 0, 1, 0, 1, 0, 1;
    const ImageShape shape{.height = 3, .width = 3, .channels = 1};
    CHECK(metrics::total_variation(map, shape) == Approx(2.4));
    // Normalization makes the scale and the sign irrelevant.
    CHECK(metrics::total_variation(-7.0f * map, shape) == Approx(2.4));
}

TEST_CASE("total variation of constant, one-hot and zero maps", "[metrics][coherence]") {
    const ImageShape shape{.height = 2, .width = 2, .channels = 1};
    CHECK(metrics::total_variation(Vector::Constant(4, 3.0f), shape) == 0.0);
    CHECK(metrics::total_variation(Vector::Zero(4), shape) == 0.0);
    // A single 1 in the corner of 2x2: it differs from its right and lower neighbour, TV = 2.
    Vector corner = Vector::Zero(4);
    corner[0] = 1.0f;
    CHECK(metrics::total_variation(corner, shape) == Approx(2.0));
}

TEST_CASE("total variation takes each channel on its own", "[metrics][coherence]") {
    // 1x2 image, 2 channels, HWC (1, 0 | 1, 0): channel 0 is (1, 1), channel 1 is (0, 0), TV = 0.
    // Read as one row of 4 values it would be 3/2 instead.
    Vector map(4);
    map << 1, 0, 1, 0;
    CHECK(metrics::total_variation(map, {.height = 1, .width = 2, .channels = 2}) == 0.0);
    // HWC (1, 0 | 0, 1): each channel changes by 1 between the pixels, L1 norm 2: TV = 2/2 = 1.
    map << 1, 0, 0, 1;
    CHECK(metrics::total_variation(map, {.height = 1, .width = 2, .channels = 2}) == Approx(1.0));
}

TEST_CASE("total variation refuses bad maps and shapes", "[metrics][coherence][errors]") {
    const ImageShape shape{.height = 2, .width = 2, .channels = 1};
    CHECK_THROWS_AS(metrics::total_variation(Vector(), shape), shape_error);
    CHECK_THROWS_MATCHES(metrics::total_variation(Vector::Ones(5), shape), shape_error,
                         Catch::Matchers::Message("total_variation: image shape 2x2x1 needs 4 values, got 5"));
    Vector bad = Vector::Ones(4);
    bad[3] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(metrics::total_variation(bad, shape), numeric_error);
}
