// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Puts several images side by side in one picture, as the paper's figures compare methods.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// The most values a grid may have (2^31, 8 GiB of floats): larger ones are refused before allocation.
inline constexpr Index max_grid_values = Index{1} << 31;

/// The layout of make_grid.
struct GridParams {
    /// Cells per row; 0 puts all cells in one row.
    Index columns = 0;
    /// Background pixels between cells and around the border.
    Index padding = 2;
    /// The background's gray level, in [0, 1] (1 is white).
    float background = 1.0f;
    /// Every cell pixel becomes a cell_scale x cell_scale block (nearest neighbour), so that small maps
    /// (28 x 28) are visible.
    Index cell_scale = 1;
};

namespace detail {

/// Where make_grid puts its cells, after its checks; shared with the labelled and SVG grids.
struct GridGeometry {
    Index columns = 1, rows = 1;
    Index cell_height = 0, cell_width = 0;  ///< a cell's size in the grid, scaled
    ImageShape shape{};                     ///< the grid's, RGB

    [[nodiscard]] Index cell_top(Index k, Index padding) const { return padding + (k / columns) * (cell_height + padding); }
    [[nodiscard]] Index cell_left(Index k, Index padding) const { return padding + (k % columns) * (cell_width + padding); }
};

/// make_grid's checks of `cells` and `params` (errors reported as `who`'s) and the layout they give.
[[nodiscard]] inline GridGeometry grid_geometry(const std::vector<Image>& cells, const GridParams& params,
                                                std::string_view who) {
    detail::require(!cells.empty(), who, "cells must not be empty");
    detail::require(params.columns >= 0, who, "columns must be >= 0, got ", params.columns);
    detail::require(params.padding >= 0, who, "padding must be >= 0, got ", params.padding);
    detail::require(params.cell_scale >= 1, who, "cell_scale must be >= 1, got ", params.cell_scale);
    detail::require(params.background >= 0.0f && params.background <= 1.0f, who, "background must be in [0, 1], got ",
                    params.background);
    const ImageShape first = cells.front().shape;
    for (std::size_t k = 0; k < cells.size(); ++k) {
        const Image& cell = cells[k];
        detail::check_shape(cell.pixels, cell.shape, who);
        detail::require<shape_error>(cell.shape.channels == 1 || cell.shape.channels == 3, who, "cell ", k,
                                     " must have 1 or 3 channels, got shape ", cell.shape);
        detail::require<shape_error>(cell.shape.height == first.height && cell.shape.width == first.width, who,
                                     "cell ", k, " has shape ", cell.shape, ", cell 0 has shape ", first,
                                     "; all cells need the same height and width");
    }
    const auto count = static_cast<Index>(cells.size());
    const Index columns = params.columns == 0 ? count : std::min(params.columns, count);
    const Index rows = (count + columns - 1) / columns;
    // Every product and sum checked: a cell_scale of 2^31 used to wrap the grid's size to 0.
    const auto multiply = [&](Index a, Index b) { return detail::checked_multiply(a, b, who); };
    const auto add = [&](Index a, Index b) { return detail::checked_add(a, b, who); };
    const Index cell_height = multiply(first.height, params.cell_scale);
    const Index cell_width = multiply(first.width, params.cell_scale);
    const ImageShape shape{add(multiply(rows, add(cell_height, params.padding)), params.padding),
                           add(multiply(columns, add(cell_width, params.padding)), params.padding), 3};
    detail::require<shape_error>(shape.size() <= max_grid_values, who, "the grid would be ", shape, ", more than ",
                                 max_grid_values, " values");
    return {columns, rows, cell_height, cell_width, shape};
}

}  // namespace detail

/// One RGB image of `cells` laid out row by row, left to right.
///
/// Every cell has the same height h and width w and 1 (gray, broadcast to RGB) or 3 channels. With
/// c columns, r = ceil(n / c) rows, padding p and scale s, the grid is r * (h * s + p) + p pixels high
/// and c * (w * s + p) + p wide (c is min(columns, n)); cell k's top-left pixel is at
/// (p + (k / c) * (h * s + p), p + (k % c) * (w * s + p)). Unused cells of the last row are background.
///
///     Image figure = make_grid({input_rgb, vanilla_rgb, smooth_rgb}, {.columns = 3, .cell_scale = 4});
[[nodiscard]] inline Image make_grid(const std::vector<Image>& cells, const GridParams& params = {}) {
    const detail::GridGeometry geometry = detail::grid_geometry(cells, params, "make_grid");
    const ImageShape& shape = geometry.shape;
    Image grid{Vector::Constant(shape.size(), params.background), shape};
    for (Index k = 0; k < static_cast<Index>(cells.size()); ++k) {
        const Image& cell = cells[static_cast<std::size_t>(k)];
        const Index top = geometry.cell_top(k, params.padding);
        const Index left = geometry.cell_left(k, params.padding);
        for (Index y = 0; y < geometry.cell_height; ++y) {
            for (Index x = 0; x < geometry.cell_width; ++x) {
                const Index source = cell.shape.offset(y / params.cell_scale, x / params.cell_scale);
                for (Index c = 0; c < 3; ++c)
                    grid.pixels[shape.offset(top + y, left + x, c)] =
                        cell.pixels[cell.shape.channels == 1 ? source : source + c];
            }
        }
    }
    return grid;
}

}  // namespace smoothgrad
