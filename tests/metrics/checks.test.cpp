// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/checks.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace smoothgrad;
using Catch::Matchers::Message;

TEST_CASE("map checks name the function and the argument", "[metrics][checks]") {
    CHECK_NOTHROW(metrics::detail::check_map(Vector::Ones(3), "f"));
    CHECK_THROWS_MATCHES(metrics::detail::check_map(Vector(), "f", "reference"), shape_error,
                         Message("f: reference is empty"));
    Vector bad = Vector::Ones(3);
    bad[2] = -std::numeric_limits<float>::infinity();
    CHECK_THROWS_MATCHES(metrics::detail::check_map(bad, "f"), numeric_error, Message("f: map contains NaN or Inf"));
    CHECK_NOTHROW(metrics::detail::check_same_size(2, 2, "f", "a", "b"));
    CHECK_THROWS_MATCHES(metrics::detail::check_same_size(2, 3, "f", "a", "b"), shape_error,
                         Message("f: a has 2 entries but b has 3"));
}
