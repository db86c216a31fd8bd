// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// IDX files (the MNIST family's format) and the Fashion-MNIST data set, raw or gzipped.
///
/// An IDX file is a 4-byte big-endian magic number 0x0000TTDD (TT the element type, DD the number of
/// dimensions), DD big-endian 32-bit sizes, then the elements in row-major order. Only unsigned bytes
/// (type 0x08) with 1 to 3 dimensions are read: that is what (Fashion-)MNIST images and labels use.
/// Gzip is recognised by its magic bytes 1f 8b, not by the file name, and decompressed with zlib.

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/io/detail/quote.hpp"

namespace smoothgrad {

/// The largest element count (product of the sizes) that `read_idx` accepts: 2^31 bytes. A header that
/// claims more is refused before anything is allocated; the whole Fashion-MNIST training set is 47 million.
inline constexpr std::uint64_t idx_max_elements = std::uint64_t{1} << 31;

/// The sizes and bytes of an IDX file of unsigned bytes.
struct IdxArray {
    /// Sizes, outermost first (for images: count, rows, columns).
    std::vector<std::size_t> dims = {};
    /// The elements in row-major order, `product(dims)` of them.
    std::vector<std::uint8_t> data = {};
};

/// Options of `read_idx`.
struct IdxReadParams {
    /// Read at most this many items along the first dimension (0 reads all). The rest of the file is then
    /// neither read nor checked, so a gzip checksum at its end is not verified either.
    std::size_t limit = 0;
};

namespace detail {

/// "0x00000803": IDX magic numbers read best in hex.
[[nodiscard]] inline std::string idx_hex(std::uint32_t value, int digits = 8) {
    std::ostringstream out;
    out << "0x" << std::hex << std::uppercase << std::setw(digits) << std::setfill('0') << value;
    return out.str();
}

/// Bytes of a file that may be gzipped; reads report short counts only at the end of the data.
class IdxByteSource {
public:
    IdxByteSource(const std::filesystem::path& path, std::string_view who) : path_(path), who_(who) {
        // A directory opens as an empty stream on POSIX; say what it is instead.
        require<io_error>(!std::filesystem::is_directory(path), who_, "'", path_.string(), "' is a directory");
        raw_.open(path, std::ios::binary);
        require<io_error>(raw_.is_open(), who_, "cannot open '", path_.string(), "'");
        std::array<char, 2> magic{};
        raw_.read(magic.data(), magic.size());
        const bool gzipped = raw_.gcount() == 2 && static_cast<unsigned char>(magic[0]) == 0x1f &&
                             static_cast<unsigned char>(magic[1]) == 0x8b;
        if (gzipped) {
            raw_.close();
            gz_ = gzopen(path_.string().c_str(), "rb");
            require<io_error>(gz_ != nullptr, who_, "cannot open '", path_.string(), "' with zlib");
        } else {
            raw_.clear();
            raw_.seekg(0);
        }
    }
    IdxByteSource(const IdxByteSource&) = delete;
    IdxByteSource& operator=(const IdxByteSource&) = delete;
    ~IdxByteSource() {
        if (gz_ != nullptr) gzclose(gz_);
    }

    /// Reads up to `count` bytes; fewer only when the data ends. Throws format_error on a corrupt gzip stream.
    std::size_t read(void* destination, std::size_t count) {
        auto* out = static_cast<char*>(destination);
        if (gz_ == nullptr) {
            raw_.read(out, static_cast<std::streamsize>(count));
            require<io_error>(!raw_.bad(), who_, "error while reading '", path_.string(), "'");
            return static_cast<std::size_t>(raw_.gcount());
        }
        std::size_t done = 0;
        while (done < count) {
            // gzread takes an unsigned count and returns an int, so read in chunks that fit both.
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(count - done, std::size_t{1} << 30));
            const int got = gzread(gz_, out + done, chunk);
            int code = Z_OK;
            const char* reason = gzerror(gz_, &code);
            require<io_error>(code != Z_ERRNO, who_, "error while reading '", path_.string(), "'");
            require<format_error>(got >= 0, who_, "'", path_.string(), "': corrupt gzip stream (", reason, ")");
            // zlib reports a stream cut short as Z_BUF_ERROR with whatever it could decompress.
            require<format_error>(code != Z_BUF_ERROR, who_, "'", path_.string(),
                                  "': truncated gzip stream (", reason, ")");
            if (got == 0) break;
            done += static_cast<std::size_t>(got);
        }
        return done;
    }

private:
    std::filesystem::path path_;
    std::string_view who_;
    std::ifstream raw_;
    gzFile gz_ = nullptr;
};

/// An IDX file as its header describes it, with the data of the first `limit` items only.
struct IdxContent {
    std::vector<std::size_t> header_dims;
    std::size_t items_read = 0;
    std::vector<std::uint8_t> data;
};

[[nodiscard]] inline IdxContent read_idx_content(const std::filesystem::path& path, const IdxReadParams& params,
                                                 std::string_view who) {
    IdxByteSource source(path, who);
    const std::string where = quoted_source(path.string());

    std::array<unsigned char, 4> magic{};
    const std::size_t magic_read = source.read(magic.data(), magic.size());
    require<format_error>(magic_read == magic.size(), who, where, ": file has ", magic_read,
                          " bytes, too short for the 4-byte IDX magic number");
    const std::uint32_t magic_value = (std::uint32_t{magic[0]} << 24) | (std::uint32_t{magic[1]} << 16) |
                                      (std::uint32_t{magic[2]} << 8) | std::uint32_t{magic[3]};
    require<format_error>(magic[0] == 0 && magic[1] == 0, who, where, ": bad magic number ", idx_hex(magic_value),
                          " (an IDX file starts with 0x0000TTDD)");
    require<format_error>(magic[2] == 0x08, who, where, ": unsupported type code ", idx_hex(magic[2], 2),
                          " in magic number ", idx_hex(magic_value), " (only 0x08, unsigned byte, is supported)");
    const std::size_t rank = magic[3];
    require<format_error>(rank >= 1 && rank <= 3, who, where, ": unsupported number of dimensions ", rank,
                          " in magic number ", idx_hex(magic_value), " (1 to 3 are supported)");

    std::array<unsigned char, 12> size_bytes{};
    const std::size_t sizes_read = source.read(size_bytes.data(), 4 * rank);
    require<format_error>(sizes_read == 4 * rank, who, where, ": truncated header: ", rank,
                          " dimensions need ", 4 * rank, " size bytes, file has ", sizes_read);

    IdxContent content;
    std::uint64_t elements = 1;
    for (std::size_t d = 0; d < rank; ++d) {
        const unsigned char* b = size_bytes.data() + 4 * d;
        const std::uint64_t size = (std::uint64_t{b[0]} << 24) | (std::uint64_t{b[1]} << 16) |
                                   (std::uint64_t{b[2]} << 8) | std::uint64_t{b[3]};
        content.header_dims.push_back(static_cast<std::size_t>(size));
        // A zero size would leave items without data (5 x 0 x 28 read as 0 x 0 x 28, beside 5 labels).
        require<format_error>(size > 0, who, where, ": dimension ", d, " has size 0");
        // Check before multiplying, so a product that would overflow is caught too.
        require<format_error>(elements <= idx_max_elements / size, who, where, ": size ", size,
                              " of dimension ", d, " makes more than idx_max_elements = ", idx_max_elements,
                              " elements");
        elements *= size;
    }
    const std::size_t item_size = static_cast<std::size_t>(elements) / content.header_dims[0];
    content.items_read = params.limit == 0 ? content.header_dims[0] : std::min(params.limit, content.header_dims[0]);
    const std::size_t wanted = content.items_read * item_size;

    // Grow the buffer as bytes arrive, so a truncated file never costs what its header claims.
    constexpr std::size_t chunk = std::size_t{1} << 24;
    while (content.data.size() < wanted) {
        const std::size_t before = content.data.size();
        const std::size_t step = std::min(chunk, wanted - before);
        content.data.resize(before + step);
        const std::size_t got = source.read(content.data.data() + before, step);
        require<format_error>(got == step, who, where, ": truncated data: the sizes promise ",
                              static_cast<std::size_t>(elements), " bytes of data, the file has ", before + got);
    }
    if (content.items_read == content.header_dims[0]) {
        // Reading past the end also makes zlib check the gzip trailer's CRC and length.
        unsigned char extra = 0;
        require<format_error>(source.read(&extra, 1) == 0, who, where, ": more data than the sizes say (",
                              static_cast<std::size_t>(elements), " bytes expected)");
    }
    return content;
}

}  // namespace detail

/// Reads an IDX file of unsigned bytes, raw or gzipped.
///
///     IdxArray labels = read_idx("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
///
/// Throws io_error if the file cannot be opened or read, and format_error (naming the file and the value)
/// for a bad magic number, a type other than 0x08, 0 or more than 3 dimensions, a size of 0, more than
/// `idx_max_elements` elements, data shorter or longer than the sizes say, or a corrupt gzip stream.
[[nodiscard]] inline IdxArray read_idx(const std::filesystem::path& path, const IdxReadParams& params = {}) {
    detail::IdxContent content = detail::read_idx_content(path, params, "read_idx");
    IdxArray array{.dims = std::move(content.header_dims), .data = std::move(content.data)};
    array.dims[0] = content.items_read;
    return array;
}

/// The ten Fashion-MNIST classes, indexed by label.
inline constexpr std::array<std::string_view, 10> fashion_mnist_class_names = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

/// Where Debian's dataset-fashion-mnist package installs the data.
[[nodiscard]] inline std::filesystem::path default_fashion_mnist_dir() { return "/usr/share/datasets/fashion-mnist"; }

/// Which half of Fashion-MNIST to load: 60000 training or 10000 test images.
enum class Split { train, test };

/// Options of `load_fashion_mnist`.
struct LoadParams {
    /// Load at most this many images (0 loads all); the first ones in file order.
    std::size_t limit = 0;
    /// Pixel values are the file's bytes times this; the default maps 0..255 to 0..1.
    float scale = 1.0f / 255.0f;
};

/// Images with their labels.
struct Dataset {
    /// One image per column, HWC (28x28x1 for Fashion-MNIST: 784 rows).
    Matrix images = {};
    /// The class of each column, 0 to 9 (see fashion_mnist_class_names).
    std::vector<int> labels = {};
    ImageShape shape = {};
};

/// Loads a Fashion-MNIST split from `dir`: `{train,t10k}-{images-idx3,labels-idx1}-ubyte`, each gzipped
/// (`.gz`, tried first) or not.
///
///     Dataset test = load_fashion_mnist(default_fashion_mnist_dir(), Split::test, {.limit = 100});
///
/// Any image size is accepted (rows x columns from the file, one channel), so MNIST loads too.
/// Throws argument_error for a non-finite or non-positive scale, io_error if a file is missing (naming
/// the paths tried), and format_error for what `read_idx` rejects, an images file that is not 3-D or a
/// labels file that is not 1-D, image and label counts that disagree, or a label above 9.
[[nodiscard]] inline Dataset load_fashion_mnist(const std::filesystem::path& dir = default_fashion_mnist_dir(),
                                                Split split = Split::train, const LoadParams& params = {}) {
    constexpr std::string_view who = "load_fashion_mnist";
    detail::require(std::isfinite(params.scale) && params.scale > 0.0f, who, "scale must be finite and > 0, got ",
                    params.scale);

    const std::string prefix = split == Split::train ? "train" : "t10k";
    const auto find = [&](const std::string& stem) {
        const std::filesystem::path gz = dir / (stem + ".gz");
        const std::filesystem::path raw = dir / stem;
        if (std::filesystem::exists(gz)) return gz;
        if (std::filesystem::exists(raw)) return raw;
        throw io_error(detail::message(who, "missing file '", gz.string(), "' (or uncompressed '", raw.string(),
                                       "')"));
    };
    const std::filesystem::path images_path = find(prefix + "-images-idx3-ubyte");
    const std::filesystem::path labels_path = find(prefix + "-labels-idx1-ubyte");

    const IdxReadParams read{.limit = params.limit};
    detail::IdxContent images = detail::read_idx_content(images_path, read, who);
    detail::IdxContent labels = detail::read_idx_content(labels_path, read, who);
    detail::require<format_error>(images.header_dims.size() == 3, who, "'", images_path.string(),
                                  "': images need 3 dimensions (count, rows, columns), got ",
                                  images.header_dims.size());
    detail::require<format_error>(labels.header_dims.size() == 1, who, "'", labels_path.string(),
                                  "': labels need 1 dimension, got ", labels.header_dims.size());
    detail::require<format_error>(images.header_dims[0] == labels.header_dims[0] &&
                                      images.items_read == labels.items_read,
                                  who, "'", images_path.string(), "' holds ", images.header_dims[0], " images but '",
                                  labels_path.string(), "' holds ", labels.header_dims[0], " labels");

    Dataset dataset;
    dataset.shape = ImageShape{.height = static_cast<Index>(images.header_dims[1]),
                               .width = static_cast<Index>(images.header_dims[2]),
                               .channels = 1};
    const auto count = static_cast<Index>(images.items_read);
    using ByteMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;
    dataset.images = Eigen::Map<const ByteMatrix>(images.data.data(), dataset.shape.size(), count).cast<float>() *
                     params.scale;
    dataset.labels.reserve(labels.data.size());
    for (std::size_t i = 0; i < labels.data.size(); ++i) {
        detail::require<format_error>(labels.data[i] <= 9, who, "'", labels_path.string(), "': label ", i, " is ",
                                      int{labels.data[i]}, ", expected 0 to 9");
        dataset.labels.push_back(labels.data[i]);
    }
    return dataset;
}

}  // namespace smoothgrad
