// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A colour map's scale as a bar, so that a figure says which colour means what. The labels at its ends
/// are text, drawn by io/labelled_grid.hpp.

#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/visualization/colormap.hpp"

namespace smoothgrad {

/// The lowest and highest value of a colour map's scale: [0, 1], or [-1, 1] for diverging.
[[nodiscard]] constexpr std::pair<float, float> colormap_range(Colormap map) noexcept {
    return map == Colormap::diverging ? std::pair{-1.0f, 1.0f} : std::pair{0.0f, 1.0f};
}

/// A horizontal bar, `length` x `thickness` pixels, RGB: column x shows the colour of
/// low + (high - low) * x / (length - 1), so its first and last columns are the scale's end colours.
///
///     Image bar = colour_bar(Colormap::heat, 200);
/// Throws argument_error unless length >= 2 and thickness >= 1.
[[nodiscard]] inline Image colour_bar(Colormap map, Index length, Index thickness = 12) {
    constexpr std::string_view who = "colour_bar";
    detail::require(length >= 2 && length <= 65536, who, "length must be in [2, 65536], got ", length);
    detail::require(thickness >= 1 && thickness <= 65536, who, "thickness must be in [1, 65536], got ", thickness);
    const auto [low, high] = colormap_range(map);
    Image bar{Vector(length * thickness * 3), ImageShape{thickness, length, 3}};
    for (Index x = 0; x < length; ++x) {
        const float t = static_cast<float>(x) / static_cast<float>(length - 1);
        const detail::Rgb rgb = detail::colour(map, low + (high - low) * t);  // t = 1 exactly at the last column
        for (Index y = 0; y < thickness; ++y)
            for (Index c = 0; c < 3; ++c) bar.pixels[bar.shape.offset(y, x, c)] = rgb[static_cast<std::size_t>(c)];
    }
    return bar;
}

}  // namespace smoothgrad
