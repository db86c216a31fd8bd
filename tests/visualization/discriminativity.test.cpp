// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/visualization/discriminativity.hpp"

#include <catch2/catch.hpp>

using namespace smoothgrad;

TEST_CASE("discriminativity is the difference of two unit-normalized maps", "[visualization][discriminativity]") {
    // a: {0, 1, 2} -> {0, 0.5, 1}; b: {10, 30, 20} -> {0, 1, 0.5} (scaled on its own, larger values do not win).
    const Vector a = Eigen::Vector3f(0.0f, 1.0f, 2.0f);
    const Vector b = Eigen::Vector3f(10.0f, 30.0f, 20.0f);
    const Vector d = discriminativity(a, b, {.clip_percentile = 100});
    CHECK(d[0] == Approx(0.0).margin(1e-7));
    CHECK(d[1] == Approx(-0.5));
    CHECK(d[2] == Approx(0.5));

    // A map against itself: nothing discriminates.
    CHECK(discriminativity(a, a).isZero());
    // Disjoint supports give the full range [-1, 1].
    const Vector left = Eigen::Vector3f(1.0f, 0.0f, 0.0f), right = Eigen::Vector3f(0.0f, 0.0f, 1.0f);
    const Vector full = discriminativity(left, right, {.clip_percentile = 100});
    CHECK(full[0] == 1.0f);
    CHECK(full[1] == 0.0f);
    CHECK(full[2] == -1.0f);
}

TEST_CASE("discriminativity of images keeps the shape and checks it", "[visualization][discriminativity][errors]") {
    const Image a{Eigen::Vector4f(0.0f, 1.0f, 2.0f, 4.0f), {2, 2, 1}};
    const Image b{Eigen::Vector4f(4.0f, 2.0f, 1.0f, 0.0f), {2, 2, 1}};
    const Image d = discriminativity(a, b, {.clip_percentile = 100});
    CHECK(d.shape == a.shape);
    CHECK(d.pixels[0] == -1.0f);
    CHECK(d.pixels[3] == 1.0f);
    CHECK(d.pixels.minCoeff() >= -1.0f);
    CHECK(d.pixels.maxCoeff() <= 1.0f);

    CHECK_THROWS_AS(discriminativity(a, Image{b.pixels, {1, 4, 1}}), shape_error);
    CHECK_THROWS_AS(discriminativity(Vector::Ones(3), Vector::Ones(4)), shape_error);
    CHECK_THROWS_AS(discriminativity(Vector(), Vector()), shape_error);
}
