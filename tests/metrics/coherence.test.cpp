// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/coherence.hpp"

#include <catch2/catch.hpp>

#include <limits>

#include "../support/vectors.hpp"

using namespace smoothgrad;
using test_support::vec;

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

TEST_CASE("Moran's I of small maps worked out by hand", "[metrics][coherence]") {
    // 1x4 ramp (0, 1, 2, 3): z = (-1.5, -0.5, 0.5, 1.5), 3 pairs with products 0.75, -0.25, 0.75 (sum 1.25),
    // sum z^2 = 5, so I = 4 * 1.25 / (3 * 5) = 1/3.
    CHECK(metrics::morans_i(vec({0, 1, 2, 3}), {1, 4, 1}) == Approx(1.0 / 3.0));
    // Two pixels that differ: z = (-d/2, d/2), one pair with product -d^2/4, sum z^2 = d^2/2: I = -1.
    CHECK(metrics::morans_i(vec({2, 5}), {1, 2, 1}) == Approx(-1.0));
    // 2x2 checkerboard: every one of the 4 pairs has z_i z_j = -1/4, sum z^2 = 1: I = 4 * (-1) / (4 * 1) = -1.
    CHECK(metrics::morans_i(vec({1, 0, 0, 1}), {2, 2, 1}) == Approx(-1.0));
    // Top row 1, bottom row 0: horizontal pairs +1/4 each, vertical pairs -1/4 each: I = 0.
    CHECK(metrics::morans_i(vec({1, 1, 0, 0}), {2, 2, 1}) == Approx(0.0).margin(1e-12));
}

TEST_CASE("Moran's I ignores scale and offset, and sees speckle rather than concentration", "[metrics][coherence]") {
    const ImageShape shape{1, 4, 1};
    const Vector ramp = vec({0, 1, 2, 3});
    CHECK(metrics::morans_i(-7.0f * ramp + Vector::Constant(4, 2.0f), shape) == Approx(1.0 / 3.0));
    // A smooth 8x8 blob (a product of two ramps) is strongly autocorrelated; a checkerboard of large and
    // small values is strongly anti-correlated.
    const ImageShape grid{8, 8, 1};
    Vector blob(64), speckled(64);
    for (Index y = 0; y < 8; ++y)
        for (Index x = 0; x < 8; ++x) {
            blob[y * 8 + x] = static_cast<float>((y + 1) * (x + 1));
            speckled[y * 8 + x] = static_cast<float>(((y + x) % 2 == 0 ? 1 : 64) + y);
        }
    CHECK(metrics::morans_i(blob, grid) > 0.8);
    CHECK(metrics::morans_i(speckled, grid) < -0.8);
}

TEST_CASE("Moran's I takes each channel as a grid of its own", "[metrics][coherence]") {
    // 1x2 pixels, 2 channels, HWC: pixel 0 = (0, 1), pixel 1 = (1, 0). Mean 1/2, z = (-1/2, 1/2, 1/2, -1/2).
    // Pairs within a channel: channel 0 (z0, z2) = -1/4, channel 1 (z1, z3) = -1/4; sum z^2 = 1; n = 4, P = 2:
    // I = 4 * (-1/2) / (2 * 1) = -1. Pairing across channels (z0 with z1) would give another value.
    CHECK(metrics::morans_i(vec({0, 1, 1, 0}), {1, 2, 2}) == Approx(-1.0));
}

TEST_CASE("Moran's I refuses constant maps, single pixels and bad shapes", "[metrics][coherence][errors]") {
    CHECK_THROWS_MATCHES(metrics::morans_i(Vector::Constant(4, 3.0f), {2, 2, 1}), numeric_error,
                         Catch::Matchers::Message("morans_i: the map is constant, its autocorrelation is undefined"));
    CHECK_THROWS_AS(metrics::morans_i(vec({1, 2}), {1, 1, 2}), shape_error);
    CHECK_THROWS_AS(metrics::morans_i(vec({1, 2, 3}), {2, 2, 1}), shape_error);
    CHECK_THROWS_AS(metrics::morans_i(Vector(), {2, 2, 1}), shape_error);
    CHECK_THROWS_AS(metrics::morans_i(vec({1, std::numeric_limits<float>::infinity(), 0, 0}), {2, 2, 1}),
                    numeric_error);
}
