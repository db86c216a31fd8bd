// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "inputs.hpp"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include <smoothgrad/io/npy.hpp>
#include <smoothgrad/io/resize.hpp>

namespace explain {

/// 8-bit pixel values times --scale, computed in double and rounded once: with the default 1/255 this is
/// p / 255 exactly as PyTorch's ToTensor computes it (a float multiplication by 1/255 differs in the last bit
/// for 126 of the 256 values, enough to flip a ReLU somewhere along an integrated-gradients path).
Vector scaled(const Eigen::Ref<const Vector>& pixels, const Options& options) {
    return (pixels.cast<double>() * options.scale).cast<float>();
}

/// The image an input is read from --image files: 8-bit values, brought to `shape` by --resize if asked.
Image read_input_image(const fs::path& file, const ImageShape& shape, const Options& options) {
    Image raw = load_image(file, {.channels = static_cast<int>(shape.channels), .scale = 1.0f});
    if (options.resize && raw.shape != shape) {
        raw = resize_and_center_crop(raw, shape.height, shape.width);
        raw.pixels = raw.pixels.cwiseMax(0.0f).cwiseMin(255.0f);  // the filter's overshoot at edges
    }
    detail::require<shape_error>(raw.shape == shape, who, "image '", file.string(), "' is ", raw.shape,
                                 ", the model expects ", shape, " (--resize scales and crops it)");
    return raw;
}

/// Expected gradients' reference set from --baselines: one column per image, or per entry of a .npy file of
/// shape (N, H, W, C) whose values are already in pixel * scale units. Empty without --baselines.
Matrix read_references(const Options& options, const ImageShape& shape) {
    std::vector<Vector> columns;
    for (const std::string& item : options.baselines) {
        if (item.starts_with(train_prefix)) {
            const auto [first, last] = parse_range("--baselines", std::string_view(item).substr(train_prefix.size()));
            const Dataset train = load_fashion_mnist(options.fashion_mnist_dir, Split::train, {.limit = static_cast<std::size_t>(last + 1), .scale = 1.0f});
            detail::require<shape_error>(train.shape == shape, who, "Fashion-MNIST images are ", train.shape,
                                         ", the model expects ", shape);
            detail::require(last < train.images.cols(), who, "--baselines: ", item, " runs past the training set's ",
                            train.images.cols(), " images");
            for (Index k = first; k <= last; ++k) columns.push_back(scaled(train.images.col(k), options));
            continue;
        }
        const fs::path file = item;
        if (file.extension() != ".npy") {
            columns.push_back(scaled(read_input_image(file, shape, options).pixels, options));
            continue;
        }
        const NpyArray array = read_npy(file);
        const std::vector<std::size_t> expected{static_cast<std::size_t>(shape.height),
                                                static_cast<std::size_t>(shape.width),
                                                static_cast<std::size_t>(shape.channels)};
        detail::require<shape_error>(array.shape.size() == 4 && array.shape[0] >= 1 &&
                                         std::equal(expected.begin(), expected.end(), array.shape.begin() + 1),
                                     who, "--baselines: '", file.string(), "' must hold an array of shape (N, ",
                                     shape.height, ", ", shape.width, ", ", shape.channels, ")");
        // C order of (N, H, W, C) is one HWC column after another.
        for (std::size_t n = 0; n < array.shape[0]; ++n)
            columns.push_back(array.data.segment(static_cast<Index>(n) * shape.size(), shape.size()));
    }
    Matrix references(shape.size(), static_cast<Index>(columns.size()));
    for (std::size_t k = 0; k < columns.size(); ++k) references.col(static_cast<Index>(k)) = columns[k];
    detail::require<numeric_error>(references.allFinite(), who, "--baselines contain NaN or Inf");
    return references;
}

namespace {

/// Whether `file` has an extension the image reader takes, in any case.
bool is_image_file(const fs::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

/// The files a shell pattern matches, sorted.
std::vector<fs::path> glob_files(const std::string& pattern) {
    glob_t found{};
    const int status = ::glob(pattern.c_str(), 0, nullptr, &found);
    std::vector<fs::path> files;
    if (status == 0)
        for (std::size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
    ::globfree(&found);
    detail::require<io_error>(status == 0 || status == GLOB_NOMATCH, who, "--image-glob '", pattern, "' could not be read");
    detail::require<io_error>(!files.empty(), who, "--image-glob '", pattern, "' matches no file");
    return files;
}

/// The name of row k of an IDX file: "t10k-images-idx3-ubyte-17".
std::string idx_name(const fs::path& file, Index k) {
    fs::path stem = file.filename();
    if (stem.extension() == ".gz") stem = stem.stem();
    return stem.string() + "-" + std::to_string(k);
}

}  // namespace

InputCatalog::InputCatalog(const Options& options, const ImageShape& shape) : options_(options), shape_(shape) {
    for (const InputSource& source : options.inputs) {
        switch (source.kind) {
        case InputSource::Kind::image: add_file(source.location, "--image"); break;
        case InputSource::Kind::fashion_mnist_test: {
            if (!fashion_mnist_test_) {
                fashion_mnist_test_ = load_fashion_mnist(options.fashion_mnist_dir, Split::test, {.scale = 1.0f});
                const fs::path images = options.fashion_mnist_dir / "t10k-images-idx3-ubyte";
                set_files_.push_back(fs::exists(images.string() + ".gz") ? fs::path(images.string() + ".gz") : images);
                detail::require<shape_error>(fashion_mnist_test_->shape == shape, who, "Fashion-MNIST images are ",
                                             fashion_mnist_test_->shape, ", the model expects ", shape);
            }
            detail::require(source.index < fashion_mnist_test_->images.cols(), who, "--fashion-mnist-index ", source.index,
                            " is past the test set's ", fashion_mnist_test_->images.cols(), " images");
            entries_.push_back({"fashion-mnist-test-" + std::to_string(source.index), {}, &*fashion_mnist_test_, source.index});
            break;
        }
        case InputSource::Kind::idx: {
            const Dataset& set = idx_file(source.location);
            set_files_.emplace_back(source.location);
            for (Index k = 0; k < set.images.cols(); ++k) entries_.push_back({idx_name(source.location, k), {}, &set, k});
            break;
        }
        case InputSource::Kind::directory: {
            const fs::path dir = source.location;
            detail::require<io_error>(fs::is_directory(dir), who, "--image-dir '", source.location, "' is not a folder");
            std::vector<fs::path> files;
            for (const auto& item : fs::directory_iterator(dir))
                if (item.is_regular_file() && is_image_file(item.path())) files.push_back(item.path());
            detail::require<io_error>(!files.empty(), who, "--image-dir '", source.location, "' holds no .png, .jpg or .jpeg file");
            std::sort(files.begin(), files.end());
            for (const auto& file : files) add_file(file, "--image-dir");
            break;
        }
        case InputSource::Kind::glob: {
            const std::size_t before = entries_.size();
            for (const auto& file : glob_files(source.location))
                if (!fs::is_directory(file)) add_file(file, "--image-glob");
            detail::require<io_error>(entries_.size() > before, who, "--image-glob '", source.location, "' matches only folders");
            break;
        }
        case InputSource::Kind::list: {
            std::ifstream list(source.location);
            detail::require<io_error>(list.is_open(), who, "--image-list: cannot open '", source.location, "'");
            const fs::path base = fs::path(source.location).parent_path();
            std::string line;
            const std::size_t before = entries_.size();
            for (bool first_line = true; std::getline(list, line); first_line = false) {
                if (first_line && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // a byte-order mark
                const auto first = line.find_first_not_of(" \t\r");
                if (first == std::string::npos || line[first] == '#') continue;
                const auto last = line.find_last_not_of(" \t\r");
                const fs::path file = line.substr(first, last - first + 1);
                add_file(file.is_absolute() ? file : base / file, "--image-list");
            }
            detail::require<io_error>(entries_.size() > before, who, "--image-list '", source.location, "' names no file");
            break;
        }
        }
    }
    detail::require(entries_.size() < (std::size_t{1} << 31), who, "at most 2^31 - 1 inputs, got ", entries_.size());
}

void InputCatalog::add_file(const fs::path& file, std::string_view flag) {
    detail::require<io_error>(fs::is_regular_file(file), who, flag, ": cannot open '", file.string(), "'");
    entries_.push_back({file.stem().string(), file, nullptr, 0});
}

const Dataset& InputCatalog::idx_file(const fs::path& file) {
    const IdxArray array = read_idx(file);
    detail::require<format_error>(array.dims.size() == 3, who, "--idx '", file.string(),
                                  "' must hold images (3 dimensions: count, rows, columns), it has ", array.dims.size());
    const ImageShape found{static_cast<Index>(array.dims[1]), static_cast<Index>(array.dims[2]), 1};
    detail::require<shape_error>(found == shape_, who, "--idx '", file.string(), "' holds ", found,
                                 " images, the model expects ", shape_);
    auto set = std::make_unique<Dataset>();
    set->shape = found;
    using ByteMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;
    set->images = Eigen::Map<const ByteMatrix>(array.data.data(), found.size(), static_cast<Index>(array.dims[0])).cast<float>();
    idx_files_.push_back(std::move(set));
    return *idx_files_.back();
}

Input InputCatalog::load(Index k) const {
    const Entry& entry = entries_[static_cast<std::size_t>(k)];
    if (entry.set == nullptr) {
        const Image raw = read_input_image(entry.file, shape_, options_);
        return {entry.name, scaled(raw.pixels, options_), {raw.pixels / 255.0f, raw.shape}, std::nullopt};
    }
    const Vector raw = entry.set->images.col(entry.row);
    std::optional<int> label;
    if (!entry.set->labels.empty()) label = entry.set->labels[static_cast<std::size_t>(entry.row)];
    return {entry.name, scaled(raw, options_), {raw / 255.0f, shape_}, label};
}

}  // namespace explain
