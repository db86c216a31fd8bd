// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Guided integrated gradients (Kapishnikov et al. 2021): integrated gradients along an adaptive path that
/// moves the features with the smallest |gradient| first, as PAIR saliency's GuidedIG defines it.

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"

namespace smoothgrad {

/// Guided IG: the path starts at the baseline x'; step k = 1..steps takes the gradient g at the current
/// point and reduces its L1 distance to the input to (1 - k/steps) times the whole distance, by moving the
/// `fraction` of features with the smallest |g| (the quantile with "lower" interpolation; features already at
/// the step's upper bound excluded) toward the input, again and again, while every feature stays within
/// `max_dist` of the straight path in alpha (features behind alpha_k - max_dist are first moved up to it).
/// Each move adds (change of the feature) * g to its attribution, so the map adds up to about S(x) - S(x').
///
///     Vector map = GuidedIntegratedGradients{.steps = 200}(model, image, label);
///
/// The path runs in double, as PAIR's does; every input of a batch walks its own path, and each step is one
/// call of the model for the whole batch.
struct GuidedIntegratedGradients {
    static constexpr std::string_view name = "guided_integrated_gradients";

    /// Steps of the path, each one gradient evaluation.
    Index steps = 200;
    /// The share of features (0, 1] selected and moved at each move of a step.
    double fraction = 0.25;
    /// How far (0, 1] a feature may run ahead of or fall behind the straight path, in alpha; 1 leaves the path
    /// free within the box between baseline and input.
    double max_dist = 0.02;
    /// The path's starting point x'; all zeros when empty.
    std::optional<Vector> baseline = std::nullopt;

    template <DifferentiableModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        check_parameters(inputs.rows());
        const Index features = inputs.rows(), batch = inputs.cols();
        const Eigen::VectorXd start =
            baseline ? Eigen::VectorXd(baseline->cast<double>()) : Eigen::VectorXd::Zero(features);
        std::vector<Path> paths;
        paths.reserve(static_cast<std::size_t>(batch));
        for (Index j = 0; j < batch; ++j) paths.emplace_back(inputs.col(j).cast<double>(), start);

        Matrix points(features, batch);
        for (Index step = 0; step < steps; ++step) {
            for (Index j = 0; j < batch; ++j) points.col(j) = paths[static_cast<std::size_t>(j)].x.cast<float>();
            const Matrix gradients = model.gradients(points, output_weights);
            detail::check_gradients(gradients, points, name);
            for (Index j = 0; j < batch; ++j) advance(paths[static_cast<std::size_t>(j)], gradients.col(j), step);
        }
        Matrix result(features, batch);
        for (Index j = 0; j < batch; ++j) result.col(j) = paths[static_cast<std::size_t>(j)].attribution.cast<float>();
        return result;
    }

    template <DifferentiableModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }

private:
    /// One input's walk from the baseline.
    struct Path {
        Path(Eigen::VectorXd input_values, const Eigen::VectorXd& start)
            : input(std::move(input_values)), origin(start), x(start),
              attribution(Eigen::VectorXd::Zero(start.size())), l1_total((input - origin).cwiseAbs().sum()) {}
        Eigen::VectorXd input, origin, x, attribution;
        double l1_total;
    };

    /// The point at `alpha` on the straight path.
    [[nodiscard]] static Eigen::VectorXd on_line(const Path& path, double alpha) {
        return path.origin + (path.input - path.origin) * alpha;
    }

    /// math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), PAIR's test that a step reached its target.
    [[nodiscard]] static bool close(double a, double b) noexcept {
        constexpr double tolerance = 1e-9;
        return std::abs(a - b) <= std::max(tolerance * std::max(std::abs(a), std::abs(b)), tolerance);
    }

    /// Step `step` (0-based) of the path with the gradient `g` taken at its current point.
    void advance(Path& path, const Eigen::Ref<const Vector>& g, Index step) const {
        if (path.l1_total == 0.0) return;  // the input is the baseline: the attribution is 0
        const Index features = path.x.size();
        const double alpha = static_cast<double>(step + 1) / static_cast<double>(steps);
        const double alpha_min = std::max(alpha - max_dist, 0.0), alpha_max = std::min(alpha + max_dist, 1.0);
        const Eigen::VectorXd x_min = on_line(path, alpha_min), x_max = on_line(path, alpha_max);
        const double l1_target = path.l1_total * (1.0 - static_cast<double>(step + 1) / static_cast<double>(steps));
        constexpr float excluded = std::numeric_limits<float>::infinity();
        Eigen::VectorXd x_old;
        std::vector<float> magnitudes(static_cast<std::size_t>(features));
        std::vector<bool> selected(static_cast<std::size_t>(features));
        // Each move sends at least one feature to x_max, and those are excluded from later moves, so a step
        // ends within features + 1 moves; the bound only stops a path that rounding keeps from its target
        // (PAIR would loop forever there).
        for (Index move = 0; move <= features + 1; ++move) {
            x_old = path.x;
            for (Index f = 0; f < features; ++f) {
                const double span = path.input[f] - path.origin[f];
                const double at = span != 0.0 ? (path.x[f] - path.origin[f]) / span : alpha_max;
                if (at < alpha_min) path.x[f] = x_min[f];
            }
            const double l1_current = (path.x - path.input).cwiseAbs().sum();
            if (close(l1_target, l1_current)) {
                path.attribution += (path.x - x_old).cwiseProduct(g.cast<double>());
                return;
            }
            for (Index f = 0; f < features; ++f)
                magnitudes[static_cast<std::size_t>(f)] = path.x[f] == x_max[f] ? excluded : std::abs(g[f]);
            const float threshold = lower_quantile(magnitudes);
            double l1_selected = 0.0;
            for (Index f = 0; f < features; ++f) {
                const float m = magnitudes[static_cast<std::size_t>(f)];
                selected[static_cast<std::size_t>(f)] = m <= threshold && m != excluded;
                if (selected[static_cast<std::size_t>(f)]) l1_selected += std::abs(path.x[f] - x_max[f]);
            }
            // gamma: the share of the selected features' way to x_max that closes the gap to the target.
            const double gamma = l1_selected > 0.0 ? (l1_current - l1_target) / l1_selected
                                                   : std::numeric_limits<double>::infinity();
            for (Index f = 0; f < features; ++f) {
                if (!selected[static_cast<std::size_t>(f)]) continue;
                path.x[f] = gamma > 1.0 ? x_max[f] : path.x[f] + (x_max[f] - path.x[f]) * gamma;
            }
            path.attribution += (path.x - x_old).cwiseProduct(g.cast<double>());
            // The target is reached (gamma <= 1), or nothing is left to move.
            if (gamma <= 1.0 || l1_selected == 0.0) return;
        }
    }

    /// numpy.quantile(values, fraction, method="lower"): the element at floor(fraction * (n - 1)) in order.
    /// Reorders `values`' copy only.
    [[nodiscard]] float lower_quantile(std::vector<float> values) const {
        const auto k = static_cast<std::ptrdiff_t>(std::floor(fraction * static_cast<double>(values.size() - 1)));
        std::nth_element(values.begin(), values.begin() + k, values.end());
        return values[static_cast<std::size_t>(k)];
    }

    void check_parameters(Index features) const {
        detail::require(steps >= 1, name, "steps must be >= 1, got ", steps);
        detail::require(fraction > 0.0 && fraction <= 1.0, name, "fraction must be in (0, 1], got ", fraction);
        detail::require(max_dist > 0.0 && max_dist <= 1.0, name, "max_dist must be in (0, 1], got ", max_dist);
        if (!baseline) return;
        detail::require<shape_error>(baseline->size() == features, name, "baseline has ", baseline->size(),
                                     " values, the input has ", features);
        detail::require<numeric_error>(baseline->allFinite(), name, "baseline contains NaN or Inf");
    }
};

}  // namespace smoothgrad
