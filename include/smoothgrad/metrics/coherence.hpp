// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Spatial coherence of a map: the paper's "visual noise" made a number. Neighbouring pixels of a
/// coherent map have similar values, so the total variation is small and the spatial autocorrelation
/// (Moran's I) is high. The two differ in what else they see: the total variation of a normalized map also
/// grows when the map concentrates on fewer pixels, Moran's I compares neighbours with the map's own spread
/// and so measures speckle alone.

#include <cmath>
#include <string_view>

#include "smoothgrad/core/types.hpp"
#include "smoothgrad/metrics/checks.hpp"

namespace smoothgrad::metrics {

/// Anisotropic total variation of the map normalized to unit L1 norm, on its image grid.
///
/// With m = a / sum_i |a_i| (the map keeps its signs; pass |a| to measure the displayed magnitude):
///
///     TV = sum_{y,x,c} |m(y, x+1, c) - m(y, x, c)| + |m(y+1, x, c) - m(y, x, c)|
///
/// over all horizontal and vertical neighbour pairs inside the image, each channel on its own.
/// Dividing by the L1 norm makes TV independent of the map's scale, so methods whose maps differ by
/// orders of magnitude compare; every m_i enters at most 4 differences, so 0 <= TV <= 4. An all-zero
/// map has TV = 0. Computed in double.
/// Throws shape_error on an empty map or a shape that does not describe it, numeric_error on NaN or Inf.
[[nodiscard]] inline double total_variation(const Vector& map, const ImageShape& shape) {
    constexpr std::string_view who = "total_variation";
    detail::check_map(map, who);
    smoothgrad::detail::check_shape(map, shape, who);
    double total = 0.0;
    for (Index i = 0; i < map.size(); ++i) total += std::abs(static_cast<double>(map[i]));
    if (total == 0.0) return 0.0;
    double tv = 0.0;
    for (Index y = 0; y < shape.height; ++y) {
        for (Index x = 0; x < shape.width; ++x) {
            for (Index c = 0; c < shape.channels; ++c) {
                const double here = map[shape.offset(y, x, c)];
                if (x + 1 < shape.width) tv += std::abs(static_cast<double>(map[shape.offset(y, x + 1, c)]) - here);
                if (y + 1 < shape.height) tv += std::abs(static_cast<double>(map[shape.offset(y + 1, x, c)]) - here);
            }
        }
    }
    return tv / total;
}

/// Moran's I (Moran 1950), the spatial autocorrelation of the map on its image grid, with the
/// 4-neighbours as weights:
///
///     I = (n / P) * sum_{neighbour pairs {i, j}} z_i z_j / sum_i z_i^2,    z_i = a_i - mean(a)
///
/// where n is the number of entries and P the number of unordered horizontal and vertical neighbour pairs
/// (each channel is a grid of its own; the mean is over all entries). I is near 1 for a smooth map, about
/// -1/(n - 1) for independent noise, and -1 for a checkerboard. It is unchanged by scaling and shifting the
/// map (pass |a| for the displayed magnitude). Computed in double.
/// Throws shape_error on an empty map, a shape that does not describe it or one without neighbours (a
/// single pixel), numeric_error on NaN or Inf and on a constant map, whose autocorrelation is undefined.
[[nodiscard]] inline double morans_i(const Vector& map, const ImageShape& shape) {
    constexpr std::string_view who = "morans_i";
    detail::check_map(map, who);
    smoothgrad::detail::check_shape(map, shape, who);
    smoothgrad::detail::require<shape_error>(shape.height > 1 || shape.width > 1, who,
                                             "needs at least 2 pixels, got ", shape);
    double mean = 0.0;
    for (Index i = 0; i < map.size(); ++i) mean += map[i];
    mean /= static_cast<double>(map.size());
    double spread = 0.0;
    for (Index i = 0; i < map.size(); ++i) spread += (map[i] - mean) * (map[i] - mean);
    smoothgrad::detail::require<numeric_error>(spread > 0.0, who,
                                               "the map is constant, its autocorrelation is undefined");
    double neighbours = 0.0;
    Index pairs = 0;
    for (Index y = 0; y < shape.height; ++y) {
        for (Index x = 0; x < shape.width; ++x) {
            for (Index c = 0; c < shape.channels; ++c) {
                const double here = map[shape.offset(y, x, c)] - mean;
                if (x + 1 < shape.width) neighbours += here * (map[shape.offset(y, x + 1, c)] - mean), ++pairs;
                if (y + 1 < shape.height) neighbours += here * (map[shape.offset(y + 1, x, c)] - mean), ++pairs;
            }
        }
    }
    return static_cast<double>(map.size()) * neighbours / (static_cast<double>(pairs) * spread);
}

}  // namespace smoothgrad::metrics
