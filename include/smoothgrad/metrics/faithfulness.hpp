// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Faithfulness: does the model's score follow the map? Remove the features the map ranks highest and
/// the score should fall fast (deletion); add them to a blank baseline and it should rise fast
/// (insertion), as in Petsiuk et al. (2018, RISE). ROAD (Rong et al. 2022) imputes removed pixels from
/// their neighbours instead, so that a drop in score is not merely the model reacting to an
/// out-of-distribution patch of constant value.
///
///     auto curve = metrics::deletion_curve(model, x, map, label, {.steps = 28});
///     double auc = curve.area;   // smaller is better for deletion, larger for insertion

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <utility>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/metrics/checks.hpp"

namespace smoothgrad::metrics {

/// A perturbation curve: the target score after k of `steps` steps, k = 0..steps.
struct Curve {
    /// The fraction of steps done, k / steps: 0, 1/steps, ..., 1.
    Vector fractions;
    /// The target score w^T scores(x_k) of the input after k steps; scores[0] is the unperturbed start.
    Vector scores;
    /// The area under the curve on [0, 1] by the trapezoid rule (see area_under_curve()).
    double area = 0.0;
};

/// Parameters of deletion_curve().
struct DeletionParams {
    /// Number of equal chunks the features are removed in (1 <= steps <= number of features).
    Index steps = 20;
    /// The value a removed feature is set to (default 0: black on images scaled to [0, 1]).
    float replacement = 0.0f;
    /// How many perturbed inputs go to the model in one call (>= 1).
    Index batch_size = 32;
};

/// Parameters of insertion_curve().
struct InsertionParams {
    /// Number of equal chunks the features are inserted in (1 <= steps <= number of features).
    Index steps = 20;
    /// The input the features are inserted into; empty (the default) means all zeros.
    Vector baseline = {};
    /// How many perturbed inputs go to the model in one call (>= 1).
    Index batch_size = 32;
};

/// Parameters of road_curve().
struct RoadParams {
    /// Number of equal chunks the features are removed in (1 <= steps <= number of features).
    Index steps = 20;
    /// true: remove the most relevant features first (MoRF, the score should fall fast); false: the least
    /// relevant first (LeRF, the score should stay).
    bool most_relevant_first = true;
    /// The value of removed features that no imputation can reach (only when every feature of a channel
    /// is removed).
    float fallback = 0.0f;
    /// How many perturbed inputs go to the model in one call (>= 1).
    Index batch_size = 32;
};

/// The order in which features are perturbed: indices sorted by attribution, descending (or ascending),
/// ties broken by the lower index first, so that the order is deterministic.
[[nodiscard]] inline std::vector<Index> attribution_order(const Vector& attribution, bool descending = true) {
    detail::check_map(attribution, "attribution_order", "attribution");
    std::vector<Index> order(static_cast<std::size_t>(attribution.size()));
    std::iota(order.begin(), order.end(), Index{0});
    std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
        return descending ? attribution[a] > attribution[b] : attribution[a] < attribution[b];
    });
    return order;
}

/// The area under a curve sampled at the equally spaced points 0, 1/m, ..., 1 (m = size - 1) by the
/// trapezoid rule: (1/m) * (y_0/2 + y_1 + ... + y_{m-1} + y_m/2).
/// Throws shape_error on fewer than 2 points, numeric_error on NaN or Inf.
[[nodiscard]] inline double area_under_curve(const Vector& values) {
    constexpr std::string_view who = "area_under_curve";
    detail::check_map(values, who, "values");
    detail::require<shape_error>(values.size() >= 2, who, "needs at least 2 points, got ", values.size());
    const Index m = values.size() - 1;
    double sum = 0.5 * (static_cast<double>(values[0]) + static_cast<double>(values[m]));
    for (Index k = 1; k < m; ++k) sum += values[k];
    return sum / static_cast<double>(m);
}

/// ROAD's imputation, without its noise: each removed feature takes the mean of its known 4-neighbours
/// (up, down, left, right; same channel) on the image grid.
///
/// Known means not removed, or imputed in an earlier round. Round by round, every removed feature with
/// at least one known neighbour is set to the mean of those neighbours' values from before the round
/// (so the result does not depend on the order of visits), until every removed feature is imputed.
/// Removed features with no path to a known one (every feature of the channel removed) get `fallback`.
/// Rong et al. (2022) solve one linear system for all removed pixels and add noise; this simpler,
/// deterministic fill has the same purpose: removed regions look like their surroundings.
/// Throws shape_error if the sizes do not fit `shape`, numeric_error on NaN or Inf.
[[nodiscard]] inline Vector road_impute(const Vector& input, const Mask& removed, const ImageShape& shape,
                                        float fallback = 0.0f) {
    constexpr std::string_view who = "road_impute";
    detail::check_map(input, who, "input");
    smoothgrad::detail::check_shape(input, shape, who);
    detail::check_same_size(input.size(), removed.size(), who, "input", "removed mask");
    detail::require<numeric_error>(std::isfinite(fallback), who, "fallback must be finite, got ", fallback);
    Vector out = input;
    std::vector<bool> known(static_cast<std::size_t>(input.size()));
    std::vector<Index> pending;
    for (Index i = 0; i < input.size(); ++i) {
        known[static_cast<std::size_t>(i)] = !removed[i];
        if (removed[i]) pending.push_back(i);
    }
    std::vector<std::pair<Index, float>> updates;
    while (!pending.empty()) {
        updates.clear();
        std::vector<Index> still;
        for (const Index i : pending) {
            const Index c = i % shape.channels;
            const Index pixel = i / shape.channels;
            const Index y = pixel / shape.width;
            const Index x = pixel % shape.width;
            double sum = 0.0;
            int count = 0;
            const auto visit = [&](Index yy, Index xx) {
                const Index j = shape.offset(yy, xx, c);
                if (known[static_cast<std::size_t>(j)]) {
                    sum += out[j];
                    ++count;
                }
            };
            if (y > 0) visit(y - 1, x);
            if (y + 1 < shape.height) visit(y + 1, x);
            if (x > 0) visit(y, x - 1);
            if (x + 1 < shape.width) visit(y, x + 1);
            if (count > 0) {
                updates.emplace_back(i, static_cast<float>(sum / count));
            } else {
                still.push_back(i);
            }
        }
        if (updates.empty()) {
            // Nothing known is reachable: these features are cut off from every kept value.
            for (const Index i : still) out[i] = fallback;
            break;
        }
        for (const auto& [i, value] : updates) {
            out[i] = value;
            known[static_cast<std::size_t>(i)] = true;
        }
        pending = std::move(still);
    }
    return out;
}

namespace detail {

/// After step k of `steps`, the first floor(k * n / steps) features in the order have been perturbed.
[[nodiscard]] inline Index chunk_end(Index k, Index n, Index steps) { return k * n / steps; }

inline void check_steps(Index steps, Index batch_size, Index n, std::string_view who) {
    require(steps >= 1 && steps <= n, who, "steps must be in [1, ", n, "] (the number of features), got ", steps);
    require(batch_size >= 1, who, "batch_size must be >= 1, got ", batch_size);
}

/// Checks the common arguments of the curves and returns the target's output weights.
template <DifferentiableModel M>
[[nodiscard]] Vector check_curve_call(const M& model, const Vector& input, const Vector& attribution,
                                      const Target& target, std::string_view who) {
    check_map(input, who, "input");
    check_map(attribution, who, "attribution");
    const auto features = static_cast<Index>(model.input_size());
    require<shape_error>(input.size() == features, who, "input has ", input.size(),
                         " values, the model expects ", features);
    check_same_size(input.size(), attribution.size(), who, "input", "attribution");
    return target.weights(static_cast<Index>(model.num_classes()), who);
}

/// Runs `steps + 1` perturbed inputs through the model in batches. `next(k, column)` writes the input
/// after step k into `column`; it is called for k = 0, 1, ..., steps in that order.
template <DifferentiableModel M, class Next>
[[nodiscard]] Curve run_curve(const M& model, const Vector& weights, Index features, Index steps,
                              Index batch_size, Next&& next, std::string_view who) {
    const Index points = steps + 1;
    Curve curve{Vector(points), Vector(points), 0.0};
    for (Index k = 0; k < points; ++k) curve.fractions[k] = static_cast<float>(k) / static_cast<float>(steps);
    Vector column(features);
    for (Index start = 0; start < points; start += batch_size) {
        const Index cols = std::min(batch_size, points - start);
        Matrix batch(features, cols);
        for (Index j = 0; j < cols; ++j) {
            next(start + j, column);
            batch.col(j) = column;
        }
        const Matrix scores = model.scores(batch);
        require<shape_error>(scores.rows() == weights.size() && scores.cols() == cols, who,
                             "the model returned scores of shape ", scores.rows(), "x", scores.cols(), ", expected ",
                             weights.size(), "x", cols);
        require<numeric_error>(scores.allFinite(), who, "the model returned NaN or Inf scores");
        curve.scores.segment(start, cols) = (weights.transpose() * scores).transpose();
    }
    curve.area = area_under_curve(curve.scores);
    return curve;
}

}  // namespace detail

/// The deletion curve (Petsiuk et al. 2018): the target score while the features are set to
/// `replacement` in order of decreasing attribution (ties: lower index first), in `steps` equal chunks.
///
/// After step k the first floor(k * n / steps) features of attribution_order(attribution) are replaced;
/// scores[k] = w^T scores(x_k) with w the target's output weights. A faithful map makes the score drop
/// early, so a smaller area is better. Features are the entries of the flat input (each channel on its
/// own); pass an attribution repeated over channels to remove whole pixels.
/// Throws shape_error on sizes that do not fit the model, numeric_error on NaN or Inf, argument_error on
/// steps outside [1, n], batch_size < 1, a non-finite replacement or a target that does not fit.
template <DifferentiableModel M>
[[nodiscard]] Curve deletion_curve(const M& model, const Vector& input, const Vector& attribution,
                                   const Target& target, const DeletionParams& params = {}) {
    constexpr std::string_view who = "deletion_curve";
    const Vector w = detail::check_curve_call(model, input, attribution, target, who);
    const Index n = input.size();
    detail::check_steps(params.steps, params.batch_size, n, who);
    detail::require<numeric_error>(std::isfinite(params.replacement), who, "replacement must be finite, got ",
                                   params.replacement);
    const std::vector<Index> order = attribution_order(attribution);
    Vector current = input;
    Index done = 0;
    const auto next = [&](Index k, Vector& column) {
        for (const Index end = detail::chunk_end(k, n, params.steps); done < end; ++done) {
            current[order[static_cast<std::size_t>(done)]] = params.replacement;
        }
        column = current;
    };
    return detail::run_curve(model, w, n, params.steps, params.batch_size, next, who);
}

/// The insertion curve (Petsiuk et al. 2018): the target score while the features of the input are
/// copied into the baseline (default all zeros) in order of decreasing attribution (ties: lower index
/// first), in `steps` equal chunks.
///
/// After step k the first floor(k * n / steps) features of attribution_order(attribution) hold the
/// input's values and the rest the baseline's; scores[k] = w^T scores(x_k). A faithful map makes the
/// score rise early, so a larger area is better.
/// Throws like deletion_curve(), and shape_error on a non-empty baseline of the wrong size.
template <DifferentiableModel M>
[[nodiscard]] Curve insertion_curve(const M& model, const Vector& input, const Vector& attribution,
                                    const Target& target, const InsertionParams& params = {}) {
    constexpr std::string_view who = "insertion_curve";
    const Vector w = detail::check_curve_call(model, input, attribution, target, who);
    const Index n = input.size();
    detail::check_steps(params.steps, params.batch_size, n, who);
    Vector current = Vector::Zero(n);
    if (params.baseline.size() > 0) {
        detail::check_same_size(n, params.baseline.size(), who, "input", "baseline");
        detail::check_map(params.baseline, who, "baseline");
        current = params.baseline;
    }
    const std::vector<Index> order = attribution_order(attribution);
    Index done = 0;
    const auto next = [&](Index k, Vector& column) {
        for (const Index end = detail::chunk_end(k, n, params.steps); done < end; ++done) {
            const Index i = order[static_cast<std::size_t>(done)];
            current[i] = input[i];
        }
        column = current;
    };
    return detail::run_curve(model, w, n, params.steps, params.batch_size, next, who);
}

/// A ROAD curve (Rong et al. 2022, "A consistent and efficient evaluation strategy for attribution
/// methods"): like deletion_curve(), but removed features are imputed by road_impute() from the kept
/// ones, on the image grid `shape`.
///
/// After step k the first floor(k * n / steps) features of attribution_order(attribution,
/// most_relevant_first) are removed, and x_k = road_impute(input, removed_k, shape, fallback): each
/// step imputes from the original input, not from the previous step. scores[k] = w^T scores(x_k).
/// MoRF (default): smaller area is better; LeRF: larger area is better.
/// Throws like deletion_curve(), and shape_error if `shape` does not describe the input.
template <DifferentiableModel M>
[[nodiscard]] Curve road_curve(const M& model, const Vector& input, const Vector& attribution,
                               const ImageShape& shape, const Target& target, const RoadParams& params = {}) {
    constexpr std::string_view who = "road_curve";
    const Vector w = detail::check_curve_call(model, input, attribution, target, who);
    smoothgrad::detail::check_shape(input, shape, who);
    const Index n = input.size();
    detail::check_steps(params.steps, params.batch_size, n, who);
    detail::require<numeric_error>(std::isfinite(params.fallback), who, "fallback must be finite, got ",
                                   params.fallback);
    const std::vector<Index> order = attribution_order(attribution, params.most_relevant_first);
    Mask removed = Mask::Constant(n, false);
    Index done = 0;
    const auto next = [&](Index k, Vector& column) {
        for (const Index end = detail::chunk_end(k, n, params.steps); done < end; ++done) {
            removed[order[static_cast<std::size_t>(done)]] = true;
        }
        column = road_impute(input, removed, shape, params.fallback);
    };
    return detail::run_curve(model, w, n, params.steps, params.batch_size, next, who);
}

}  // namespace smoothgrad::metrics
