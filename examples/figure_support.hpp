// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// What the paper_fig*.cpp programs share: their common flags, the choice of test images, turning maps
// into grid cells and writing a grid. The programs are run from the repository root by scripts/figures.sh.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <smoothgrad/io/idx.hpp>
#include <smoothgrad/io/image.hpp>
#include <smoothgrad/io/labelled_grid.hpp>
#include <smoothgrad/nn/serialization.hpp>
#include <smoothgrad/nn/training.hpp>
#include <smoothgrad/smoothgrad.hpp>

#include "command_line.hpp"

namespace figures {

using smoothgrad::Image;
using smoothgrad::ImageShape;
using smoothgrad::Index;
using smoothgrad::Matrix;
using smoothgrad::Vector;
namespace fs = std::filesystem;

/// The shipped model trained on clean images, relative to the repository root.
inline const fs::path clean_model_path = "examples/models/fashion_mnist_cnn.safetensors";
/// The shipped model trained with input noise sigma = 0.1.
inline const fs::path noise_model_path = "examples/models/fashion_mnist_cnn_noise.safetensors";

/// The flags every figure program takes.
struct Options {
    /// Where the figures are written.
    fs::path out = "docs/figures";
    /// Whether --out was given (a program that writes elsewhere picks its own default).
    bool out_given = false;
    /// The network to explain.
    fs::path model = clean_model_path;
    /// Whether --model was given (a program whose model is not a shipped one picks its own default).
    bool model_given = false;
    /// The Fashion-MNIST IDX files.
    fs::path data_dir = smoothgrad::default_fashion_mnist_dir();
    /// Test-set indices to explain; empty: the program's own choice (see pick_examples).
    std::vector<Index> images = {};
    /// The seed of all noise.
    std::uint64_t seed = 0;
    bool help = false;
};

/// The common part of every program's --help.
inline constexpr std::string_view common_usage = R"(  --out DIR          where the figures go (default docs/figures)
  --model FILE       the network (default examples/models/fashion_mnist_cnn.safetensors)
  --data-dir DIR     Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)
  --images K,K,...   test-set images to use instead of the default choice
  --seed S           seed of all noise (default 0)
  --help             this text
Run from the repository root (the default paths are relative to it).
)";

/// Reads a flag's value and advances past it.
using ValueReader = command_line::ValueReader;
/// Handles a program's own flag: returns false if it does not know `flag`.
using ExtraFlag = std::function<bool(std::string_view flag, const ValueReader& value)>;

/// Parses the common flags, handing any other flag to `extra`; throws argument_error for an unknown flag.
inline Options parse_options(int argc, char** argv, std::string_view who, const ExtraFlag& extra = nullptr) {
    Options options;
    command_line::for_each_flag(argc, argv, who, [&](std::string_view flag, const ValueReader& value) {
        if (flag == "--help" || flag == "-h") options.help = true;
        else if (flag == "--out") options.out = value(), options.out_given = true;
        else if (flag == "--model") options.model = value(), options.model_given = true;
        else if (flag == "--data-dir") options.data_dir = value();
        else if (flag == "--seed") options.seed = command_line::parse_number<std::uint64_t>(who, flag, value());
        else if (flag == "--images") {
            for (const std::string_view part : command_line::split(value(), ','))
                options.images.push_back(command_line::parse_number<Index>(who, flag, part));
        } else if (!extra || !extra(flag, value)) {
            throw smoothgrad::argument_error(smoothgrad::detail::message(who, "unknown option '", flag, "' (see --help)"));
        }
    });
    return options;
}

/// The Fashion-MNIST test set.
[[nodiscard]] inline smoothgrad::Dataset load_test_set(const Options& options) {
    return smoothgrad::load_fashion_mnist(options.data_dir, smoothgrad::Split::test);
}

/// The network at `path`, checked to take 28x28x1 Fashion-MNIST images.
[[nodiscard]] inline smoothgrad::nn::Sequential load_fashion_network(const fs::path& path, std::string_view who) {
    smoothgrad::nn::Sequential net = smoothgrad::nn::load_network(path).network;
    smoothgrad::detail::require<smoothgrad::shape_error>(net.input_size() == 28 * 28 && net.num_classes() == 10, who,
                                                         "the model '", path.string(),
                                                         "' must take 28x28x1 images and give 10 scores");
    return net;
}

/// The class with the largest score for `x`.
template <class Model>
[[nodiscard]] Index predicted_class(const Model& model, const Vector& x) {
    Index best = 0;
    model.scores(Matrix(x)).col(0).maxCoeff(&best);
    return best;
}

/// Test images to explain: the ones the user asked for, or else, for each class in `classes`, the first
/// test image of that class that `model` classifies correctly (so the maps explain a right answer).
template <class Model>
[[nodiscard]] std::vector<Index> pick_examples(const Model& model, const smoothgrad::Dataset& test, const Options& options,
                                               std::span<const int> classes, std::string_view who) {
    if (!options.images.empty()) {
        for (const Index k : options.images)
            smoothgrad::detail::require(k >= 0 && k < test.images.cols(), who, "--images: index must be in [0, ",
                                        test.images.cols(), "), got ", k);
        return options.images;
    }
    const std::vector<int> predicted = smoothgrad::nn::predict(model, test.images);
    std::vector<Index> picked;
    for (const int c : classes) {
        for (Index k = 0; k < test.images.cols(); ++k) {
            const auto j = static_cast<std::size_t>(k);
            if (test.labels[j] == c && predicted[j] == c) {
                picked.push_back(k);
                break;
            }
        }
    }
    return picked;
}

/// An input image as a gray grid cell.
[[nodiscard]] inline Image input_cell(const Vector& x, ImageShape shape) {
    return Image{x.cwiseMax(0.0f).cwiseMin(1.0f), shape};
}

/// A map as the paper shows it: |map| summed over channels, scaled to [0, 1] with the top 1 % saturated,
/// in gray (white is most sensitive).
[[nodiscard]] inline Image gray_cell(const Vector& map, ImageShape shape) {
    return smoothgrad::normalize_unit(smoothgrad::reduce_channels(map, shape));
}

/// The colour bar under a figure: its colour map and what its two ends mean.
struct ColourKey {
    smoothgrad::Colormap map = smoothgrad::Colormap::gray;
    std::string low, high;
};

/// The key of the gray maps the paper shows (see gray_cell).
inline ColourKey gray_key() { return {smoothgrad::Colormap::gray, "0", "99th percentile of |map| and above"}; }

/// `top` with `bottom` under it, left-aligned at `indent`, on white.
[[nodiscard]] inline Image stacked(const Image& top, const Image& bottom, Index indent, Index gap) {
    const ImageShape shape{top.shape.height + gap + bottom.shape.height, std::max(top.shape.width, indent + bottom.shape.width), 3};
    Image canvas{Vector::Ones(shape.size()), shape};
    for (Index y = 0; y < top.shape.height; ++y)
        canvas.pixels.segment(shape.offset(y, 0), top.shape.width * 3) = top.pixels.segment(top.shape.offset(y, 0), top.shape.width * 3);
    for (Index y = 0; y < bottom.shape.height; ++y)
        canvas.pixels.segment(shape.offset(top.shape.height + gap + y, indent), bottom.shape.width * 3) =
            bottom.pixels.segment(bottom.shape.offset(y, 0), bottom.shape.width * 3);
    return canvas;
}

/// Writes `cells` as a grid with `columns` columns, every pixel 4x4, with `labels` (titles, caption) and
/// a colour bar for `key` under it, and says so on stdout.
inline void write_figure(const fs::path& path, const std::vector<Image>& cells, Index columns,
                         const smoothgrad::GridLabels& labels = {}, const std::optional<ColourKey>& key = gray_key()) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    Image grid = smoothgrad::make_labelled_grid(cells, {.columns = columns, .padding = 4, .cell_scale = 4}, labels);
    if (key) {
        const Image bar = smoothgrad::labelled_colour_bar(key->map, 224, key->low, key->high);
        grid = stacked(grid, bar, 8, 4);
    }
    smoothgrad::write_png(path, grid);
    std::cout << "wrote " << path.string() << " (" << grid.shape.width << "x" << grid.shape.height << ", "
              << (static_cast<Index>(cells.size()) + columns - 1) / columns << " rows x " << columns << " columns)\n";
}

/// The name of a Fashion-MNIST class.
[[nodiscard]] inline std::string class_name(Index c) {
    return std::string(smoothgrad::fashion_mnist_class_names.at(static_cast<std::size_t>(c)));
}

/// A figure's cells, row by row, and each row's title.
struct FigureRows {
    std::vector<Image> cells;
    std::vector<std::string> titles;
};

/// The cells of a figure with one row per picked test image: the input, then the gray cells of the maps
/// that `maps(x, label)` returns (a std::vector<Vector>) for the class the network predicts; each row is
/// titled with that class. Says on stdout which image and class each row shows.
template <class Model, class Maps>
[[nodiscard]] FigureRows map_rows(const Model& net, const smoothgrad::Dataset& test, const std::vector<Index>& picked,
                                  Maps&& maps) {
    FigureRows rows;
    for (const Index k : picked) {
        const Vector x = test.images.col(k);
        const Index label = predicted_class(net, x);
        rows.cells.push_back(input_cell(x, test.shape));
        for (const Vector& map : maps(x, label)) rows.cells.push_back(gray_cell(map, test.shape));
        rows.titles.push_back(class_name(label));
        std::cout << "row: test image " << k << ", explained class " << class_name(label) << "\n";
    }
    return rows;
}

/// Runs a figure program: parses the flags, prints `usage` and the common flags for --help, else calls
/// `body(options)` inside command_line::guarded_main.
template <class Body>
int figure_main(int argc, char** argv, std::string_view who, std::string_view usage, Body&& body,
                const ExtraFlag& extra = nullptr) {
    return command_line::guarded_main(who, [&] {
        const Options options = parse_options(argc, argv, who, extra);
        if (options.help) {
            std::cout << usage << common_usage;
            return 0;
        }
        return body(options);
    });
}

}  // namespace figures
