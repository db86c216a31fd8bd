// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad-explain's command line: every option, parsed and checked before a model is loaded.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <smoothgrad/io/idx.hpp>
#include <smoothgrad/smoothgrad.hpp>

#include "explain_model.hpp"

namespace explain {
// The program's own namespace: the library's names are used unqualified throughout its files.
using namespace smoothgrad;
namespace fs = std::filesystem;

/// The text --help prints.
[[nodiscard]] std::string_view usage();

inline constexpr std::array<std::string_view, 12> method_names{
    "vanilla",   "integrated-gradients", "guided-backprop", "deconvnet",       "gradient-x-input", "blur-ig",
    "guided-ig", "expected-gradients",   "grad-cam",        "guided-grad-cam", "xrai",             "occlusion"};
inline constexpr std::string_view method_list =
    "vanilla, integrated-gradients, guided-backprop, deconvnet, gradient-x-input, blur-ig, guided-ig, "
    "expected-gradients, grad-cam, guided-grad-cam, xrai or occlusion";

/// One input flag: where images come from, kept in the order given.
struct InputSource {
    enum class Kind { image, fashion_mnist_test, idx, directory, glob, list };
    Kind kind = Kind::image;
    std::string location;  // a file, folder, pattern or list file; empty for Fashion-MNIST
    Index index = 0;       // the Fashion-MNIST test image
};

/// The most shards a run may be split into.
inline constexpr Index max_shards = Index{1} << 20;

/// Which part of the inputs this process explains: shard `index` of `count`.
struct Shard {
    Index index = 0, count = 1;
};

/// Everything the command line says.
struct Options {
    explain::ModelOptions model;
    std::vector<InputSource> inputs;  // in the order given; an input's position keys its noise
    fs::path fashion_mnist_dir = default_fashion_mnist_dir();
    bool resize = false;
    double scale = 1.0 / 255.0;
    std::optional<Index> target_class;
    std::string method = "vanilla";
    std::string baseline = "black";
    int smooth_samples = 50;
    bool smooth_samples_given = false;
    Index occlusion_size = 15, occlusion_stride = 1;
    float occlusion_value = 0.0f;
    OcclusionCombine occlusion_combine = OcclusionCombine::sum;
    bool occlusion_per_channel = false;
    double noise_level = 0.15;
    std::optional<double> noise_stddev;
    Aggregation aggregation = Aggregation::mean;
    int steps = 50, batch_size = 50;
    bool steps_given = false;
    double max_sigma = 50.0, grad_step = 0.01;
    bool sqrt_spacing = false;
    double fraction = 0.25, max_dist = 0.02;
    std::vector<std::string> baselines;
    std::optional<LayerId> layer;
    bool upsample = false;
    Index draws = 50;
    double draw_noise = 0.0;
    std::uint64_t seed = 0;
    std::optional<fs::path> png, npy, gallery;
    std::optional<bool> labels;  // --labels / --no-labels; by default on for the gallery, off for --png
    Colormap colormap = Colormap::gray;
    double percentile = 99.0;
    bool quiet = false;
    bool help = false;
    // Data-set mode (--out): one shard of the inputs, written as safetensors with a JSON manifest.
    std::optional<fs::path> out;
    std::optional<Shard> shard;          // --shard K/N; with `shard_auto`, read from the scheduler's environment
    bool shard_auto = false;
    std::optional<Index> shard_count;    // --shard-count, for schedulers that give only the index
    Index checkpoint_every = 50;
    bool float16 = false;
};

inline constexpr std::string_view who = "smoothgrad-explain";

/// The prefix of a --baselines item that names Fashion-MNIST training images.
inline constexpr std::string_view train_prefix = "fashion-mnist-train:";

/// An index "K" or a range "A-B", as [first, last].
[[nodiscard]] std::pair<Index, Index> parse_range(std::string_view flag, std::string_view item);

/// "K/N" as a shard.
[[nodiscard]] Shard parse_shard(std::string_view flag, std::string_view text);

/// The command line as Options; throws argument_error naming the flag for anything wrong.
[[nodiscard]] Options parse_arguments(int argc, char** argv);

}  // namespace explain
