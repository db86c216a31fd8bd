// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Puts attribution maps on a displayable scale: [0, 1] for magnitudes, [-1, 1] for signed maps, with
/// the top percentile clipped so that a few extreme pixels do not wash out the rest (as the paper does).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// How a map is scaled for display.
struct NormalizeParams {
    /// The percentile (in [0, 100]) that becomes the top of the scale; values above it saturate.
    /// 99 is PAIR saliency's default; 100 scales by the maximum.
    double clip_percentile = 99.0;
};

namespace detail {

/// Throws unless `p` is a percentile in [0, 100] (NaN is not).
inline void check_percentile(double p, std::string_view who, std::string_view parameter) {
    require(p >= 0.0 && p <= 100.0, who, parameter, " must be in [0, 100], got ", p);
}

/// Throws unless `values` is non-empty and finite.
inline void check_map(const Vector& values, std::string_view who) {
    require<shape_error>(values.size() > 0, who, "the map is empty");
    require<numeric_error>(values.allFinite(), who, "the map contains NaN or Inf");
}

/// The percentile of `values`, reordering them in place (numpy's default "linear" method).
[[nodiscard]] inline double percentile_in_place(std::vector<float>& values, double p) {
    const std::size_t n = values.size();
    const double position = p / 100.0 * static_cast<double>(n - 1);
    const auto below = std::min(static_cast<std::size_t>(std::floor(position)), n - 1);
    const double fraction = position - static_cast<double>(below);
    const auto nth = values.begin() + static_cast<std::ptrdiff_t>(below);
    std::nth_element(values.begin(), nth, values.end());
    const double low = *nth;
    if (fraction == 0.0 || below + 1 == n) return low;
    // After nth_element every value behind `nth` is >= it, so the next order statistic is their minimum.
    const double high = *std::min_element(nth + 1, values.end());
    // numpy's lerp, written from whichever end is nearer so that the ends are exact.
    return fraction < 0.5 ? low + (high - low) * fraction : high - (high - low) * (1.0 - fraction);
}

/// The values of all `maps` in one list, after checking each of them.
[[nodiscard]] inline std::vector<float> gather(const std::vector<Vector>& maps, std::string_view who) {
    require(!maps.empty(), who, "maps must not be empty");
    std::vector<float> values;
    for (std::size_t i = 0; i < maps.size(); ++i) {
        require<shape_error>(maps[i].size() > 0, who, "map ", i, " is empty");
        require<numeric_error>(maps[i].allFinite(), who, "map ", i, " contains NaN or Inf");
        values.insert(values.end(), maps[i].data(), maps[i].data() + maps[i].size());
    }
    return values;
}

/// (x - low) / (high - low) clipped to [0, 1]; all zeros when the span is 0.
[[nodiscard]] inline Vector scale_unit(const Vector& map, double low, double high) {
    if (!(high > low)) return Vector::Zero(map.size());
    return ((map.cast<double>().array() - low) / (high - low)).cwiseMax(0.0).cwiseMin(1.0).matrix().cast<float>();
}

/// x / span clipped to [-1, 1]; all zeros when the span is 0.
[[nodiscard]] inline Vector scale_signed(const Vector& map, double span) {
    if (!(span > 0.0)) return Vector::Zero(map.size());
    return (map.cast<double>().array() / span).cwiseMax(-1.0).cwiseMin(1.0).matrix().cast<float>();
}

/// The unit scale (min, percentile) of `values`, which it reorders. Where the percentile does not rise above
/// the minimum (a sparse map: 9 non-zeros among 1000 values put the 99th percentile at 0) the maximum is the
/// top instead, so that only a constant map comes out all zeros.
[[nodiscard]] inline std::pair<double, double> unit_limits(std::vector<float>& values, double clip_percentile) {
    const auto [min, max] = std::minmax_element(values.begin(), values.end());
    const double low = *min, highest = *max;
    const double high = percentile_in_place(values, clip_percentile);
    return {low, high > low ? high : highest};
}

/// The signed scale (percentile of |x|) of `values`, which it overwrites; the largest |x| where the
/// percentile is 0 (a sparse map), so that only a map of zeros comes out all zeros.
[[nodiscard]] inline double signed_span(std::vector<float>& values, double clip_percentile) {
    for (float& v : values) v = std::abs(v);
    const double largest = *std::max_element(values.begin(), values.end());
    const double span = percentile_in_place(values, clip_percentile);
    return span > 0.0 ? span : largest;
}

}  // namespace detail

/// The p-th percentile of `values`, p in [0, 100], exactly as numpy.percentile's default: the sorted
/// values are interpolated linearly at the position p/100 * (n - 1).
///
///     percentile(values, 50);  // the median: 2.5 for {1, 2, 3, 4}
[[nodiscard]] inline double percentile(const Vector& values, double p) {
    constexpr std::string_view who = "percentile";
    detail::check_percentile(p, who, "p");
    detail::check_map(values, who);
    std::vector<float> copy(values.data(), values.data() + values.size());
    return detail::percentile_in_place(copy, p);
}

/// Scales a map to [0, 1]: (x - min) / (percentile - min), clipped; PAIR saliency's
/// `VisualizeImageGrayscale` without its channel sum (reduce_channels does that). Where the percentile
/// equals the minimum (a map that is mostly one value) the maximum takes its place; only a constant map
/// gives all zeros.
///
///     Vector shown = normalize_unit(reduce_channels(map, shape).pixels, {.clip_percentile = 99});
[[nodiscard]] inline Vector normalize_unit(const Vector& map, const NormalizeParams& params = {}) {
    constexpr std::string_view who = "normalize_unit";
    detail::check_percentile(params.clip_percentile, who, "clip_percentile");
    detail::check_map(map, who);
    std::vector<float> values(map.data(), map.data() + map.size());
    const auto [low, high] = detail::unit_limits(values, params.clip_percentile);
    return detail::scale_unit(map, low, high);
}

/// Scales a signed map to [-1, 1]: x / span, clipped, where span is the percentile of |x| (the largest
/// |x| where that percentile is 0); the sign is kept and 0 stays 0. Only a map of zeros gives zeros.
[[nodiscard]] inline Vector normalize_signed(const Vector& map, const NormalizeParams& params = {}) {
    constexpr std::string_view who = "normalize_signed";
    detail::check_percentile(params.clip_percentile, who, "clip_percentile");
    detail::check_map(map, who);
    std::vector<float> values(map.data(), map.data() + map.size());
    return detail::scale_signed(map, detail::signed_span(values, params.clip_percentile));
}

/// normalize_unit for an image, keeping its shape.
[[nodiscard]] inline Image normalize_unit(const Image& map, const NormalizeParams& params = {}) {
    detail::check_shape(map.pixels, map.shape, "normalize_unit");
    return Image{normalize_unit(map.pixels, params), map.shape};
}

/// normalize_signed for an image, keeping its shape.
[[nodiscard]] inline Image normalize_signed(const Image& map, const NormalizeParams& params = {}) {
    detail::check_shape(map.pixels, map.shape, "normalize_signed");
    return Image{normalize_signed(map.pixels, params), map.shape};
}

/// normalize_unit with one scale for all `maps`: the minimum and the percentile are taken over the
/// values of all of them together, so that the maps can be compared by eye. The maps may differ in size.
[[nodiscard]] inline std::vector<Vector> normalize_unit_shared(const std::vector<Vector>& maps,
                                                               const NormalizeParams& params = {}) {
    constexpr std::string_view who = "normalize_unit_shared";
    detail::check_percentile(params.clip_percentile, who, "clip_percentile");
    std::vector<float> values = detail::gather(maps, who);
    const auto [low, high] = detail::unit_limits(values, params.clip_percentile);
    std::vector<Vector> result;
    result.reserve(maps.size());
    for (const Vector& map : maps) result.push_back(detail::scale_unit(map, low, high));
    return result;
}

/// normalize_signed with one span for all `maps`: the percentile of |x| over all of them together.
[[nodiscard]] inline std::vector<Vector> normalize_signed_shared(const std::vector<Vector>& maps,
                                                                 const NormalizeParams& params = {}) {
    constexpr std::string_view who = "normalize_signed_shared";
    detail::check_percentile(params.clip_percentile, who, "clip_percentile");
    std::vector<float> values = detail::gather(maps, who);
    const double span = detail::signed_span(values, params.clip_percentile);
    std::vector<Vector> result;
    result.reserve(maps.size());
    for (const Vector& map : maps) result.push_back(detail::scale_signed(map, span));
    return result;
}

/// The map multiplied element-wise by the input it explains: the paper's Section 3.3 trick that
/// sharpens maps, at the price of hiding what the model sees in dark pixels.
[[nodiscard]] inline Vector multiply_by_input(const Vector& map, const Vector& input) {
    constexpr std::string_view who = "multiply_by_input";
    detail::require<shape_error>(map.size() > 0, who, "the map is empty");
    detail::require<shape_error>(map.size() == input.size(), who, "the map has ", map.size(),
                                 " values, the input has ", input.size());
    return map.cwiseProduct(input);
}

}  // namespace smoothgrad
