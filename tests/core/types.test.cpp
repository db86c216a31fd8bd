// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/core/types.hpp"

#include <catch2/catch.hpp>

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
