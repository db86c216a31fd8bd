// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Grids and colour bars with text, so that a figure reads without the text around it: column and row
/// titles and a caption around make_grid's grid, and a colour bar with its ends named.
///
///     Image figure = make_labelled_grid(maps, {.columns = 5, .cell_scale = 4},
///                                       {.column_titles = {"noise 0 %", "10 %", "20 %", "30 %", "50 %"}});
///     write_png("fig3.png", figure);

#include <algorithm>
#include <cmath>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/io/text.hpp"
#include "smoothgrad/visualization/colour_bar.hpp"
#include "smoothgrad/visualization/grid.hpp"

namespace smoothgrad {

/// Text around a grid; every part is optional.
struct GridLabels {
    /// Above the columns, left to right (at most one per column).
    std::vector<std::string> column_titles = {};
    /// Left of the rows, top to bottom (at most one per row).
    std::vector<std::string> row_titles = {};
    /// One line under the grid.
    std::string caption = {};
    /// Text height in pixels; 0 chooses one from the cells' height (a seventh of it, 10 to 24 pixels).
    float pixel_height = 0.0f;
};

namespace detail {

/// The font of labelled figures, read once per process; says once on stderr when there is none.
[[nodiscard]] inline const std::optional<Font>& figure_font() {
    static const std::optional<Font> font = Font::find();
    static std::once_flag warned;
    if (!font)
        std::call_once(warned, [] {
            std::cerr << "smoothgrad: no font found (install fonts-dejavu-core, or set SMOOTHGRAD_FONT to a .ttf "
                         "file): figures are drawn without their text\n";
        });
    return font;
}

/// A canvas of `shape` in the background gray, with `image` (RGB) copied in at (top, left).
[[nodiscard]] inline Image framed(const Image& image, Index top, Index left, ImageShape shape, float background) {
    Image canvas{Vector::Constant(shape.size(), background), shape};
    for (Index y = 0; y < image.shape.height; ++y)
        canvas.pixels.segment(shape.offset(top + y, left), image.shape.width * 3) =
            image.pixels.segment(image.shape.offset(y, 0), image.shape.width * 3);
    return canvas;
}

/// Black text on a light background, white on a dark one.
[[nodiscard]] inline TextStyle text_on(float background, float pixel_height) {
    const float ink = background > 0.5f ? 0.0f : 1.0f;
    return {.pixel_height = pixel_height, .colour = {ink, ink, ink}};
}

/// Where a labelled grid puts its parts: make_grid's grid moved right of the row titles and below the
/// column titles. make_labelled_grid draws it in pixels, write_svg_grid as SVG.
struct LabelledLayout {
    GridGeometry grid;
    Index padding = 0;
    float text_height = 0.0f;
    Index line = 0, gap = 0;  ///< a line of text's height, and the space around text
    Index top = 0, left = 0;  ///< where the grid starts
    ImageShape canvas{};

    [[nodiscard]] Index cell_left(Index k) const { return left + grid.cell_left(k, padding); }
    [[nodiscard]] Index cell_top(Index k) const { return top + grid.cell_top(k, padding); }
    [[nodiscard]] Index caption_top() const { return top + grid.shape.height + gap; }
};

/// The layout of `cells` with `labels`, text measured by `text_width(text, height)`: make_grid's checks,
/// and the titles'.
template <class TextWidth>
[[nodiscard]] LabelledLayout labelled_layout(const std::vector<Image>& cells, const GridParams& params,
                                             const GridLabels& labels, TextWidth&& text_width, std::string_view who) {
    LabelledLayout layout{.grid = grid_geometry(cells, params, who), .padding = params.padding};
    require(static_cast<Index>(labels.column_titles.size()) <= layout.grid.columns, who, labels.column_titles.size(),
            " column titles for ", layout.grid.columns, " columns");
    require(static_cast<Index>(labels.row_titles.size()) <= layout.grid.rows, who, labels.row_titles.size(),
            " row titles for ", layout.grid.rows, " rows");
    require(labels.pixel_height == 0.0f || (labels.pixel_height >= 6.0f && labels.pixel_height <= 256.0f), who,
            "pixel_height must be 0 (automatic) or in [6, 256], got ", labels.pixel_height);
    layout.text_height = labels.pixel_height > 0.0f
                             ? labels.pixel_height
                             : std::clamp(std::round(static_cast<float>(layout.grid.cell_height) / 7.0f), 10.0f, 24.0f);
    layout.line = static_cast<Index>(std::ceil(layout.text_height));
    layout.gap = std::max<Index>(params.padding, layout.line / 4);
    Index title_width = 0;
    for (const auto& title : labels.row_titles) title_width = std::max(title_width, text_width(title, layout.text_height));
    layout.top = labels.column_titles.empty() ? 0 : layout.line + layout.gap;
    layout.left = labels.row_titles.empty() ? 0 : title_width + 2 * layout.gap;
    const Index bottom = labels.caption.empty() ? 0 : layout.line + 2 * layout.gap;
    const Index caption_width =
        labels.caption.empty() ? 0 : text_width(labels.caption, layout.text_height) + 2 * layout.gap;
    layout.canvas = {layout.top + layout.grid.shape.height + bottom,
                     std::max(layout.left + layout.grid.shape.width, caption_width), 3};
    return layout;
}

}  // namespace detail

/// make_grid's grid with `labels` around it: column titles centred above their columns, row titles left
/// of their rows, the caption under the grid, in `font` (by default DejaVu Sans, see Font::find). With
/// no font the grid is returned without text (and the library says so once on stderr).
///
/// Throws what make_grid throws, and argument_error for more titles than columns or rows.
[[nodiscard]] inline Image make_labelled_grid(const std::vector<Image>& cells, const GridParams& params,
                                              const GridLabels& labels,
                                              const std::optional<Font>& font = detail::figure_font()) {
    constexpr std::string_view who = "make_labelled_grid";
    const Image grid = make_grid(cells, params);
    const auto measure = [&](std::string_view text, float height) { return font ? font->text_width(text, height) : 0; };
    const detail::LabelledLayout layout = detail::labelled_layout(cells, params, labels, measure, who);
    if (!font) return grid;

    Image figure = detail::framed(grid, layout.top, layout.left, layout.canvas, params.background);
    const TextStyle style = detail::text_on(params.background, layout.text_height);
    for (std::size_t j = 0; j < labels.column_titles.size(); ++j) {
        const Index centre = layout.cell_left(static_cast<Index>(j)) + layout.grid.cell_width / 2;
        const Index width = font->text_width(labels.column_titles[j], layout.text_height);
        font->draw(figure, labels.column_titles[j], std::max<Index>(0, centre - width / 2), layout.gap / 2, style);
    }
    for (std::size_t i = 0; i < labels.row_titles.size(); ++i) {
        const Index middle = layout.cell_top(static_cast<Index>(i) * layout.grid.columns) + layout.grid.cell_height / 2;
        font->draw(figure, labels.row_titles[i], layout.gap, middle - layout.line / 2, style);
    }
    if (!labels.caption.empty()) font->draw(figure, labels.caption, layout.gap, layout.caption_top(), style);
    return figure;
}

/// colour_bar(map, length) with `low` and `high` written under its ends (for a magnitude map "0" and the
/// percentile cap, for a diverging one the two classes), in `font`; without a font, the bar alone.
[[nodiscard]] inline Image labelled_colour_bar(Colormap map, Index length, std::string_view low, std::string_view high,
                                               const std::optional<Font>& font = detail::figure_font(),
                                               float pixel_height = 12.0f) {
    const Image bar = colour_bar(map, length);
    if (!font) return bar;
    const auto line = static_cast<Index>(std::ceil(pixel_height));
    const Index gap = std::max<Index>(2, line / 4);
    const Index high_width = font->text_width(high, pixel_height);
    const Index width = std::max({bar.shape.width, font->text_width(low, pixel_height) + high_width + 2 * gap});
    Image figure = detail::framed(bar, 0, 0, {bar.shape.height + gap + line, width, 3}, 1.0f);
    const TextStyle style = detail::text_on(1.0f, pixel_height);
    font->draw(figure, low, 0, bar.shape.height + gap / 2, style);
    font->draw(figure, high, std::max<Index>(0, bar.shape.width - high_width), bar.shape.height + gap / 2, style);
    return figure;
}

}  // namespace smoothgrad
