// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// NumPy's .npy format for float32 arrays, so that maps can be checked against, or plotted with, Python.
/// Writes version 1.0 (2.0 for headers over 64 KiB); reads versions 1.0, 2.0 and 3.0 of little-endian
/// float32 ('<f4') arrays in C order, which is what `np.save(path, a.astype(np.float32))` writes.

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// An array read from a .npy file: its shape (empty for a scalar) and its values in C (row-major) order.
struct NpyArray {
    std::vector<std::size_t> shape;
    Vector data;
};

namespace detail {

inline constexpr std::string_view npy_magic{"\x93NUMPY", 6};

/// The number of elements of `shape`, or nothing if it overflows an Eigen index of 4-byte values.
[[nodiscard]] inline std::optional<std::size_t> npy_element_count(std::span<const std::size_t> shape) {
    constexpr auto limit = static_cast<std::size_t>(std::numeric_limits<Index>::max()) / sizeof(float);
    std::size_t count = 1;
    for (const std::size_t dimension : shape) {
        if (dimension != 0 && count > limit / dimension) return std::nullopt;
        count *= dimension;
    }
    return count;
}

/// Swaps between little-endian and the machine's byte order, in place: nothing to do on little-endian machines.
inline void npy_swap_to_native(unsigned char* bytes, std::size_t count) {
    if constexpr (std::endian::native == std::endian::big) {
        for (std::size_t i = 0; i < count; ++i) std::reverse(bytes + i * sizeof(float), bytes + (i + 1) * sizeof(float));
    }
}

/// A reader of the header's Python dict literal, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
class NpyHeaderParser {
public:
    NpyHeaderParser(std::string_view text, std::string_view who, const std::filesystem::path& path)
        : text_(text), who_(who), path_(path) {}

    /// Parses the dict and returns the shape, after checking dtype and order.
    [[nodiscard]] std::vector<std::size_t> parse() {
        std::optional<std::string> descr;
        std::optional<bool> fortran_order;
        std::optional<std::vector<std::size_t>> shape;
        expect('{');
        while (true) {
            skip_space();
            if (peek() == '}') break;
            const std::string key = parse_string();
            expect(':');
            if (key == "descr" && !descr) {
                descr = parse_string();
            } else if (key == "fortran_order" && !fortran_order) {
                fortran_order = parse_bool();
            } else if (key == "shape" && !shape) {
                shape = parse_shape();
            } else {
                fail("unexpected or repeated key '", key, "' in the header");
            }
            skip_space();
            if (peek() == ',') {
                ++position_;
            } else if (peek() != '}') {
                fail("expected ',' or '}' at byte ", position_, " of the header");
            }
        }
        ++position_;
        // numpy pads the header with spaces and ends it with a newline.
        while (position_ < text_.size() && (is_space(text_[position_]) || text_[position_] == '\0')) ++position_;
        if (position_ != text_.size()) fail("unexpected text after the header dict at byte ", position_);
        if (!descr) fail("the header has no 'descr'");
        if (!fortran_order) fail("the header has no 'fortran_order'");
        if (!shape) fail("the header has no 'shape'");
        if (*descr != "<f4")
            fail("unsupported dtype '", *descr, "': only little-endian float32 ('<f4') is read; convert with a.astype('<f4')");
        if (*fortran_order) fail("fortran_order True is not supported; save a C-ordered array (np.ascontiguousarray)");
        return *shape;
    }

private:
    template <class... Parts>
    [[noreturn]] void fail(Parts&&... parts) const {
        throw format_error(message(who_, path_, ": ", std::forward<Parts>(parts)...));
    }

    [[nodiscard]] static bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    [[nodiscard]] char peek() const noexcept { return position_ < text_.size() ? text_[position_] : '\0'; }
    void skip_space() noexcept {
        while (position_ < text_.size() && is_space(text_[position_])) ++position_;
    }
    void expect(char c) {
        skip_space();
        if (peek() != c) fail("expected '", c, "' at byte ", position_, " of the header");
        ++position_;
    }

    [[nodiscard]] std::string parse_string() {
        skip_space();
        const char quote = peek();
        if (quote != '\'' && quote != '"') fail("expected a quoted string at byte ", position_, " of the header");
        const std::size_t end = text_.find(quote, position_ + 1);
        if (end == std::string_view::npos) fail("unterminated string at byte ", position_, " of the header");
        std::string value(text_.substr(position_ + 1, end - position_ - 1));
        position_ = end + 1;
        return value;
    }

    [[nodiscard]] bool parse_bool() {
        skip_space();
        for (const auto& [word, value] : {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
            if (text_.substr(position_, word.size()) == word) {
                position_ += word.size();
                return value;
            }
        }
        fail("fortran_order must be True or False at byte ", position_, " of the header");
    }

    /// A tuple of non-negative integers: `()`, `(3,)`, `(2, 3)` or `(2, 3,)`; `(3)` is an int, not a tuple.
    [[nodiscard]] std::vector<std::size_t> parse_shape() {
        skip_space();
        if (peek() != '(') fail("malformed shape: expected a tuple such as (2, 3) at byte ", position_, " of the header");
        ++position_;
        std::vector<std::size_t> shape;
        bool trailing_comma = false;
        while (true) {
            skip_space();
            if (peek() == ')') break;
            if (!std::isdigit(static_cast<unsigned char>(peek())))
                fail("malformed shape: expected a non-negative integer at byte ", position_, " of the header");
            std::size_t value = 0;
            while (std::isdigit(static_cast<unsigned char>(peek()))) {
                const auto digit = static_cast<std::size_t>(peek() - '0');
                if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10)
                    fail("malformed shape: a dimension overflows at byte ", position_, " of the header");
                value = value * 10 + digit;
                ++position_;
            }
            if (peek() == 'L') ++position_;  // Python 2's long literal, as old numpy wrote it
            shape.push_back(value);
            skip_space();
            trailing_comma = peek() == ',';
            if (trailing_comma) {
                ++position_;
            } else if (peek() != ')') {
                fail("malformed shape: expected ',' or ')' at byte ", position_, " of the header");
            }
        }
        ++position_;
        if (shape.size() == 1 && !trailing_comma) fail("malformed shape: a 1-tuple needs a trailing comma, as in (3,)");
        return shape;
    }

    std::string_view text_;
    std::string_view who_;
    const std::filesystem::path& path_;
    std::size_t position_ = 0;
};

}  // namespace detail

/// Writes `data`, a C-ordered float32 array of `shape` (empty for a scalar), as a .npy file.
///
///     const std::size_t shape[] = {2, 3};
///     write_npy("a.npy", values, shape);  // np.load("a.npy").shape == (2, 3)
inline void write_npy(const std::filesystem::path& path, const float* data, std::span<const std::size_t> shape) {
    constexpr std::string_view who = "write_npy";
    const std::optional<std::size_t> count = detail::npy_element_count(shape);
    detail::require(count.has_value(), who, "the shape's element count overflows");
    detail::require(data != nullptr || *count == 0, who, "data is null for ", *count, " elements");
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < shape.size(); ++i) header += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    header += shape.size() == 1 ? ",), }" : "), }";
    // numpy pads with spaces and a final newline so that the data starts at a multiple of 64 bytes;
    // version 1.0 stores the header length in 16 bits, 2.0 in 32.
    const auto padded = [&](std::size_t prefix) { return header.size() + 1 + (64 - (prefix + header.size() + 1) % 64) % 64; };
    const bool version1 = padded(10) <= 0xFFFF;
    const std::size_t prefix = version1 ? 10 : 12;
    header.resize(padded(prefix) - 1, ' ');
    header += '\n';
    std::vector<unsigned char> bytes(prefix + header.size() + *count * sizeof(float));
    std::memcpy(bytes.data(), detail::npy_magic.data(), detail::npy_magic.size());
    bytes[6] = version1 ? 1 : 2;
    bytes[7] = 0;
    for (std::size_t i = 0; i + 8 < prefix; ++i) bytes[8 + i] = static_cast<unsigned char>((header.size() >> (8 * i)) & 0xFF);
    std::memcpy(bytes.data() + prefix, header.data(), header.size());
    if (*count > 0) {
        unsigned char* values = bytes.data() + prefix + header.size();
        std::memcpy(values, data, *count * sizeof(float));
        detail::npy_swap_to_native(values, *count);
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    detail::require<io_error>(out.is_open(), who, "cannot open ", path, " for writing");
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    detail::require<io_error>(!out.fail(), who, "error while writing ", path);
}

/// Writes a vector as a 1-d array of shape (n,).
inline void write_npy(const std::filesystem::path& path, const Vector& values) {
    const std::array<std::size_t, 1> shape{static_cast<std::size_t>(values.size())};
    write_npy(path, values.data(), shape);
}

/// Writes an image as an array of shape (height, width, channels), the layout of its HWC pixels.
inline void write_npy(const std::filesystem::path& path, const Image& image) {
    detail::check_shape(image.pixels, image.shape, "write_npy");
    const std::array<std::size_t, 3> shape{static_cast<std::size_t>(image.shape.height),
                                           static_cast<std::size_t>(image.shape.width),
                                           static_cast<std::size_t>(image.shape.channels)};
    write_npy(path, image.pixels.data(), shape);
}

/// Writes a matrix as an array of shape (rows, cols), so that a[i, j] == m(i, j) in numpy; the values
/// are reordered from Eigen's column-major storage to C order.
inline void write_npy(const std::filesystem::path& path, const Matrix& matrix) {
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = matrix;
    const std::array<std::size_t, 2> shape{static_cast<std::size_t>(matrix.rows()),
                                           static_cast<std::size_t>(matrix.cols())};
    write_npy(path, row_major.data(), shape);
}

/// Reads a .npy file of little-endian float32 values in C order.
///
/// Throws io_error if the file cannot be read and format_error, saying what is wrong, for a bad magic
/// string, a version other than 1.0, 2.0 or 3.0, a header running past the end of the file, a malformed
/// header dict or shape, a dtype other than '<f4', fortran_order True, a shape whose element count
/// overflows, or data shorter or longer than the shape says. Sizes are checked against the file's
/// length before anything is allocated.
///
///     NpyArray a = read_npy("map.npy");  // a.shape == {224, 224, 3}, a.data.size() == 150528
[[nodiscard]] inline NpyArray read_npy(const std::filesystem::path& path) {
    constexpr std::string_view who = "read_npy";
    // A directory opens on POSIX and reports a meaningless size; refuse it first.
    std::error_code ignored;
    detail::require<io_error>(!std::filesystem::is_directory(path, ignored), who, path, " is a directory");
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    detail::require<io_error>(in.is_open(), who, "cannot open ", path, " for reading");
    const std::streamoff end = in.tellg();
    detail::require<io_error>(end >= 0, who, "cannot tell the size of ", path);
    const auto file_size = static_cast<std::uintmax_t>(end);
    in.seekg(0);

    std::array<unsigned char, 12> prefix{};
    const auto prefix_read = static_cast<std::size_t>(std::min<std::uintmax_t>(file_size, prefix.size()));
    in.read(reinterpret_cast<char*>(prefix.data()), static_cast<std::streamsize>(prefix_read));
    detail::require<io_error>(static_cast<bool>(in), who, "error while reading ", path);
    detail::require<format_error>(
        prefix_read >= 6 && std::memcmp(prefix.data(), detail::npy_magic.data(), detail::npy_magic.size()) == 0, who,
        path, ": not a .npy file (bad magic string; expected \\x93NUMPY)");
    detail::require<format_error>(prefix_read >= 8, who, path, ": the file ends inside the version");
    const unsigned major = prefix[6], minor = prefix[7];
    detail::require<format_error>(major >= 1 && major <= 3 && minor == 0, who, path, ": unsupported .npy version ",
                                  major, ".", minor, " (1.0, 2.0 and 3.0 are read)");
    const std::size_t header_start = major == 1 ? 10 : 12;
    detail::require<format_error>(prefix_read >= header_start, who, path, ": the file ends inside the header length");
    std::uintmax_t header_length = 0;
    for (std::size_t i = header_start; i-- > 8;) header_length = (header_length << 8) | prefix[i];
    detail::require<format_error>(header_length <= file_size - header_start, who, path, ": header length ",
                                  header_length, " runs past the end of the file (", file_size, " bytes)");

    std::string header(static_cast<std::size_t>(header_length), '\0');
    in.seekg(static_cast<std::streamoff>(header_start));
    in.read(header.data(), static_cast<std::streamsize>(header.size()));
    detail::require<io_error>(static_cast<bool>(in), who, "error while reading ", path);

    NpyArray array;
    array.shape = detail::NpyHeaderParser(header, who, path).parse();
    const std::optional<std::size_t> count = detail::npy_element_count(array.shape);
    detail::require<format_error>(count.has_value(), who, path, ": the element count of the shape overflows");
    const std::uintmax_t data_size = file_size - header_start - header_length;
    const std::uintmax_t expected = static_cast<std::uintmax_t>(*count) * sizeof(float);
    detail::require<format_error>(data_size >= expected, who, path, ": the shape needs ", expected,
                                  " bytes of data, the file has only ", data_size);
    detail::require<format_error>(data_size == expected, who, path, ": the shape needs ", expected,
                                  " bytes of data, the file has ", data_size - expected, " more");

    array.data.resize(static_cast<Index>(*count));
    if (*count > 0) {
        in.read(reinterpret_cast<char*>(array.data.data()), static_cast<std::streamsize>(expected));
        detail::require<io_error>(static_cast<bool>(in), who, "error while reading ", path);
        detail::npy_swap_to_native(reinterpret_cast<unsigned char*>(array.data.data()), *count);
    }
    return array;
}

}  // namespace smoothgrad
