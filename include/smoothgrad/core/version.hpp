// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The library's version. CMakeLists.txt reads it from here, so the package and the code cannot disagree.

#include <string_view>

namespace smoothgrad {

/// "major.minor.patch", as written into files the library's programs make.
inline constexpr std::string_view version = "0.1.0";

}  // namespace smoothgrad
