// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Convergence of a sampled map: how far the SmoothGrad map from n samples is from a reference map
/// (e.g. the same input with a much larger n), to see where more samples stop paying off.

#include <cmath>
#include <string_view>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/metrics/checks.hpp"
#include "smoothgrad/metrics/randomization.hpp"

namespace smoothgrad::metrics {

/// Relative L2 distance ||map - reference||_2 / ||reference||_2, in double.
/// Throws shape_error on empty maps or maps of different sizes, numeric_error on NaN or Inf and on an
/// all-zero reference (no scale to be relative to).
[[nodiscard]] inline double relative_l2_distance(const Vector& map, const Vector& reference) {
    constexpr std::string_view who = "relative_l2_distance";
    detail::check_map(map, who, "map");
    detail::check_map(reference, who, "reference");
    detail::check_same_size(map.size(), reference.size(), who, "map", "reference");
    double diff = 0.0;
    double norm = 0.0;
    for (Index i = 0; i < map.size(); ++i) {
        const double r = reference[i];
        const double d = static_cast<double>(map[i]) - r;
        diff += d * d;
        norm += r * r;
    }
    detail::require<numeric_error>(norm > 0.0, who, "the reference map is all zero");
    return std::sqrt(diff / norm);
}

/// Two distances of a map to its reference: one of the values, one of the order.
struct ConvergenceDistance {
    /// relative_l2_distance(map, reference): 0 when equal, scale-aware.
    double relative_l2 = 0.0;
    /// 1 - spearman(map, reference), in [0, 2]: 0 when the two rank the features alike, whatever the scale.
    double rank_distance = 0.0;
};

/// Both distances of `map` to `reference`; throws like relative_l2_distance() and spearman().
[[nodiscard]] inline ConvergenceDistance convergence_distance(const Vector& map, const Vector& reference) {
    return {relative_l2_distance(map, reference), 1.0 - spearman(map, reference)};
}

}  // namespace smoothgrad::metrics
