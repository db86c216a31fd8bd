// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Lays a coloured map over the image it explains, so that one sees which object the map points at.

#include <cmath>
#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// alpha * heat + (1 - alpha) * base, pixel by pixel: an RGB image of the base's height and width.
/// `heat_rgb` has 3 channels (see apply_colormap); `base` has 1 (broadcast to gray RGB) or 3. Both are
/// expected in [0, 1]; the result is not clamped, so it stays in [0, 1] when they are.
///
///     Image shown = blend(apply_colormap(normalize_unit(reduce_channels(map, shape)), Colormap::heat),
///                         Image{image, shape}, 0.6f);
[[nodiscard]] inline Image blend(const Image& heat_rgb, const Image& base, float alpha = 0.5f) {
    constexpr std::string_view who = "blend";
    detail::require(alpha >= 0.0f && alpha <= 1.0f, who, "alpha must be in [0, 1], got ", alpha);
    detail::check_shape(heat_rgb.pixels, heat_rgb.shape, who);
    detail::check_shape(base.pixels, base.shape, who);
    detail::require<shape_error>(heat_rgb.shape.channels == 3, who, "heat_rgb must have 3 channels, got shape ",
                                 heat_rgb.shape);
    detail::require<shape_error>(base.shape.channels == 1 || base.shape.channels == 3, who,
                                 "base must have 1 or 3 channels, got shape ", base.shape);
    detail::require<shape_error>(heat_rgb.shape.height == base.shape.height && heat_rgb.shape.width == base.shape.width,
                                 who, "heat_rgb has shape ", heat_rgb.shape, ", base has shape ", base.shape,
                                 "; height and width must match");
    Image result{Vector(heat_rgb.shape.size()), heat_rgb.shape};
    for (Index p = 0; p < heat_rgb.shape.pixels(); ++p) {
        for (Index c = 0; c < 3; ++c) {
            const float under = base.pixels[base.shape.channels == 1 ? p : p * 3 + c];
            result.pixels[p * 3 + c] = alpha * heat_rgb.pixels[p * 3 + c] + (1.0f - alpha) * under;
        }
    }
    return result;
}

}  // namespace smoothgrad
