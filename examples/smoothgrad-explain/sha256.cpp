// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <vector>

#include "options.hpp"

namespace explain {
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

}  // namespace explain
