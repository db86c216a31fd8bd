// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Text inside XML and HTML (SVG figures, gallery pages).

#include <string>
#include <string_view>

namespace smoothgrad::detail {

/// `text` safe inside an XML or HTML element or a double-quoted attribute. Control characters that
/// XML 1.0 does not allow are dropped.
[[nodiscard]] inline std::string xml_escaped(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else if (c == '"') out += "&quot;";
        else if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
    return out;
}

}  // namespace smoothgrad::detail
