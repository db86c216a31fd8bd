// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Turns a one-channel map into RGB colours in [0, 1].

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// A colour scale for one-channel maps.
enum class Colormap {
    gray,       ///< [0, 1]: black to white, v -> (v, v, v)
    diverging,  ///< [-1, 1]: blue (-1) through mid gray (0) to red (+1), as the paper's Fig. 6 shows signed maps
    heat,       ///< [0, 1]: a perceptually ordered dark-to-bright scale (black, purple, red, orange, pale yellow)
};

namespace detail {

using Rgb = std::array<float, 3>;

/// Colours of the diverging scale at -1, 0 and +1.
inline constexpr Rgb diverging_negative{0.0f, 0.0f, 1.0f};
inline constexpr Rgb diverging_zero{0.5f, 0.5f, 0.5f};
inline constexpr Rgb diverging_positive{1.0f, 0.0f, 0.0f};

/// The heat scale's control points, evenly spaced over [0, 1] and joined linearly. They are ten evenly
/// spaced samples of the "inferno" colour map of van der Walt & Smith (matplotlib), whose lightness
/// rises steadily from black to pale yellow, so that a brighter pixel always reads as a larger value,
/// also in grayscale print and for colour-blind readers. Ten points keep the linear joins within a few
/// percent of the full map.
inline constexpr std::array<Rgb, 10> heat_points{{
    {0x00 / 255.0f, 0x00 / 255.0f, 0x04 / 255.0f},
    {0x1B / 255.0f, 0x0C / 255.0f, 0x42 / 255.0f},
    {0x4B / 255.0f, 0x0C / 255.0f, 0x6B / 255.0f},
    {0x78 / 255.0f, 0x1C / 255.0f, 0x6D / 255.0f},
    {0xA5 / 255.0f, 0x2C / 255.0f, 0x60 / 255.0f},
    {0xCF / 255.0f, 0x44 / 255.0f, 0x46 / 255.0f},
    {0xED / 255.0f, 0x69 / 255.0f, 0x25 / 255.0f},
    {0xFB / 255.0f, 0x9A / 255.0f, 0x06 / 255.0f},
    {0xF7 / 255.0f, 0xD0 / 255.0f, 0x3C / 255.0f},
    {0xFC / 255.0f, 0xFF / 255.0f, 0xA4 / 255.0f},
}};

[[nodiscard]] constexpr Rgb mix(const Rgb& a, const Rgb& b, float t) noexcept {
    return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
}

/// The colour of `value`, which must not be NaN; values outside the scale's range are clamped.
[[nodiscard]] inline Rgb colour(Colormap map, float value) noexcept {
    switch (map) {
        case Colormap::gray: {
            const float v = std::clamp(value, 0.0f, 1.0f);
            return {v, v, v};
        }
        case Colormap::diverging: {
            const float v = std::clamp(value, -1.0f, 1.0f);
            return v < 0.0f ? mix(diverging_zero, diverging_negative, -v) : mix(diverging_zero, diverging_positive, v);
        }
        case Colormap::heat: {
            const float position = std::clamp(value, 0.0f, 1.0f) * static_cast<float>(heat_points.size() - 1);
            const auto below = std::min(static_cast<std::size_t>(position), heat_points.size() - 2);
            return mix(heat_points[below], heat_points[below + 1], position - static_cast<float>(below));
        }
    }
    return {0.0f, 0.0f, 0.0f};
}

}  // namespace detail

/// Colours a one-channel map: an Image of the same height and width with 3 channels (RGB) in [0, 1].
/// The input range is [0, 1] for gray and heat, [-1, 1] for diverging (see normalize_unit and
/// normalize_signed); values outside it are clamped. NaN throws numeric_error.
///
///     Image rgb = apply_colormap(normalize_unit(reduce_channels(map, shape)), Colormap::heat);
[[nodiscard]] inline Image apply_colormap(const Image& scalar_map, Colormap map) {
    constexpr std::string_view who = "apply_colormap";
    detail::check_shape(scalar_map.pixels, scalar_map.shape, who);
    detail::require<shape_error>(scalar_map.shape.channels == 1, who,
                                 "the map must have 1 channel (see reduce_channels), got shape ", scalar_map.shape);
    detail::require<numeric_error>(!scalar_map.pixels.hasNaN(), who, "the map contains NaN");
    Image result{Vector(scalar_map.shape.pixels() * 3), ImageShape{scalar_map.shape.height, scalar_map.shape.width, 3}};
    for (Index p = 0; p < scalar_map.shape.pixels(); ++p) {
        const detail::Rgb rgb = detail::colour(map, scalar_map.pixels[p]);
        for (Index c = 0; c < 3; ++c) result.pixels[p * 3 + c] = rgb[static_cast<std::size_t>(c)];
    }
    return result;
}

}  // namespace smoothgrad
