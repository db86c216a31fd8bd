// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Integrated gradients (Sundararajan et al. 2017): (x - x') times the average gradient along the
/// straight path from a baseline x' to the input x, by a chosen quadrature rule.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"

namespace smoothgrad {

/// How the path integral of the gradient is approximated with `steps` evaluations.
enum class IntegrationRule {
    riemann_left,    ///< alpha_k = k/m, k = 0..m-1, weights 1/m
    riemann_right,   ///< alpha_k = (k+1)/m, weights 1/m
    riemann_middle,  ///< alpha_k = (k+1/2)/m, weights 1/m
    trapezoid,       ///< alpha_k = k/(m-1), weights 1/(m-1) with both endpoints halved; needs m >= 2
    gauss_legendre,  ///< Gauss-Legendre nodes and weights mapped to [0, 1]; exact for polynomials of degree 2m-1
    linspace,        ///< alpha_k = k/(m-1) (0 for m = 1), weights 1/m: PAIR saliency's IntegratedGradients
};

/// Points alpha_k in [0, 1] on the path and the weights that turn gradient values there into the integral.
struct PathQuadrature {
    std::vector<double> alphas;
    std::vector<double> weights;
};

/// The quadrature of `rule` with `steps` points; weights always add up to 1.
[[nodiscard]] inline PathQuadrature path_quadrature(IntegrationRule rule, Index steps) {
    constexpr std::string_view who = "path_quadrature";
    detail::require(steps >= 1, who, "steps must be >= 1, got ", steps);
    detail::require(rule != IntegrationRule::trapezoid || steps >= 2, who,
                    "the trapezoid rule needs steps >= 2, got ", steps);
    const auto m = static_cast<std::size_t>(steps);
    PathQuadrature q{std::vector<double>(m), std::vector<double>(m, 1.0 / steps)};
    switch (rule) {
        case IntegrationRule::riemann_left:
            for (std::size_t k = 0; k < m; ++k) q.alphas[k] = static_cast<double>(k) / steps;
            break;
        case IntegrationRule::riemann_right:
            for (std::size_t k = 0; k < m; ++k) q.alphas[k] = static_cast<double>(k + 1) / steps;
            break;
        case IntegrationRule::riemann_middle:
            for (std::size_t k = 0; k < m; ++k) q.alphas[k] = (static_cast<double>(k) + 0.5) / steps;
            break;
        case IntegrationRule::trapezoid:
            for (std::size_t k = 0; k < m; ++k) {
                q.alphas[k] = static_cast<double>(k) / (steps - 1);
                q.weights[k] = 1.0 / (steps - 1);
            }
            q.weights.front() *= 0.5;
            q.weights.back() *= 0.5;
            break;
        case IntegrationRule::linspace:
            for (std::size_t k = 0; k < m; ++k) q.alphas[k] = steps == 1 ? 0.0 : static_cast<double>(k) / (steps - 1);
            break;
        case IntegrationRule::gauss_legendre:
            // Newton's method on the Legendre polynomial P_m from the usual cosine guesses; the nodes are
            // symmetric, so each root gives a pair.
            for (std::size_t i = 0; i < (m + 1) / 2; ++i) {
                double t = std::cos(std::numbers::pi * (static_cast<double>(i) + 0.75) / (steps + 0.5));
                double derivative = 1.0;
                for (int iteration = 0; iteration < 100; ++iteration) {
                    double p_prev = 1.0, p = t;  // P_0 and P_1, then the recurrence up to P_m
                    for (Index n = 2; n <= steps; ++n) {
                        const double p_next = ((2.0 * n - 1.0) * t * p - (n - 1.0) * p_prev) / n;
                        p_prev = p;
                        p = p_next;
                    }
                    derivative = steps * (t * p - p_prev) / (t * t - 1.0);
                    const double step = p / derivative;
                    t -= step;
                    if (std::abs(step) < 1e-15) break;
                }
                const double weight = 1.0 / ((1.0 - t * t) * derivative * derivative);  // 2/(...) on [-1,1], halved
                q.alphas[i] = 0.5 * (1.0 - t);
                q.alphas[m - 1 - i] = 0.5 * (1.0 + t);
                q.weights[i] = q.weights[m - 1 - i] = weight;
            }
            break;
    }
    return q;
}

/// path_quadrature(rule, steps), computed once per process for each (rule, steps) and kept: Gauss-Legendre
/// nodes cost O(steps^2), and SmoothGrad calls integrated gradients once per batch of noisy samples.
/// Thread-safe; the reference stays valid for the life of the process.
[[nodiscard]] inline const PathQuadrature& cached_path_quadrature(IntegrationRule rule, Index steps) {
    static std::mutex mutex;
    static std::map<std::pair<IntegrationRule, Index>, std::unique_ptr<const PathQuadrature>> cache;
    const std::scoped_lock lock(mutex);
    auto& entry = cache[{rule, steps}];
    if (!entry) entry = std::make_unique<const PathQuadrature>(path_quadrature(rule, steps));
    return *entry;
}

/// Integrated gradients and what they promise to add up to.
struct IntegratedGradientsResult {
    Vector attribution;
    /// S(x) - S(x'): the total that the attributions should add up to (completeness).
    double score_difference = 0.0;
    /// sum(attribution) - (S(x) - S(x')): the quadrature's error, 0 for an exact integral.
    double completeness_gap = 0.0;
};

/// Integrated gradients.
///
///     IntegratedGradients ig{.steps = 100, .rule = IntegrationRule::riemann_middle};
///     auto [map, difference, gap] = ig.with_completeness(model, image, label);
struct IntegratedGradients {
    static constexpr std::string_view name = "integrated_gradients";

    /// Gradient evaluations along the path.
    Index steps = 50;
    /// The quadrature rule; Gauss-Legendre is the most accurate per step (Captum's default too).
    IntegrationRule rule = IntegrationRule::gauss_legendre;
    /// The path's starting point x'; all zeros (a black image) when empty.
    std::optional<Vector> baseline = std::nullopt;
    /// Path points per model call: memory grows with it, calls shrink with it.
    Index batch_size = 50;

    template <DifferentiableModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        detail::require(batch_size >= 1, name, "batch_size must be >= 1, got ", batch_size);
        check_baseline(inputs.rows());
        const PathQuadrature& quadrature = cached_path_quadrature(rule, steps);

        // All (input j, step k) pairs in order j-major, evaluated in chunks of batch_size path points. The
        // weighted sum runs in double: in float, rounding alone grew to 1e-4 of the answer at 10 000 steps.
        const Index total = detail::checked_multiply(inputs.cols(), steps, name);
        Eigen::MatrixXd average_gradients = Eigen::MatrixXd::Zero(inputs.rows(), inputs.cols());
        Matrix path(inputs.rows(), std::min<Index>(batch_size, total));
        for (Index start = 0; start < total; start += batch_size) {
            const Index count = std::min<Index>(batch_size, total - start);
            if (count < path.cols()) path.conservativeResize(Eigen::NoChange, count);  // the last, short chunk
            for (Index p = 0; p < count; ++p) {
                const Index j = (start + p) / steps, k = (start + p) % steps;
                const auto alpha = static_cast<float>(quadrature.alphas[static_cast<std::size_t>(k)]);
                if (baseline) path.col(p) = *baseline + alpha * (inputs.col(j) - *baseline);
                else path.col(p) = alpha * inputs.col(j);
            }
            Matrix gradients = model.gradients(path, output_weights);
            detail::check_gradients(gradients, path, name);
            for (Index p = 0; p < count; ++p) {
                const Index j = (start + p) / steps, k = (start + p) % steps;
                average_gradients.col(j) += quadrature.weights[static_cast<std::size_t>(k)] * gradients.col(p).cast<double>();
            }
        }
        Eigen::MatrixXd difference = inputs.cast<double>();
        if (baseline) difference.colwise() -= baseline->cast<double>();
        return difference.cwiseProduct(average_gradients).cast<float>();
    }

    template <DifferentiableModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }

    /// The attribution together with S(x) - S(x') and the completeness gap.
    template <DifferentiableModel M>
    [[nodiscard]] IntegratedGradientsResult with_completeness(const M& model, const Vector& input,
                                                              const Target& target) const {
        detail::check_inputs(model, input, name);
        const Vector weights = detail::target_weights(model, target, name);
        IntegratedGradientsResult result;
        result.attribution = attribute_batch(model, input, weights).col(0);
        Matrix endpoints(input.size(), 2);
        endpoints.col(0) = input;
        if (baseline) endpoints.col(1) = *baseline;
        else endpoints.col(1).setZero();
        const Matrix scores = model.scores(endpoints);
        detail::check_scores(model, scores, 2, name);
        const Eigen::VectorXd target_scores = (weights.transpose() * scores).transpose().cast<double>();
        result.score_difference = target_scores[0] - target_scores[1];
        result.completeness_gap = result.attribution.cast<double>().sum() - result.score_difference;
        return result;
    }

private:
    /// Throws unless the baseline, if one is set, fits inputs of `features` values and is finite.
    void check_baseline(Index features) const {
        if (!baseline) return;
        detail::require<shape_error>(baseline->size() == features, name, "baseline has ", baseline->size(),
                                     " values, the input has ", features);
        detail::require<numeric_error>(baseline->allFinite(), name, "baseline contains NaN or Inf");
    }
};

}  // namespace smoothgrad
