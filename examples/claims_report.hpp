// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// What the claims programs (paper_claims, paper_open_questions) share for their report: numbers with their
// 95 % intervals, markdown tables, verdicts, run times, and the splicing of their parts of RESULTS.md.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <smoothgrad/core/error.hpp>
#include <smoothgrad/metrics/statistics.hpp>

namespace claims {

/// "mean ± half-width", with as many decimals as the interval's width calls for.
inline std::string format(const smoothgrad::metrics::Summary& s) {
    const int decimals =
        s.half_width > 0 ? std::clamp(1 - static_cast<int>(std::floor(std::log10(s.half_width))), 0, 6) : 4;
    char text[96];
    std::snprintf(text, sizeof text, "%.*f ± %.*f", decimals, s.mean, decimals, s.half_width);
    return text;
}

inline std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

inline std::string percent(double fraction) { return fixed(100.0 * fraction, 0) + " %"; }

/// Whether a paired difference a - b is significantly below 0, above 0, or neither.
enum class Sign { below, above, unclear };

inline Sign sign_of(const smoothgrad::metrics::Summary& d) {
    if (d.upper() < 0) return Sign::below;
    if (d.lower() > 0) return Sign::above;
    return Sign::unclear;
}

inline std::string describe(const smoothgrad::metrics::Summary& d) {
    const Sign s = sign_of(d);
    return format(d) + (s == Sign::below ? " (below 0)" : s == Sign::above ? " (above 0)" : " (interval holds 0)");
}

/// The mean of `v` with its 95 % confidence interval.
inline smoothgrad::metrics::Summary summary(const std::vector<double>& v) { return smoothgrad::metrics::mean_confidence_interval(v); }

/// The mean of a - b over the images, with its 95 % interval.
inline smoothgrad::metrics::Summary paired(const std::vector<double>& a, const std::vector<double>& b) {
    return smoothgrad::metrics::paired_difference(a, b);
}

/// The pairs (a_i, b_i) where both are defined (not NaN: a metric of a constant map).
inline std::pair<std::vector<double>, std::vector<double>> defined_pairs(const std::vector<double>& a,
                                                                         const std::vector<double>& b) {
    std::pair<std::vector<double>, std::vector<double>> kept;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (!std::isnan(a[i]) && !std::isnan(b[i])) {
            kept.first.push_back(a[i]);
            kept.second.push_back(b[i]);
        }
    return kept;
}

/// The paired difference a - b over the images where both are defined; numeric_error naming `who` if
/// fewer than 2 are.
inline smoothgrad::metrics::Summary paired_defined(const std::vector<double>& a, const std::vector<double>& b,
                                                   std::string_view who) {
    const auto [kept_a, kept_b] = defined_pairs(a, b);
    smoothgrad::detail::require<smoothgrad::numeric_error>(kept_a.size() >= 2, who, "only ", kept_a.size(), " of ",
                                                           a.size(), " images have a defined value to compare");
    return smoothgrad::metrics::paired_difference(kept_a, kept_b);
}

/// The defined values of `v` (not NaN: NaN marks a metric that a constant map leaves undefined).
inline std::vector<double> defined_values(const std::vector<double>& v) {
    std::vector<double> kept;
    for (const double x : v)
        if (!std::isnan(x)) kept.push_back(x);
    return kept;
}

/// The mean of the defined values, NaN if there are none.
inline double defined_mean(const std::vector<double>& v) {
    const std::vector<double> kept = defined_values(v);
    return kept.empty() ? std::numeric_limits<double>::quiet_NaN()
                        : std::accumulate(kept.begin(), kept.end(), 0.0) / static_cast<double>(kept.size());
}

/// "mean ± half-width" over the defined values, with how many were left out.
inline std::string defined_cell(const std::vector<double>& v) {
    const std::vector<double> kept = defined_values(v);
    const std::size_t left_out = v.size() - kept.size();
    std::string cell = kept.size() >= 2 ? format(summary(kept)) : "undefined";
    if (left_out > 0) cell += " [" + std::to_string(left_out) + " constant maps left out]";
    return cell;
}

/// describe() of the paired difference over the images where both values are defined.
inline std::string defined_difference(const std::vector<double>& a, const std::vector<double>& b) {
    const auto [kept_a, kept_b] = defined_pairs(a, b);
    if (kept_a.size() < 2) return "undefined";
    std::string cell = describe(smoothgrad::metrics::paired_difference(kept_a, kept_b));
    if (kept_a.size() < a.size()) cell += " [" + std::to_string(a.size() - kept_a.size()) + " images left out]";
    return cell;
}

/// A markdown table row.
inline std::string row(const std::vector<std::string>& cells) {
    std::string line = "|";
    for (const auto& cell : cells) line += " " + cell + " |";
    return line + "\n";
}

inline std::string rule_row(std::size_t columns) {
    std::string line = "|";
    for (std::size_t c = 0; c < columns; ++c) line += "---|";
    return line + "\n";
}

inline std::string verdict(int supported, int total) {
    if (supported == total) return "**Supported.**";
    if (supported == 0) return "**Not supported.**";
    return "**Partly supported** (" + std::to_string(supported) + " of " + std::to_string(total) + " tests).";
}

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The 1-minute load average (Linux), or "unknown": run times are only comparable on an idle machine.
inline std::string load_average() {
    std::ifstream file("/proc/loadavg");
    std::string first;
    return file >> first ? first : std::string("unknown");
}

/// The line that starts the part of RESULTS.md written by paper_open_questions: paper_claims keeps what
/// follows it, paper_open_questions keeps what precedes it, so each program rewrites only its own part.
inline constexpr std::string_view open_questions_marker =
    "<!-- claims 7-11: written by examples/paper_open_questions/ -->";

/// The text of `path` before (or from) the open-questions marker; empty if the file or the marker is missing.
inline std::string report_part(const std::filesystem::path& path, bool before_marker) {
    std::ifstream file(path);
    if (!file) return {};
    std::ostringstream text;
    text << file.rdbuf();
    const std::string all = text.str();
    const std::size_t at = all.find(open_questions_marker);
    if (at == std::string::npos) return before_marker ? all : std::string();
    return before_marker ? all.substr(0, at) : all.substr(at);
}

/// Writes `text` to `path`, creating its folder; io_error naming `who` on failure.
inline void write_report(const std::filesystem::path& path, const std::string& text, std::string_view who) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    std::ofstream file(path);
    file << text;
    file.close();
    smoothgrad::detail::require<smoothgrad::io_error>(!file.fail(), who, "cannot write the report '", path.string(),
                                                      "'");
}

}  // namespace claims
