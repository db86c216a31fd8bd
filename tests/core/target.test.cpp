// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/core/target.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

using namespace smoothgrad;

TEST_CASE("a class index becomes a one-hot weighting", "[core][target]") {
    const Vector w = Target(2).weights(4);
    REQUIRE(w.size() == 4);
    CHECK(w[0] == 0.0f);
    CHECK(w[1] == 0.0f);
    CHECK(w[2] == 1.0f);
    CHECK(w[3] == 0.0f);
    REQUIRE(Target(2).class_index() != nullptr);
    CHECK(*Target(2).class_index() == 2);
}

TEST_CASE("output weights pass through unchanged", "[core][target]") {
    Vector w(3);
    w << 0.5f, -1.0f, 2.0f;
    CHECK(Target(w).weights(3) == w);
    CHECK(Target(w).class_index() == nullptr);
}

TEST_CASE("a difference of two classes weights them +1 and -1", "[core][target]") {
    const Vector w = Target::difference(0, 3, 4).weights(4);
    Vector expected(4);
    expected << 1.0f, 0.0f, 0.0f, -1.0f;
    CHECK(w == expected);
}

TEST_CASE("targets that do not fit the model are refused", "[core][target][errors]") {
    CHECK_THROWS_MATCHES(Target(4).weights(4, "vanilla_gradient"), argument_error,
                         Catch::Matchers::Message("vanilla_gradient: class index must be in [0, 4), got 4"));
    CHECK_THROWS_AS(Target(-1).weights(4), argument_error);
    CHECK_THROWS_MATCHES(Target(Vector::Ones(3)).weights(4, "f"), shape_error,
                         Catch::Matchers::Message("f: target weights need 4 entries (one per class), got 3"));
    Vector nan_weights = Vector::Zero(2);
    nan_weights[1] = std::nanf("");
    CHECK_THROWS_AS(Target(nan_weights).weights(2), numeric_error);
    CHECK_THROWS_AS(Target::difference(0, 5, 4), argument_error);
}

TEST_CASE("a class index is an integer, and a difference needs two classes", "[core][target][errors]") {
    // Any integer type but bool; 2.9 and true do not convert (see tests/static/concepts.static.cpp).
    CHECK(*Target(std::size_t{3}).class_index() == 3);
    CHECK(*Target(short{1}).class_index() == 1);
    CHECK_THROWS_MATCHES(Target(std::numeric_limits<std::uint64_t>::max()), argument_error,
                         Catch::Matchers::Message("Target: class index 18446744073709551615 does not fit an Index"));
    CHECK_THROWS_MATCHES(Target::difference(2, 2, 4), argument_error,
                         Catch::Matchers::Message(
                             "Target::difference: classes a and b must differ, got 2 twice (the score would be 0)"));
}
