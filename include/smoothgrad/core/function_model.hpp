// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Plug in a model from any framework as two callables, in the spirit of PAIR saliency's
/// `call_model_function`: one returns the scores of a batch, one the input gradients of w^T scores.

#include <concepts>
#include <string_view>
#include <utility>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// A DifferentiableModel made of callables; it checks the shapes they return.
///
/// `ScoresFn` is called as `scores(inputs)` and returns classes x batch. `GradientsFn` is called as
/// `gradients(inputs, output_weights)` and returns features x batch; if it can also be called as
/// `gradients(inputs, output_weights, rule)` the model is a GuidedBackpropModel too.
template <class ScoresFn, class GradientsFn>
    requires std::invocable<const ScoresFn&, const MatrixRef&> &&
             std::invocable<const GradientsFn&, const MatrixRef&, const Vector&>
class FunctionModel {
public:
    FunctionModel(Index input_size, Index num_classes, ScoresFn scores, GradientsFn gradients)
        : input_size_(input_size), num_classes_(num_classes), scores_(std::move(scores)),
          gradients_(std::move(gradients)) {
        detail::require(input_size > 0, name, "input_size must be > 0, got ", input_size);
        detail::require(num_classes > 0, name, "num_classes must be > 0, got ", num_classes);
    }

    [[nodiscard]] Index input_size() const noexcept { return input_size_; }
    [[nodiscard]] Index num_classes() const noexcept { return num_classes_; }

    [[nodiscard]] Matrix scores(const MatrixRef& inputs) const {
        check_batch(inputs);
        Matrix result = scores_(inputs);
        check_result(result, num_classes_, inputs.cols(), "scores");
        return result;
    }

    [[nodiscard]] Matrix gradients(const MatrixRef& inputs, const Vector& output_weights) const {
        check_batch(inputs);
        check_weights(output_weights);
        Matrix result = gradients_(inputs, output_weights);
        check_result(result, input_size_, inputs.cols(), "gradients");
        return result;
    }

    [[nodiscard]] Matrix gradients(const MatrixRef& inputs, const Vector& output_weights, ReluRule rule) const
        requires std::invocable<const GradientsFn&, const MatrixRef&, const Vector&, ReluRule>
    {
        check_batch(inputs);
        check_weights(output_weights);
        Matrix result = gradients_(inputs, output_weights, rule);
        check_result(result, input_size_, inputs.cols(), "gradients");
        return result;
    }

private:
    static constexpr std::string_view name = "FunctionModel";

    void check_batch(const MatrixRef& inputs) const {
        detail::require<shape_error>(inputs.rows() == input_size_, name, "batch has ", inputs.rows(),
                                     " rows, the model's input_size is ", input_size_);
    }
    void check_weights(const Vector& output_weights) const {
        detail::require<shape_error>(output_weights.size() == num_classes_, name, "output weights have ",
                                     output_weights.size(), " entries, the model has ", num_classes_, " classes");
    }
    static void check_result(const Matrix& result, Index rows, Index cols, std::string_view what) {
        detail::require<shape_error>(result.rows() == rows && result.cols() == cols, name, "the ", what,
                                     " callable returned ", result.rows(), "x", result.cols(), ", expected ", rows,
                                     "x", cols);
    }

    Index input_size_;
    Index num_classes_;
    ScoresFn scores_;
    GradientsFn gradients_;
};

/// Makes a FunctionModel, deducing the callables' types.
///
///     auto model = make_model(784, 10,
///         [&](const Matrix& x) { return my_net.forward(x); },
///         [&](const Matrix& x, const Vector& w) { return my_net.input_gradient(x, w); });
template <class ScoresFn, class GradientsFn>
[[nodiscard]] auto make_model(Index input_size, Index num_classes, ScoresFn scores, GradientsFn gradients) {
    return FunctionModel<ScoresFn, GradientsFn>(input_size, num_classes, std::move(scores), std::move(gradients));
}

}  // namespace smoothgrad
