// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// How the file readers name their source in error messages.

#include <string>
#include <string_view>

namespace smoothgrad::detail {

/// "'name'": a file name or source name, quoted so that spaces and empty names stay visible.
[[nodiscard]] inline std::string quoted_source(std::string_view name) {
    // Appending piece by piece rather than `"'" + s + "'"`, which trips GCC 12's -Wrestrict false positive.
    std::string text;
    text.reserve(name.size() + 2);
    text.push_back('\'');
    text.append(name);
    text.push_back('\'');
    return text;
}

}  // namespace smoothgrad::detail
