// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "shard_files.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cstdio>
#include <memory>

#include <Eigen/Core>

namespace explain {

std::string shard_stem(const Shard& shard) {
    std::array<char, 64> name{};
    std::snprintf(name.data(), name.size(), "shard-%05ld-of-%05ld", static_cast<long>(shard.index),
                  static_cast<long>(shard.count));
    return name.data();
}

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path)), temporary_(path_.string() + ".tmp-" + std::to_string(::getpid())) {
    out_.open(temporary_, std::ios::binary | std::ios::trunc);
    detail::require<io_error>(out_.is_open(), who, "cannot write '", temporary_.string(), "'");
}

AtomicFile::~AtomicFile() {
    if (committed_) return;
    out_.close();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
}

void AtomicFile::write(std::span<const std::byte> bytes) {
    out_.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void AtomicFile::write(std::string_view text) { out_.write(text.data(), static_cast<std::streamsize>(text.size())); }

void AtomicFile::commit() {
    out_.close();
    detail::require<io_error>(!out_.fail(), who, "writing '", temporary_.string(), "' failed (disk full?)");
    std::filesystem::rename(temporary_, path_);
    committed_ = true;
}

std::string first_difference(const nlohmann::json& here, const nlohmann::json& there, const std::string& at) {
    if (here.is_object() && there.is_object()) {
        for (const auto& [key, value] : here.items()) {
            const std::string path = at.empty() ? key : at + "." + key;
            if (!there.contains(key)) return path + " is missing there";
            if (value != there[key]) return first_difference(value, there[key], path);
        }
        for (const auto& [key, value] : there.items())
            if (!here.contains(key)) return (at.empty() ? key : at + "." + key) + " is missing here";
    }
    return (at.empty() ? std::string("the parameters") : at) + ": " + here.dump() + " here, " + there.dump() + " there";
}

void write_json(const std::filesystem::path& path, const nlohmann::json& json) {
    AtomicFile file(path);
    file.write(json.dump(1, '\t') + "\n");
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

namespace {

/// SHA-256 fed in pieces.
class Sha256 {
public:
    Sha256() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
        detail::require<io_error>(context_ && EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) == 1, who,
                                  "OpenSSL cannot compute SHA-256");
    }
    void add(const void* data, std::size_t size) { EVP_DigestUpdate(context_.get(), data, size); }
    std::string hex() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
        unsigned int size = 0;
        EVP_DigestFinal_ex(context_.get(), digest.data(), &size);
        std::string text;
        constexpr std::string_view digits = "0123456789abcdef";
        for (unsigned int i = 0; i < size; ++i) {
            text += digits[digest[i] >> 4];
            text += digits[digest[i] & 15];
        }
        return text;
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

}  // namespace

std::string sha256_of_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    detail::require<io_error>(in.is_open(), who, "cannot open '", path.string(), "'");
    Sha256 sha;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        sha.add(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    detail::require<io_error>(in.eof(), who, "error while reading '", path.string(), "'");
    return sha.hex();
}

std::string sha256_of(std::string_view text) {
    Sha256 sha;
    sha.add(text.data(), text.size());
    return sha.hex();
}

void write_maps_file(const std::filesystem::path& path, std::size_t count, const std::vector<std::size_t>& map_dims,
                     bool float16, const std::map<std::string, std::string>& metadata,
                     const std::function<void(std::vector<float>&)>& next) {
    std::size_t values_per_map = 1;
    for (const std::size_t dim : map_dims) values_per_map *= dim;
    const std::size_t total = count * values_per_map;
    const std::size_t value_bytes = float16 ? 2 : 4;
    std::vector<std::size_t> shape{count};
    shape.insert(shape.end(), map_dims.begin(), map_dims.end());

    // The layout of smoothgrad::write_safetensors: keys sorted, header padded with spaces to 8 bytes.
    nlohmann::json header = {{std::string(maps_tensor),
                              {{"dtype", float16 ? "F16" : "F32"}, {"shape", shape}, {"data_offsets", {0, total * value_bytes}}}}};
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');

    AtomicFile file(path);
    std::array<std::byte, 8> length{};
    for (std::size_t i = 0; i < 8; ++i) length[i] = static_cast<std::byte>((text.size() >> (8 * i)) & 0xffu);
    file.write(length);
    file.write(text);

    std::vector<float> values;
    std::vector<std::byte> bytes;
    std::size_t written = 0;
    while (written < total) {
        values.clear();
        next(values);
        detail::require(!values.empty() && written + values.size() <= total, who, "write_maps_file: '", path.string(),
                        "' was given ", written + values.size(), " values for ", total);
        bytes.resize(values.size() * value_bytes);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const std::uint32_t bits = float16 ? Eigen::numext::bit_cast<std::uint16_t>(Eigen::half(values[i]))
                                               : std::bit_cast<std::uint32_t>(values[i]);
            for (std::size_t b = 0; b < value_bytes; ++b)
                bytes[i * value_bytes + b] = static_cast<std::byte>((bits >> (8 * b)) & 0xffu);
        }
        file.write(bytes);
        written += values.size();
    }
    file.commit();
}

}  // namespace explain
