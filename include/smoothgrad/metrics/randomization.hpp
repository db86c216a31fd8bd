// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The statistic of the model-randomization sanity check (Adebayo et al. 2018, "Sanity checks for
/// saliency maps"): a method whose map hardly changes when the network's weights are randomized does not
/// explain the network. The cascade itself needs the network; this header only compares two maps.

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/metrics/checks.hpp"
#include "smoothgrad/metrics/statistics.hpp"

namespace smoothgrad::metrics {

/// The fractional ranks of the entries of a map (see the span overload in statistics.hpp).
/// Throws shape_error on an empty vector, numeric_error on NaN or Inf.
[[nodiscard]] inline std::vector<double> fractional_ranks(const Vector& values) {
    detail::check_map(values, "fractional_ranks", "values");
    const std::vector<double> copy(values.data(), values.data() + values.size());
    return fractional_ranks(std::span<const double>(copy));
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
    return statistics_detail::correlation_of_ranks(fractional_ranks(a), fractional_ranks(b), who, "map");
}

}  // namespace smoothgrad::metrics
