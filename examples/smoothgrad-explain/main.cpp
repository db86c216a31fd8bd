// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad-explain: explains images with a reference network stored as safetensors or a PyTorch model
// saved as TorchScript, and writes the maps.
//
//     smoothgrad-explain --model examples/models/fashion_mnist_cnn.safetensors --fashion-mnist-index 0,1,2
//         --method vanilla --smooth-samples 50 --gallery out/
//     smoothgrad-explain --model resnet50.pt --image dog.jpg --resize --method guided-backprop --gallery out/
//
// Run with --help for every option. Errors are one line on stderr and a non-zero exit code.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <smoothgrad/io/idx.hpp>
#include <smoothgrad/io/image.hpp>
#include <smoothgrad/io/npy.hpp>
#include <smoothgrad/io/resize.hpp>
#include <smoothgrad/methods/blur.hpp>
#include <smoothgrad/smoothgrad.hpp>

#include "../command_line.hpp"
#include "explain_model.hpp"

namespace {
using namespace smoothgrad;
namespace fs = std::filesystem;

constexpr std::string_view usage = R"(Usage: smoothgrad-explain --model FILE INPUTS [OPTIONS]

Explains what a network's class score is sensitive to, with SmoothGrad (Smilkov et al. 2017) around a
gradient method, and writes the maps.

Inputs (one or more; each flag may repeat):
  --image FILE[,FILE...]          PNG or JPEG images of the model's input size (see --resize)
  --fashion-mnist-index K[,K...]  images of the Fashion-MNIST test set; ranges as A-B
  --fashion-mnist-dir DIR         where the IDX files are (default /usr/share/datasets/fashion-mnist)
  --resize                        scale each image's shorter side to the model's size and cut out the
                                  centre (torchvision's Resize + CenterCrop); without it, an image of
                                  another size is an error
Model (the file's kind is told by its content):
  --model FILE                    a reference network (safetensors with a "spec" in its metadata) or a
                                  PyTorch model saved as TorchScript (scripts/export_torchscript.py)
  --spec SPEC                     the reference network's architecture, for files without one
  --input-size HxWxC              the model's input, e.g. 224x224x3; needed for a TorchScript file
                                  without smoothgrad.json metadata
  --layer-names N1,N2,...         the reference network's layers with parameters as the file names them
                                  (a PyTorch module's conv1,conv2,fc1,fc2), else the file's metadata
  --threads N                     the model's threads (default: every core)
The model sees x = (p * scale - mean) / std for 8-bit pixels p; maps and noise are in p * scale:
  --scale F                       (default 1/255)
  --mean F[,F,F]  --std F[,F,F]   one value or one per channel (default: the file's, else 0 and 1)
Method:
  --class C                       class to explain (default: the predicted class)
  --method NAME                   vanilla | integrated-gradients | guided-backprop | deconvnet |
                                  gradient-x-input | blur-ig | guided-ig | expected-gradients |
                                  grad-cam | guided-grad-cam | xrai | occlusion (default vanilla)
  --smooth-samples N              SmoothGrad samples; 0 = the plain method (default 50; 0 for
                                  occlusion, which needs no gradient, for expected-gradients, which
                                  averages its own draws, for grad-cam and for xrai)
  --noise-level F                 noise sigma / (x_max - x_min) (default 0.15)
  --noise-stddev F                an absolute noise sigma instead
  --aggregate mean|square|variance  SmoothGrad, SmoothGrad^2 or VarGrad (default mean)
  --steps M                       integrated-gradients steps (default 50; blur-ig and xrai: 100;
                                  guided-ig: 200)
  --max-sigma F                   blur-ig: the blur at the end of its path, in pixels (default 50)
  --grad-step F                   blur-ig: the sigma step of d blur / d sigma (default 0.01)
  --sqrt-spacing                  blur-ig: square-root spacing of the sigmas, as PAIR saliency's sqrt
  --fraction F                    guided-ig: the share of features moved at a time (default 0.25)
  --max-dist F                    guided-ig: how far from the straight path a feature may go, in
                                  alpha (default 0.02)
  --baselines FILE[,FILE...]      expected-gradients: the reference set: images, .npy files of shape
                                  (N, H, W, C) in pixel * scale units, or fashion-mnist-train:A-B
                                  (training images A to B)
  --draws N                       expected-gradients: (baseline, alpha) draws per input (default 50)
  --draw-noise F                  expected-gradients: sigma of noise added to each draw's input
                                  (Captum's GradientShap stdevs; default 0)
  --baseline black|mean|zero|blur|FILE  integrated gradients' starting point: black (pixels 0, the
                                  default), mean or zero (each channel at --mean, so that the model's
                                  normalized input is 0), blur (the input blurred with sigma = a tenth
                                  of its shorter side) or an image FILE
  --layer L                       grad-cam, guided-grad-cam: the layer, by position in the spec
                                  (0-based; e.g. 4 is the second ReLU of conv; relu; maxpool; conv;
                                  relu; ...) or by name (conv2, or a TorchScript submodule: layer4)
  --upsample                      grad-cam: write the map resized to the input (divided by its
                                  maximum, as PAIR saliency) instead of H x W x 1 at the layer
  --occlusion-size S              occlusion's window, S x S pixels (default 15)
  --occlusion-stride D            pixels between window positions (default 1)
  --occlusion-value F             what covered values are set to, in pixel * scale units (default 0)
  --occlusion-combine sum|mean    a value's score drops added up (PAIR saliency, the default) or
                                  averaged over the windows that cover it (Captum)
  --occlusion-per-channel         one channel at a time instead of all channels of a pixel
  --batch-size B                  samples per model call (default 50)
  --seed S                        noise seed (default 0); input k (0-based, in the order given)
                                  gets its own noise, keyed by (seed, k, sample)
Output:
  --png FILE                      the map as an 8-bit PNG (|map| summed over channels, capped at
                                  the percentile, scaled to [0, 1], coloured)
  --npy FILE                      the raw float map, HWC, as NumPy .npy
                                  With several inputs, FILE must contain {} (replaced by the input's name).
  --gallery DIR                   input, map and overlay PNGs of every input and an index.html
  --colormap gray|heat            colours of the PNGs (default gray, as in the paper)
  --percentile P                  cap for the PNGs (default 99)
  --quiet                         no progress bar
  --help                          this text
)";

constexpr std::array<std::string_view, 12> method_names{
    "vanilla",   "integrated-gradients", "guided-backprop", "deconvnet",       "gradient-x-input", "blur-ig",
    "guided-ig", "expected-gradients",   "grad-cam",        "guided-grad-cam", "xrai",             "occlusion"};
constexpr std::string_view method_list =
    "vanilla, integrated-gradients, guided-backprop, deconvnet, gradient-x-input, blur-ig, guided-ig, "
    "expected-gradients, grad-cam, guided-grad-cam, xrai or occlusion";

/// Everything the command line says.
struct Options {
    explain::ModelOptions model;
    std::vector<fs::path> images;
    std::vector<Index> fashion_mnist_indices;
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
    Colormap colormap = Colormap::gray;
    double percentile = 99.0;
    bool quiet = false;
    bool help = false;
};

constexpr std::string_view who = "smoothgrad-explain";

/// "0.485,0.456,0.406" as finite numbers.
std::vector<float> parse_numbers(std::string_view flag, std::string_view text) {
    std::vector<float> values;
    for (const auto item : command_line::split(text, ',')) {
        values.push_back(command_line::parse_number<float>(who, flag, item));
        detail::require(std::isfinite(values.back()), who, flag, " must be finite, got '", item, "'");
    }
    detail::require(!values.empty(), who, flag, " needs one value or one per channel");
    return values;
}

/// "224x224x3" as an image shape.
ImageShape parse_shape(std::string_view flag, std::string_view text) {
    const auto parts = command_line::split(text, 'x');
    detail::require(parts.size() == 3, who, flag, " expects HxWxC, e.g. 224x224x3, got '", text, "'");
    const ImageShape shape{command_line::parse_number<Index>(who, flag, parts[0]),
                           command_line::parse_number<Index>(who, flag, parts[1]),
                           command_line::parse_number<Index>(who, flag, parts[2])};
    detail::require(shape.height >= 1 && shape.width >= 1 && shape.channels >= 1 && shape.height <= 65536 &&
                        shape.width <= 65536 && shape.channels <= 4,
                    who, flag, " needs sides in [1, 65536] and 1 to 4 channels, got '", text, "'");
    return shape;
}

/// An index "K" or a range "A-B" of Fashion-MNIST images, as [first, last].
std::pair<Index, Index> parse_range(std::string_view flag, std::string_view item) {
    const auto dash = item.find('-', 1);
    const auto first = command_line::parse_number<Index>(who, flag, item.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : command_line::parse_number<Index>(who, flag, item.substr(dash + 1));
    detail::require(first >= 0 && last >= first && last - first < 100000, who, flag,
                    " expects indices or ranges A-B with 0 <= A <= B, got '", item, "'");
    return {first, last};
}

/// The prefix of a --baselines item that names Fashion-MNIST training images.
constexpr std::string_view train_prefix = "fashion-mnist-train:";

Options parse_arguments(int argc, char** argv) {
    Options options;
    command_line::for_each_flag(argc, argv, who, [&](std::string_view flag, const command_line::ValueReader& value) {
        if (flag == "--help" || flag == "-h") options.help = true;
        else if (flag == "--quiet") options.quiet = true;
        else if (flag == "--model") options.model.file = value();
        else if (flag == "--spec") options.model.spec = value();
        else if (flag == "--input-size") options.model.input_size = parse_shape(flag, value());
        else if (flag == "--layer-names")
            for (const auto name : command_line::split(value(), ',')) options.model.layer_names.emplace_back(name);
        else if (flag == "--layer") {
            const std::string_view text = value();
            const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (digits) options.layer = LayerId{command_line::parse_number<Index>(who, flag, text)};
            else options.layer = LayerId{std::string(text)};
        } else if (flag == "--upsample") options.upsample = true;
        else if (flag == "--threads") options.model.threads = command_line::parse_number<int>(who, flag, value());
        else if (flag == "--resize") options.resize = true;
        else if (flag == "--image")
            for (const auto file : command_line::split(value(), ',')) options.images.emplace_back(file);
        else if (flag == "--fashion-mnist-index")
            for (const auto item : command_line::split(value(), ',')) {
                const auto [first, last] = parse_range(flag, item);
                for (Index k = first; k <= last; ++k) options.fashion_mnist_indices.push_back(k);
            }
        else if (flag == "--fashion-mnist-dir") options.fashion_mnist_dir = value();
        else if (flag == "--scale") options.scale = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--mean") options.model.mean = parse_numbers(flag, value());
        else if (flag == "--std") options.model.stddev = parse_numbers(flag, value());
        else if (flag == "--class") options.target_class = command_line::parse_number<Index>(who, flag, value());
        else if (flag == "--method") options.method = value();
        else if (flag == "--smooth-samples") {
            options.smooth_samples = command_line::parse_number<int>(who, flag, value());
            options.smooth_samples_given = true;
        } else if (flag == "--occlusion-size") options.occlusion_size = command_line::parse_number<Index>(who, flag, value());
        else if (flag == "--occlusion-stride") options.occlusion_stride = command_line::parse_number<Index>(who, flag, value());
        else if (flag == "--occlusion-value") options.occlusion_value = command_line::parse_number<float>(who, flag, value());
        else if (flag == "--occlusion-per-channel") options.occlusion_per_channel = true;
        else if (flag == "--occlusion-combine") {
            const std::string_view name = value();
            if (name == "sum") options.occlusion_combine = OcclusionCombine::sum;
            else if (name == "mean") options.occlusion_combine = OcclusionCombine::mean;
            else throw argument_error(detail::message(who, "--occlusion-combine must be sum or mean, got '", name, "'"));
        }
        else if (flag == "--noise-level") options.noise_level = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--noise-stddev") options.noise_stddev = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--aggregate") {
            const std::string_view name = value();
            if (name == "mean") options.aggregation = Aggregation::mean;
            else if (name == "square") options.aggregation = Aggregation::mean_of_squares;
            else if (name == "variance") options.aggregation = Aggregation::variance;
            else throw argument_error(detail::message(who, "--aggregate must be mean, square or variance, got '", name, "'"));
        } else if (flag == "--steps") {
            options.steps = command_line::parse_number<int>(who, flag, value());
            options.steps_given = true;
        } else if (flag == "--max-sigma") options.max_sigma = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--grad-step") options.grad_step = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--sqrt-spacing") options.sqrt_spacing = true;
        else if (flag == "--fraction") options.fraction = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--max-dist") options.max_dist = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--baselines")
            for (const auto item : command_line::split(value(), ',')) options.baselines.emplace_back(item);
        else if (flag == "--draws") options.draws = command_line::parse_number<Index>(who, flag, value());
        else if (flag == "--draw-noise") options.draw_noise = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--baseline") options.baseline = value();
        else if (flag == "--batch-size") options.batch_size = command_line::parse_number<int>(who, flag, value());
        else if (flag == "--seed") options.seed = command_line::parse_number<std::uint64_t>(who, flag, value());
        else if (flag == "--png") options.png = fs::path(value());
        else if (flag == "--npy") options.npy = fs::path(value());
        else if (flag == "--gallery") options.gallery = fs::path(value());
        else if (flag == "--colormap") {
            const std::string_view name = value();
            if (name == "gray") options.colormap = Colormap::gray;
            else if (name == "heat") options.colormap = Colormap::heat;
            else throw argument_error(detail::message(who, "--colormap must be gray or heat, got '", name, "'"));
        } else if (flag == "--percentile") options.percentile = command_line::parse_number<double>(who, flag, value());
        else throw argument_error(detail::message(who, "unknown option '", flag, "' (see --help)"));
    });
    if (options.help) return options;
    detail::require(!options.model.file.empty(), who, "--model is required (see --help)");
    detail::require(!options.images.empty() || !options.fashion_mnist_indices.empty(), who,
                    "give at least one --image or --fashion-mnist-index");
    // Every option is checked here, before a model is loaded or a map computed.
    detail::require(std::find(method_names.begin(), method_names.end(), options.method) != method_names.end(), who,
                    "--method must be ", method_list, ", got '", options.method, "'");
    if ((options.method == "blur-ig" || options.method == "xrai") && !options.steps_given) options.steps = 100;
    if (options.method == "xrai" && !options.smooth_samples_given) options.smooth_samples = 0;
    if (options.method == "guided-ig" && !options.steps_given) options.steps = 200;
    detail::require(options.fraction > 0.0 && options.fraction <= 1.0, who, "--fraction must be in (0, 1], got ",
                    options.fraction);
    detail::require(options.max_dist > 0.0 && options.max_dist <= 1.0, who, "--max-dist must be in (0, 1], got ",
                    options.max_dist);
    detail::require(options.draws >= 1, who, "--draws must be >= 1, got ", options.draws);
    detail::require(std::isfinite(options.draw_noise) && options.draw_noise >= 0.0, who,
                    "--draw-noise must be finite and >= 0, got ", options.draw_noise);
    if (options.method == "expected-gradients") {
        detail::require(!options.baselines.empty(), who,
                        "--method expected-gradients needs --baselines (the reference set: images or a .npy file)");
        if (!options.smooth_samples_given) options.smooth_samples = 0;
    }
    const bool cam = options.method == "grad-cam" || options.method == "guided-grad-cam";
    detail::require(!cam || options.layer.has_value(), who, "--method ", options.method, " needs --layer (a position ",
                    "in the spec, e.g. 4, or a name, e.g. conv2 or layer4)");
    if (options.method == "grad-cam" && !options.smooth_samples_given) options.smooth_samples = 0;
    detail::require(options.method != "grad-cam" || options.smooth_samples == 0 || options.upsample, who,
                    "--method grad-cam with SmoothGrad averages maps at the input's size: add --upsample, or ",
                    "--smooth-samples 0 for the map at the layer");
    for (const std::string& item : options.baselines)
        if (!item.starts_with(train_prefix)) detail::require<io_error>(fs::is_regular_file(item), who, "--baselines: cannot open '", item, "'");
        else (void)parse_range("--baselines", std::string_view(item).substr(train_prefix.size()));
    detail::require(std::isfinite(options.max_sigma) && options.max_sigma > 0.0, who,
                    "--max-sigma must be finite and > 0, got ", options.max_sigma);
    detail::require(std::isfinite(options.grad_step) && options.grad_step > 0.0, who,
                    "--grad-step must be finite and > 0, got ", options.grad_step);
    if (options.method == "occlusion" && !options.smooth_samples_given) options.smooth_samples = 0;
    detail::require(options.occlusion_size >= 1, who, "--occlusion-size must be >= 1, got ", options.occlusion_size);
    detail::require(options.occlusion_stride >= 1, who, "--occlusion-stride must be >= 1, got ", options.occlusion_stride);
    detail::require(std::isfinite(options.occlusion_value), who, "--occlusion-value must be finite, got ",
                    options.occlusion_value);
    detail::require(options.smooth_samples >= 0, who, "--smooth-samples must be >= 0, got ", options.smooth_samples);
    detail::require(std::isfinite(options.noise_level) && options.noise_level >= 0.0, who,
                    "--noise-level must be finite and >= 0, got ", options.noise_level);
    if (options.noise_stddev)
        detail::require(std::isfinite(*options.noise_stddev) && *options.noise_stddev >= 0.0, who,
                        "--noise-stddev must be finite and >= 0, got ", *options.noise_stddev);
    detail::require(options.steps >= 1, who, "--steps must be >= 1, got ", options.steps);
    detail::require(options.batch_size >= 1, who, "--batch-size must be >= 1, got ", options.batch_size);
    detail::require(options.percentile >= 0.0 && options.percentile <= 100.0, who,
                    "--percentile must be in [0, 100], got ", options.percentile);
    detail::require(!options.target_class || *options.target_class >= 0, who, "--class must be >= 0, got ",
                    options.target_class.value_or(0));
    detail::require(options.baseline == "black" || options.baseline == "mean" || options.baseline == "zero" ||
                        options.baseline == "blur" || fs::is_regular_file(options.baseline),
                    who, "--baseline must be black, mean, zero, blur or an image file, got '", options.baseline, "'");
    for (const float s : options.model.stddev) detail::require(s != 0.0f, who, "--std must be non-zero, got ", s);
    detail::require(options.model.threads >= 0, who, "--threads must be >= 0, got ", options.model.threads);
    detail::require(std::isfinite(options.scale) && options.scale > 0.0, who, "--scale must be finite and > 0, got ",
                    options.scale);
    const std::size_t inputs = options.images.size() + options.fashion_mnist_indices.size();
    for (const auto& output : {options.png, options.npy})
        detail::require(!output || inputs == 1 || output->string().find("{}") != std::string::npos, who, "with ", inputs,
                        " inputs, the output path '", output ? output->string() : "", "' must contain {}");
    return options;
}

/// One input to explain: its name, its pixels as the model takes them (8-bit values times --scale), the
/// image for display, and its label if known.
struct Input {
    std::string name;
    Vector values;
    Image display;  // pixels in [0, 1]
    std::optional<int> label;
};

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

std::vector<Input> gather_inputs(const Options& options, const ImageShape& shape) {
    std::vector<Input> inputs;
    for (const fs::path& file : options.images) {
        const Image raw = read_input_image(file, shape, options);
        inputs.push_back({file.stem().string(), scaled(raw.pixels, options), {raw.pixels / 255.0f, raw.shape}, std::nullopt});
    }
    if (!options.fashion_mnist_indices.empty()) {
        const Dataset test = load_fashion_mnist(options.fashion_mnist_dir, Split::test, {.scale = 1.0f});
        detail::require<shape_error>(test.shape == shape, who, "Fashion-MNIST images are ", test.shape,
                                     ", the model expects ", shape);
        for (const Index k : options.fashion_mnist_indices) {
            detail::require(k < test.images.cols(), who, "--fashion-mnist-index ", k, " is past the test set's ",
                            test.images.cols(), " images");
            const Vector raw = test.images.col(k);
            inputs.push_back({"fashion-mnist-test-" + std::to_string(k), scaled(raw, options), {raw / 255.0f, shape},
                              test.labels[static_cast<std::size_t>(k)]});
        }
    }
    return inputs;
}

/// A progress bar on stderr, drawn only on a terminal and only for long work.
class ProgressBar {
public:
    ProgressBar(Index total, bool enabled) : total_(total), enabled_(enabled && isatty(fileno(stderr)) != 0) {}
    ~ProgressBar() {
        if (drawn_) std::fprintf(stderr, "\n");
    }
    void update(Index done) {
        if (!enabled_) return;
        const auto now = std::chrono::steady_clock::now();
        if (done < total_ && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        drawn_ = true;
        constexpr int width = 40;
        const int filled = static_cast<int>(width * done / std::max<Index>(total_, 1));
        std::fprintf(stderr, "\r[%s%s] %3d%% %ld/%ld samples", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                     static_cast<int>(100 * done / std::max<Index>(total_, 1)), static_cast<long>(done),
                     static_cast<long>(total_));
        std::fflush(stderr);
    }

private:
    Index total_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

/// Runs `method` on the input at position `input_index` of the command line's inputs, wrapped in SmoothGrad
/// unless --smooth-samples is 0; the position keys SmoothGrad's noise, so every input gets its own.
template <class Method>
Vector explain_with(const Method& method, const explain::Model& net, const Vector& input, std::size_t input_index,
                    const Target& target, const Options& options, const ProgressCallback& progress) {
    if (options.smooth_samples == 0) return method(net, input, target);
    const SmoothGrad<Method> smooth{.method = method,
                                    .samples = options.smooth_samples,
                                    .noise_level = options.noise_level,
                                    .noise_stddev = options.noise_stddev,
                                    .aggregation = options.aggregation,
                                    .batch_size = options.batch_size,
                                    .seed = options.seed,
                                    .first_input = input_index,
                                    .progress = progress};
    return smooth(net, input, target);
}

/// The Grad-CAM that --layer and --upsample ask for on inputs of `shape`.
GradCam grad_cam_for(const Options& options, const ImageShape& shape) {
    return GradCam{.layer = options.layer, .shape = shape};
}

/// A map and the shape it is laid out in: the input's, or for Grad-CAM without --upsample, the layer's
/// height x width x 1.
struct Explanation {
    Vector map;
    ImageShape shape;
};

Vector explain_at_input(const explain::Model& net, const Vector& input, std::size_t input_index, const Target& target,
                        const Options& options, const ProgressCallback& progress, const std::optional<Vector>& baseline,
                        const Matrix& references);

Explanation explain(const explain::Model& net, const Vector& input, std::size_t input_index, const Target& target,
                    const Options& options, const ProgressCallback& progress, const std::optional<Vector>& baseline,
                    const Matrix& references) {
    if (options.method == "grad-cam" && !options.upsample) {
        const LayerMaps low = grad_cam_for(options, net.shape).layer_maps(net, input, target.weights(net.num_classes(), who));
        return {low.maps.col(0), low.shape};
    }
    return {explain_at_input(net, input, input_index, target, options, progress, baseline, references), net.shape};
}

Vector explain_at_input(const explain::Model& net, const Vector& input, std::size_t input_index, const Target& target,
                        const Options& options, const ProgressCallback& progress, const std::optional<Vector>& baseline,
                        const Matrix& references) {
    const std::string& m = options.method;
    if (m == "vanilla") return explain_with(VanillaGradient{}, net, input, input_index, target, options, progress);
    if (m == "gradient-x-input") return explain_with(GradientTimesInput{}, net, input, input_index, target, options, progress);
    if (m == "guided-backprop") return explain_with(GuidedBackprop{}, net, input, input_index, target, options, progress);
    if (m == "deconvnet") return explain_with(Deconvnet{}, net, input, input_index, target, options, progress);
    if (m == "integrated-gradients")
        return explain_with(IntegratedGradients{.steps = options.steps, .baseline = baseline, .batch_size = options.batch_size}, net, input,
                            input_index, target, options, progress);
    if (m == "blur-ig")
        return explain_with(BlurIntegratedGradients{.shape = net.shape,
                                                    .max_sigma = options.max_sigma,
                                                    .steps = options.steps,
                                                    .grad_step = options.grad_step,
                                                    .sqrt_spacing = options.sqrt_spacing,
                                                    .batch_size = options.batch_size},
                            net, input, input_index, target, options, progress);
    if (m == "occlusion")
        return explain_with(Occlusion{.shape = net.shape,
                                      .size = options.occlusion_size,
                                      .stride = options.occlusion_stride,
                                      .value = options.occlusion_value,
                                      .per_channel = options.occlusion_per_channel,
                                      .combine = options.occlusion_combine,
                                      .batch_size = options.batch_size},
                            net, input, input_index, target, options, progress);
    if (m == "guided-ig")
        return explain_with(GuidedIntegratedGradients{.steps = options.steps,
                                                      .fraction = options.fraction,
                                                      .max_dist = options.max_dist,
                                                      .baseline = baseline},
                            net, input, input_index, target, options, progress);
    if (m == "expected-gradients")
        return explain_with(ExpectedGradients{.references = references,
                                              .samples = options.draws,
                                              .noise_stddev = options.draw_noise,
                                              .batch_size = options.batch_size,
                                              .seed = options.seed},
                            net, input, input_index, target, options, progress);
    if (m == "xrai")
        return explain_with(Xrai{.shape = net.shape, .steps = options.steps, .batch_size = options.batch_size}, net,
                            input, input_index, target, options, progress);
    if (m == "grad-cam") return explain_with(grad_cam_for(options, net.shape), net, input, input_index, target, options, progress);
    if (m == "guided-grad-cam")
        return explain_with(GuidedGradCam{.grad_cam = grad_cam_for(options, net.shape)}, net, input, input_index, target,
                            options, progress);
    throw argument_error(detail::message(who, "--method must be ", method_list, ", got '", m, "'"));
}

/// Integrated gradients' baseline for `input`, as --baseline says (black: none, the library's zeros).
std::optional<Vector> baseline_for(const Vector& input, const ImageShape& shape, const explain::Model& net,
                                   const Options& options, const std::optional<Vector>& file_baseline) {
    if (options.baseline == "black") return std::nullopt;
    if (options.baseline == "mean" || options.baseline == "zero")
        return Vector(Eigen::Map<const Vector>(net.mean.data(), shape.channels).replicate(shape.pixels(), 1));
    if (options.baseline == "blur")
        return gaussian_blur(input, shape, static_cast<double>(std::min(shape.height, shape.width)) / 10.0);
    return file_baseline;
}

std::string class_label(const std::vector<std::string>& names, Index c) {
    return names.empty() ? std::to_string(c) : std::to_string(c) + " (" + names[static_cast<std::size_t>(c)] + ")";
}

/// The output file for input `name`, with its folder made.
fs::path output_path(const fs::path& pattern, const std::string& name) {
    std::string text = pattern.string();
    if (const auto at = text.find("{}"); at != std::string::npos) text.replace(at, 2, name);
    const fs::path path = text;
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    return path;
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else if (c == '"') out += "&quot;";
        else out += c;
    }
    return out;
}

/// One row of the gallery's table.
struct GalleryRow {
    std::string name, label, prediction, explained, input_png, map_png, overlay_png;
};

void write_gallery_page(const fs::path& dir, const std::vector<GalleryRow>& rows, const std::string& description,
                        const ImageShape& shape) {
    // Small images (Fashion-MNIST's 28x28) are enlarged with visible pixels, photos shown at up to 224 pixels.
    const Index side = std::clamp<Index>(shape.width, 112, 224);
    const std::string rendering = shape.width < 112 ? "image-rendering:pixelated" : "";
    std::ofstream page(dir / "index.html");
    detail::require<io_error>(page.good(), who, "cannot write '", (dir / "index.html").string(), "'");
    page << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>smoothgrad gallery</title>\n"
         << "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         << "td,th{padding:6px 10px;border-bottom:1px solid #ddd;text-align:left}"
         << "img{width:" << side << "px;" << rendering << "}</style>\n</head>\n<body>\n"
         << "<h1>smoothgrad gallery</h1>\n<p>" << html_escape(description) << "</p>\n"
         << "<table>\n<tr><th>input</th><th>true class</th><th>prediction</th><th>explained class</th>"
         << "<th>image</th><th>sensitivity map</th><th>overlay</th></tr>\n";
    for (const auto& row : rows)
        page << "<tr><td>" << html_escape(row.name) << "</td><td>" << html_escape(row.label) << "</td><td>"
             << html_escape(row.prediction) << "</td><td>" << html_escape(row.explained) << "</td>"
             << "<td><img src=\"" << row.input_png << "\" alt=\"input\"></td>"
             << "<td><img src=\"" << row.map_png << "\" alt=\"map\"></td>"
             << "<td><img src=\"" << row.overlay_png << "\" alt=\"overlay\"></td></tr>\n";
    page << "</table>\n</body>\n</html>\n";
    detail::require<io_error>(page.good(), who, "writing '", (dir / "index.html").string(), "' failed");
}

int run(const Options& options) {
    const explain::Model net = explain::load_model(options.model);
    if (net.random_weights)
        std::cerr << who << ": warning: '" << options.model.file.string() << "' has random weights (its metadata "
                  << "says so): its maps explain no trained model\n";
    const ImageShape shape = net.shape;
    const std::vector<Input> inputs = gather_inputs(options, shape);
    const bool file_given = options.baseline != "black" && options.baseline != "mean" && options.baseline != "zero" &&
                            options.baseline != "blur";
    const std::optional<Vector> file_baseline =
        file_given ? std::optional<Vector>(scaled(read_input_image(options.baseline, shape, options).pixels, options))
                   : std::nullopt;
    if (options.target_class)
        detail::require(*options.target_class >= 0 && *options.target_class < net.num_classes(), who, "--class must be in [0, ",
                        net.num_classes(), "), got ", *options.target_class);
    const Matrix references = read_references(options, shape);
    if (options.method == "occlusion")
        detail::require(options.occlusion_size <= shape.height && options.occlusion_size <= shape.width, who,
                        "--occlusion-size ", options.occlusion_size, " is larger than the model's ", shape.height, "x",
                        shape.width, " input");

    const Index samples_per_input = std::max(options.smooth_samples, 1);
    const Index total = static_cast<Index>(inputs.size()) * samples_per_input;
    ProgressBar bar(total, !options.quiet && (total >= 500 || inputs.size() >= 10));
    if (options.gallery) fs::create_directories(*options.gallery);

    std::vector<GalleryRow> rows;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Input& input = inputs[i];
        const Vector scores = net.scores(input.values);
        Index predicted = 0;
        scores.maxCoeff(&predicted);
        const double probability = 1.0 / (scores.array() - scores[predicted]).exp().cast<double>().sum();
        const Index explained = options.target_class.value_or(predicted);
        const Index done_before = static_cast<Index>(i) * samples_per_input;
        const Explanation explanation = explain(net, input.values, i, explained, options,
                                                [&](Index done, Index) { bar.update(done_before + done); },
                                                baseline_for(input.values, shape, net, options, file_baseline), references);
        // Pictures are at the input's size: a map at a layer's is shown as --upsample would give it.
        const Vector map = explanation.shape == shape
                               ? explanation.map
                               : grad_cam_for(options, shape).to_input(explanation.map, explanation.shape);
        bar.update(done_before + samples_per_input);

        std::ostringstream line;
        line << input.name << ": predicted " << class_label(net.class_names, predicted) << ", score "
             << scores[predicted] << ", probability " << probability;
        if (input.label) line << "; true class " << class_label(net.class_names, *input.label);
        line << "; explained class " << class_label(net.class_names, explained) << "\n";
        std::cout << line.str();

        const Image magnitude = normalize_unit(reduce_channels(map, shape, ChannelReduction::sum_abs),
                                               {.clip_percentile = options.percentile});
        const Image coloured = apply_colormap(magnitude, options.colormap);
        if (options.png) {
            const fs::path path = output_path(*options.png, input.name);
            write_png(path, coloured);
            std::cout << "  wrote " << path.string() << "\n";
        }
        if (options.npy) {
            const fs::path path = output_path(*options.npy, input.name);
            write_npy(path, Image{explanation.map, explanation.shape});
            std::cout << "  wrote " << path.string() << "\n";
        }
        if (options.gallery) {
            GalleryRow row{input.name,
                           input.label ? class_label(net.class_names, *input.label) : "",
                           class_label(net.class_names, predicted) + ", p = " + std::to_string(probability).substr(0, 5),
                           class_label(net.class_names, explained),
                           input.name + "_input.png",
                           input.name + "_map.png",
                           input.name + "_overlay.png"};
            write_png(*options.gallery / row.input_png, input.display);
            write_png(*options.gallery / row.map_png, coloured);
            write_png(*options.gallery / row.overlay_png,
                      blend(apply_colormap(magnitude, Colormap::heat), input.display, 0.6f));
            rows.push_back(std::move(row));
        }
    }
    if (options.gallery) {
        std::ostringstream description;
        description << "Model " << options.model.file.filename().string() << " (" << net.description << "), method " << options.method;
        if (options.method == "integrated-gradients")
            description << " (" << options.steps << " steps from a " << options.baseline << " baseline)";
        if (options.method == "grad-cam" || options.method == "guided-grad-cam")
            description << " (layer " << std::visit([](const auto& l) {
                std::ostringstream text;
                text << l;
                return text.str();
            }, *options.layer) << ")";
        if (options.method == "xrai")
            description << " (integrated gradients of " << options.steps << " steps from black and white, "
                        << "Felzenszwalb regions at six scales)";
        if (options.method == "guided-ig")
            description << " (" << options.steps << " steps from a " << options.baseline << " baseline, fraction "
                        << options.fraction << ", max_dist " << options.max_dist << ")";
        if (options.method == "expected-gradients")
            description << " (" << options.draws << " draws from " << references.cols() << " reference images"
                        << (options.draw_noise > 0.0 ? ", noise sigma " + std::to_string(options.draw_noise) : "") << ")";
        if (options.method == "blur-ig")
            description << " (" << options.steps << " steps to sigma " << options.max_sigma
                        << (options.sqrt_spacing ? ", square-root spacing" : "") << ")";
        if (options.method == "occlusion")
            description << " (" << options.occlusion_size << "x" << options.occlusion_size << " window"
                        << (options.occlusion_per_channel ? " per channel" : "") << ", stride "
                        << options.occlusion_stride << ", value " << options.occlusion_value << ", drops "
                        << (options.occlusion_combine == OcclusionCombine::sum ? "summed" : "averaged") << ")";
        if (options.smooth_samples > 0) {
            description << " with SmoothGrad (n = " << options.smooth_samples << ", ";
            if (options.noise_stddev) description << "noise sigma " << *options.noise_stddev << ")";
            else description << "noise level " << options.noise_level << ")";
        }
        description << ". Maps: |map| summed over channels, capped at the " << options.percentile
                    << "th percentile; overlays in the heat colour map.";
        write_gallery_page(*options.gallery, rows, description.str(), shape);
        std::cout << "wrote " << (*options.gallery / "index.html").string() << " and " << 3 * rows.size() << " PNG files\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) { return command_line::run_program(who, usage, argc, argv, parse_arguments, run); }
