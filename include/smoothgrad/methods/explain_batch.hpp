// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A batch of inputs explained with one target per input, by any method.

#include <concepts>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"

namespace smoothgrad {

namespace detail {

/// A method whose randomness is keyed by the input's position, as SmoothGrad's noise is by
/// first_input + column: such a method must see each column at its own position.
template <class Method>
concept KeysNoiseByInput = requires(Method method) {
    { method.first_input } -> std::convertible_to<std::uint64_t>;
};

/// explain_batch for a method without position-keyed noise: one call per group of columns with one target.
template <class Method, class M>
[[nodiscard]] Matrix explain_by_target_groups(const Method& method, const M& model, const MatrixRef& inputs,
                                              const std::vector<Vector>& weights) {
    Matrix maps(inputs.rows(), inputs.cols());
    std::vector<bool> done(weights.size(), false);
    std::vector<Index> group;
    for (std::size_t first = 0; first < weights.size(); ++first) {
        if (done[first]) continue;
        group.clear();
        for (std::size_t j = first; j < weights.size(); ++j)
            if (!done[j] && weights[j] == weights[first]) {
                group.push_back(static_cast<Index>(j));
                done[j] = true;
            }
        if (group.size() == weights.size()) return method.attribute_batch(model, inputs, weights[first]);
        Matrix columns(inputs.rows(), static_cast<Index>(group.size()));
        for (std::size_t k = 0; k < group.size(); ++k) columns.col(static_cast<Index>(k)) = inputs.col(group[k]);
        const Matrix group_maps = method.attribute_batch(model, columns, weights[first]);
        for (std::size_t k = 0; k < group.size(); ++k) maps.col(group[k]) = group_maps.col(static_cast<Index>(k));
    }
    return maps;
}

/// explain_batch for a method with position-keyed noise: column by column, each at its own position.
template <class Method, class M>
[[nodiscard]] Matrix explain_column_by_column(const Method& method, const M& model, const MatrixRef& inputs,
                                              const std::vector<Vector>& weights) {
    Matrix maps(inputs.rows(), inputs.cols());
    for (Index j = 0; j < inputs.cols(); ++j) {
        Method at_column = method;
        at_column.first_input = method.first_input + static_cast<std::uint64_t>(j);
        if constexpr (requires { method.progress; })
            if (method.progress)
                at_column.progress = [&, j](Index done, Index total) {
                    method.progress(j * total + done, inputs.cols() * total);
                };
        maps.col(j) = at_column.attribute_batch(model, inputs.col(j), weights[static_cast<std::size_t>(j)]);
    }
    return maps;
}

}  // namespace detail

/// Explains column j of `inputs` for `targets[j]`, with any method, e.g. a batch of images for their labels:
///
///     std::vector<Target> labels{3, 1, 4};
///     Matrix maps = explain_batch(SmoothGrad{.samples = 50}, model, images, labels);
///
/// Columns that share a target reach the method in one call (their columns gathered; all of `inputs`,
/// uncopied, when every target is the same). A method whose noise is keyed by the input's position
/// (SmoothGrad) runs column by column at each column's position (first_input + j), so every map is the
/// one it would be in a batch with a single target; its progress callback counts over the whole batch.
template <class Method, DifferentiableModel M>
    requires AttributionMethodFor<Method, M>
[[nodiscard]] Matrix explain_batch(const Method& method, const M& model, const MatrixRef& inputs,
                                   std::span<const Target> targets) {
    constexpr std::string_view who = "explain_batch";
    detail::require<shape_error>(static_cast<Index>(targets.size()) == inputs.cols(), who, "got ", targets.size(),
                                 " targets for a batch of ", inputs.cols(), " inputs; give one per column");
    detail::check_inputs(model, inputs, who);
    std::vector<Vector> weights;
    weights.reserve(targets.size());
    for (const Target& target : targets) weights.push_back(detail::target_weights(model, target, who));
    if constexpr (detail::KeysNoiseByInput<Method>)
        return detail::explain_column_by_column(method, model, inputs, weights);
    else
        return detail::explain_by_target_groups(method, model, inputs, weights);
}

}  // namespace smoothgrad
