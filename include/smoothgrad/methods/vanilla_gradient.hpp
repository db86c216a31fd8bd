// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The plain sensitivity map dS_c/dx (Simonyan et al. 2014), and gradient x input.

#include <string_view>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"

namespace smoothgrad {

/// The gradient of the target score with respect to the input.
///
///     Vector map = VanillaGradient{}(model, image, predicted_class);
struct VanillaGradient {
    static constexpr std::string_view name = "vanilla_gradient";

    template <DifferentiableModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        Matrix gradients = model.gradients(inputs, output_weights);
        detail::check_gradients(gradients, inputs, name);
        return gradients;
    }

    template <DifferentiableModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }
};

/// The gradient multiplied element-wise by the input (Shrikumar et al. 2016).
struct GradientTimesInput {
    static constexpr std::string_view name = "gradient_x_input";

    template <DifferentiableModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        Matrix gradients = model.gradients(inputs, output_weights);
        detail::check_gradients(gradients, inputs, name);
        return gradients.cwiseProduct(inputs);
    }

    template <DifferentiableModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }
};

}  // namespace smoothgrad
