// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/visualization/grid.hpp"

#include <catch2/catch.hpp>

#include <limits>

#include <vector>

using namespace smoothgrad;

namespace {

/// A 1x2 gray cell with values (a, b).
Image gray_cell(float a, float b) { return Image{Eigen::Vector2f(a, b), {1, 2, 1}}; }

/// Pixel (y, x) of an RGB image as a row-vector of its 3 channels.
Eigen::Vector3f pixel(const Image& image, Index y, Index x) {
    return image.pixels.segment<3>(image.shape.offset(y, x, 0));
}

}  // namespace

TEST_CASE("make_grid lays cells out row-major with padding", "[visualization][grid]") {
    // Three 1x2 cells, 2 columns, padding 1: 2 rows -> height 2 * (1 + 1) + 1 = 5, width 2 * (2 + 1) + 1 = 7.
    //   row 0: pad | c0 c0 | pad | c1 c1 | pad      row 2: cell 2, then background
    const std::vector<Image> cells{gray_cell(0.1f, 0.2f), gray_cell(0.3f, 0.4f), gray_cell(0.5f, 0.6f)};
    const Image grid = make_grid(cells, {.columns = 2, .padding = 1, .background = 0.9f});
    REQUIRE(grid.shape == ImageShape{5, 7, 3});
    const auto gray = [](float v) { return Eigen::Vector3f::Constant(v); };
    CHECK(pixel(grid, 1, 1) == gray(0.1f));
    CHECK(pixel(grid, 1, 2) == gray(0.2f));
    CHECK(pixel(grid, 1, 4) == gray(0.3f));
    CHECK(pixel(grid, 1, 5) == gray(0.4f));
    CHECK(pixel(grid, 3, 1) == gray(0.5f));
    CHECK(pixel(grid, 3, 2) == gray(0.6f));
    // Everything else is background: borders, the gaps and the empty last cell.
    Index background = 0;
    for (Index y = 0; y < 5; ++y)
        for (Index x = 0; x < 7; ++x) background += pixel(grid, y, x) == gray(0.9f) ? 1 : 0;
    CHECK(background == 5 * 7 - 6);
    CHECK(pixel(grid, 3, 4) == gray(0.9f));
    CHECK(pixel(grid, 0, 0) == gray(0.9f));
}

TEST_CASE("make_grid keeps RGB cells, upscales and defaults to one white row", "[visualization][grid]") {
    // A 1x1 RGB cell (0.1, 0.2, 0.3) and a 1x1 gray cell 0.5, scaled 2x, default padding 2 and white.
    const std::vector<Image> cells{Image{Eigen::Vector3f(0.1f, 0.2f, 0.3f), {1, 1, 3}},
                                   Image{Vector::Constant(1, 0.5f), {1, 1, 1}}};
    const Image grid = make_grid(cells, {.cell_scale = 2});
    // One row: height 1 * (2 + 2) + 2 = 6; width 2 * (2 + 2) + 2 = 10.
    REQUIRE(grid.shape == ImageShape{6, 10, 3});
    for (Index y = 2; y < 4; ++y) {
        for (Index x = 2; x < 4; ++x) CHECK(pixel(grid, y, x) == Eigen::Vector3f(0.1f, 0.2f, 0.3f));
        for (Index x = 6; x < 8; ++x) CHECK(pixel(grid, y, x) == Eigen::Vector3f::Constant(0.5f));
    }
    CHECK(pixel(grid, 1, 2) == Eigen::Vector3f::Ones());
    CHECK(pixel(grid, 2, 4) == Eigen::Vector3f::Ones());
    CHECK(pixel(grid, 4, 7) == Eigen::Vector3f::Ones());
    // More columns than cells: the grid is as wide as the cells need.
    CHECK(make_grid(cells, {.columns = 5, .padding = 0}).shape == ImageShape{1, 2, 3});
}

TEST_CASE("nearest-neighbour upscaling repeats each pixel in a block", "[visualization][grid]") {
    // A 2x2 gray cell upscaled 3x with no padding: block (i, j) holds pixel (i, j).
    const Image cell{Eigen::Vector4f(0.0f, 0.25f, 0.5f, 1.0f), {2, 2, 1}};
    const Image grid = make_grid({cell}, {.padding = 0, .cell_scale = 3});
    REQUIRE(grid.shape == ImageShape{6, 6, 3});
    for (Index y = 0; y < 6; ++y)
        for (Index x = 0; x < 6; ++x)
            CHECK(pixel(grid, y, x) == Eigen::Vector3f::Constant(cell.pixels[cell.shape.offset(y / 3, x / 3)]));
}

TEST_CASE("make_grid rejects mismatched cells and bad parameters", "[visualization][grid][errors]") {
    const Image a = gray_cell(0, 1);
    CHECK_THROWS_AS(make_grid({}), argument_error);
    CHECK_THROWS_AS(make_grid({a, Image{Vector::Zero(3), {3, 1, 1}}}), shape_error);
    CHECK_THROWS_WITH(make_grid({a, Image{Vector::Zero(3), {3, 1, 1}}}), Catch::Contains("cell 1"));
    CHECK_THROWS_AS(make_grid({a, Image{Vector::Zero(4), {1, 2, 2}}}), shape_error);
    CHECK_THROWS_AS(make_grid({a, Image{Vector::Zero(3), {1, 2, 1}}}), shape_error);
    CHECK_THROWS_AS(make_grid({a}, {.columns = -1}), argument_error);
    CHECK_THROWS_AS(make_grid({a}, {.padding = -1}), argument_error);
    CHECK_THROWS_AS(make_grid({a}, {.cell_scale = 0}), argument_error);
    CHECK_THROWS_AS(make_grid({a}, {.background = 2.0f}), argument_error);
}

TEST_CASE("make_grid refuses sizes that overflow or would not fit in memory", "[visualization][grid][errors]") {
    const Image a = gray_cell(0, 1);
    // cell_scale 2^31 used to wrap the grid's size to 0 and write out of bounds.
    CHECK_THROWS_AS(make_grid({a}, {.cell_scale = Index{1} << 31}), shape_error);
    CHECK_THROWS_AS(make_grid({a}, {.cell_scale = Index{1} << 62}), shape_error);
    CHECK_THROWS_WITH(make_grid({a}, {.cell_scale = Index{1} << 62}), Catch::Contains("make_grid: the size"));
    CHECK_THROWS_AS(make_grid({a}, {.padding = std::numeric_limits<Index>::max()}), shape_error);
    // No overflow, but 3 * (2^20)^2 values: refused before allocating.
    CHECK_THROWS_WITH(make_grid({a}, {.padding = 0, .cell_scale = Index{1} << 20}),
                      Catch::Contains("more than 2147483648 values"));
    // A shape whose product wraps to the vector's size is refused too.
    CHECK_THROWS_AS(make_grid({Image{Vector::Zero(8), {(Index{1} << 61) + 1, 8, 1}}}), shape_error);
}
