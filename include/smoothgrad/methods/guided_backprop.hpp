// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Guided backprop and deconvnet: gradients with a modified ReLU backward step. Only models that
/// satisfy GuidedBackpropModel can run them; any other model fails to compile with that concept named.

#include <string_view>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"

namespace smoothgrad {

namespace detail {

/// The gradient with every ReLU's backward step replaced by `Rule`.
template <ReluRule Rule>
struct ModifiedReluGradient {
    static constexpr std::string_view name = Rule == ReluRule::guided ? "guided_backprop" : "deconvnet";
    static constexpr bool needs_relu_rule = true;

    template <GuidedBackpropModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        Matrix gradients = model.gradients(inputs, output_weights, Rule);
        detail::check_gradients(gradients, inputs, name);
        return gradients;
    }

    template <GuidedBackpropModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }
};

}  // namespace detail

/// Guided backprop (Springenberg et al. 2015): the gradient passes a ReLU only where both the forward
/// input and the incoming gradient are positive.
struct GuidedBackprop : detail::ModifiedReluGradient<ReluRule::guided> {};

/// Deconvnet (Zeiler & Fergus 2014): the gradient passes a ReLU only where it is positive.
struct Deconvnet : detail::ModifiedReluGradient<ReluRule::deconvnet> {};

}  // namespace smoothgrad
