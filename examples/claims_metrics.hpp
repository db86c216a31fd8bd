// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The metrics of one Fashion-MNIST map as the claims programs (paper_claims, paper_open_questions) judge
// it: complexity, coherence, localization and the three perturbation curves.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

#include <smoothgrad/metrics/metrics.hpp>

namespace claims {

using smoothgrad::ImageShape;
using smoothgrad::Index;
using smoothgrad::Vector;

enum Metric : std::size_t {
    gini, entropy, total_variation, morans, localization, pointing, deletion, insertion, road, metric_count
};

struct MetricInfo {
    std::string_view key;    ///< file names
    std::string_view label;  ///< tables and plots
    /// +1: larger is better, -1: smaller is better, 0: no direction is better (a description).
    int better;
};

constexpr std::array<MetricInfo, metric_count> metric_info{{
    {"gini", "Gini (sparseness)", 0},
    {"entropy", "entropy", 0},
    {"total_variation", "total variation ↓", -1},
    {"morans_i", "Moran's I ↑", +1},
    {"localization", "mass on object ↑", +1},
    {"pointing", "pointing game ↑", +1},
    {"deletion", "deletion AUC ↓", -1},
    {"insertion", "insertion AUC ↑", +1},
    {"road", "ROAD AUC ↓", -1},
}};

/// The metrics of one map and its three perturbation curves (the target's logit at each step).
struct Evaluation {
    std::array<double, metric_count> values{};
    Vector deletion_curve, insertion_curve, road_curve;
};

/// Every metric of `map`, the explanation of class `label` for the 28x28 image `x`. The map is judged
/// as the paper shows it, by magnitude: |map| is what the metrics see and what orders the pixels of the
/// perturbation curves. Removed pixels become 0 (the black background), ROAD's are imputed.
/// Without `curves`, the three curve metrics are left out (they cost 3 * (steps + 1) forward passes).
template <class Model>
Evaluation evaluate(const Model& net, const Vector& x, Index label, const Vector& map, const smoothgrad::metrics::Mask& object,
                    ImageShape shape, Index steps, bool curves = true) {
    const Vector magnitude = map.cwiseAbs();
    Evaluation e;
    // A metric that a map leaves undefined is NaN: Grad-CAM's map is all 0 where a class has no positive
    // evidence at the layer, and such a map has no sparseness, autocorrelation or mass to measure.
    const auto defined = [](const auto& measure) {
        try {
            return static_cast<double>(measure());
        } catch (const smoothgrad::numeric_error&) {
            return std::numeric_limits<double>::quiet_NaN();
        }
    };
    const bool constant = magnitude.maxCoeff() == magnitude.minCoeff();
    const double undefined = std::numeric_limits<double>::quiet_NaN();
    e.values[gini] = constant ? undefined : defined([&] { return smoothgrad::metrics::gini(magnitude); });
    e.values[entropy] = constant ? undefined : defined([&] { return smoothgrad::metrics::entropy(magnitude); });
    e.values[total_variation] = smoothgrad::metrics::total_variation(magnitude, shape);
    e.values[morans] = constant ? undefined : defined([&] { return smoothgrad::metrics::morans_i(magnitude, shape); });
    e.values[localization] = constant ? undefined : defined([&] {
        return smoothgrad::metrics::attribution_localization(magnitude, object, {.mass = smoothgrad::metrics::Mass::absolute});
    });
    e.values[pointing] = constant ? undefined : (smoothgrad::metrics::pointing_game(magnitude, object, shape) ? 1.0 : 0.0);
    if (!curves) return e;
    const auto del = smoothgrad::metrics::deletion_curve(net, x, magnitude, label, {.steps = steps, .batch_size = steps + 1});
    const auto ins = smoothgrad::metrics::insertion_curve(net, x, magnitude, label, {.steps = steps, .batch_size = steps + 1});
    const auto roa = smoothgrad::metrics::road_curve(net, x, magnitude, shape, label, {.steps = steps, .batch_size = steps + 1});
    e.values[deletion] = del.area;
    e.values[insertion] = ins.area;
    e.values[road] = roa.area;
    e.deletion_curve = del.scores;
    e.insertion_curve = ins.scores;
    e.road_curve = roa.scores;
    return e;
}

/// One value per image for every metric (none for a curve metric that was left out).
using MetricSamples = std::array<std::vector<double>, metric_count>;

inline void append(MetricSamples& samples, const Evaluation& e, bool curves = true) {
    for (std::size_t m = 0; m < metric_count; ++m)
        if (curves || m < deletion) samples[m].push_back(e.values[m]);
}

}  // namespace claims
