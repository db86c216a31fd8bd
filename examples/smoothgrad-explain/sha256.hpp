// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// SHA-256 (OpenSSL's): how a data-set run identifies its model and input files and checks its shard files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace explain {

/// The SHA-256 of a file's bytes, in hexadecimal.
[[nodiscard]] std::string sha256_of_file(const std::filesystem::path& path);

/// The SHA-256 of `text`, in hexadecimal.
[[nodiscard]] std::string sha256_of(std::string_view text);

}  // namespace explain
