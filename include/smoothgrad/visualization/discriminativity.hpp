// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The discriminativity map of the paper's Fig. 6: where the evidence for one class exceeds the
/// evidence for another.

#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/visualization/normalize.hpp"

namespace smoothgrad {

/// normalize_unit(a) - normalize_unit(b), in [-1, 1]: positive where the map of class a is the
/// stronger, negative where that of class b is. Each map is scaled on its own, as in the paper, so that
/// a class with larger gradients everywhere does not dominate. Show it with Colormap::diverging.
///
///     Image map_a = reduce_channels(smooth(model, x, class_a), shape);   // likewise map_b
///     Image shown = apply_colormap(discriminativity(map_a, map_b), Colormap::diverging);
[[nodiscard]] inline Vector discriminativity(const Vector& map_a, const Vector& map_b,
                                             const NormalizeParams& params = {}) {
    constexpr std::string_view who = "discriminativity";
    detail::require<shape_error>(map_a.size() == map_b.size(), who, "map_a has ", map_a.size(),
                                 " values, map_b has ", map_b.size());
    return normalize_unit(map_a, params) - normalize_unit(map_b, params);
}

/// discriminativity for two images of the same shape.
[[nodiscard]] inline Image discriminativity(const Image& map_a, const Image& map_b, const NormalizeParams& params = {}) {
    constexpr std::string_view who = "discriminativity";
    detail::check_shape(map_a.pixels, map_a.shape, who);
    detail::check_shape(map_b.pixels, map_b.shape, who);
    detail::require<shape_error>(map_a.shape == map_b.shape, who, "map_a has shape ", map_a.shape,
                                 ", map_b has shape ", map_b.shape);
    return Image{discriminativity(map_a.pixels, map_b.pixels, params), map_a.shape};
}

}  // namespace smoothgrad
