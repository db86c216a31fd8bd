// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Files that appear whole or not at all, for a data-set run that may be killed at any moment.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

namespace explain {

/// A file written to a temporary name beside its own and renamed by commit(): a process killed at any
/// point leaves the old file or the new one, never a part. commit() flushes the file and the rename to
/// disk (fsync), so a crash of the machine does not leave an empty file under the final name either. The
/// temporary file is removed if commit() is never reached.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path path);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    void write(std::span<const std::byte> bytes);
    void write(std::string_view text);
    void commit();

    /// Whether `name` is a temporary name that AtomicFile gives `target`'s file.
    [[nodiscard]] static bool is_temporary_of(const std::filesystem::path& name, const std::filesystem::path& target);

private:
    std::filesystem::path path_, temporary_;
    int descriptor_ = -1;
};

/// `json` as indented text in `path`, atomically. Strings that are not valid UTF-8 (file names can be
/// anything) are written with U+FFFD in place of the bad bytes.
void write_json(const std::filesystem::path& path, const nlohmann::json& json);

/// The JSON in `path`; io_error if unreadable, format_error naming the file if not JSON.
[[nodiscard]] nlohmann::json read_json(const std::filesystem::path& path);

/// `json` as it will read back from a file: invalid UTF-8 in its strings replaced by U+FFFD.
[[nodiscard]] nlohmann::json as_written(const nlohmann::json& json);

}  // namespace explain
