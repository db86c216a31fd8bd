// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/randomization.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "../support/vectors.hpp"

using namespace smoothgrad;
using test_support::vec;

TEST_CASE("fractional ranks average the ranks of ties", "[metrics][randomization]") {
    CHECK(metrics::fractional_ranks(vec({10, 20, 20, 30})) == std::vector<double>{1, 2.5, 2.5, 4});
    CHECK(metrics::fractional_ranks(vec({3, 1, 2})) == std::vector<double>{3, 1, 2});
    CHECK(metrics::fractional_ranks(vec({5, 5, 5})) == std::vector<double>{2, 2, 2});
}

TEST_CASE("spearman without ties equals the textbook formula", "[metrics][randomization]") {
    // Ranks (1, 2, 3, 4, 5) and (2, 1, 4, 3, 5): d = (-1, 1, -1, 1, 0), sum d^2 = 4,
    // rho = 1 - 6 * 4 / (5 * 24) = 0.8.
    CHECK(metrics::spearman(vec({0.1f, 0.2f, 0.3f, 0.4f, 0.5f}), vec({-3, -7, 2, 1, 9})) == Approx(0.8));
    // Monotone maps rank alike; reversed maps are perfectly anti-correlated.
    const Vector a = vec({-1, 0.5f, 2, 3, 7});
    CHECK(metrics::spearman(a, a.array().exp().matrix()) == Approx(1.0));
    CHECK(metrics::spearman(a, -a) == Approx(-1.0));
}

TEST_CASE("spearman with ties is the Pearson correlation of average ranks", "[metrics][randomization]") {
    // a = (1, 2, 2, 3) -> r = (1, 2.5, 2.5, 4); b -> s = (1, 2, 3, 4); both means 2.5.
    // sum (r - 2.5)(s - 2.5) = 2.25 + 0 + 0 + 2.25 = 4.5, sum (r - 2.5)^2 = 4.5, sum (s - 2.5)^2 = 5:
    // rho = 4.5 / sqrt(4.5 * 5) = sqrt(0.9). (The no-ties formula would give 0.95.)
    CHECK(metrics::spearman(vec({1, 2, 2, 3}), vec({10, 20, 30, 40})) == Approx(std::sqrt(0.9)));
}

TEST_CASE("spearman refuses maps without a ranking", "[metrics][randomization][errors]") {
    CHECK_THROWS_MATCHES(metrics::spearman(vec({1, 1, 1}), vec({1, 2, 3})), numeric_error,
                         Catch::Matchers::Message("spearman: the first map is constant, its rank correlation is undefined"));
    CHECK_THROWS_AS(metrics::spearman(vec({1, 2, 3}), vec({0, 0, 0})), numeric_error);
    CHECK_THROWS_MATCHES(metrics::spearman(vec({1, 2, 3}), vec({1, 2})), shape_error,
                         Catch::Matchers::Message("spearman: first map has 3 entries but second map has 2"));
    CHECK_THROWS_AS(metrics::spearman(vec({1}), vec({2})), shape_error);
    CHECK_THROWS_AS(metrics::spearman(Vector(), Vector()), shape_error);
    CHECK_THROWS_AS(metrics::spearman(vec({1, std::numeric_limits<float>::quiet_NaN()}), vec({1, 2})), numeric_error);
}
