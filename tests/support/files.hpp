// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Test helpers for file formats: a scratch folder, raw bytes in and out, and error checks by message.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

namespace test_support {

/// A fresh folder for the files one test writes, removed with its content when the test ends.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "test") {
        std::random_device entropy;
        path_ = std::filesystem::temp_directory_path() / ("smoothgrad-" + prefix + "-" + std::to_string(entropy()));
        std::filesystem::create_directories(path_);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

/// Writes `bytes` (any contiguous container of 1-byte values) to `path` as they are.
template <class Bytes>
    requires requires(const Bytes& b) { b.data(); b.size(); }
void write_bytes(const std::filesystem::path& path, const Bytes& bytes) {
    static_assert(sizeof(*bytes.data()) == 1, "write_bytes takes bytes");
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

/// Writes a string literal's characters (without the terminating zero).
inline void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
    write_bytes<std::string_view>(path, bytes);
}

/// The whole content of `path`.
inline std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Runs `f`, requires it to throw `Error`, and requires each of `parts` in the message.
template <class Error, class F>
void require_error(F&& f, std::initializer_list<std::string> parts) {
    try {
        f();
        FAIL("no exception was thrown");
    } catch (const Error& e) {
        const std::string what = e.what();
        INFO(what);
        for (const std::string& part : parts) CHECK_THAT(what, Catch::Contains(part));
    }
}

}  // namespace test_support
