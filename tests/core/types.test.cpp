// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/core/types.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace smoothgrad;

TEST_CASE("an image shape indexes HWC like stb_image", "[core][types]") {
    constexpr ImageShape shape{.height = 2, .width = 3, .channels = 4};
    STATIC_REQUIRE(shape.size() == 24);
    STATIC_REQUIRE(shape.pixels() == 6);
    // Pixel (row 1, column 2), channel 3 is the last value; (0, 1, 0) comes right after pixel (0, 0).
    STATIC_REQUIRE(shape.offset(1, 2, 3) == 23);
    STATIC_REQUIRE(shape.offset(0, 1, 0) == 4);
}

TEST_CASE("shape checks name the mismatch", "[core][types][errors]") {
    CHECK_NOTHROW(detail::check_shape(Vector::Zero(6), {2, 3, 1}, "f"));
    CHECK_THROWS_MATCHES(detail::check_shape(Vector::Zero(5), {2, 3, 1}, "f"), shape_error,
                         Catch::Matchers::Message("f: image shape 2x3x1 needs 6 values, got 5"));
    CHECK_THROWS_AS(detail::check_shape(Vector::Zero(0), {0, 3, 1}, "f"), shape_error);
}

TEST_CASE("image sizes that overflow an Index are refused, not wrapped", "[core][types][errors]") {
    // 2^61 + 1 rows of 8: the product wraps to 8, which an 8-value vector used to satisfy.
    const ImageShape huge{.height = (Index{1} << 61) + 1, .width = 8, .channels = 1};
    CHECK_THROWS_AS(huge.size(), shape_error);
    CHECK_THROWS_AS(huge.pixels(), shape_error);
    CHECK_THROWS_MATCHES(detail::check_shape(Vector::Zero(8), huge, "f"), shape_error,
                         Catch::Matchers::Message("f: the size 2305843009213693953 x 8 overflows an Index"));
    const ImageShape wide{.height = 1, .width = Index{1} << 40, .channels = Index{1} << 30};
    CHECK_NOTHROW(wide.pixels());
    CHECK_THROWS_AS(wide.size(), shape_error);
    CHECK(detail::checked_multiply(Index{1} << 31, Index{1} << 31, "f") == Index{1} << 62);
    CHECK_THROWS_AS(detail::checked_add(std::numeric_limits<Index>::max(), 1, "f"), shape_error);
}
