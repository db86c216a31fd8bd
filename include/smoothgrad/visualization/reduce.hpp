// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Turns a map with one value per colour channel into one value per pixel, so that it can be shown
/// as a single heat map.

#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// How the channel values of one pixel are combined.
enum class ChannelReduction {
    sum_abs,  ///< sum over channels of |x|: the paper's (and PAIR saliency's) grayscale maps
    sum,      ///< signed sum over channels: keeps the sign, for diverging maps
    max_abs,  ///< largest |x| over channels
};

/// One value per pixel from a map of `shape`: an Image with 1 channel and the same height and width.
/// For a one-channel map, sum_abs and max_abs give |x| and sum gives x itself.
///
///     Image gray = reduce_channels(map, {.height = 224, .width = 224, .channels = 3});
[[nodiscard]] inline Image reduce_channels(const Vector& map, ImageShape shape,
                                           ChannelReduction reduction = ChannelReduction::sum_abs) {
    constexpr std::string_view who = "reduce_channels";
    detail::check_shape(map, shape, who);
    Image result{Vector(shape.pixels()), ImageShape{shape.height, shape.width, 1}};
    for (Index p = 0; p < shape.pixels(); ++p) {
        const auto values = map.segment(p * shape.channels, shape.channels);
        switch (reduction) {
            case ChannelReduction::sum_abs: result.pixels[p] = values.cwiseAbs().sum(); break;
            case ChannelReduction::sum: result.pixels[p] = values.sum(); break;
            case ChannelReduction::max_abs: result.pixels[p] = values.cwiseAbs().maxCoeff(); break;
        }
    }
    return result;
}

/// reduce_channels for a map that carries its shape.
[[nodiscard]] inline Image reduce_channels(const Image& map, ChannelReduction reduction = ChannelReduction::sum_abs) {
    return reduce_channels(map.pixels, map.shape, reduction);
}

}  // namespace smoothgrad
