// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "options.hpp"

namespace explain {
namespace {

constexpr std::string_view temporary_marker = ".tmp-";

/// A temporary name no other writer picks: processes of different machines sharing the folder may
/// have the same pid (every Kubernetes pod's is 1).
std::filesystem::path temporary_name(const std::filesystem::path& path) {
    std::random_device entropy;
    return path.string() + std::string(temporary_marker) + std::to_string(::getpid()) + "-" + std::to_string(entropy());
}

/// fsync of a folder, so that a rename in it survives a crash.
void sync_folder(const std::filesystem::path& folder) {
    const int descriptor = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (descriptor < 0) return;  // not every file system lets a folder be opened; the file itself is synced
    ::fsync(descriptor);
    ::close(descriptor);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)), temporary_(temporary_name(path_)) {
    descriptor_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    detail::require<io_error>(descriptor_ >= 0, who, "cannot write '", temporary_.string(), "': ", std::strerror(errno));
}

AtomicFile::~AtomicFile() {
    if (descriptor_ < 0) return;
    ::close(descriptor_);
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
}

void AtomicFile::write(std::span<const std::byte> bytes) {
    const auto* data = reinterpret_cast<const char*>(bytes.data());
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t written = ::write(descriptor_, data, left);
        if (written < 0 && errno == EINTR) continue;
        detail::require<io_error>(written > 0, who, "writing '", temporary_.string(), "' failed: ", std::strerror(errno));
        data += written;
        left -= static_cast<std::size_t>(written);
    }
}

void AtomicFile::write(std::string_view text) { write(std::as_bytes(std::span(text.data(), text.size()))); }

void AtomicFile::commit() {
    detail::require<io_error>(::fsync(descriptor_) == 0, who, "writing '", temporary_.string(), "' failed: ",
                              std::strerror(errno));
    ::close(descriptor_);
    descriptor_ = -1;
    std::filesystem::rename(temporary_, path_);
    sync_folder(path_.parent_path());
}

bool AtomicFile::is_temporary_of(const std::filesystem::path& name, const std::filesystem::path& target) {
    return name.filename().string().starts_with(target.filename().string() + std::string(temporary_marker));
}

nlohmann::json as_written(const nlohmann::json& json) {
    return nlohmann::json::parse(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void write_json(const std::filesystem::path& path, const nlohmann::json& json) {
    AtomicFile file(path);
    file.write(json.dump(1, '\t', false, nlohmann::json::error_handler_t::replace) + "\n");
    file.commit();
}

nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    detail::require<io_error>(in.is_open(), who, "cannot open '", path.string(), "'");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw format_error(detail::message(who, "'", path.string(), "' is not valid JSON (", e.what(), ")"));
    }
}

}  // namespace explain
