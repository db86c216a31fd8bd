// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A labelled grid as SVG: every cell an embedded PNG, the titles and the caption real text, so that a
/// figure scales in papers and slides and its text can be searched and edited.
///
///     write_svg_grid("fig3.svg", maps, {.columns = 7, .cell_scale = 4}, {.column_titles = {"input", "0 %"}});

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/io/detail/xml_escape.hpp"
#include "smoothgrad/io/image.hpp"
#include "smoothgrad/io/labelled_grid.hpp"

namespace smoothgrad {

namespace detail {

/// RFC 4648 base64, for PNG tiles inlined as data: URIs.
[[nodiscard]] inline std::string base64(const std::vector<char>& bytes) {
    constexpr std::string_view digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (i + 1 < bytes.size()) group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        if (i + 2 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 2]);
        text += digits[(group >> 18) & 63];
        text += digits[(group >> 12) & 63];
        text += i + 1 < bytes.size() ? digits[(group >> 6) & 63] : '=';
        text += i + 2 < bytes.size() ? digits[group & 63] : '=';
    }
    return text;
}

}  // namespace detail

/// The SVG text of a labelled grid, laid out as make_labelled_grid lays it out (`font` measures the text;
/// without one, a width of 0.6 em per character is assumed). Throws what make_labelled_grid throws.
[[nodiscard]] inline std::string svg_grid(const std::vector<Image>& cells, const GridParams& params,
                                          const GridLabels& labels,
                                          const std::optional<Font>& font = detail::figure_font()) {
    constexpr std::string_view who = "svg_grid";
    const auto measure = [&](std::string_view text, float height) {
        return font ? font->text_width(text, height)
                    : static_cast<Index>(std::ceil(0.6f * height * static_cast<float>(detail::utf8_code_points(text).size())));
    };
    const detail::LabelledLayout layout = detail::labelled_layout(cells, params, labels, measure, who);
    const int ink = params.background > 0.5f ? 0 : 255;
    const auto gray = static_cast<int>(std::lround(std::clamp(params.background, 0.0f, 1.0f) * 255.0f));
    std::ostringstream svg;
    svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\""
        << layout.canvas.width << "\" height=\"" << layout.canvas.height << "\" viewBox=\"0 0 " << layout.canvas.width
        << " " << layout.canvas.height << "\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"rgb(" << gray << "," << gray << "," << gray << ")\"/>\n"
        << "<g font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"" << layout.text_height << "\" fill=\"rgb("
        << ink << "," << ink << "," << ink << ")\">\n";
    // SVG places text by its baseline; the font's ascent is about 0.76 em for DejaVu Sans.
    const double ascent = 0.76 * static_cast<double>(layout.text_height);
    for (std::size_t j = 0; j < labels.column_titles.size(); ++j)
        svg << "<text x=\"" << layout.cell_left(static_cast<Index>(j)) + layout.grid.cell_width / 2 << "\" y=\""
            << static_cast<double>(layout.gap / 2) + ascent << "\" text-anchor=\"middle\">"
            << detail::xml_escaped(labels.column_titles[j]) << "</text>\n";
    for (std::size_t i = 0; i < labels.row_titles.size(); ++i)
        svg << "<text x=\"" << layout.gap << "\" y=\""
            << static_cast<double>(layout.cell_top(static_cast<Index>(i) * layout.grid.columns) + layout.grid.cell_height / 2 -
                                   layout.line / 2) + ascent
            << "\">" << detail::xml_escaped(labels.row_titles[i]) << "</text>\n";
    if (!labels.caption.empty())
        svg << "<text x=\"" << layout.gap << "\" y=\"" << static_cast<double>(layout.caption_top()) + ascent << "\">"
            << detail::xml_escaped(labels.caption) << "</text>\n";
    svg << "</g>\n";
    for (std::size_t k = 0; k < cells.size(); ++k) {
        const std::string uri = "data:image/png;base64," + detail::base64(encode_png(cells[k]));
        svg << "<image x=\"" << layout.cell_left(static_cast<Index>(k)) << "\" y=\""
            << layout.cell_top(static_cast<Index>(k)) << "\" width=\"" << layout.grid.cell_width << "\" height=\""
            << layout.grid.cell_height << "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"" << uri
            << "\" xlink:href=\"" << uri << "\"/>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

/// Writes svg_grid(cells, params, labels, font) to `path`; io_error if it cannot be written.
inline void write_svg_grid(const std::filesystem::path& path, const std::vector<Image>& cells, const GridParams& params,
                           const GridLabels& labels = {}, const std::optional<Font>& font = detail::figure_font()) {
    const std::string svg = svg_grid(cells, params, labels, font);
    detail::write_file_bytes(path, svg.data(), svg.size(), "write_svg_grid");
}

}  // namespace smoothgrad
