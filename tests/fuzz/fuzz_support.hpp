// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// What the fuzz targets share: a scratch file for readers that only take a path, and the rule that only
// smoothgrad's own exceptions are an expected outcome (anything else escapes, aborts, and is a finding).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fuzz {

/// A file of this process's own, rewritten for every input: the readers under test take paths.
inline const std::filesystem::path& scratch_file(const std::string& name) {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("smoothgrad_fuzz_" + name + "_" + std::to_string(getpid()));
    return path;
}

inline void write_file(const std::filesystem::path& path, const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (out.fail()) std::abort();  // the harness itself failed, not the reader
}

/// Aborts, so that libFuzzer reports the input, when a property of an accepted file does not hold.
inline void expect(bool condition) {
    if (!condition) std::abort();
}

}  // namespace fuzz
