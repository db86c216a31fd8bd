// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Complexity of a map: how concentrated its magnitude is on a few features. A sparse, concentrated map
/// is easier to read; a map that spreads evenly over the image explains little.

#include <algorithm>
#include <cmath>
#include <vector>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/metrics/checks.hpp"

namespace smoothgrad::metrics {

/// Gini index of |map|, the sparseness measure of Hurley & Rickard (2009) used for attributions by
/// Chalasani et al. (2020).
///
/// With the magnitudes sorted ascending, c_(1) <= ... <= c_(n), c = |a|:
///
///     G = 1 - 2 * sum_k (c_(k) / ||c||_1) * (n - k + 1/2) / n
///
/// G is 0 for a constant map and (n - 1)/n for a one-hot map, its maximum. An all-zero map is treated as
/// constant (G = 0): it concentrates nothing. Computed in double.
/// Throws shape_error on an empty map, numeric_error on NaN or Inf.
[[nodiscard]] inline double gini(const Vector& map) {
    constexpr std::string_view who = "gini";
    detail::check_map(map, who);
    std::vector<double> c(static_cast<std::size_t>(map.size()));
    for (Index i = 0; i < map.size(); ++i) c[static_cast<std::size_t>(i)] = std::abs(static_cast<double>(map[i]));
    std::sort(c.begin(), c.end());
    double total = 0.0;
    for (const double v : c) total += v;
    if (total == 0.0) return 0.0;
    const auto n = static_cast<double>(c.size());
    double weighted = 0.0;
    for (std::size_t k = 0; k < c.size(); ++k) {
        // k is 0-based here, so (n - k + 1/2) with a 1-based k becomes (n - k - 1/2).
        weighted += (c[k] / total) * (n - static_cast<double>(k) - 0.5) / n;
    }
    return 1.0 - 2.0 * weighted;
}

/// Shannon entropy (natural log) of the normalized magnitudes, the complexity of Bhatt et al. (2020).
///
///     p_i = |a_i| / sum_j |a_j|,    H = -sum_i p_i ln p_i    (0 ln 0 = 0)
///
/// H is 0 for a one-hot map and ln n for a constant one, its maximum. An all-zero map is treated as
/// constant (H = ln n), consistently with gini(): no feature stands out. Computed in double.
/// Throws shape_error on an empty map, numeric_error on NaN or Inf.
[[nodiscard]] inline double entropy(const Vector& map) {
    constexpr std::string_view who = "entropy";
    detail::check_map(map, who);
    double total = 0.0;
    for (Index i = 0; i < map.size(); ++i) total += std::abs(static_cast<double>(map[i]));
    if (total == 0.0) return std::log(static_cast<double>(map.size()));
    double h = 0.0;
    for (Index i = 0; i < map.size(); ++i) {
        const double p = std::abs(static_cast<double>(map[i])) / total;
        if (p > 0.0) h -= p * std::log(p);
    }
    return h;
}

}  // namespace smoothgrad::metrics
