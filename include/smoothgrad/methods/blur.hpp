// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Gaussian blur of an HWC image over its height and width: a baseline for integrated gradients (the
/// image with its detail removed) and the path of blur integrated gradients.

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// `image` (HWC, `shape`) convolved with a Gaussian of standard deviation `sigma` pixels along its rows
/// and columns, each channel on its own, as scipy.ndimage.gaussian_filter with mode "constant": values
/// outside the image are 0, and the kernel is cut at 4 sigma and normalized to sum 1 (over the whole
/// kernel, so pixels near the border lose the part of the kernel that falls outside). sigma = 0 returns
/// the image.
[[nodiscard]] inline Vector gaussian_blur(const Vector& image, const ImageShape& shape, double sigma) {
    constexpr std::string_view who = "gaussian_blur";
    detail::check_shape(image, shape, who);
    detail::require(std::isfinite(sigma) && sigma >= 0.0, who, "sigma must be finite and >= 0, got ", sigma);
    if (sigma == 0.0) return image;
    const auto radius = static_cast<Index>(4.0 * sigma + 0.5);  // scipy's truncate = 4
    std::vector<double> kernel(static_cast<std::size_t>(2 * radius + 1));
    double total = 0.0;
    for (Index d = -radius; d <= radius; ++d) {
        const double weight = std::exp(-0.5 * static_cast<double>(d * d) / (sigma * sigma));
        kernel[static_cast<std::size_t>(d + radius)] = weight;
        total += weight;
    }
    for (double& weight : kernel) weight /= total;

    // Rows first, then columns, in double; both passes treat what lies outside the image as 0.
    const Index channels = shape.channels;
    std::vector<double> rows(static_cast<std::size_t>(image.size()), 0.0);
    for (Index y = 0; y < shape.height; ++y)
        for (Index x = 0; x < shape.width; ++x)
            // Only the offsets that land inside the image: a wide kernel (sigma 50 on 28 pixels) is mostly outside.
            for (Index d = std::max(-radius, -x); d <= std::min(radius, shape.width - 1 - x); ++d) {
                const Index source = x + d;
                const double weight = kernel[static_cast<std::size_t>(d + radius)];
                for (Index c = 0; c < channels; ++c)
                    rows[static_cast<std::size_t>(shape.offset(y, x, c))] += weight * image[shape.offset(y, source, c)];
            }
    Vector result = Vector::Zero(image.size());
    for (Index y = 0; y < shape.height; ++y)
        for (Index x = 0; x < shape.width; ++x)
            for (Index c = 0; c < channels; ++c) {
                double sum = 0.0;
                for (Index d = std::max(-radius, -y); d <= std::min(radius, shape.height - 1 - y); ++d) {
                    const Index source = y + d;
                    sum += kernel[static_cast<std::size_t>(d + radius)] *
                           rows[static_cast<std::size_t>(shape.offset(source, x, c))];
                }
                result[shape.offset(y, x, c)] = static_cast<float>(sum);
            }
    return result;
}

}  // namespace smoothgrad
