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
/// A read-only batch that is not copied: a Matrix, a block of its columns, a Vector, or an Eigen::Map
/// over another framework's float buffer (column-major, one sample per column).
using MatrixRef = Eigen::Ref<const Matrix>;

namespace detail {

/// a * b, or shape_error from `who` when the product overflows an Index (sizes from hostile files and
/// parameters must not wrap around to small numbers that pass a size check).
[[nodiscard]] constexpr Index checked_multiply(Index a, Index b, std::string_view who) {
    Index product = 0;
    if (__builtin_mul_overflow(a, b, &product))
        throw shape_error(message(who, "the size ", a, " x ", b, " overflows an Index"));
    return product;
}

/// a + b, or shape_error from `who` when the sum overflows an Index.
[[nodiscard]] constexpr Index checked_add(Index a, Index b, std::string_view who) {
    Index sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) throw shape_error(message(who, "the size ", a, " + ", b, " overflows an Index"));
    return sum;
}

}  // namespace detail

/// Height, width and channels of an HWC image; the element (y, x, c) is at (y * width + x) * channels + c.
struct ImageShape {
    Index height = 0;
    Index width = 0;
    Index channels = 1;

    /// height * width * channels; shape_error when the product overflows an Index.
    [[nodiscard]] constexpr Index size() const {
        return detail::checked_multiply(pixels(), channels, "ImageShape");
    }
    /// height * width; shape_error when the product overflows an Index.
    [[nodiscard]] constexpr Index pixels() const { return detail::checked_multiply(height, width, "ImageShape"); }
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
    const Index size = checked_multiply(checked_multiply(shape.height, shape.width, who), shape.channels, who);
    require<shape_error>(values.size() == size, who, "image shape ", shape, " needs ", size, " values, got ",
                         values.size());
}

}  // namespace detail
}  // namespace smoothgrad
