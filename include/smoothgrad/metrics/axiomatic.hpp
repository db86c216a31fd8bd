// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Axiomatic checks. Completeness (Sundararajan et al. 2017, "Axiomatic attribution for deep networks"):
/// integrated-gradient attributions add up to S(x) - S(x'). A quadrature only approximates the path
/// integral, so the check has a tolerance and is never an exact float comparison.

#include <cmath>
#include <string_view>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/metrics/checks.hpp"

namespace smoothgrad::metrics {

/// Tolerances of completeness(); the gap passes if |gap| <= rtol * |S(x) - S(x')| + atol.
struct CompletenessParams {
    /// Relative tolerance, against the score difference (default 1 %).
    double rtol = 1e-2;
    /// Absolute tolerance, for score differences near 0 (default 1e-4).
    double atol = 1e-4;
};

/// The outcome of a completeness check.
struct Completeness {
    /// sum_i a_i, accumulated in double.
    double attribution_sum = 0.0;
    /// S(x) - S(x').
    double score_difference = 0.0;
    /// attribution_sum - score_difference.
    double gap = 0.0;
    /// |gap| <= rtol * |score_difference| + atol.
    bool holds = false;
};

/// Completeness of an attribution of S(x) against the baseline x':
///
///     gap = sum_i a_i - (S(x) - S(x')),    holds = |gap| <= rtol * |S(x) - S(x')| + atol
///
/// Throws shape_error on an empty attribution, numeric_error on NaN or Inf in it or in the scores,
/// argument_error on a negative or non-finite tolerance.
[[nodiscard]] inline Completeness completeness(const Vector& attribution, double score_input,
                                               double score_baseline, const CompletenessParams& params = {}) {
    constexpr std::string_view who = "completeness";
    detail::check_map(attribution, who, "attribution");
    detail::require<numeric_error>(std::isfinite(score_input), who, "score_input must be finite, got ", score_input);
    detail::require<numeric_error>(std::isfinite(score_baseline), who, "score_baseline must be finite, got ",
                                   score_baseline);
    detail::require(std::isfinite(params.rtol) && params.rtol >= 0.0, who, "rtol must be finite and >= 0, got ",
                    params.rtol);
    detail::require(std::isfinite(params.atol) && params.atol >= 0.0, who, "atol must be finite and >= 0, got ",
                    params.atol);
    Completeness result;
    for (Index i = 0; i < attribution.size(); ++i) result.attribution_sum += attribution[i];
    result.score_difference = score_input - score_baseline;
    result.gap = result.attribution_sum - result.score_difference;
    result.holds = std::abs(result.gap) <= params.rtol * std::abs(result.score_difference) + params.atol;
    return result;
}

}  // namespace smoothgrad::metrics
