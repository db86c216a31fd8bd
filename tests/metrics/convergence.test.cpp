// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/convergence.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace smoothgrad;

TEST_CASE("relative L2 distance to a reference", "[metrics][convergence]") {
    Vector reference(2);
    reference << 3, 4;  // norm 5
    CHECK(metrics::relative_l2_distance(reference, reference) == 0.0);
    // (6, 8) - (3, 4) = (3, 4): norm 5, relative 1.
    CHECK(metrics::relative_l2_distance(2.0f * reference, reference) == Approx(1.0));
    CHECK(metrics::relative_l2_distance(Vector::Zero(2), reference) == Approx(1.0));
}

TEST_CASE("convergence distance pairs the value and the rank distance", "[metrics][convergence]") {
    Vector reference(3);
    reference << 3, 2, 1;
    Vector map(3);
    map << 1, 2, 3;
    // (1, 2, 3) - (3, 2, 1) = (-2, 0, 2): sqrt(8) / sqrt(14); ranks reversed: 1 - (-1) = 2.
    const auto far = metrics::convergence_distance(map, reference);
    CHECK(far.relative_l2 == Approx(std::sqrt(8.0 / 14.0)));
    CHECK(far.rank_distance == Approx(2.0));
    // A rescaled map ranks alike: rank distance 0, relative distance |0.5 - 1| = 0.5.
    const auto scaled = metrics::convergence_distance(0.5f * reference, reference);
    CHECK(scaled.relative_l2 == Approx(0.5));
    CHECK(scaled.rank_distance == Approx(0.0).margin(1e-12));
}

TEST_CASE("convergence distances refuse bad input", "[metrics][convergence][errors]") {
    CHECK_THROWS_MATCHES(metrics::relative_l2_distance(Vector::Ones(2), Vector::Zero(2)), numeric_error,
                         Catch::Matchers::Message("relative_l2_distance: the reference map is all zero"));
    CHECK_THROWS_AS(metrics::relative_l2_distance(Vector::Ones(2), Vector::Ones(3)), shape_error);
    CHECK_THROWS_AS(metrics::relative_l2_distance(Vector(), Vector()), shape_error);
    Vector bad = Vector::Ones(2);
    bad[1] = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(metrics::convergence_distance(bad, Vector::Ones(2)), numeric_error);
}
