// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/faithfulness.hpp"

#include <catch2/catch.hpp>

#include <limits>

#include "smoothgrad/core/function_model.hpp"

#include "../support/vectors.hpp"

using namespace smoothgrad;
using test_support::vec;
using metrics::Mask;

namespace {

/// The linear model scores = W x, so every curve point is a dot product that can be done by hand.
auto linear_model(Matrix w) {
    const Index classes = w.rows();
    const Index features = w.cols();
    return FunctionModel(
        features, classes, [w](const Matrix& x) -> Matrix { return w * x; },
        [w](const Matrix& x, const Vector& weights) -> Matrix {
            return (w.transpose() * weights).replicate(1, x.cols());
        });
}

/// Class 0 weighs the features (4, 3, 2, 1), class 1 weighs them all 1.
auto two_class_model() {
    Matrix w(2, 4);
    w << 4, 3, 2, 1,  //
        1, 1, 1, 1;
    return linear_model(w);
}

void check_curve(const metrics::Curve& curve, const Vector& expected_scores, double expected_area) {
    REQUIRE(curve.scores.size() == expected_scores.size());
    REQUIRE(curve.fractions.size() == expected_scores.size());
    for (Index k = 0; k < expected_scores.size(); ++k) {
        CHECK(curve.scores[k] == Approx(expected_scores[k]));
        CHECK(curve.fractions[k] == Approx(static_cast<double>(k) / static_cast<double>(expected_scores.size() - 1)));
    }
    CHECK(curve.area == Approx(expected_area));
}

}  // namespace

TEST_CASE("trapezoid area on [0, 1]", "[metrics][faithfulness]") {
    CHECK(metrics::area_under_curve(vec({0, 1})) == Approx(0.5));
    // h = 1/4: (1/4) * (10/2 + 6 + 3 + 1 + 0/2) = 3.75.
    CHECK(metrics::area_under_curve(vec({10, 6, 3, 1, 0})) == Approx(3.75));
    CHECK_THROWS_AS(metrics::area_under_curve(vec({1})), shape_error);
}

TEST_CASE("attribution order is descending with ties broken by index", "[metrics][faithfulness]") {
    CHECK(metrics::attribution_order(vec({1, 2, 2, 0})) == std::vector<Index>{1, 2, 0, 3});
    CHECK(metrics::attribution_order(vec({1, 2, 2, 0}), false) == std::vector<Index>{3, 0, 1, 2});
}

TEST_CASE("deletion curve of a linear model, worked by hand", "[metrics][faithfulness]") {
    const auto model = two_class_model();
    const Vector x = Vector::Ones(4);
    // Attribution gradient * input = (4, 3, 2, 1): features go in index order. Class 0 score after
    // removing 0..k features: 10, 6, 3, 1, 0; area (1/4)(5 + 6 + 3 + 1 + 0) = 3.75.
    const Vector map = vec({4, 3, 2, 1});
    for (const Index batch : {Index{1}, Index{2}, Index{32}}) {
        check_curve(metrics::deletion_curve(model, x, map, 0, {.steps = 4, .batch_size = batch}),
                    vec({10, 6, 3, 1, 0}), 3.75);
    }
    // steps = 3 on 4 features: after step k, floor(4k/3) = 0, 1, 2, 4 are removed: 10, 6, 3, 0;
    // area (1/3)(5 + 6 + 3 + 0) = 14/3.
    check_curve(metrics::deletion_curve(model, x, map, 0, {.steps = 3}), vec({10, 6, 3, 0}), 14.0 / 3.0);
    // Replacement 0.5 removes half of each weight: 10, 8, 6.5, 5.5, 5; area (1/4)(7.5 + 8 + 6.5 + 5.5) = 6.875.
    check_curve(metrics::deletion_curve(model, x, map, 0, {.steps = 4, .replacement = 0.5f}),
                vec({10, 8, 6.5f, 5.5f, 5}), 6.875);
}

TEST_CASE("deletion follows the attribution order, ties by index", "[metrics][faithfulness]") {
    const auto model = two_class_model();
    // Order (1, 2, 0, 3); 2 steps of 2 features: remove 1 and 2 (weights 3 + 2), then 0 and 3.
    // Scores 10, 5, 0; area (1/2)(5 + 5 + 0) = 5.
    check_curve(metrics::deletion_curve(model, Vector::Ones(4), vec({1, 2, 2, 0}), 0, {.steps = 2}),
                vec({10, 5, 0}), 5.0);
    // Target as weights: class 0 minus class 1 weighs the features (3, 2, 1, 0): 6, 3, 1, 0, 0;
    // area (1/4)(3 + 3 + 1 + 0 + 0) = 1.75.
    check_curve(metrics::deletion_curve(model, Vector::Ones(4), vec({4, 3, 2, 1}), Target::difference(0, 1, 2),
                                        {.steps = 4}),
                vec({6, 3, 1, 0, 0}), 1.75);
}

TEST_CASE("insertion curve of a linear model, worked by hand", "[metrics][faithfulness]") {
    const auto model = two_class_model();
    const Vector map = vec({4, 3, 2, 1});
    // From zeros: 0, 4, 7, 9, 10; area (1/4)(0 + 4 + 7 + 9 + 5) = 6.25.
    check_curve(metrics::insertion_curve(model, Vector::Ones(4), map, 0, {.steps = 4, .batch_size = 3}),
                vec({0, 4, 7, 9, 10}), 6.25);
    // Input 2 into baseline 1: each insertion adds the weight once more: 10, 14, 17, 19, 20;
    // area (1/4)(5 + 14 + 17 + 19 + 10) = 16.25.
    check_curve(metrics::insertion_curve(model, Vector::Constant(4, 2.0f), map, 0,
                                         {.steps = 4, .baseline = Vector::Ones(4)}),
                vec({10, 14, 17, 19, 20}), 16.25);
}

TEST_CASE("ROAD imputation on a 3x3 grid, worked by hand", "[metrics][faithfulness][road]") {
    // 1 2 3
    // 4 5 6
    // 7 8 9
    Vector image(9);
    image << 1, 2, 3, 4, 5, 6, 7, 8, 9;
    const ImageShape shape{.height = 3, .width = 3, .channels = 1};
    SECTION("the centre takes the mean of its four neighbours") {
        Mask removed = Mask::Constant(9, false);
        removed[4] = true;
        Vector expected = image;
        expected[4] = (2 + 4 + 6 + 8) / 4.0f;
        CHECK(metrics::road_impute(image, removed, shape).isApprox(expected));
    }
    SECTION("the top row and the centre need two rounds") {
        Mask removed = Mask::Constant(9, false);
        removed[0] = removed[1] = removed[2] = removed[4] = true;
        // Round 1: (0,0) <- mean{4} = 4; (0,2) <- mean{6} = 6; centre <- mean{4, 6, 8} = 6;
        // (0,1) has no known neighbour yet. Round 2: (0,1) <- mean{4, 6, 6} = 16/3.
        Vector expected(9);
        expected << 4, 16.0f / 3.0f, 6, 4, 6, 6, 7, 8, 9;
        const Vector got = metrics::road_impute(image, removed, shape);
        for (Index i = 0; i < 9; ++i) CHECK(got[i] == Approx(expected[i]));
    }
    SECTION("everything removed falls back") {
        CHECK(metrics::road_impute(image, Mask::Constant(9, true), shape, -1.0f) == Vector::Constant(9, -1.0f));
    }
    SECTION("channels are imputed on their own") {
        // 1x3 image, 2 channels: (1, 10 | x, x | 3, 30) -> the middle pixel becomes (2, 20).
        Vector rgb(6);
        rgb << 1, 10, 0, 0, 3, 30;
        Mask removed = Mask::Constant(6, false);
        removed[2] = removed[3] = true;
        const Vector got = metrics::road_impute(rgb, removed, {.height = 1, .width = 3, .channels = 2});
        CHECK(got[2] == Approx(2.0f));
        CHECK(got[3] == Approx(20.0f));
    }
}

TEST_CASE("ROAD curve on a 1x3 image, worked by hand", "[metrics][faithfulness][road]") {
    const auto model = linear_model(Matrix::Ones(1, 3));  // S = x0 + x1 + x2
    const Vector x = vec({1, 2, 3});
    const Vector map = vec({0, 5, 0});
    const ImageShape shape{.height = 1, .width = 3, .channels = 1};
    // MoRF order (1, 0, 2). k=1: x1 <- mean(1, 3) = 2, S = 6. k=2: x1 <- 3 (x0 unknown), then x0 <- 3:
    // S = 9. k=3: all removed, fallback 0: S = 0. Area (1/3)(3 + 6 + 9 + 0) = 6.
    check_curve(metrics::road_curve(model, x, map, shape, 0, {.steps = 3}), vec({6, 6, 9, 0}), 6.0);
    // LeRF order (0, 2, 1). k=1: x0 <- 2, S = 7. k=2: x0, x2 <- 2, S = 6. k=3: 0.
    // Area (1/3)(3 + 7 + 6 + 0) = 16/3.
    check_curve(metrics::road_curve(model, x, map, shape, 0, {.steps = 3, .most_relevant_first = false}),
                vec({6, 7, 6, 0}), 16.0 / 3.0);
}

TEST_CASE("faithfulness curves refuse bad input", "[metrics][faithfulness][errors]") {
    const auto model = two_class_model();
    const Vector x = Vector::Ones(4);
    const Vector map = vec({4, 3, 2, 1});
    CHECK_THROWS_MATCHES(metrics::deletion_curve(model, x, map, 0, {.steps = 0}), argument_error,
                         Catch::Matchers::Message("deletion_curve: steps must be in [1, 4] (the number of features), got 0"));
    CHECK_THROWS_AS(metrics::insertion_curve(model, x, map, 0, {.steps = 5}), argument_error);
    CHECK_THROWS_MATCHES(metrics::deletion_curve(model, x, map, 0, {.steps = 2, .batch_size = 0}), argument_error,
                         Catch::Matchers::Message("deletion_curve: batch_size must be >= 1, got 0"));
    CHECK_THROWS_MATCHES(metrics::deletion_curve(model, x, vec({1, 2, 3}), 0, {.steps = 2}), shape_error,
                         Catch::Matchers::Message("deletion_curve: input has 4 entries but attribution has 3"));
    CHECK_THROWS_MATCHES(metrics::deletion_curve(model, Vector::Ones(3), vec({1, 2, 3}), 0, {.steps = 2}),
                         shape_error, Catch::Matchers::Message("deletion_curve: input has 3 values, the model expects 4"));
    Vector bad = map;
    bad[2] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(metrics::deletion_curve(model, x, bad, 0, {.steps = 2}), numeric_error);
    CHECK_THROWS_AS(metrics::insertion_curve(model, bad, map, 0, {.steps = 2}), numeric_error);
    CHECK_THROWS_AS(metrics::deletion_curve(model, x, map, 0,
                                            {.steps = 2, .replacement = std::numeric_limits<float>::infinity()}),
                    numeric_error);
    CHECK_THROWS_AS(metrics::deletion_curve(model, x, map, 2, {.steps = 2}), argument_error);
    CHECK_THROWS_AS(metrics::insertion_curve(model, x, map, 0, {.steps = 2, .baseline = Vector::Ones(3)}),
                    shape_error);
    CHECK_THROWS_AS(metrics::road_curve(model, x, map, {.height = 3, .width = 1}, 0, {.steps = 2}), shape_error);
    CHECK_THROWS_AS(metrics::road_impute(x, Mask::Constant(3, true), {.height = 2, .width = 2}), shape_error);
}
