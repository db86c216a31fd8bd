// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Argument checks shared by the methods: what goes into a model and what comes back from it.

#include <string_view>
#include <utility>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad::detail {

/// Throws unless `inputs` is a non-empty, finite batch of samples of the model's input size.
template <DifferentiableModel M>
void check_inputs(const M& model, const MatrixRef& inputs, std::string_view who) {
    require<shape_error>(inputs.size() > 0, who, "input is empty");
    require<shape_error>(inputs.rows() == static_cast<Index>(model.input_size()), who, "input has ",
                         inputs.rows(), " values, the model expects ", static_cast<Index>(model.input_size()));
    require<numeric_error>(inputs.allFinite(), who, "input contains NaN or Inf");
}

/// The output weights of `target`, checked against the model's number of classes.
template <DifferentiableModel M>
[[nodiscard]] Vector target_weights(const M& model, const Target& target, std::string_view who) {
    return target.weights(static_cast<Index>(model.num_classes()), who);
}

/// Throws unless `output_weights` has one finite weight per class of the model.
template <DifferentiableModel M>
void check_output_weights(const M& model, const Vector& output_weights, std::string_view who) {
    const auto classes = static_cast<Index>(model.num_classes());
    require<shape_error>(output_weights.size() == classes, who, "output weights need ", classes,
                         " entries (one per class), got ", output_weights.size());
    require<numeric_error>(output_weights.allFinite(), who, "output weights contain NaN or Inf");
}

/// Checks a batch and its output weights: what every `attribute_batch` does first.
template <DifferentiableModel M>
void check_call(const M& model, const MatrixRef& inputs, const Vector& output_weights, std::string_view who) {
    check_inputs(model, inputs, who);
    check_output_weights(model, output_weights, who);
}

/// Throws unless a model's gradients have the batch's shape and are finite.
inline void check_gradients(const Matrix& gradients, const MatrixRef& inputs, std::string_view who) {
    require<shape_error>(gradients.rows() == inputs.rows() && gradients.cols() == inputs.cols(), who,
                         "the model returned gradients of shape ", gradients.rows(), "x", gradients.cols(),
                         " for a batch of shape ", inputs.rows(), "x", inputs.cols());
    require<numeric_error>(gradients.allFinite(), who, "the model returned NaN or Inf gradients");
}

/// Throws unless a model's scores have one row per class and one column per sample, all finite.
template <DifferentiableModel M>
void check_scores(const M& model, const Matrix& scores, Index batch, std::string_view who) {
    const auto classes = static_cast<Index>(model.num_classes());
    require<shape_error>(scores.rows() == classes && scores.cols() == batch, who,
                         "the model returned scores of shape ", scores.rows(), "x", scores.cols(), ", expected ",
                         classes, "x", batch);
    require<numeric_error>(scores.allFinite(), who, "the model returned NaN or Inf scores");
}

/// Checks `input` and `target`, runs the method on the one-column batch and returns its column.
template <class Method, DifferentiableModel M>
[[nodiscard]] Vector explain_one(const Method& method, const M& model, const Vector& input, const Target& target,
                                 std::string_view who) {
    Matrix maps = method.attribute_batch(model, MatrixRef(input), target_weights(model, target, who));
    // Copy the whole one-column storage rather than a column block: the same values, and it keeps
    // GCC 12 from a false -Warray-bounds report on small column copies.
    maps.resize(maps.rows() * maps.cols(), 1);
    return Vector(std::move(maps));
}

}  // namespace smoothgrad::detail
