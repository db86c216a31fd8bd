// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/io/text.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace smoothgrad;

namespace {

/// The font the figures use: scripts/install-deps.sh installs fonts-dejavu-core, so it must be found.
const Font& test_font() {
    static const std::optional<Font> font = Font::find();
    REQUIRE(font.has_value());
    return *font;
}

Image white(Index height, Index width, Index channels = 3) {
    return {Vector::Ones(height * width * channels), {height, width, channels}};
}

}  // namespace

TEST_CASE("UTF-8 text becomes code points, malformed bytes U+FFFD", "[io][text]") {
    CHECK(detail::utf8_code_points("a%") == std::vector<int>{'a', '%'});
    CHECK(detail::utf8_code_points("\xC3\xA9\xE2\x80\x94\xF0\x9F\x98\x80") == std::vector<int>{0xE9, 0x2014, 0x1F600});
    CHECK(detail::utf8_code_points("x\xE9y") == std::vector<int>{'x', 0xFFFD, 'y'});  // Latin-1, not UTF-8
    CHECK(detail::utf8_code_points("\xE2\x80") == std::vector<int>{0xFFFD, 0xFFFD});   // cut short
}

TEST_CASE("text is drawn the same every time, in the style's colour, and only inside the image", "[io][text]") {
    const Font& font = test_font();
    Image first = white(20, 120), second = white(20, 120);
    font.draw(first, "noise 10 %", 2, 2, {.pixel_height = 14.0f, .colour = {1.0f, 0.0f, 0.0f}});
    font.draw(second, "noise 10 %", 2, 2, {.pixel_height = 14.0f, .colour = {1.0f, 0.0f, 0.0f}});
    CHECK(first.pixels == second.pixels);
    // Ink in red: the red channel stays 1, green and blue fall where glyphs cover the pixel.
    Index inked = 0;
    for (Index p = 0; p < first.shape.pixels(); ++p) {
        CHECK(first.pixels[p * 3] == 1.0f);
        CHECK(first.pixels[p * 3 + 1] == first.pixels[p * 3 + 2]);
        inked += first.pixels[p * 3 + 1] < 0.5f ? 1 : 0;
    }
    CHECK(inked > 40);
    // Nothing is drawn past the text's width.
    const Index width = font.text_width("noise 10 %", 14.0f);
    for (Index y = 0; y < 20; ++y)
        for (Index x = 2 + width + 2; x < 120; ++x) CHECK(first.pixels[first.shape.offset(y, x, 1)] == 1.0f);
    // Text partly or wholly outside the image is cut off, not written past it.
    Image small = white(6, 8, 1);
    font.draw(small, "clipped text", -5, -3);
    font.draw(small, "far away", 500, 500);
    CHECK(small.pixels.minCoeff() < 1.0f);
}

TEST_CASE("wider text measures wider; a gray image takes the first colour value", "[io][text]") {
    const Font& font = test_font();
    CHECK(font.text_width("", 14.0f) == 0);
    CHECK(font.text_width("n = 1", 14.0f) < font.text_width("n = 100", 14.0f));
    CHECK(font.text_width("n = 100", 14.0f) < font.text_width("n = 100", 28.0f));
    Image gray = white(16, 40, 1);
    font.draw(gray, "0 %", 0, 0, {.pixel_height = 12.0f, .colour = {0.25f, 1.0f, 1.0f}});
    CHECK(gray.pixels.minCoeff() >= 0.25f);
    CHECK(gray.pixels.minCoeff() < 0.5f);
}

TEST_CASE("SMOOTHGRAD_FONT chooses the font; one that cannot be read means no font, not another", "[io][text]") {
    const Index regular = test_font().text_width("SmoothGrad", 14.0f);  // found before the variable changes
    const char* before = std::getenv("SMOOTHGRAD_FONT");
    const std::string saved = before != nullptr ? before : "";
    ::setenv("SMOOTHGRAD_FONT", "/nonexistent/missing.ttf", 1);
    CHECK_FALSE(Font::find().has_value());
    ::setenv("SMOOTHGRAD_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 1);
    const std::optional<Font> bold = Font::find();
    REQUIRE(bold.has_value());
    CHECK(bold->text_width("SmoothGrad", 14.0f) > regular);
    if (before != nullptr) ::setenv("SMOOTHGRAD_FONT", saved.c_str(), 1);
    else ::unsetenv("SMOOTHGRAD_FONT");
}

TEST_CASE("a font file that is missing or not a font is refused by name", "[io][text]") {
    CHECK_THROWS_MATCHES(Font("/nonexistent/font.ttf"), io_error,
                         Catch::Matchers::Message("Font: cannot open '/nonexistent/font.ttf'"));
    const auto not_a_font = std::filesystem::temp_directory_path() / "smoothgrad-not-a-font.ttf";
    { std::ofstream(not_a_font) << "plain text, not TrueType"; }
    CHECK_THROWS_AS(Font(not_a_font), format_error);
    std::filesystem::remove(not_a_font);
    Image rgba = white(4, 4, 4);
    CHECK_THROWS_AS(test_font().draw(rgba, "x", 0, 0), shape_error);
}
