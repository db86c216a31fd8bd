// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Mean and 95 % confidence interval of a metric over many images, and of the paired difference of two
/// methods on the same images: what a claim such as "SmoothGrad maps are more coherent" rests on.
///
///     auto d = metrics::paired_difference(tv_smooth, tv_vanilla);   // per image, smooth - vanilla
///     bool smoother = d.upper() < 0;                                  // the whole interval is below 0
///
/// And Spearman's rank correlation of two per-image quantities with its interval: does an image's
/// property go with what a method gains on it?

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <span>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad::metrics {

/// The mean of a sample and the half-width of its 95 % confidence interval.
struct Summary {
    double mean = 0.0;
    /// t_{0.975, count-1} * s / sqrt(count), with s the sample standard deviation.
    double half_width = 0.0;
    /// How many values the summary is of.
    Index count = 0;

    [[nodiscard]] double lower() const noexcept { return mean - half_width; }
    [[nodiscard]] double upper() const noexcept { return mean + half_width; }
};

/// The 97.5 % quantile of Student's t distribution with `degrees_of_freedom` (>= 1) degrees of freedom:
/// the factor of a two-sided 95 % confidence interval.
///
/// Degrees of freedom 1-30 come from the standard table (12.706, 4.303, ..., 2.042); above 30, the
/// Cornish-Fisher expansion in 1/nu around the normal quantile z = 1.959964 (Abramowitz & Stegun
/// 26.7.5), whose error there is below 1e-5, tends to z as nu grows.
/// Throws argument_error for degrees_of_freedom < 1.
[[nodiscard]] inline double student_t_975(Index degrees_of_freedom) {
    smoothgrad::detail::require(degrees_of_freedom >= 1, "student_t_975", "degrees_of_freedom must be >= 1, got ",
                                degrees_of_freedom);
    static constexpr std::array<double, 30> table{
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120,  2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    // (The lower bound is checked again so that GCC sees that the index cannot be negative.)
    if (degrees_of_freedom >= 1 && degrees_of_freedom <= static_cast<Index>(table.size()))
        return table[static_cast<std::size_t>(degrees_of_freedom - 1)];
    const double z = 1.959963984540054, z2 = z * z;
    const double nu = static_cast<double>(degrees_of_freedom);
    const double g1 = (z2 + 1.0) * z / 4.0;
    const double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    const double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    const double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    return z + g1 / nu + g2 / (nu * nu) + g3 / (nu * nu * nu) + g4 / (nu * nu * nu * nu);
}

/// Mean and 95 % confidence interval of `values` by Student's t: mean +- t_{0.975, n-1} * s / sqrt(n),
/// s^2 = sum (v - mean)^2 / (n - 1). The interval assumes independent values; over a few hundred images
/// it holds for skewed metrics too (central limit theorem). Computed in double, in two passes.
/// Throws shape_error for fewer than 2 values, numeric_error on NaN or Inf.
[[nodiscard]] inline Summary mean_confidence_interval(std::span<const double> values) {
    constexpr std::string_view who = "mean_confidence_interval";
    const auto n = static_cast<Index>(values.size());
    smoothgrad::detail::require<shape_error>(n >= 2, who, "needs at least 2 values, got ", n);
    double sum = 0.0;
    for (const double v : values) {
        smoothgrad::detail::require<numeric_error>(std::isfinite(v), who, "the values hold NaN or Inf");
        sum += v;
    }
    const double mean = sum / static_cast<double>(n);
    double squares = 0.0;
    for (const double v : values) squares += (v - mean) * (v - mean);
    const double stddev = std::sqrt(squares / static_cast<double>(n - 1));
    return {mean, student_t_975(n - 1) * stddev / std::sqrt(static_cast<double>(n)), n};
}

/// The summary of the per-item differences a_i - b_i: the paired comparison of two methods measured on
/// the same images, which cancels the variation between images that unpaired intervals carry.
/// Throws shape_error unless a and b have the same size (>= 2), numeric_error naming the item that holds
/// NaN or Inf.
[[nodiscard]] inline Summary paired_difference(std::span<const double> a, std::span<const double> b) {
    constexpr std::string_view who = "paired_difference";
    smoothgrad::detail::require<shape_error>(a.size() == b.size(), who, "the samples differ in size: ", a.size(),
                                             " and ", b.size());
    std::vector<double> difference(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        smoothgrad::detail::require<numeric_error>(std::isfinite(a[i]) && std::isfinite(b[i]), who, "item ", i,
                                                   " is not finite: a = ", a[i], ", b = ", b[i]);
        difference[i] = a[i] - b[i];
    }
    return mean_confidence_interval(difference);
}

/// The ranks 1..n of `values` (1 = smallest); tied values share the average of the ranks they occupy
/// (the "fractional" ranking), e.g. (10, 20, 20, 30) -> (1, 2.5, 2.5, 4). The caller checks the values.
[[nodiscard]] inline std::vector<double> fractional_ranks(std::span<const double> values) {
    const std::size_t n = values.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(n);
    for (std::size_t start = 0; start < n;) {
        std::size_t end = start + 1;
        while (end < n && values[order[end]] == values[order[start]]) ++end;
        // Positions start..end-1 hold equal values: ranks start+1..end, whose mean is (start+1+end)/2.
        const double rank = 0.5 * static_cast<double>(start + 1 + end);
        for (std::size_t k = start; k < end; ++k) ranks[order[k]] = rank;
        start = end;
    }
    return ranks;
}

namespace statistics_detail {

/// The Pearson correlation of two rank vectors of one size; numeric_error naming `who` and `what` they rank
/// if either is constant.
[[nodiscard]] inline double correlation_of_ranks(const std::vector<double>& r, const std::vector<double>& s,
                                                 std::string_view who, std::string_view what) {
    // Both rank vectors have mean (n + 1) / 2, whatever the ties.
    const double mean = 0.5 * (static_cast<double>(r.size()) + 1.0);
    double cross = 0.0, rr = 0.0, ss = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        cross += (r[i] - mean) * (s[i] - mean);
        rr += (r[i] - mean) * (r[i] - mean);
        ss += (s[i] - mean) * (s[i] - mean);
    }
    smoothgrad::detail::require<numeric_error>(rr > 0.0, who, "the first ", what,
                                               " is constant, its rank correlation is undefined");
    smoothgrad::detail::require<numeric_error>(ss > 0.0, who, "the second ", what,
                                               " is constant, its rank correlation is undefined");
    return cross / std::sqrt(rr * ss);
}

}  // namespace statistics_detail

/// A correlation with its 95 % confidence interval.
struct Correlation {
    double value = 0.0;
    double lower = 0.0;
    double upper = 0.0;
    Index count = 0;  ///< pairs it is of
};

/// Spearman's rank correlation of the pairs (a_i, b_i), with a 95 % interval from Fisher's z:
/// tanh(atanh(rho) -+ 1.959964 * sqrt(1.06 / (n - 3))), the variance of Fieller, Hartley & Pearson (1957)
/// for rank correlations. A perfect correlation (|rho| = 1) gets the interval [rho, rho], whatever n: Fisher's
/// z is infinite there, so treat it with care for small n. Throws shape_error unless a and b have one size
/// >= 4, numeric_error naming the pair that holds NaN or Inf, or when either side is constant.
[[nodiscard]] inline Correlation spearman_interval(std::span<const double> a, std::span<const double> b) {
    constexpr std::string_view who = "spearman_interval";
    smoothgrad::detail::require<shape_error>(a.size() == b.size(), who, "the samples differ in size: ", a.size(),
                                             " and ", b.size());
    smoothgrad::detail::require<shape_error>(a.size() >= 4, who, "needs at least 4 pairs, got ", a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        smoothgrad::detail::require<numeric_error>(std::isfinite(a[i]) && std::isfinite(b[i]), who, "pair ", i,
                                                   " is not finite: a = ", a[i], ", b = ", b[i]);
    }
    const double rho = statistics_detail::correlation_of_ranks(fractional_ranks(a), fractional_ranks(b), who, "sample");
    const auto n = static_cast<Index>(a.size());
    if (std::abs(rho) >= 1.0) return {rho, rho, rho, n};
    const double z = std::atanh(rho);
    const double spread = 1.959964 * std::sqrt(1.06 / static_cast<double>(n - 3));
    return {rho, std::tanh(z - spread), std::tanh(z + spread), n};
}

}  // namespace smoothgrad::metrics
