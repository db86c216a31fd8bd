// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Text drawn into images, for figures that read on their own: a TrueType font rasterized by stb_truetype
/// (part of the optional smoothgrad::io target, with the other stb libraries). The font is a file found at
/// run time (Debian's fonts-dejavu-core), not one shipped in the library.

#include <stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// How text is drawn.
struct TextStyle {
    /// The height of a line (ascent to descent) in pixels.
    float pixel_height = 14.0f;
    /// RGB in [0, 1], or a gray level in the first value for a one-channel image.
    std::array<float, 3> colour = {0.0f, 0.0f, 0.0f};
};

namespace detail {

/// The code points of UTF-8 text; a malformed sequence becomes U+FFFD.
[[nodiscard]] inline std::vector<int> utf8_code_points(std::string_view text) {
    std::vector<int> points;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
        bool valid = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
        int point = length == 1 ? byte : length == 2 ? byte & 0x1F : length == 3 ? byte & 0x0F : byte & 0x07;
        for (int k = 1; valid && k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
            valid = (next >> 6) == 0x2;
            point = (point << 6) | (next & 0x3F);
        }
        points.push_back(valid ? point : 0xFFFD);
        i += valid ? static_cast<std::size_t>(length) : 1;
    }
    return points;
}

}  // namespace detail

/// A TrueType font. Copies share the font file's bytes.
///
///     if (const auto font = Font::find()) font->draw(image, "noise 10 %", 4, 2);
class Font {
public:
    /// Reads a .ttf file. Throws io_error if it cannot be read, format_error if it is not a TrueType font.
    explicit Font(const std::filesystem::path& file) {
        constexpr std::string_view who = "Font";
        std::ifstream in(file, std::ios::binary);
        detail::require<io_error>(in.is_open(), who, "cannot open '", file.string(), "'");
        auto bytes = std::make_shared<std::vector<unsigned char>>(std::istreambuf_iterator<char>(in),
                                                                  std::istreambuf_iterator<char>());
        const int offset = bytes->empty() ? -1 : stbtt_GetFontOffsetForIndex(bytes->data(), 0);
        detail::require<format_error>(offset >= 0 && stbtt_InitFont(&info_, bytes->data(), offset) != 0, who, "'",
                                      file.string(), "' is not a TrueType font");
        bytes_ = std::move(bytes);
    }

    /// The font the library's figures use: the file in $SMOOTHGRAD_FONT if set, else DejaVu Sans where
    /// Debian's fonts-dejavu-core puts it; nullopt if neither can be read.
    [[nodiscard]] static std::optional<Font> find() {
        std::vector<std::filesystem::path> candidates;
        if (const char* chosen = std::getenv("SMOOTHGRAD_FONT")) candidates.emplace_back(chosen);
        else candidates = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
                           "/usr/local/share/fonts/DejaVuSans.ttf"};
        for (const auto& file : candidates) {
            try {
                if (std::filesystem::is_regular_file(file)) return Font(file);
            } catch (const error&) {
                // not a usable font: try the next
            }
        }
        return std::nullopt;
    }

    /// The width in pixels of `text` (UTF-8) in one line at `pixel_height`.
    [[nodiscard]] Index text_width(std::string_view text, float pixel_height) const {
        const float width = for_each_glyph(text, stbtt_ScaleForPixelHeight(&info_, pixel_height), 0.0f,
                                           [](int, float) {});
        return static_cast<Index>(std::ceil(width));
    }

    /// Draws `text` (UTF-8) in one line into `image` (1 or 3 channels, values in [0, 1]) with its top-left
    /// corner at (top, left), blending each glyph's coverage with the style's colour. What falls outside
    /// the image is cut off. The same text gives the same pixels every time.
    void draw(Image& image, std::string_view text, Index left, Index top, const TextStyle& style = {}) const {
        constexpr std::string_view who = "Font::draw";
        detail::require<shape_error>(image.shape.channels == 1 || image.shape.channels == 3, who,
                                     "draws into 1- or 3-channel images, got ", image.shape);
        detail::require(style.pixel_height >= 1.0f && style.pixel_height <= 1024.0f, who,
                        "pixel_height must be in [1, 1024], got ", style.pixel_height);
        const float scale = stbtt_ScaleForPixelHeight(&info_, style.pixel_height);
        int ascent = 0, descent = 0, gap = 0;
        stbtt_GetFontVMetrics(&info_, &ascent, &descent, &gap);
        const Index baseline = top + static_cast<Index>(std::lround(static_cast<float>(ascent) * scale));
        std::vector<unsigned char> coverage;
        for_each_glyph(text, scale, static_cast<float>(left), [&](int point, float pen) {
            int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            stbtt_GetCodepointBitmapBox(&info_, point, scale, scale, &x0, &y0, &x1, &y1);
            const int width = x1 - x0, height = y1 - y0;
            if (width <= 0 || height <= 0) return;  // a space
            coverage.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
            stbtt_MakeCodepointBitmap(&info_, coverage.data(), width, height, width, scale, scale, point);
            blend(image, coverage, width, height, static_cast<Index>(std::lround(pen)) + x0, baseline + y0, style.colour);
        });
    }

private:
    /// Calls glyph(code point, pen position) for each character of `text` from `pen`, advancing by the
    /// font's advance widths and kerning at `scale`; returns where the pen ends.
    template <class Glyph>
    float for_each_glyph(std::string_view text, float scale, float pen, Glyph&& glyph) const {
        const std::vector<int> points = detail::utf8_code_points(text);
        for (std::size_t i = 0; i < points.size(); ++i) {
            glyph(points[i], pen);
            int advance = 0, bearing = 0;
            stbtt_GetCodepointHMetrics(&info_, points[i], &advance, &bearing);
            pen += static_cast<float>(advance) * scale;
            if (i + 1 < points.size())
                pen += static_cast<float>(stbtt_GetCodepointKernAdvance(&info_, points[i], points[i + 1])) * scale;
        }
        return pen;
    }

    static void blend(Image& image, const std::vector<unsigned char>& coverage, int width, int height, Index origin_x,
                      Index origin_y, const std::array<float, 3>& colour) {
        for (int y = 0; y < height; ++y) {
            const Index row = origin_y + y;
            if (row < 0 || row >= image.shape.height) continue;
            for (int x = 0; x < width; ++x) {
                const Index column = origin_x + x;
                if (column < 0 || column >= image.shape.width) continue;
                const float alpha = static_cast<float>(coverage[static_cast<std::size_t>(y * width + x)]) / 255.0f;
                for (Index c = 0; c < image.shape.channels; ++c) {
                    float& value = image.pixels[image.shape.offset(row, column, c)];
                    value += (colour[static_cast<std::size_t>(c)] - value) * alpha;
                }
            }
        }
    }

    std::shared_ptr<const std::vector<unsigned char>> bytes_;
    stbtt_fontinfo info_{};
};

}  // namespace smoothgrad
