// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/io/labelled_grid.hpp"

#include <catch2/catch.hpp>

using namespace smoothgrad;

namespace {

/// A 28x28 gray cell of one value.
Image cell(float value) { return {Vector::Constant(28 * 28, value), {28, 28, 1}}; }

const std::vector<Image> three_cells{cell(0.2f), cell(0.5f), cell(0.8f)};

}  // namespace

TEST_CASE("a labelled grid is the grid with margins for its titles and caption", "[io][labelled_grid]") {
    const GridParams params{.columns = 3, .padding = 2, .background = 1.0f, .cell_scale = 4};
    const Image grid = make_grid(three_cells, params);
    REQUIRE(grid.shape == ImageShape{116, 344, 3});
    const std::optional<Font> font = Font::find();
    REQUIRE(font.has_value());
    // Cells 112 pixels high: text 16 pixels (a seventh), a gap of 4.
    const Image titled = make_labelled_grid(three_cells, params, {.column_titles = {"0 %", "10 %", "20 %"}}, font);
    CHECK(titled.shape == ImageShape{16 + 4 + 116, 344, 3});
    const Image full = make_labelled_grid(
        three_cells, params, {.column_titles = {"a", "b"}, .row_titles = {"vanilla"}, .caption = "Fig. 3"}, font);
    const Index row_title = font->text_width("vanilla", 16.0f) + 2 * 4;
    CHECK(full.shape == ImageShape{20 + 116 + 16 + 8, row_title + 344, 3});
    // The grid itself sits unchanged inside the frame, below the titles and right of the row titles.
    for (Index y = 0; y < grid.shape.height; ++y)
        CHECK(full.pixels.segment(full.shape.offset(20 + y, row_title), 344 * 3) ==
              grid.pixels.segment(grid.shape.offset(y, 0), 344 * 3));
    // Titles are drawn: dark pixels above the grid and in the caption's band, the same every time.
    CHECK(full.pixels.head(full.shape.offset(20, 0)).minCoeff() < 0.5f);
    CHECK(full.pixels.tail(full.shape.offset(24, 0)).minCoeff() < 0.5f);
    const Image again = make_labelled_grid(
        three_cells, params, {.column_titles = {"a", "b"}, .row_titles = {"vanilla"}, .caption = "Fig. 3"}, font);
    CHECK(again.pixels == full.pixels);
}

TEST_CASE("without a font a labelled grid is the plain grid", "[io][labelled_grid]") {
    const GridParams params{.columns = 2, .cell_scale = 2};
    const Image plain = make_labelled_grid(three_cells, params, {.column_titles = {"x", "y"}, .caption = "c"}, std::nullopt);
    CHECK(plain.shape == make_grid(three_cells, params).shape);
    CHECK(plain.pixels == make_grid(three_cells, params).pixels);
    CHECK(labelled_colour_bar(Colormap::heat, 64, "0", "cap", std::nullopt).pixels == colour_bar(Colormap::heat, 64).pixels);
}

TEST_CASE("a labelled grid refuses more titles than columns or rows", "[io][labelled_grid]") {
    const GridParams params{.columns = 3};
    CHECK_THROWS_MATCHES(make_labelled_grid(three_cells, params, {.column_titles = {"a", "b", "c", "d"}}, std::nullopt),
                         argument_error, Catch::Matchers::Message("make_labelled_grid: 4 column titles for 3 columns"));
    CHECK_THROWS_MATCHES(make_labelled_grid(three_cells, params, {.row_titles = {"a", "b"}}, std::nullopt),
                         argument_error, Catch::Matchers::Message("make_labelled_grid: 2 row titles for 1 rows"));
}

TEST_CASE("a labelled colour bar keeps the bar's end colours and writes its labels under them", "[io][labelled_grid]") {
    const std::optional<Font> font = Font::find();
    REQUIRE(font.has_value());
    const Image bar = colour_bar(Colormap::diverging, 100);
    const Image labelled = labelled_colour_bar(Colormap::diverging, 100, "Coat", "Pullover", font);
    CHECK(labelled.shape.width == 100);
    CHECK(labelled.shape.height > bar.shape.height);
    for (Index y = 0; y < bar.shape.height; ++y)
        CHECK(labelled.pixels.segment(labelled.shape.offset(y, 0), 300) == bar.pixels.segment(bar.shape.offset(y, 0), 300));
    CHECK(labelled.pixels.tail(labelled.shape.offset(labelled.shape.height - bar.shape.height, 0)).minCoeff() < 0.5f);
}
