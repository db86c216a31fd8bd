// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Bringing a photo to a model's input size, as torchvision's Resize + CenterCrop do: scale it so that it
/// covers the target, then cut out the centre. Resampling is stb_image_resize's (Debian's libstb-dev).
///
///     Image photo = load_image("dog.jpg", {.channels = 3});             // any size
///     Image input = resize_and_center_crop(photo, 224, 224);          // shorter side to 224, centre crop

#include <stb_image_resize.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

namespace detail {

inline void check_target_size(const Image& image, Index height, Index width, std::string_view who) {
    check_shape(image.pixels, image.shape, who);
    require<shape_error>(image.shape.height > 0 && image.shape.width > 0 && image.shape.channels > 0, who,
                         "the image is empty (", image.shape, ")");
    require(height > 0 && width > 0 && height <= 65536 && width <= 65536, who,
            "the target size must be in [1, 65536] per side, got ", height, "x", width);
}

}  // namespace detail

/// `image` resampled to height x width, channel by channel, with the Catmull-Rom filter (PIL's bicubic),
/// widened when shrinking so that it averages instead of skipping pixels (antialiasing, as PIL does for
/// torchvision); edges repeat the border pixels. Like any cubic filter it can overshoot at sharp edges by
/// a few percent: clamp the result if its range matters. (stb's triangle filter is not used: Debian's
/// stb_image_resize 0.97 fails an assertion for many shrink factors with it.)
[[nodiscard]] inline Image resize_image(const Image& image, Index height, Index width) {
    constexpr std::string_view who = "resize_image";
    detail::check_target_size(image, height, width, who);
    const ImageShape& in = image.shape;
    detail::require<shape_error>(in.height <= 65536 && in.width <= 65536 && in.channels <= 64, who,
                                 "the image is too large to resize (", in, ")");
    Image out{Vector(height * width * in.channels), {height, width, in.channels}};
    const int channels = static_cast<int>(in.channels);
    const int done = stbir_resize_float_generic(
        image.pixels.data(), static_cast<int>(in.width), static_cast<int>(in.height), 0, out.pixels.data(),
        static_cast<int>(width), static_cast<int>(height), 0, channels, STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP,
        STBIR_FILTER_CATMULLROM, STBIR_COLORSPACE_LINEAR, nullptr);
    detail::require<error>(done == 1, who, "stb_image_resize failed to resize ", in, " to ", height, "x", width);
    return out;
}

/// The centre height x width of `image`; the offsets are rounded as torchvision's CenterCrop rounds them.
[[nodiscard]] inline Image center_crop(const Image& image, Index height, Index width) {
    constexpr std::string_view who = "center_crop";
    detail::check_target_size(image, height, width, who);
    const ImageShape& in = image.shape;
    detail::require<shape_error>(height <= in.height && width <= in.width, who, "cannot cut ", height, "x", width,
                                 " out of a ", in, " image");
    // Python's round(), as torchvision calls it: halves go to the even neighbour (nearbyint's default mode).
    const auto top = static_cast<Index>(std::nearbyint(static_cast<double>(in.height - height) / 2.0));
    const auto left = static_cast<Index>(std::nearbyint(static_cast<double>(in.width - width) / 2.0));
    Image out{Vector(height * width * in.channels), {height, width, in.channels}};
    const Index row = width * in.channels;
    for (Index y = 0; y < height; ++y)
        out.pixels.segment(out.shape.offset(y, 0), row) = image.pixels.segment(in.offset(top + y, left), row);
    return out;
}

/// Resize + CenterCrop: `image` scaled by one factor so that it just covers height x width (for a square
/// target, its shorter side becomes the target's side, as torchvision's Resize(size) makes it; the longer
/// side is truncated as there), then its centre cut out.
[[nodiscard]] inline Image resize_and_center_crop(const Image& image, Index height, Index width) {
    constexpr std::string_view who = "resize_and_center_crop";
    detail::check_target_size(image, height, width, who);
    const ImageShape& in = image.shape;
    const double factor = std::max(static_cast<double>(height) / static_cast<double>(in.height),
                                   static_cast<double>(width) / static_cast<double>(in.width));
    const auto scaled = [&](Index side, Index target) {
        return std::max(target, static_cast<Index>(static_cast<double>(side) * factor));
    };
    return center_crop(resize_image(image, scaled(in.height, height), scaled(in.width, width)), height, width);
}

}  // namespace smoothgrad
