// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/statistics.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <vector>

using namespace smoothgrad;
using Catch::Matchers::Contains;

TEST_CASE("student_t_975 gives the table's values, then tends to the normal quantile", "[metrics][statistics]") {
    // Two-sided 95 % points of Student's t from the standard table (e.g. Abramowitz & Stegun, Table 26.10).
    CHECK(metrics::student_t_975(1) == Approx(12.706).margin(5e-4));
    CHECK(metrics::student_t_975(4) == Approx(2.776).margin(5e-4));
    CHECK(metrics::student_t_975(19) == Approx(2.093).margin(5e-4));
    CHECK(metrics::student_t_975(30) == Approx(2.042).margin(5e-4));
    // Beyond the table: the expansion against the table's 40, 60 and 120 rows.
    CHECK(metrics::student_t_975(40) == Approx(2.021).margin(5e-4));
    CHECK(metrics::student_t_975(60) == Approx(2.000).margin(5e-4));
    CHECK(metrics::student_t_975(120) == Approx(1.980).margin(5e-4));
    CHECK(metrics::student_t_975(1'000'000) == Approx(1.959964).margin(1e-5));
    // Monotone across the switch from the table to the expansion.
    CHECK(metrics::student_t_975(31) < metrics::student_t_975(30));
    CHECK_THROWS_WITH(metrics::student_t_975(0), Contains("degrees_of_freedom must be >= 1, got 0"));
}

TEST_CASE("mean_confidence_interval: mean +- t * s / sqrt(n), worked by hand", "[metrics][statistics]") {
    // (1, 2, 3, 4, 5): mean 3, s^2 = (4 + 1 + 0 + 1 + 4) / 4 = 2.5, s / sqrt(5) = sqrt(0.5) = 0.70711;
    // t_{0.975, 4} = 2.776, so the half-width is 1.9629.
    const std::vector<double> values{1, 2, 3, 4, 5};
    const auto summary = metrics::mean_confidence_interval(values);
    CHECK(summary.mean == Approx(3.0));
    CHECK(summary.half_width == Approx(2.776 * 0.7071068).epsilon(1e-6));
    CHECK(summary.count == 5);
    CHECK(summary.lower() == Approx(3.0 - summary.half_width));
    CHECK(summary.upper() == Approx(3.0 + summary.half_width));
    // Constant values: no spread, a zero-width interval.
    const std::vector<double> constant{2.5, 2.5, 2.5};
    CHECK(metrics::mean_confidence_interval(constant).half_width == 0.0);
}

TEST_CASE("paired_difference summarises a_i - b_i, not the two samples apart", "[metrics][statistics]") {
    // Differences (1, 1, 1, 1): the images vary a lot, the methods' gap does not, so the interval is exact.
    const std::vector<double> a{11, 21, 31, 41}, b{10, 20, 30, 40};
    const auto d = metrics::paired_difference(a, b);
    CHECK(d.mean == Approx(1.0));
    CHECK(d.half_width == 0.0);
    // Differences (0, 2): mean 1, s = sqrt(2), s / sqrt(2) = 1, t_{0.975, 1} = 12.706.
    const std::vector<double> c{1, 3}, zero{1, 1};
    CHECK(metrics::paired_difference(c, zero).half_width == Approx(12.706));
}

TEST_CASE("statistics refuse too few values, NaN and mismatched samples", "[metrics][statistics]") {
    const std::vector<double> one{1.0}, two{1.0, 2.0}, three{1.0, 2.0, 3.0};
    CHECK_THROWS_AS(metrics::mean_confidence_interval(one), shape_error);
    CHECK_THROWS_WITH(metrics::mean_confidence_interval(one), Contains("needs at least 2 values, got 1"));
    const std::vector<double> nan{1.0, std::numeric_limits<double>::quiet_NaN()};
    CHECK_THROWS_AS(metrics::mean_confidence_interval(nan), numeric_error);
    CHECK_THROWS_WITH(metrics::paired_difference(two, three), Contains("differ in size: 2 and 3"));
    CHECK_THROWS_AS(metrics::paired_difference(nan, two), numeric_error);
    CHECK_THROWS_WITH(metrics::paired_difference(nan, two), Contains("paired_difference: item 1 is not finite: a = nan"));
    const std::vector<double> inf_at_2{1.0, 2.0, std::numeric_limits<double>::infinity()};
    CHECK_THROWS_WITH(metrics::paired_difference(three, inf_at_2), Contains("item 2 is not finite: a = 3, b = inf"));
}

TEST_CASE("spearman_interval: rho worked by hand, with Fisher's z interval", "[metrics][statistics][correlation]") {
    // 1..10 against the same with 9 and 10 swapped: sum d^2 = 2, rho = 1 - 6 * 2 / (10 * 99).
    std::vector<double> a(10), b(10);
    for (std::size_t i = 0; i < 10; ++i) a[i] = b[i] = static_cast<double>(i + 1);
    std::swap(b[8], b[9]);
    const auto c = metrics::spearman_interval(a, b);
    const double rho = 1.0 - 12.0 / 990.0;
    CHECK(c.value == Approx(rho).epsilon(1e-12));
    CHECK(c.count == 10);
    const double spread = 1.959964 * std::sqrt(1.06 / 7.0);
    CHECK(c.lower == Approx(std::tanh(std::atanh(rho) - spread)).epsilon(1e-12));
    CHECK(c.upper == Approx(std::tanh(std::atanh(rho) + spread)).epsilon(1e-12));
    CHECK(c.lower < c.value);
    CHECK(c.upper < 1.0);

    // Ties share their ranks: (1, 2.5, 2.5, 4) against (1, 2, 3, 4) gives 4.5 / sqrt(4.5 * 5) (scipy's
    // spearmanr: 0.9486833).
    CHECK(metrics::spearman_interval(std::vector<double>{1, 2, 2, 3}, std::vector<double>{1, 2, 3, 4}).value ==
          Approx(0.9486833).epsilon(1e-6));
    // A monotone relation is a correlation of 1, exactly, whatever its shape; reversed, -1.
    const std::vector<double> squares{1, 4, 9, 16, 25};
    const std::vector<double> ones_up{1, 2, 3, 4, 5}, ones_down{5, 4, 3, 2, 1};
    const auto perfect = metrics::spearman_interval(squares, ones_up);
    CHECK(perfect.value == 1.0);
    CHECK(perfect.lower == 1.0);
    CHECK(metrics::spearman_interval(squares, ones_down).value == -1.0);
}

TEST_CASE("spearman_interval refuses too few pairs, NaN, mismatched and constant samples",
          "[metrics][statistics][correlation][errors]") {
    const std::vector<double> three{1, 2, 3}, four{1, 2, 3, 4}, five{1, 2, 3, 4, 5};
    CHECK_THROWS_AS(metrics::spearman_interval(three, three), shape_error);
    CHECK_THROWS_AS(metrics::spearman_interval(four, five), shape_error);
    CHECK_THROWS_WITH(metrics::spearman_interval(std::vector<double>{1, 2, std::nan(""), 4}, four),
                      Catch::Contains("spearman_interval") && Catch::Contains("pair 2"));
    CHECK_THROWS_WITH(metrics::spearman_interval(four, std::vector<double>{7, 7, 7, 7}),
                      Catch::Contains("second sample is constant"));
}
