// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Reads images (PNG, JPEG, BMP, GIF, TGA, PSD, HDR, PIC, PNM) with stb_image and writes PNGs with
/// stb_image_write, as float HWC Images. Part of the optional smoothgrad::io target, which links the
/// stb implementation.

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

#include <stb_image.h>
#include <stb_image_write.h>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// The largest height or width load_image accepts.
inline constexpr Index max_image_side = 16384;
/// The most values (height * width * channels) load_image accepts: 2^28, a 1 GiB float image. The larger of
/// the file's and the requested channels counts, since stb decodes in the file's channels first.
inline constexpr Index max_image_values = Index{1} << 28;

/// How load_image converts pixels.
struct LoadImageParams {
    /// Channels of the result: 0 keeps the file's, 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA) converts.
    int channels = 0;
    /// Every 8-bit value is multiplied by it: the default maps 0..255 to [0, 1].
    float scale = 1.0f / 255.0f;
    /// The most values (height * width * channels) to accept, at most max_image_values: a lower bound
    /// keeps a small forged file from costing seconds of decoding (a service's inputs, a fuzzer's).
    Index max_values = max_image_values;
};

/// How write_png converts values to 8 bits.
struct WritePngParams {
    /// Every value is multiplied by it, then rounded and clamped to 0..255: the default maps [0, 1].
    float scale = 255.0f;
};

namespace detail {

/// The bytes of a file of at most `max_size` bytes (format_error if larger, checked before reading);
/// io_error naming the path if it cannot be read.
[[nodiscard]] inline std::vector<unsigned char> read_file_bytes(const std::filesystem::path& path, std::size_t max_size,
                                                                std::string_view who) {
    // A directory opens on POSIX and reports a meaningless size; refuse it first.
    std::error_code ignored;
    require<io_error>(!std::filesystem::is_directory(path, ignored), who, path, " is a directory");
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    require<io_error>(in.is_open(), who, "cannot open ", path, " for reading");
    const std::streamoff size = in.tellg();
    require<io_error>(size >= 0, who, "cannot tell the size of ", path);
    require<format_error>(static_cast<std::uintmax_t>(size) <= max_size, who, path, " is too large (", size,
                          " bytes, at most ", max_size, ")");
    std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    require<io_error>(static_cast<bool>(in) || bytes.empty(), who, "error while reading ", path);
    return bytes;
}

/// Writes `bytes` to a file; io_error naming the path if it cannot.
inline void write_file_bytes(const std::filesystem::path& path, const char* bytes, std::size_t size,
                             std::string_view who) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    require<io_error>(out.is_open(), who, "cannot open ", path, " for writing");
    out.write(bytes, static_cast<std::streamsize>(size));
    out.close();
    require<io_error>(!out.fail(), who, "error while writing ", path);
}

struct StbiFree {
    void operator()(unsigned char* pixels) const noexcept { stbi_image_free(pixels); }
};

/// Refuses the binary PNM files (P5, P6) that Debian's stb_image 2.27 decodes wrongly: it does not check
/// that the file holds all of the pixels its header promises (the rest stay uninitialised memory), and it
/// converts 16-bit ones (maxval > 255) to other channel counts through a buffer of the 8-bit size, reading
/// past its end (found by the image fuzzer). The header is read as stb reads it: whitespace and # comments
/// between the numbers, one delimiter after the maximum value, then the pixels.
inline void check_pnm(const std::vector<unsigned char>& bytes, const std::filesystem::path& path, Index pixel_values,
                      std::string_view who) {
    if (bytes.size() < 2 || bytes[0] != 'P' || (bytes[1] != '5' && bytes[1] != '6')) return;
    std::size_t at = 2;
    const auto is_space = [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    const auto skip_space = [&] {
        while (at < bytes.size() && (is_space(bytes[at]) || bytes[at] == '#')) {
            if (bytes[at] == '#')
                while (at < bytes.size() && bytes[at] != '\n' && bytes[at] != '\r') ++at;
            else
                ++at;
        }
    };
    const auto number = [&] {
        std::uint64_t value = 0;
        for (; at < bytes.size() && bytes[at] >= '0' && bytes[at] <= '9'; ++at)
            value = std::min<std::uint64_t>(value * 10 + (bytes[at] - '0'), std::uint64_t{1} << 32);
        return value;
    };
    skip_space();
    number();  // width
    skip_space();
    number();  // height
    skip_space();
    const std::uint64_t max_value = number();
    require<format_error>(max_value <= 255, who, path, " is a 16-bit PNM (maximum value ", max_value,
                          "), which is not supported");
    const std::size_t data = std::min(at + 1, bytes.size());
    require<format_error>(bytes.size() - data >= static_cast<std::uint64_t>(pixel_values), who, path, " is a truncated PNM: ",
                          bytes.size() - data, " bytes of pixels, its header needs ", pixel_values);
}

}  // namespace detail

/// Loads an 8-bit (or 16-bit, reduced to 8) image file as float HWC pixels times `params.scale`.
///
/// Throws io_error if the file cannot be read, format_error if stb_image cannot decode it (with stb's
/// reason) or if it is larger than max_image_side per side or `params.max_values` in all; the size is
/// checked from the header before any pixel is decoded, so a forged header cannot make it allocate.
///
///     Image image = load_image("cat.png", {.channels = 3});  // RGB in [0, 1]
[[nodiscard]] inline Image load_image(const std::filesystem::path& path, const LoadImageParams& params = {}) {
    constexpr std::string_view who = "load_image";
    detail::require(params.channels >= 0 && params.channels <= 4, who, "channels must be 0 (as in the file), 1, 2, 3 or 4, got ",
                    params.channels);
    detail::require(std::isfinite(params.scale), who, "scale must be finite, got ", params.scale);
    detail::require(params.max_values >= 1 && params.max_values <= max_image_values, who,
                    "max_values must be in [1, ", max_image_values, "], got ", params.max_values);
    // stb takes the length as an int.
    const std::vector<unsigned char> bytes = detail::read_file_bytes(path, static_cast<std::size_t>(INT_MAX), who);
    const auto size = static_cast<int>(bytes.size());
    int width = 0, height = 0, file_channels = 0;
    detail::require<format_error>(stbi_info_from_memory(bytes.data(), size, &width, &height, &file_channels) == 1, who,
                                  "cannot decode ", path, ": ", stbi_failure_reason());
    const int channels = params.channels == 0 ? file_channels : params.channels;
    // stb accepts a PNM header with a zero size and "decodes" it into no pixels; an image needs at least one.
    detail::require<format_error>(width >= 1 && height >= 1, who, path, " is ", width, "x", height,
                                  ", an image needs at least one pixel");
    detail::require<format_error>(width <= max_image_side && height <= max_image_side, who, path, " is ", width, "x",
                                  height, ", larger than the limit of ", max_image_side, " pixels per side");
    const ImageShape shape{height, width, channels};
    // stb decodes in the file's channels before converting, so those count too (a 4-channel file read as
    // gray needs a 4-channel buffer first).
    const ImageShape decoded{height, width, std::max(channels, file_channels)};
    detail::require<format_error>(decoded.size() <= params.max_values, who, path, " has shape ", decoded,
                                  ", more than ", params.max_values, " values");
    detail::check_pnm(bytes, path, Index{width} * height * file_channels, who);
    int decoded_width = 0, decoded_height = 0, ignored = 0;
    const std::unique_ptr<unsigned char, detail::StbiFree> pixels(
        stbi_load_from_memory(bytes.data(), size, &decoded_width, &decoded_height, &ignored, channels));
    detail::require<format_error>(pixels != nullptr, who, "cannot decode ", path, ": ", stbi_failure_reason());
    detail::require<format_error>(decoded_width == width && decoded_height == height, who, "the header of ", path,
                                  " says ", width, "x", height, " but ", decoded_width, "x", decoded_height, " was decoded");
    Image image{Vector(shape.size()), shape};
    for (Index i = 0; i < shape.size(); ++i) image.pixels[i] = static_cast<float>(pixels.get()[i]) * params.scale;
    return image;
}

namespace detail {

/// encode_png's work, its errors reported as `who`'s.
[[nodiscard]] inline std::vector<char> png_bytes(const Image& image, const WritePngParams& params, std::string_view who) {
    detail::check_shape(image.pixels, image.shape, who);
    const ImageShape& shape = image.shape;
    detail::require<shape_error>(shape.channels >= 1 && shape.channels <= 4, who,
                                 "a PNG has 1 to 4 channels, got shape ", shape);
    detail::require<shape_error>(shape.height <= INT_MAX && shape.width <= INT_MAX / shape.channels, who,
                                 "shape ", shape, " is too large for a PNG");
    detail::require(std::isfinite(params.scale), who, "scale must be finite, got ", params.scale);
    detail::require<numeric_error>(image.pixels.allFinite(), who, "the image contains NaN or Inf");
    std::vector<unsigned char> bytes(static_cast<std::size_t>(shape.size()));
    for (Index i = 0; i < shape.size(); ++i) {
        const float value = std::round(image.pixels[i] * params.scale);
        bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value < 0.0f ? 0.0f : value > 255.0f ? 255.0f : value);
    }
    std::vector<char> png;
    const auto append = [](void* context, void* data, int size) {
        auto* out = static_cast<std::vector<char>*>(context);
        out->insert(out->end(), static_cast<const char*>(data), static_cast<const char*>(data) + size);
    };
    const auto width = static_cast<int>(shape.width), channels = static_cast<int>(shape.channels);
    const int encoded = stbi_write_png_to_func(append, &png, width, static_cast<int>(shape.height), channels,
                                               bytes.data(), width * channels);
    detail::require<io_error>(encoded != 0, who, "stb_image_write could not encode an image of shape ", shape);
    return png;
}

}  // namespace detail

/// An image of 1, 2, 3 or 4 channels encoded as an 8-bit PNG in memory: each value times `params.scale`,
/// rounded to the nearest integer and clamped to 0..255. NaN or Inf throws numeric_error.
[[nodiscard]] inline std::vector<char> encode_png(const Image& image, const WritePngParams& params = {}) {
    return detail::png_bytes(image, params, "encode_png");
}

/// Writes an image of 1, 2, 3 or 4 channels as an 8-bit PNG (see encode_png). NaN or Inf throws
/// numeric_error, an unwritable path io_error.
///
///     write_png("map.png", apply_colormap(normalize_unit(reduce_channels(map, shape)), Colormap::heat));
inline void write_png(const std::filesystem::path& path, const Image& image, const WritePngParams& params = {}) {
    constexpr std::string_view who = "write_png";
    const std::vector<char> png = detail::png_bytes(image, params, who);
    // Encoded in memory and written here, so that a failure to write says which path.
    detail::write_file_bytes(path, png.data(), png.size(), who);
}

}  // namespace smoothgrad
