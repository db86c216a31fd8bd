// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/complexity.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "../support/vectors.hpp"

using namespace smoothgrad;
using test_support::vec;
using Catch::Matchers::Message;

TEST_CASE("gini of a one-hot map is (n - 1) / n, whatever the sign", "[metrics][complexity]") {
    // Sorted magnitudes (0, 0, 0, c): only k = n contributes, weight (n - n + 1/2)/n = 1/(2n), so
    // G = 1 - 2 * 1/(2n) = (n - 1)/n = 3/4 for n = 4.
    CHECK(metrics::gini(vec({0, 0, 5, 0})) == Approx(0.75));
    CHECK(metrics::gini(vec({0, -2, 0, 0})) == Approx(0.75));
    CHECK(metrics::gini(vec({0, 0, 0, 0, 0, 0, 0, 0, 0, 1})) == Approx(0.9));
}

TEST_CASE("gini of a constant map is 0, and of an all-zero map too", "[metrics][complexity]") {
    CHECK(metrics::gini(vec({2, 2, 2, 2})) == Approx(0.0).margin(1e-12));
    // Magnitudes: (1, -1, 1, -1) is constant in |a|.
    CHECK(metrics::gini(vec({1, -1, 1, -1})) == Approx(0.0).margin(1e-12));
    CHECK(metrics::gini(vec({0, 0, 0})) == 0.0);
}

TEST_CASE("gini matches the mean-absolute-difference form on a hand example", "[metrics][complexity]") {
    // c = (3, 0, 1, 0): sum over ordered pairs |c_i - c_j| = 2 * (1 + 1 + 3 + 3 + 2) = 20 and
    // 2 n^2 mean(c) = 2 * 16 * 1 = 32, so G = 20/32 = 0.625 (the classical Gini form).
    CHECK(metrics::gini(vec({3, 0, -1, 0})) == Approx(0.625));
    // Gini does not depend on the scale.
    CHECK(metrics::gini(vec({30, 0, -10, 0})) == Approx(0.625));
}

TEST_CASE("entropy of the normalized magnitudes", "[metrics][complexity]") {
    // Uniform over 5: ln 5. One-hot: 0.
    CHECK(metrics::entropy(vec({1, 1, 1, 1, 1})) == Approx(std::log(5.0)));
    CHECK(metrics::entropy(vec({0, 0, 7, 0})) == Approx(0.0).margin(1e-12));
    // p = (1/4, 1/4, 1/2): H = 2 * (1/4) ln 4 + (1/2) ln 2 = 1.5 ln 2.
    CHECK(metrics::entropy(vec({1, -1, 2})) == Approx(1.5 * std::log(2.0)));
    // All-zero: treated as constant, ln n.
    CHECK(metrics::entropy(vec({0, 0, 0, 0})) == Approx(std::log(4.0)));
}

TEST_CASE("complexity metrics refuse empty and non-finite maps", "[metrics][complexity][errors]") {
    CHECK_THROWS_MATCHES(metrics::gini(Vector()), shape_error, Message("gini: map is empty"));
    CHECK_THROWS_MATCHES(metrics::entropy(Vector()), shape_error, Message("entropy: map is empty"));
    Vector bad = vec({1, 2, 3});
    bad[1] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_MATCHES(metrics::gini(bad), numeric_error, Message("gini: map contains NaN or Inf"));
    bad[1] = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(metrics::entropy(bad), numeric_error);
}
