// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The data model: an image is a flat float vector in HWC order (row, column, channel, as stb_image
/// stores pixels) with its shape carried beside it; a batch is a matrix with one sample per column.

#include "smoothgrad/detail/eigen_core.hpp"

#include <ostream>

#include "smoothgrad/core/error.hpp"

namespace smoothgrad {

using Index = Eigen::Index;
/// One input, attribution map or score vector.
using Vector = Eigen::VectorXf;
/// A batch: one sample per column (features x batch), or scores (classes x batch).
using Matrix = Eigen::MatrixXf;

/// Height, width and channels of an HWC image; the element (y, x, c) is at (y * width + x) * channels + c.
struct ImageShape {
    Index height = 0;
    Index width = 0;
    Index channels = 1;

    [[nodiscard]] constexpr Index size() const noexcept { return height * width * channels; }
    [[nodiscard]] constexpr Index pixels() const noexcept { return height * width; }
    [[nodiscard]] constexpr Index offset(Index y, Index x, Index c = 0) const noexcept {
        return (y * width + x) * channels + c;
    }
    friend constexpr bool operator==(const ImageShape&, const ImageShape&) = default;
    friend std::ostream& operator<<(std::ostream& out, const ImageShape& s) {
        return out << s.height << "x" << s.width << "x" << s.channels;
    }
};

/// Pixels with their shape: what image I/O and the visualization utilities pass around.
struct Image {
    Vector pixels;
    ImageShape shape;
};

namespace detail {

/// Throws shape_error unless `shape` is non-empty and describes exactly `values.size()` numbers.
inline void check_shape(const Vector& values, const ImageShape& shape, std::string_view who) {
    require<shape_error>(shape.height > 0 && shape.width > 0 && shape.channels > 0, who,
                         "image shape must be positive, got ", shape);
    require<shape_error>(values.size() == shape.size(), who, "image shape ", shape, " needs ",
                         shape.size(), " values, got ", values.size());
}

}  // namespace detail
}  // namespace smoothgrad
