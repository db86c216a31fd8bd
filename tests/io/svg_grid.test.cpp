// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/io/svg_grid.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace smoothgrad;

namespace {

Image cell(float value) { return {Vector::Constant(28 * 28, value), {28, 28, 1}}; }

Index count(const std::string& text, const std::string& what) {
    Index n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("base64 encodes as RFC 4648's test vectors", "[io][svg_grid]") {
    const auto encode = [](std::string_view text) { return detail::base64(std::vector<char>(text.begin(), text.end())); };
    CHECK(encode("") == "");
    CHECK(encode("f") == "Zg==");
    CHECK(encode("fo") == "Zm8=");
    CHECK(encode("foo") == "Zm9v");
    CHECK(encode("foob") == "Zm9vYg==");
    CHECK(encode("fooba") == "Zm9vYmE=");
    CHECK(encode("foobar") == "Zm9vYmFy");
    CHECK(detail::base64({'\xff', '\x00', '\x80'}) == "/wCA");
}

TEST_CASE("an SVG grid has the labelled grid's size, every cell as an image, and its text escaped", "[io][svg_grid]") {
    const std::vector<Image> cells{cell(0.1f), cell(0.5f), cell(0.9f), cell(0.3f)};
    const GridParams params{.columns = 2, .padding = 4, .cell_scale = 4};
    const GridLabels labels{.column_titles = {"a < b", "x & y"}, .row_titles = {"row \"one\""}, .caption = "n = 50"};
    const std::optional<Font> font = Font::find();
    REQUIRE(font.has_value());
    const std::string svg = svg_grid(cells, params, labels, font);
    const Image raster = make_labelled_grid(cells, params, labels, font);
    CHECK(svg.find("width=\"" + std::to_string(raster.shape.width) + "\" height=\"" +
                   std::to_string(raster.shape.height) + "\"") != std::string::npos);
    CHECK(count(svg, "<image ") == 4);
    CHECK(count(svg, "href=\"data:image/png;base64,iVBORw0KGgo") == 8);  // href and xlink:href: PNG's signature
    CHECK(svg.find(">a &lt; b</text>") != std::string::npos);
    CHECK(svg.find(">x &amp; y</text>") != std::string::npos);
    CHECK(svg.find(">row &quot;one&quot;</text>") != std::string::npos);
    CHECK(svg.find(">n = 50</text>") != std::string::npos);
    // The tiles sit as make_grid places cells: 112 + 4 pixels apart across and down.
    // (Parsed by hand: std::regex trips GCC 12's -Wmaybe-uninitialized in the sanitizer build.)
    std::vector<std::pair<long, long>> corners;
    const std::string tile = "<image x=\"";
    for (std::size_t at = svg.find(tile); at != std::string::npos; at = svg.find(tile, at + 1)) {
        const std::size_t x = at + tile.size();
        const std::size_t y = svg.find("y=\"", x) + 3;
        corners.emplace_back(std::stol(svg.substr(x)), std::stol(svg.substr(y)));
    }
    REQUIRE(corners.size() == 4);
    CHECK(corners[1].first - corners[0].first == 116);
    CHECK(corners[2].second - corners[0].second == 116);
    CHECK(corners[3] == std::pair{corners[1].first, corners[2].second});
}

TEST_CASE("a written SVG grid is well-formed XML that references every tile as a PNG", "[io][svg_grid]") {
    const auto path = std::filesystem::temp_directory_path() / "smoothgrad-svg-grid-test.svg";
    write_svg_grid(path, {cell(0.2f), cell(0.7f), cell(1.0f)}, {.columns = 3, .cell_scale = 2},
                   {.column_titles = {"input", "vanilla", "SmoothGrad"}, .caption = "<caption> & \"quotes\""});
    // Python's XML parser is the judge of well-formedness; every tile must decode as a 28 x 28 PNG.
    const auto script = std::filesystem::temp_directory_path() / "smoothgrad-svg-grid-test.py";
    std::ofstream(script) << R"py(
import base64, struct, sys
import xml.etree.ElementTree as ElementTree
root = ElementTree.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
tiles = root.findall(ns + "image")
assert len(tiles) == 3, len(tiles)
for tile in tiles:
    png = base64.b64decode(tile.get("href").split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (28, 28)
texts = [text.text for text in root.iter(ns + "text")]
assert texts == ["input", "vanilla", "SmoothGrad", '<caption> & "quotes"'], texts
)py";
    const std::string check = "/usr/bin/python3 " + script.string() + " " + path.string();
    CHECK(std::system(check.c_str()) == 0);
    std::filesystem::remove(path);
    std::filesystem::remove(script);
}

TEST_CASE("write_svg_grid names a path it cannot write", "[io][svg_grid]") {
    CHECK_THROWS_AS(write_svg_grid("/nonexistent/folder/grid.svg", {cell(0.5f)}, {}), io_error);
}
