// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// What is explained: a class index, or any weighting w of the outputs (the score is w^T scores), so
/// that "logit of cat minus logit of dog" is a target too.

#include <cmath>
#include <concepts>
#include <string_view>
#include <utility>
#include <variant>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// The explained score, as a class index or as output weights.
///
///     explain(model, x, 3);                                   // logit of class 3
///     explain(model, x, Target::difference(3, 5, classes));   // logit 3 minus logit 5
class Target {
public:
    /// The score of one class: any integer type but bool, so that `method(m, x, 3)` works and neither
    /// `method(m, x, 2.9)` nor `method(m, x, true)` compiles.
    template <std::integral Integer>
        requires(!std::same_as<Integer, bool>)
    Target(Integer class_index)  // NOLINT: implicit on purpose
        : value_(checked_index(class_index)) {}
    /// The score w^T scores; w needs one weight per class.
    Target(Vector output_weights) : value_(std::move(output_weights)) {}  // NOLINT

    /// The score of class `a` minus the score of class `b`, for models with `num_classes` outputs.
    [[nodiscard]] static Target difference(Index a, Index b, Index num_classes) {
        constexpr std::string_view who = "Target::difference";
        detail::require(a >= 0 && a < num_classes, who, "class a must be in [0, ", num_classes, "), got ", a);
        detail::require(b >= 0 && b < num_classes, who, "class b must be in [0, ", num_classes, "), got ", b);
        detail::require(a != b, who, "classes a and b must differ, got ", a, " twice (the score would be 0)");
        Vector w = Vector::Zero(num_classes);
        w[a] += 1.0f;
        w[b] -= 1.0f;
        return Target(std::move(w));
    }

    /// The output weights for a model with `num_classes` outputs; throws if the target does not fit it.
    [[nodiscard]] Vector weights(Index num_classes, std::string_view who = "Target") const {
        if (const auto* index = std::get_if<Index>(&value_)) {
            detail::require(*index >= 0 && *index < num_classes, who, "class index must be in [0, ",
                            num_classes, "), got ", *index);
            Vector w = Vector::Zero(num_classes);
            w[*index] = 1.0f;
            return w;
        }
        const auto& w = std::get<Vector>(value_);
        detail::require<shape_error>(w.size() == num_classes, who, "target weights need ", num_classes,
                                     " entries (one per class), got ", w.size());
        detail::require<numeric_error>(w.allFinite(), who, "target weights must be finite");
        return w;
    }

    /// The class index, if the target is one class.
    [[nodiscard]] const Index* class_index() const noexcept { return std::get_if<Index>(&value_); }

private:
    template <class Integer>
    static Index checked_index(Integer class_index) {
        detail::require(std::in_range<Index>(class_index), "Target", "class index ", class_index,
                        " does not fit an Index");
        return static_cast<Index>(class_index);
    }

    std::variant<Index, Vector> value_;
};

}  // namespace smoothgrad
