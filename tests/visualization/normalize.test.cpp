// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/visualization/normalize.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

using namespace smoothgrad;

namespace {

Vector values(std::initializer_list<float> list) {
    Vector v(static_cast<Index>(list.size()));
    Index i = 0;
    for (const float x : list) v[i++] = x;
    return v;
}

}  // namespace

TEST_CASE("percentile interpolates order statistics as numpy does", "[visualization][normalize][percentile]") {
    // numpy.percentile's default: sorted values interpolated at index p/100 * (n - 1).
    const Vector four = values({4.0f, 1.0f, 3.0f, 2.0f});
    CHECK(percentile(four, 50) == Approx(2.5));   // index 1.5
    CHECK(percentile(four, 99) == Approx(3.97));  // index 2.97: 3 + 0.97 * (4 - 3)
    CHECK(percentile(four, 0) == 1.0);
    CHECK(percentile(four, 100) == 4.0);
    CHECK(percentile(four, 25) == Approx(1.75));  // index 0.75

    // Five values: index p/100 * 4; p = 10 -> 0.4 between 0 and 10; p = 90 -> 3.6 between 30 and 100.
    const Vector five = values({100.0f, 0.0f, 30.0f, 10.0f, 20.0f});
    CHECK(percentile(five, 50) == 20.0);
    CHECK(percentile(five, 10) == Approx(4.0));
    CHECK(percentile(five, 90) == Approx(72.0));

    CHECK(percentile(values({-7.0f}), 37) == -7.0);
    CHECK(percentile(values({2.0f, 2.0f, 2.0f}), 99) == 2.0);
}

TEST_CASE("percentile rejects bad p and bad values", "[visualization][normalize][percentile][errors]") {
    const Vector v = values({1.0f, 2.0f});
    CHECK_THROWS_AS(percentile(v, -0.1), argument_error);
    CHECK_THROWS_AS(percentile(v, 100.5), argument_error);
    CHECK_THROWS_AS(percentile(v, std::numeric_limits<double>::quiet_NaN()), argument_error);
    CHECK_THROWS_WITH(percentile(v, 101), Catch::Contains("percentile") && Catch::Contains("101"));
    CHECK_THROWS_AS(percentile(Vector(), 50), shape_error);
    CHECK_THROWS_AS(percentile(values({1.0f, std::numeric_limits<float>::quiet_NaN()}), 50), numeric_error);
}

TEST_CASE("normalize_unit maps min to 0 and the clip percentile to 1", "[visualization][normalize]") {
    // min 0, 100th percentile 4: x / 4.
    const Vector map = values({0.0f, 1.0f, 2.0f, 4.0f});
    const Vector full = normalize_unit(map, {.clip_percentile = 100});
    CHECK(full[0] == 0.0f);
    CHECK(full[1] == Approx(0.25));
    CHECK(full[2] == Approx(0.5));
    CHECK(full[3] == 1.0f);

    // 50th percentile of {0, 1, 2, 4} is 1.5: values above it saturate at 1.
    const Vector clipped = normalize_unit(map, {.clip_percentile = 50});
    CHECK(clipped[1] == Approx(1.0 / 1.5));
    CHECK(clipped[2] == 1.0f);
    CHECK(clipped[3] == 1.0f);

    // The minimum, not 0, is the bottom: {2, 3, 6} -> {0, 0.25, 1}.
    const Vector shifted = normalize_unit(values({2.0f, 3.0f, 6.0f}), {.clip_percentile = 100});
    CHECK(shifted[0] == 0.0f);
    CHECK(shifted[1] == Approx(0.25));
    CHECK(shifted[2] == 1.0f);

    // The default clips at the 99th percentile: {0, 1, 2, 3, 100}: index 3.96 -> 3 + 0.96 * 97 = 96.12.
    const Vector outlier = normalize_unit(values({0.0f, 1.0f, 2.0f, 3.0f, 100.0f}));
    CHECK(outlier[3] == Approx(3.0 / 96.12));
    CHECK(outlier[4] == 1.0f);
}

TEST_CASE("a constant map normalizes to zeros", "[visualization][normalize]") {
    const Vector constant = Vector::Constant(5, 3.0f);
    CHECK(normalize_unit(constant).isZero());
    // For a signed map only a zero span is degenerate: a constant 3 is 3 / |3| = 1 everywhere.
    CHECK(normalize_signed(constant) == Vector::Ones(5));
    CHECK(normalize_signed(Vector::Zero(4)).isZero());
    CHECK(normalize_unit(Vector::Zero(4)).isZero());
    CHECK(normalize_unit(Vector::Zero(4)).allFinite());
}

TEST_CASE("a sparse map is scaled by its maximum where the percentile does not separate its values",
          "[visualization][normalize]") {
    // 1000 values, 9 of them non-zero: the 99th percentile is 0, the minimum. The map used to come out black.
    Vector sparse = Vector::Zero(1000);
    for (Index k = 0; k < 9; ++k) sparse[100 * k + 7] = static_cast<float>(k + 1);
    REQUIRE(percentile(sparse, 99.0) == 0.0);
    const Vector unit = normalize_unit(sparse);
    CHECK(unit.maxCoeff() == 1.0f);
    CHECK(unit[807] == 1.0f);
    CHECK(unit[7] == Approx(1.0 / 9.0));
    CHECK((unit.array() == 0.0f).count() == 991);
    const Vector negative_sparse = -sparse;
    const Vector signed_map = normalize_signed(negative_sparse);
    CHECK(signed_map.minCoeff() == -1.0f);
    CHECK(signed_map[7] == Approx(-1.0 / 9.0));
    // The shared versions too.
    const auto shared = normalize_unit_shared({sparse, Vector::Zero(10)});
    CHECK(shared[0].maxCoeff() == 1.0f);
    CHECK(normalize_signed_shared({negative_sparse})[0].minCoeff() == -1.0f);
    // Mostly tied at a non-zero value, with a few below: the minimum is below the percentile, nothing changes.
    Vector tied = Vector::Constant(100, 2.0f);
    tied[0] = 1.0f;
    CHECK(normalize_unit(tied)[5] == 1.0f);
    CHECK(normalize_unit(tied)[0] == 0.0f);
}

TEST_CASE("normalize_signed divides by the percentile of |x| and keeps the sign", "[visualization][normalize]") {
    // |x| = {2, 1, 0, 4}; 100th percentile 4.
    const Vector map = values({-2.0f, 1.0f, 0.0f, 4.0f});
    const Vector full = normalize_signed(map, {.clip_percentile = 100});
    CHECK(full[0] == Approx(-0.5));
    CHECK(full[1] == Approx(0.25));
    CHECK(full[2] == 0.0f);
    CHECK(full[3] == 1.0f);

    // 50th percentile of |x| = {0, 1, 2, 4} is 1.5: -2 saturates at -1.
    const Vector clipped = normalize_signed(map, {.clip_percentile = 50});
    CHECK(clipped[0] == -1.0f);
    CHECK(clipped[1] == Approx(1.0 / 1.5));
    CHECK(clipped[2] == 0.0f);
    CHECK(clipped[3] == 1.0f);
}

TEST_CASE("image overloads keep the shape", "[visualization][normalize]") {
    const Image image{values({0.0f, 2.0f, 4.0f, 8.0f, 1.0f, 3.0f}), {2, 3, 1}};
    const Image unit = normalize_unit(image, {.clip_percentile = 100});
    CHECK(unit.shape == image.shape);
    CHECK(unit.pixels[3] == 1.0f);
    CHECK(normalize_signed(image).shape == image.shape);
    CHECK_THROWS_AS(normalize_unit(Image{values({1.0f}), {2, 3, 1}}), shape_error);
}

TEST_CASE("shared normalization puts several maps on one scale", "[visualization][normalize]") {
    const std::vector<Vector> maps{values({0.0f, 1.0f}), values({2.0f, 4.0f, 3.0f})};
    // Over all values {0, 1, 2, 4, 3}: min 0, max 4.
    const std::vector<Vector> unit = normalize_unit_shared(maps, {.clip_percentile = 100});
    REQUIRE(unit.size() == 2);
    CHECK(unit[0][1] == Approx(0.25));
    CHECK(unit[1][0] == Approx(0.5));
    CHECK(unit[1][1] == 1.0f);
    // Each map alone would have reached 1; on the shared scale the first does not.
    CHECK(unit[0].maxCoeff() < 0.3f);

    const std::vector<Vector> signed_maps{values({-1.0f, 0.0f}), values({8.0f, -4.0f})};
    const std::vector<Vector> scaled = normalize_signed_shared(signed_maps, {.clip_percentile = 100});
    CHECK(scaled[0][0] == Approx(-0.125));
    CHECK(scaled[0][1] == 0.0f);
    CHECK(scaled[1][0] == 1.0f);
    CHECK(scaled[1][1] == Approx(-0.5));

    // A single shared map is the same as normalizing it alone.
    const Vector one = values({3.0f, -1.0f, 7.0f, 2.0f, 0.5f});
    CHECK(normalize_unit_shared({one})[0].isApprox(normalize_unit(one)));
    CHECK(normalize_signed_shared({one})[0].isApprox(normalize_signed(one)));
    CHECK(normalize_unit_shared({Vector::Ones(2), Vector::Ones(3)})[1].isZero());
}

TEST_CASE("normalization rejects empty maps, NaN and bad percentiles", "[visualization][normalize][errors]") {
    const Vector nan_map = values({1.0f, std::numeric_limits<float>::quiet_NaN()});
    CHECK_THROWS_AS(normalize_unit(Vector()), shape_error);
    CHECK_THROWS_AS(normalize_signed(Vector()), shape_error);
    CHECK_THROWS_AS(normalize_unit(nan_map), numeric_error);
    CHECK_THROWS_AS(normalize_signed(nan_map), numeric_error);
    CHECK_THROWS_AS(normalize_unit(Vector::Ones(3), {.clip_percentile = 120}), argument_error);
    CHECK_THROWS_WITH(normalize_signed(Vector::Ones(3), {.clip_percentile = -1}),
                      Catch::Contains("normalize_signed") && Catch::Contains("clip_percentile"));
    CHECK_THROWS_AS(normalize_unit_shared({}), argument_error);
    CHECK_THROWS_AS(normalize_unit_shared({Vector::Ones(2), Vector()}), shape_error);
    CHECK_THROWS_WITH(normalize_signed_shared({Vector::Ones(2), nan_map}), Catch::Contains("map 1"));
}

TEST_CASE("multiply_by_input multiplies element-wise", "[visualization][normalize]") {
    CHECK(multiply_by_input(values({1.0f, -2.0f, 3.0f}), values({0.5f, 0.5f, 0.0f})) == values({0.5f, -1.0f, 0.0f}));
    CHECK_THROWS_AS(multiply_by_input(Vector::Ones(3), Vector::Ones(2)), shape_error);
    CHECK_THROWS_AS(multiply_by_input(Vector(), Vector()), shape_error);
}
