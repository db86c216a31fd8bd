// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The statistic of the model-randomization sanity check (Adebayo et al. 2018, "Sanity checks for
/// saliency maps"): a method whose map hardly changes when the network's weights are randomized does not
/// explain the network. The cascade itself needs the network; this header only compares two maps.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <vector>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/metrics/checks.hpp"

namespace smoothgrad::metrics {

/// The ranks 1..n of the entries of `values` (1 = smallest); tied entries share the average of the
/// ranks they occupy (the "fractional" ranking), e.g. (10, 20, 20, 30) -> (1, 2.5, 2.5, 4).
/// Throws shape_error on an empty vector, numeric_error on NaN or Inf.
[[nodiscard]] inline std::vector<double> fractional_ranks(const Vector& values) {
    detail::check_map(values, "fractional_ranks", "values");
    const auto n = static_cast<std::size_t>(values.size());
    std::vector<Index> order(n);
    std::iota(order.begin(), order.end(), Index{0});
    std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return values[a] < values[b]; });
    std::vector<double> ranks(n);
    for (std::size_t start = 0; start < n;) {
        std::size_t end = start + 1;
        while (end < n && values[order[end]] == values[order[start]]) ++end;
        // Positions start..end-1 hold equal values: ranks start+1..end, whose mean is (start+1+end)/2.
        const double rank = 0.5 * static_cast<double>(start + 1 + end);
        for (std::size_t k = start; k < end; ++k) ranks[static_cast<std::size_t>(order[k])] = rank;
        start = end;
    }
    return ranks;
}

/// Spearman's rank correlation: the Pearson correlation of the fractional ranks of `a` and `b`.
///
///     rho = sum_i (r_i - rbar)(s_i - sbar) / sqrt(sum_i (r_i - rbar)^2 * sum_i (s_i - sbar)^2)
///
/// in [-1, 1]. Without ties it equals the textbook 1 - 6 sum d_i^2 / (n (n^2 - 1)), d_i = r_i - s_i;
/// with ties the Pearson form is the standard correction. Adebayo et al. compare maps both as signed
/// values and as magnitudes; pass |a| and |b| for the latter.
/// Throws shape_error on empty maps, maps of different sizes or fewer than 2 entries, numeric_error on
/// NaN or Inf and on a constant map, whose ranks carry no order (the correlation is undefined).
[[nodiscard]] inline double spearman(const Vector& a, const Vector& b) {
    constexpr std::string_view who = "spearman";
    detail::check_map(a, who, "first map");
    detail::check_map(b, who, "second map");
    detail::check_same_size(a.size(), b.size(), who, "first map", "second map");
    detail::require<shape_error>(a.size() >= 2, who, "needs at least 2 entries, got ", a.size());
    const std::vector<double> r = fractional_ranks(a);
    const std::vector<double> s = fractional_ranks(b);
    // Both rank vectors have mean (n + 1) / 2, whatever the ties.
    const double mean = 0.5 * (static_cast<double>(r.size()) + 1.0);
    double cross = 0.0;
    double rr = 0.0;
    double ss = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        cross += (r[i] - mean) * (s[i] - mean);
        rr += (r[i] - mean) * (r[i] - mean);
        ss += (s[i] - mean) * (s[i] - mean);
    }
    detail::require<numeric_error>(rr > 0.0, who, "the first map is constant, its rank correlation is undefined");
    detail::require<numeric_error>(ss > 0.0, who, "the second map is constant, its rank correlation is undefined");
    return cross / std::sqrt(rr * ss);
}

}  // namespace smoothgrad::metrics
