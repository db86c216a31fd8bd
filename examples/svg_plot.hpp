// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// A small SVG line-plot writer for the figure programs: axes with ticks, one polyline (or a scatter of
// dots) per series, a legend.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <smoothgrad/core/error.hpp>

namespace figures {

/// One line of a plot: y[k] at x[k].
struct Series {
    std::string name = {};
    std::vector<double> x = {};
    std::vector<double> y = {};
    bool line = true;      ///< join the points
    bool markers = false;  ///< a dot at each point (a scatter plot without the line)
};

/// What a plot shows.
struct LinePlot {
    std::string title = {};
    std::string x_label = {};
    std::string y_label = {};
    std::vector<Series> series = {};
    int width = 720;
    int height = 420;
};

namespace svg_detail {

/// Text with the characters XML reserves escaped.
inline std::string escape(std::string_view text) {
    std::string result;
    for (const char c : text) {
        switch (c) {
            case '&': result += "&amp;"; break;
            case '<': result += "&lt;"; break;
            case '>': result += "&gt;"; break;
            case '"': result += "&quot;"; break;
            default: result += c;
        }
    }
    return result;
}

/// A tick spacing of 1, 2 or 5 times a power of ten giving about `count` ticks over `span`.
inline double tick_step(double span, int count) {
    const double raw = span / count;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double factor : {1.0, 2.0, 5.0})
        if (raw <= factor * power) return factor * power;
    return 10.0 * power;
}

/// A short label for a tick value.
inline std::string number(double value) {
    std::ostringstream text;
    text << (std::abs(value) < 1e-12 ? 0.0 : value);
    return text.str();
}

}  // namespace svg_detail

/// Writes `plot` as an SVG file; throws argument_error for a series whose x and y differ in length or
/// that is empty, io_error if the file cannot be written.
inline void write_line_plot(const std::filesystem::path& path, const LinePlot& plot) {
    constexpr std::string_view who = "write_line_plot";
    smoothgrad::detail::require(!plot.series.empty(), who, "the plot has no series");
    constexpr double inf = std::numeric_limits<double>::infinity();
    double x_min = inf, x_max = -inf, y_min = inf, y_max = -inf;
    for (const Series& s : plot.series) {
        smoothgrad::detail::require(!s.x.empty() && s.x.size() == s.y.size(), who, "series '", s.name, "' has ",
                                    s.x.size(), " x and ", s.y.size(), " y values");
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            x_min = std::min(x_min, s.x[k]), x_max = std::max(x_max, s.x[k]);
            y_min = std::min(y_min, s.y[k]), y_max = std::max(y_max, s.y[k]);
        }
    }
    if (!(x_max > x_min)) x_max = x_min + 1.0;
    if (!(y_max > y_min)) y_max = y_min + 1.0;
    const double y_step = svg_detail::tick_step(y_max - y_min, 6);
    y_min = std::floor(y_min / y_step) * y_step;
    y_max = std::ceil(y_max / y_step) * y_step;
    const double x_step = svg_detail::tick_step(x_max - x_min, 5);

    // Margins; the legend sits on the right, widened (and the picture with it) for long series names, at
    // about 7 pixels a character of the 12-pixel font.
    std::size_t longest = 0;
    for (const Series& s : plot.series) longest = std::max(longest, s.name.size());
    const double left = 70, top = 40, bottom = 55, default_right = 170;
    const double right = std::max(default_right, 48.0 + 7.0 * static_cast<double>(longest));
    const double width = plot.width + (right - default_right);
    const double plot_width = plot.width - left - default_right, plot_height = plot.height - top - bottom;
    const auto px = [&](double x) { return left + (x - x_min) / (x_max - x_min) * plot_width; };
    const auto py = [&](double y) { return top + (y_max - y) / (y_max - y_min) * plot_height; };
    // Colour-blind-safe qualitative colours (Okabe & Ito).
    constexpr std::array<std::string_view, 7> colours{"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                      "#E69F00", "#56B4E9", "#000000"};

    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << plot.height
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        << "<text x=\"" << left + plot_width / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">"
        << svg_detail::escape(plot.title) << "</text>\n";
    for (double y = y_min; y <= y_max + y_step * 1e-6; y += y_step) {
        svg << "<line x1=\"" << left << "\" x2=\"" << left + plot_width << "\" y1=\"" << py(y) << "\" y2=\"" << py(y)
            << "\" stroke=\"" << (std::abs(y) < y_step * 1e-6 ? "#888" : "#e4e4e4") << "\"/>\n"
            << "<text x=\"" << left - 6 << "\" y=\"" << py(y) + 4 << "\" text-anchor=\"end\">" << svg_detail::number(y)
            << "</text>\n";
    }
    for (double x = std::ceil(x_min / x_step) * x_step; x <= x_max + x_step * 1e-6; x += x_step) {
        svg << "<line x1=\"" << px(x) << "\" x2=\"" << px(x) << "\" y1=\"" << top + plot_height << "\" y2=\""
            << top + plot_height + 5 << "\" stroke=\"black\"/>\n"
            << "<text x=\"" << px(x) << "\" y=\"" << top + plot_height + 19 << "\" text-anchor=\"middle\">"
            << svg_detail::number(x) << "</text>\n";
    }
    svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_width << "\" height=\"" << plot_height
        << "\" fill=\"none\" stroke=\"black\"/>\n"
        << "<text x=\"" << left + plot_width / 2 << "\" y=\"" << plot.height - 12 << "\" text-anchor=\"middle\">"
        << svg_detail::escape(plot.x_label) << "</text>\n"
        << "<text transform=\"translate(18," << top + plot_height / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
        << svg_detail::escape(plot.y_label) << "</text>\n";
    for (std::size_t s = 0; s < plot.series.size(); ++s) {
        const Series& series = plot.series[s];
        const std::string_view colour = colours[s % colours.size()];
        if (series.line) {
            svg << "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"" << colour << "\" points=\"";
            for (std::size_t k = 0; k < series.x.size(); ++k)
                svg << (k ? " " : "") << px(series.x[k]) << "," << py(series.y[k]);
            svg << "\"/>\n";
        }
        if (series.markers) {
            svg << "<g fill=\"" << colour << "\" fill-opacity=\"0.6\">\n";
            for (std::size_t k = 0; k < series.x.size(); ++k)
                svg << "<circle cx=\"" << px(series.x[k]) << "\" cy=\"" << py(series.y[k]) << "\" r=\"2.5\"/>\n";
            svg << "</g>\n";
        }
        const double legend_y = top + 10 + 20.0 * static_cast<double>(s);
        if (series.line) {
            svg << "<line x1=\"" << left + plot_width + 12 << "\" x2=\"" << left + plot_width + 36 << "\" y1=\""
                << legend_y << "\" y2=\"" << legend_y << "\" stroke-width=\"2\" stroke=\"" << colour << "\"/>\n";
        }
        if (series.markers) {
            svg << "<circle cx=\"" << left + plot_width + 24 << "\" cy=\"" << legend_y << "\" r=\"3\" fill=\"" << colour
                << "\"/>\n";
        }
        svg << "<text x=\"" << left + plot_width + 42 << "\" y=\"" << legend_y + 4 << "\">"
            << svg_detail::escape(series.name) << "</text>\n";
    }
    svg << "</svg>\n";

    std::ofstream file(path);
    smoothgrad::detail::require<smoothgrad::io_error>(static_cast<bool>(file), who, "cannot open '", path.string(), "'");
    file << svg.str();
    file.close();
    smoothgrad::detail::require<smoothgrad::io_error>(static_cast<bool>(file), who, "cannot write '", path.string(), "'");
}

}  // namespace figures
