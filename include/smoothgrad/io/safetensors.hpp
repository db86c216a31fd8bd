// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// safetensors files (Hugging Face's tensor format): read F32/F64/F16/BF16 tensors as float, write F32.
///
/// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}`,
/// then the byte buffer; offsets are relative to the buffer's start, values are little-endian, row-major.
///
/// The reader treats the file as hostile: every number in the header is checked against the bytes that
/// exist before anything is allocated for it. As the format's reference implementation does, the tensors'
/// byte ranges, sorted by offset, must tile the buffer exactly: no gaps, no overlaps, no trailing bytes.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/detail/bit_cast.hpp"
#include "smoothgrad/io/detail/quote.hpp"

namespace smoothgrad {

/// The largest header the reader accepts, in bytes: the reference implementation's limit (100 MB).
inline constexpr std::uint64_t safetensors_max_header_bytes = 100'000'000;

/// The largest element count of one tensor the reader and writer accept (2^31 - 1, what an Eigen index
/// holds on every platform). A shape claiming more is refused before anything is allocated.
inline constexpr std::uint64_t safetensors_max_elements = (std::uint64_t{1} << 31) - 1;

/// One tensor: its shape and its values in row-major order. A scalar has an empty shape and one value.
struct Tensor {
    std::vector<std::size_t> shape = {};
    std::vector<float> values = {};

    friend bool operator==(const Tensor&, const Tensor&) = default;
};

/// The content of a safetensors file: tensors and the optional string-to-string `__metadata__`.
struct SafetensorsFile {
    std::map<std::string, Tensor> tensors = {};
    std::map<std::string, std::string> metadata = {};

    friend bool operator==(const SafetensorsFile&, const SafetensorsFile&) = default;
};

namespace detail {

/// "[2, 3]": shapes in messages.
[[nodiscard]] inline std::string format_shape(const std::vector<std::size_t>& shape) {
    std::ostringstream out;
    out << "[";
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i == 0 ? "" : ", ") << shape[i];
    out << "]";
    return out.str();
}

/// Product of `shape`, or 0 with `ok = false` if it exceeds `safetensors_max_elements` (overflow included).
[[nodiscard]] inline std::uint64_t safetensors_elements(const std::vector<std::size_t>& shape, bool& ok) {
    std::uint64_t product = 1;
    ok = true;
    for (const std::size_t dim : shape) {
        if (dim == 0) return 0;  // no elements, however large the other sizes are
    }
    for (const std::size_t dim : shape) {
        // Compare before multiplying, so a product that would overflow is caught too.
        if (dim > safetensors_max_elements || product > safetensors_max_elements / dim) {
            ok = false;
            return 0;
        }
        product *= dim;
    }
    return product;
}

/// Unsigned little-endian integer of `Bytes` bytes at `p`, whatever the host's byte order.
template <std::size_t Bytes>
[[nodiscard]] std::uint64_t load_le(const std::byte* p) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < Bytes; ++i) value |= std::uint64_t{std::to_integer<std::uint8_t>(p[i])} << (8 * i);
    return value;
}

/// IEEE binary16 to float, by hand (no std::float16_t in C++20): subnormals, infinities and NaN included.
[[nodiscard]] inline float half_to_float(std::uint16_t bits) noexcept {
    const std::uint32_t sign = static_cast<std::uint32_t>(bits >> 15) << 31;
    const std::uint32_t exponent = (bits >> 10) & 0x1fu;
    const std::uint32_t mantissa = bits & 0x3ffu;
    if (exponent == 0x1f) return detail::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));  // inf, NaN
    if (exponent != 0) return detail::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
    // Zero or subnormal: mantissa * 2^-24 is exact in float.
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -magnitude : magnitude;
}

/// double to float, rounding to nearest; magnitudes beyond float's range become infinities (a plain cast
/// would be undefined behaviour there).
[[nodiscard]] inline float double_to_float(double value) noexcept {
    if (std::isfinite(value) && std::abs(value) > static_cast<double>(std::numeric_limits<float>::max())) {
        return value > 0 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
    }
    return static_cast<float>(value);
}

/// bfloat16 to float: bfloat16 is the upper half of a binary32, so the conversion is exact.
[[nodiscard]] inline float bfloat16_to_float(std::uint16_t bits) noexcept {
    return detail::bit_cast<float>(std::uint32_t{bits} << 16);
}

/// The dtypes the reader converts to float, with their sizes in bytes (0: unsupported).
[[nodiscard]] inline std::size_t safetensors_dtype_size(std::string_view dtype) noexcept {
    if (dtype == "F32") return 4;
    if (dtype == "F64") return 8;
    if (dtype == "F16" || dtype == "BF16") return 2;
    return 0;
}

[[nodiscard]] inline float safetensors_decode(std::string_view dtype, const std::byte* p) noexcept {
    if (dtype == "F32") return detail::bit_cast<float>(static_cast<std::uint32_t>(load_le<4>(p)));
    if (dtype == "F64") return double_to_float(detail::bit_cast<double>(load_le<8>(p)));
    if (dtype == "F16") return half_to_float(static_cast<std::uint16_t>(load_le<2>(p)));
    return bfloat16_to_float(static_cast<std::uint16_t>(load_le<2>(p)));
}

/// A header entry after its checks: where its bytes are and how to read them.
struct SafetensorsEntry {
    std::string name = {};
    std::string dtype = {};
    std::vector<std::size_t> shape = {};
    std::uint64_t elements = 0;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

/// An array of unsigned integers from the header, or a format_error naming the tensor, the field and the value.
[[nodiscard]] inline std::vector<std::uint64_t> safetensors_integers(const nlohmann::json& entry,
                                                                   std::string_view field, const std::string& where,
                                                                   const std::string& name) {
    constexpr std::string_view who = "read_safetensors";
    const auto it = entry.find(field);
    require<format_error>(it != entry.end(), who, where, ": tensor '", name, "' has no \"", field, "\"");
    require<format_error>(it->is_array(), who, where, ": tensor '", name, "': \"", field,
                          "\" must be an array, got ", it->dump());
    std::vector<std::uint64_t> values;
    for (const auto& value : *it) {
        require<format_error>(value.is_number_unsigned(), who, where, ": tensor '", name, "': \"", field,
                              "\" must hold non-negative integers, got ", value.dump());
        values.push_back(value.get<std::uint64_t>());
    }
    return values;
}

[[nodiscard]] inline SafetensorsEntry safetensors_entry(const std::string& name, const nlohmann::json& entry,
                                                        std::uint64_t buffer_size, const std::string& where) {
    constexpr std::string_view who = "read_safetensors";
    require<format_error>(entry.is_object(), who, where, ": tensor '", name, "' must be a JSON object, got ",
                          entry.dump());
    SafetensorsEntry result{.name = name};

    const auto dtype = entry.find("dtype");
    require<format_error>(dtype != entry.end(), who, where, ": tensor '", name, "' has no \"dtype\"");
    require<format_error>(dtype->is_string(), who, where, ": tensor '", name, "': \"dtype\" must be a string, got ",
                          dtype->dump());
    result.dtype = dtype->get<std::string>();
    const std::size_t dtype_size = safetensors_dtype_size(result.dtype);
    require<format_error>(dtype_size != 0, who, where, ": tensor '", name, "': unsupported dtype '", result.dtype,
                          "' (F32, F64, F16 and BF16 are supported)");

    for (const std::uint64_t dim : safetensors_integers(entry, "shape", where, name)) {
        require<format_error>(dim <= safetensors_max_elements, who, where, ": tensor '", name, "': size ", dim,
                              " exceeds safetensors_max_elements = ", safetensors_max_elements);
        result.shape.push_back(static_cast<std::size_t>(dim));
    }
    bool ok = true;
    result.elements = safetensors_elements(result.shape, ok);
    require<format_error>(ok, who, where, ": tensor '", name, "': shape ", format_shape(result.shape),
                          " has more than safetensors_max_elements = ", safetensors_max_elements, " elements");

    const std::vector<std::uint64_t> offsets = safetensors_integers(entry, "data_offsets", where, name);
    require<format_error>(offsets.size() == 2, who, where, ": tensor '", name,
                          "': \"data_offsets\" must be [begin, end], got ", entry["data_offsets"].dump());
    result.begin = offsets[0];
    result.end = offsets[1];
    require<format_error>(result.begin <= result.end, who, where, ": tensor '", name, "': data_offsets end ",
                          result.end, " is before begin ", result.begin);
    require<format_error>(result.end <= buffer_size, who, where, ": tensor '", name, "': data_offsets end ",
                          result.end, " is past the end of the ", buffer_size, "-byte buffer");
    // elements <= 2^31 and dtype_size <= 8, so the product cannot overflow.
    require<format_error>(result.end - result.begin == result.elements * dtype_size, who, where, ": tensor '", name,
                          "': data_offsets [", result.begin, ", ", result.end, "] hold ", result.end - result.begin,
                          " bytes, but shape ", format_shape(result.shape), " of ", result.dtype, " needs ",
                          result.elements * dtype_size);
    return result;
}

[[nodiscard]] inline nlohmann::json parse_safetensors_header(std::string_view text, const std::string& where) {
    constexpr std::string_view who = "read_safetensors";
    // nlohmann keeps the last of duplicate keys; a second entry with the same name would hide bytes, so the
    // callback refuses it. A valid header nests three deep ({name: {shape: [..]}}); deeper is refused too.
    std::vector<std::string> top_level_keys;
    const auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        require<format_error>(depth <= 3, who, where, ": header JSON nests deeper than 3 levels");
        if (event == nlohmann::json::parse_event_t::key && depth == 1) {
            std::string key = parsed.get<std::string>();
            require<format_error>(std::find(top_level_keys.begin(), top_level_keys.end(), key) == top_level_keys.end(),
                                  who, where, ": duplicate header key '", key, "'");
            top_level_keys.push_back(std::move(key));
        }
        return true;
    };
    try {
        nlohmann::json header = nlohmann::json::parse(text.begin(), text.end(), callback);
        require<format_error>(header.is_object(), who, where, ": header must be a JSON object, got ",
                              header.type_name());
        return header;
    } catch (const nlohmann::json::exception& e) {
        throw format_error(message(who, where, ": header is not valid JSON: ", e.what()));
    }
}

/// The little-endian bytes of `file` in safetensors layout: F32 tensors sorted by name, contiguous.
[[nodiscard]] inline std::vector<std::byte> safetensors_bytes(const SafetensorsFile& file, std::string_view who) {
    nlohmann::json header = nlohmann::json::object();
    std::uint64_t offset = 0;
    for (const auto& [name, tensor] : file.tensors) {
        require(name != "__metadata__", who, "a tensor may not be called '__metadata__'");
        bool ok = true;
        const std::uint64_t elements = safetensors_elements(tensor.shape, ok);
        require<shape_error>(ok, who, "tensor '", name, "': shape ", format_shape(tensor.shape),
                             " has more than safetensors_max_elements = ", safetensors_max_elements, " elements");
        require<shape_error>(elements == tensor.values.size(), who, "tensor '", name, "': shape ",
                             format_shape(tensor.shape), " needs ", elements, " values, got ", tensor.values.size());
        const std::uint64_t end = offset + 4 * elements;
        header[name] = {{"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, end}}};
        offset = end;
    }
    if (!file.metadata.empty()) header["__metadata__"] = file.metadata;

    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception& e) {
        throw argument_error(message(who, "a tensor name or metadata string is not valid UTF-8: ", e.what()));
    }
    // The reference implementation pads the header with spaces so the buffer starts 8-byte aligned.
    text.append((8 - text.size() % 8) % 8, ' ');

    std::vector<std::byte> bytes;
    bytes.reserve(8 + text.size() + static_cast<std::size_t>(offset));
    const auto put_le = [&bytes](std::uint64_t value, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) bytes.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xffu));
    };
    put_le(text.size(), 8);
    for (const char c : text) bytes.push_back(static_cast<std::byte>(c));
    for (const auto& entry : file.tensors) {
        for (const float value : entry.second.values) put_le(detail::bit_cast<std::uint32_t>(value), 4);
    }
    return bytes;
}

[[nodiscard]] inline SafetensorsFile parse_safetensors(std::span<const std::byte> bytes, const std::string& where) {
    constexpr std::string_view who = "read_safetensors";
    require<format_error>(bytes.size() >= 8, who, where, ": ", bytes.size(),
                          " bytes is shorter than the 8-byte header length");
    const std::uint64_t header_size = load_le<8>(bytes.data());
    require<format_error>(header_size <= bytes.size() - 8, who, where, ": header length ", header_size,
                          " exceeds the ", bytes.size() - 8, " bytes after the length field");
    require<format_error>(header_size <= safetensors_max_header_bytes, who, where, ": header length ", header_size,
                          " exceeds safetensors_max_header_bytes = ", safetensors_max_header_bytes);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data() + 8), static_cast<std::size_t>(header_size));
    const nlohmann::json header = parse_safetensors_header(text, where);
    const std::span<const std::byte> buffer = bytes.subspan(8 + static_cast<std::size_t>(header_size));

    SafetensorsFile file;
    std::vector<SafetensorsEntry> entries;
    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") {
            require<format_error>(value.is_object(), who, where, ": __metadata__ must be a JSON object, got ",
                                  value.dump());
            for (const auto& [key, text_value] : value.items()) {
                require<format_error>(text_value.is_string(), who, where, ": __metadata__ value of '", key,
                                      "' must be a string, got ", text_value.dump());
                file.metadata.emplace(key, text_value.get<std::string>());
            }
            continue;
        }
        entries.push_back(safetensors_entry(name, value, buffer.size(), where));
    }

    // Tile check: sorted by offsets, each range must start where the previous one ended.
    std::vector<const SafetensorsEntry*> order;
    for (const auto& entry : entries) order.push_back(&entry);
    std::sort(order.begin(), order.end(), [](const SafetensorsEntry* a, const SafetensorsEntry* b) {
        return std::tie(a->begin, a->end, a->name) < std::tie(b->begin, b->end, b->name);
    });
    std::uint64_t position = 0;
    const SafetensorsEntry* previous = nullptr;
    for (const SafetensorsEntry* entry : order) {
        require<format_error>(entry->begin >= position, who, where, ": tensor '", entry->name, "' data_offsets [",
                              entry->begin, ", ", entry->end, "] overlap tensor '",
                              previous != nullptr ? previous->name : std::string{}, "' which ends at ", position);
        require<format_error>(entry->begin == position, who, where, ": buffer bytes [", position, ", ", entry->begin,
                              ") belong to no tensor (gap before tensor '", entry->name, "')");
        position = entry->end;
        previous = entry;
    }
    require<format_error>(position == buffer.size(), who, where, ": buffer bytes [", position, ", ", buffer.size(),
                          ") belong to no tensor (the tensors must cover the buffer exactly)");

    // Everything is checked; allocation is now bounded by the bytes that exist.
    for (const SafetensorsEntry& entry : entries) {
        Tensor tensor{.shape = entry.shape, .values = std::vector<float>(static_cast<std::size_t>(entry.elements))};
        const std::size_t size = safetensors_dtype_size(entry.dtype);
        const std::byte* data = buffer.data() + entry.begin;
        for (std::size_t i = 0; i < tensor.values.size(); ++i) {
            tensor.values[i] = safetensors_decode(entry.dtype, data + i * size);
        }
        file.tensors.emplace(entry.name, std::move(tensor));
    }
    return file;
}

}  // namespace detail

/// Parses safetensors bytes held in memory; `source_name` names them in error messages.
///
/// Tensors of dtype F32, F64, F16 or BF16 are converted to float: F64 rounds to nearest (beyond float's range: infinity); F16 and BF16 are
/// widened exactly by bit manipulation (subnormals, infinities and NaN kept). Throws format_error, naming
/// the source, the tensor and the value, for: fewer than 8 bytes; a header length past the end or above
/// `safetensors_max_header_bytes`; a header that is not a JSON object, has duplicate keys or nests deeper
/// than 3; an entry that is not an object or lacks dtype/shape/data_offsets or has them of the wrong JSON
/// type; another dtype; a shape with more than `safetensors_max_elements` elements; offsets with
/// end < begin, past the buffer, or whose length is not elements x dtype size; ranges that overlap, leave a
/// gap or leave trailing bytes; `__metadata__` that is not an object of strings.
[[nodiscard]] inline SafetensorsFile read_safetensors_from_memory(std::span<const std::byte> bytes,
                                                                  std::string_view source_name = "<memory>") {
    return detail::parse_safetensors(bytes, detail::quoted_source(source_name));
}

/// Reads a safetensors file; see `read_safetensors_from_memory` for what is accepted.
///
///     SafetensorsFile weights = read_safetensors("model.safetensors");
///     const Tensor& kernel = weights.tensors.at("0.weight");
///
/// The whole file is read into memory first (so memory use is bounded by the file's real size, never by
/// what its header claims). Throws io_error if the file cannot be opened or read, or is a directory.
[[nodiscard]] inline SafetensorsFile read_safetensors(const std::filesystem::path& path) {
    constexpr std::string_view who = "read_safetensors";
    // A directory opens on POSIX and reports a meaningless size; refuse it first.
    detail::require<io_error>(!std::filesystem::is_directory(path), who, "'", path.string(), "' is a directory");
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    detail::require<io_error>(in.is_open(), who, "cannot open '", path.string(), "'");
    const std::streamoff size = in.tellg();
    detail::require<io_error>(size >= 0, who, "cannot tell the size of '", path.string(), "'");
    std::vector<std::byte> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), size);
    detail::require<io_error>(in.gcount() == size, who, "error while reading '", path.string(), "'");
    return detail::parse_safetensors(bytes, detail::quoted_source(path.string()));
}

/// The bytes `write_safetensors` writes: F32 tensors sorted by name with contiguous offsets, `__metadata__`
/// only if non-empty, header padded with spaces to a multiple of 8 bytes.
///
/// Throws shape_error if a tensor's shape does not match its number of values, argument_error for a tensor
/// named "__metadata__" or a name or metadata string that is not valid UTF-8.
[[nodiscard]] inline std::vector<std::byte> write_safetensors_to_memory(const SafetensorsFile& file) {
    return detail::safetensors_bytes(file, "write_safetensors_to_memory");
}

/// Writes `file` to `path` in safetensors format (see `write_safetensors_to_memory`).
///
///     write_safetensors("map.safetensors", {.tensors = {{"map", {.shape = {28, 28}, .values = v}}}});
///
/// Throws io_error if the file cannot be written.
inline void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file) {
    constexpr std::string_view who = "write_safetensors";
    const std::vector<std::byte> bytes = detail::safetensors_bytes(file, who);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    detail::require<io_error>(out.is_open(), who, "cannot open '", path.string(), "' for writing");
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    detail::require<io_error>(!out.fail(), who, "error while writing '", path.string(), "'");
}

}  // namespace smoothgrad
