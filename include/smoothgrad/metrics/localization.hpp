// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Localization: does the map put its mass on the object? Given a mask of the object (for
/// Fashion-MNIST, the pixels > 0 of the item on its black background), measure the share of attribution
/// inside it and whether the map's maximum falls on it.

#include <algorithm>
#include <cmath>
#include <string_view>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/metrics/checks.hpp"

namespace smoothgrad::metrics {

/// Which part of the attribution counts as mass.
enum class Mass {
    positive,  ///< max(a_i, 0): evidence for the target, as in Kohlbrenner et al. (2020)
    absolute,  ///< |a_i|: any sensitivity, whatever its sign
};

/// Parameters of attribution_localization().
struct LocalizationParams {
    /// What counts as mass (default: the positive part).
    Mass mass = Mass::positive;
};

/// The mask of the entries of `image` greater than `threshold` (default 0): on a black background,
/// the object itself.
[[nodiscard]] inline Mask object_mask(const Vector& image, float threshold = 0.0f) {
    constexpr std::string_view who = "object_mask";
    detail::check_map(image, who, "image");
    detail::require<numeric_error>(std::isfinite(threshold), who, "threshold must be finite, got ", threshold);
    return (image.array() > threshold);
}

/// Attribution localization (Kohlbrenner et al. 2020, "Towards best practice in explaining neural
/// network decisions with LRP"): the fraction of the attribution mass inside the mask,
///
///     mu = sum_{i in mask} r_i / sum_i r_i,    r_i = max(a_i, 0)  (or |a_i| with Mass::absolute)
///
/// in [0, 1]; 1 means all mass lies on the object. It is not corrected for the mask's size (a mask
/// covering the whole image scores 1); compare it with the mask's share of the image, mask.count() / n.
/// Throws shape_error on an empty map or a mask of another size, numeric_error on NaN or Inf and when
/// the map has no mass at all (no positive entry, or an all-zero map), where the fraction is undefined.
[[nodiscard]] inline double attribution_localization(const Vector& map, const Mask& mask,
                                                     const LocalizationParams& params = {}) {
    constexpr std::string_view who = "attribution_localization";
    detail::check_map(map, who);
    detail::check_same_size(map.size(), mask.size(), who, "map", "mask");
    double inside = 0.0;
    double total = 0.0;
    for (Index i = 0; i < map.size(); ++i) {
        const double a = map[i];
        const double r = params.mass == Mass::positive ? std::max(a, 0.0) : std::abs(a);
        total += r;
        if (mask[i]) inside += r;
    }
    detail::require<numeric_error>(total > 0.0, who, "the map has no ",
                                   params.mass == Mass::positive ? "positive " : "", "attribution mass");
    return inside / total;
}

/// Parameters of pointing_game().
struct PointingGameParams {
    /// A hit also counts if a mask pixel lies within this Euclidean distance, in pixels, of the maximum
    /// (Zhang et al. use 15 pixels on 224 x 224 images); default 0: the maximum itself must be in the mask.
    double tolerance = 0.0;
};

/// Pointing game (Zhang et al. 2018, "Top-down neural attention by excitation backprop"): whether the
/// map's maximum lies on the object.
///
/// The maximum is the largest signed entry a_i (the first in memory order among ties); its pixel is
/// (y, x). The game is a hit if mask(y', x', c') is true for some channel c' and some pixel with
/// (y' - y)^2 + (x' - x)^2 <= tolerance^2.
/// Throws shape_error on an empty map, a shape that does not describe it or a mask of another size;
/// numeric_error on NaN or Inf; argument_error on a negative or non-finite tolerance.
[[nodiscard]] inline bool pointing_game(const Vector& map, const Mask& mask, const ImageShape& shape,
                                        const PointingGameParams& params = {}) {
    constexpr std::string_view who = "pointing_game";
    detail::check_map(map, who);
    smoothgrad::detail::check_shape(map, shape, who);
    detail::check_same_size(map.size(), mask.size(), who, "map", "mask");
    detail::require(std::isfinite(params.tolerance) && params.tolerance >= 0.0, who,
                    "tolerance must be finite and >= 0, got ", params.tolerance);
    Index best = 0;
    for (Index i = 1; i < map.size(); ++i) {
        if (map[i] > map[best]) best = i;
    }
    const Index pixel = best / shape.channels;
    const Index y0 = pixel / shape.width;
    const Index x0 = pixel % shape.width;
    // Beyond the image's size a larger radius reaches nothing more; clamping keeps the cast in range.
    const double span = static_cast<double>(shape.height + shape.width);
    const auto reach = static_cast<Index>(std::floor(std::min(params.tolerance, span)));
    const double limit = params.tolerance * params.tolerance;
    for (Index y = std::max<Index>(0, y0 - reach); y <= std::min(shape.height - 1, y0 + reach); ++y) {
        for (Index x = std::max<Index>(0, x0 - reach); x <= std::min(shape.width - 1, x0 + reach); ++x) {
            const auto dy = static_cast<double>(y - y0);
            const auto dx = static_cast<double>(x - x0);
            if (dy * dy + dx * dx > limit) continue;
            for (Index c = 0; c < shape.channels; ++c) {
                if (mask[shape.offset(y, x, c)]) return true;
            }
        }
    }
    return false;
}

}  // namespace smoothgrad::metrics
