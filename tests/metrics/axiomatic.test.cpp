// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/axiomatic.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace smoothgrad;

TEST_CASE("completeness holds when the attributions add up to the score difference", "[metrics][axiomatic]") {
    Vector a(3);
    a << 1, 2, 3;
    // sum 6 = 10 - 4: gap 0.
    const auto exact = metrics::completeness(a, 10.0, 4.0);
    CHECK(exact.attribution_sum == Approx(6.0));
    CHECK(exact.score_difference == Approx(6.0));
    CHECK(exact.gap == Approx(0.0).margin(1e-12));
    CHECK(exact.holds);
}

TEST_CASE("completeness compares the gap with rtol * |difference| + atol", "[metrics][axiomatic]") {
    Vector a(3);
    a << 1, 2, 3;
    // S(x) - S(x') = 6.05, gap = -0.05. Default bound 0.01 * 6.05 + 1e-4 = 0.0606 >= 0.05: holds.
    const auto loose = metrics::completeness(a, 10.05, 4.0);
    CHECK(loose.gap == Approx(-0.05));
    CHECK(loose.holds);
    // rtol 1e-3: bound 0.00615 < 0.05: fails.
    CHECK_FALSE(metrics::completeness(a, 10.05, 4.0, {.rtol = 1e-3}).holds);
    // A zero score difference leaves only atol: a sum of 5e-5 passes atol 1e-4, fails atol 1e-5.
    Vector tiny(2);
    tiny << 2.5e-5f, 2.5e-5f;
    CHECK(metrics::completeness(tiny, 3.0, 3.0).holds);
    CHECK_FALSE(metrics::completeness(tiny, 3.0, 3.0, {.atol = 1e-5}).holds);
}

TEST_CASE("completeness refuses bad input", "[metrics][axiomatic][errors]") {
    const Vector a = Vector::Ones(2);
    CHECK_THROWS_AS(metrics::completeness(Vector(), 1.0, 0.0), shape_error);
    CHECK_THROWS_MATCHES(metrics::completeness(a, 1.0, 0.0, {.rtol = -0.1}), argument_error,
                         Catch::Matchers::Message("completeness: rtol must be finite and >= 0, got -0.1"));
    CHECK_THROWS_AS(metrics::completeness(a, 1.0, 0.0, {.atol = -1.0}), argument_error);
    CHECK_THROWS_AS(metrics::completeness(a, std::numeric_limits<double>::quiet_NaN(), 0.0), numeric_error);
    CHECK_THROWS_AS(metrics::completeness(a, 1.0, std::numeric_limits<double>::infinity()), numeric_error);
    Vector bad = a;
    bad[0] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(metrics::completeness(bad, 1.0, 0.0), numeric_error);
}
