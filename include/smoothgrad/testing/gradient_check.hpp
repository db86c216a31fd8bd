// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Finite-difference gradient checks, public so that users can test their own models: does
/// `model.gradients(x, w)` agree with central differences of w^T scores?
///
///     const auto report = smoothgrad::testing::check_gradients(my_model, x, w);
///     if (!report.passed) std::cerr << report << "\n";
///
/// Central differences are exact for piecewise-linear models (ReLU, max pooling) as long as no kink
/// lies within a step of the input, so test at random inputs rather than at round numbers. In float,
/// rounding adds about 1e-7 * |score| / step to every numeric derivative, hence the default step 1e-2.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <ostream>
#include <span>
#include <string_view>
#include <utility>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad::testing {

/// Step and tolerances of a gradient check.
struct GradientCheckParams {
    double step = 1e-2;  ///< h in (f(x + h) - f(x - h)) / 2h
    double abs_tolerance =
        1e-3;  ///< an element passes if |analytic - numeric| <= abs + rel * max(|analytic|, |numeric|)
    double rel_tolerance = 1e-2;
};

/// The outcome of a gradient check.
struct GradientCheckReport {
    double max_abs_error = 0.0;   ///< max |analytic - numeric| over all elements
    double max_rel_error = 0.0;   ///< max |analytic - numeric| / max(|analytic|, |numeric|) (0 where both are 0)
    Index worst_index = -1;       ///< element furthest outside (or closest to) its tolerance: the feature or parameter
    Index worst_sample = -1;      ///< its column in the batch (0 for check_function_gradient)
    double worst_analytic = 0.0;  ///< the two values there
    double worst_numeric = 0.0;
    Index checked = 0;   ///< number of elements compared
    bool passed = true;  ///< every element within tolerance

    friend std::ostream& operator<<(std::ostream& out, const GradientCheckReport& r) {
        return out << (r.passed ? "passed" : "FAILED") << ": " << r.checked << " elements, max abs error "
                   << r.max_abs_error << ", max rel error " << r.max_rel_error << ", worst at element " << r.worst_index
                   << " of sample " << r.worst_sample << " (analytic " << r.worst_analytic << ", numeric "
                   << r.worst_numeric << ")";
    }
};

namespace detail {

inline void check_params(const GradientCheckParams& params, std::string_view who) {
    smoothgrad::detail::require(params.step > 0 && std::isfinite(params.step), who, "step must be > 0, got ",
                                params.step);
    smoothgrad::detail::require(params.abs_tolerance >= 0, who, "abs_tolerance must be >= 0, got ",
                                params.abs_tolerance);
    smoothgrad::detail::require(params.rel_tolerance >= 0, who, "rel_tolerance must be >= 0, got ",
                                params.rel_tolerance);
}

/// Folds one (analytic, numeric) pair into the report; the worst element is the one with the largest
/// error relative to its own tolerance.
class ReportBuilder {
public:
    explicit ReportBuilder(const GradientCheckParams& params) : params_(params) {}

    void add(double analytic, double numeric, Index index, Index sample) {
        const double error = std::abs(analytic - numeric);
        const double scale = std::max(std::abs(analytic), std::abs(numeric));
        const double tolerance = params_.abs_tolerance + params_.rel_tolerance * scale;
        // NaN on either side is an error, never a pass.
        const double excess =
            std::isfinite(error) ? (tolerance > 0 ? error / tolerance : (error > 0 ? HUGE_VAL : 0.0)) : HUGE_VAL;
        report_.max_abs_error = std::max(report_.max_abs_error, std::isfinite(error) ? error : HUGE_VAL);
        report_.max_rel_error = std::max(report_.max_rel_error, scale > 0 ? error / scale : 0.0);
        if (!(error <= tolerance)) report_.passed = false;
        if (report_.worst_index < 0 || excess > worst_excess_) {
            worst_excess_ = excess;
            report_.worst_index = index;
            report_.worst_sample = sample;
            report_.worst_analytic = analytic;
            report_.worst_numeric = numeric;
        }
        ++report_.checked;
    }

    [[nodiscard]] GradientCheckReport report() const { return report_; }

private:
    GradientCheckParams params_;
    GradientCheckReport report_;
    double worst_excess_ = 0.0;
};

}  // namespace detail

/// Central differences of w^T scores(x_j) with respect to every feature of every column x_j:
/// features x batch, in double. Each feature is moved by +-step (as rounded to float; the quotient uses
/// the step actually taken) in all columns at once, so the model sees 2 * features batches of
/// 2 * batch columns.
template <DifferentiableModel M>
[[nodiscard]] Eigen::MatrixXd numeric_gradients(const M& model, const Matrix& inputs, const Vector& output_weights,
                                                double step = GradientCheckParams{}.step) {
    constexpr std::string_view who = "numeric_gradients";
    smoothgrad::detail::require(step > 0 && std::isfinite(step), who, "step must be > 0, got ", step);
    smoothgrad::detail::require<shape_error>(
        inputs.rows() == static_cast<Index>(model.input_size()) && inputs.cols() > 0, who, "inputs are ", inputs.rows(),
        "x", inputs.cols(), ", the model takes ", static_cast<Index>(model.input_size()), " features per column");
    smoothgrad::detail::require<shape_error>(output_weights.size() == static_cast<Index>(model.num_classes()), who,
                                             "output weights have ", output_weights.size(), " entries, the model has ",
                                             static_cast<Index>(model.num_classes()), " classes");
    const Index features = inputs.rows();
    const Index batch = inputs.cols();
    const Eigen::VectorXd weights = output_weights.cast<double>();
    Eigen::MatrixXd result(features, batch);
    Matrix probes(features, 2 * batch);
    probes.leftCols(batch) = inputs;
    probes.rightCols(batch) = inputs;
    for (Index i = 0; i < features; ++i) {
        for (Index j = 0; j < batch; ++j) {
            probes(i, j) = static_cast<float>(inputs(i, j) + step);
            probes(i, batch + j) = static_cast<float>(inputs(i, j) - step);
        }
        const Matrix scores = model.scores(probes);
        smoothgrad::detail::require<shape_error>(scores.rows() == weights.size() && scores.cols() == 2 * batch, who,
                                                 "the model returned scores of shape ", scores.rows(), "x",
                                                 scores.cols(), ", expected ", weights.size(), "x", 2 * batch);
        for (Index j = 0; j < batch; ++j) {
            const double plus = weights.dot(scores.col(j).cast<double>());
            const double minus = weights.dot(scores.col(batch + j).cast<double>());
            const double taken = static_cast<double>(probes(i, j)) - static_cast<double>(probes(i, batch + j));
            result(i, j) = (plus - minus) / taken;
        }
        probes.row(i).head(batch) = inputs.row(i);
        probes.row(i).tail(batch) = inputs.row(i);
    }
    return result;
}

/// Compares `model.gradients(inputs, output_weights)` with numeric_gradients.
///
///     REQUIRE(smoothgrad::testing::check_gradients(model, x, w).passed);
template <DifferentiableModel M>
[[nodiscard]] GradientCheckReport check_gradients(const M& model, const Matrix& inputs, const Vector& output_weights,
                                                  const GradientCheckParams& params = {}) {
    detail::check_params(params, "check_gradients");
    const Matrix analytic = model.gradients(inputs, output_weights);
    smoothgrad::detail::require<shape_error>(analytic.rows() == inputs.rows() && analytic.cols() == inputs.cols(),
                                             "check_gradients", "the model returned gradients of shape ",
                                             analytic.rows(), "x", analytic.cols(), " for inputs of shape ",
                                             inputs.rows(), "x", inputs.cols());
    const Eigen::MatrixXd numeric = numeric_gradients(model, inputs, output_weights, params.step);
    detail::ReportBuilder builder(params);
    for (Index j = 0; j < inputs.cols(); ++j)
        for (Index i = 0; i < inputs.rows(); ++i) builder.add(analytic(i, j), numeric(i, j), i, j);
    return builder.report();
}

/// Checks the gradient of any scalar function of a float array, e.g. a loss with respect to a layer's
/// weights: `function()` evaluates it at the current contents of `point`, which this function moves
/// one element at a time by +-step and restores. `analytic` holds the claimed gradient, one value per
/// element of `point`.
///
///     auto weights = net.parameters()[0];   // a view into the network
///     auto report = check_function_gradient([&] { return loss(net); }, weights.values(), claimed);
template <class Function>
requires std::invocable<Function&> && std::convertible_to < std::invoke_result_t<Function&>,
double > [[nodiscard]] GradientCheckReport check_function_gradient(Function&& function, std::span<float> point,
                                                                   std::span<const float> analytic,
                                                                   const GradientCheckParams& params = {}) {
    constexpr std::string_view who = "check_function_gradient";
    detail::check_params(params, who);
    smoothgrad::detail::require<shape_error>(analytic.size() == point.size(), who, "got ", analytic.size(),
                                             " analytic values for ", point.size(), " elements");
    detail::ReportBuilder builder(params);
    for (std::size_t i = 0; i < point.size(); ++i) {
        const float saved = point[i];
        const auto plus = static_cast<float>(saved + params.step);
        const auto minus = static_cast<float>(saved - params.step);
        point[i] = plus;
        const auto f_plus = static_cast<double>(function());
        point[i] = minus;
        const auto f_minus = static_cast<double>(function());
        point[i] = saved;
        const double numeric = (f_plus - f_minus) / (static_cast<double>(plus) - static_cast<double>(minus));
        builder.add(analytic[i], numeric, static_cast<Index>(i), 0);
    }
    return builder.report();
}

}  // namespace smoothgrad::testing
