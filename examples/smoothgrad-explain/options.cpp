// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "options.hpp"

#include <algorithm>
#include <cmath>

#include "../command_line.hpp"

namespace explain {
namespace {

constexpr std::string_view usage_text = R"(Usage: smoothgrad-explain --model FILE INPUTS [OPTIONS]
       smoothgrad-explain --model FILE INPUTS --out DIR [--shard K/N|auto] [OPTIONS]   (a data set)
       smoothgrad-explain merge DIR [--maps FILE] [--summary]                          (its shards)

Explains what a network's class score is sensitive to, with SmoothGrad (Smilkov et al. 2017) around a
gradient method, and writes the maps.

Inputs (one or more; each flag may repeat; input k is the k-th image in the order given):
  --image FILE[,FILE...]          PNG or JPEG images of the model's input size (see --resize)
  --image-dir DIR                 every .png, .jpg and .jpeg file in DIR, sorted by name
  --image-glob PATTERN            every file matching a shell pattern ('photos/*/*.jpg'), sorted
  --image-list FILE               one image file per line (relative to the list's folder; blank lines
                                  and lines starting with # are skipped)
  --fashion-mnist-index K[,K...]  images of the Fashion-MNIST test set; ranges as A-B
  --idx FILE                      every image of an IDX file of 8-bit images (MNIST's format, .gz or not)
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
  --direct-convolutions           the reference network's convolutions by the direct product, not by
                                  Winograd's transform (the default for 3x3 and 5x5 layers of 8 or more
                                  channels): slower; maps differ from the default's by rounding
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
  --labels, --no-labels           the predicted class and its probability under each map (--png: off
                                  by default; --gallery: on); DejaVu Sans from fonts-dejavu-core
  --colormap gray|heat            colours of the PNGs (default gray, as in the paper)
  --percentile P                  cap for the PNGs (default 99)
  --quiet                         no progress bar
  --help                          this text
Data set (for many inputs, on one machine or as the tasks of a cluster job):
  --out DIR                       write the maps of this shard's inputs to DIR as
                                  shard-K-of-N.safetensors ("maps", inputs x H x W x C) and
                                  shard-K-of-N.json (every input's name, index, classes and score, the
                                  method's parameters, the model file's SHA-256); each file appears
                                  whole or not at all. Maps are bit-identical whatever N, --threads and
                                  --batch-size (with the reference network)
  --shard K/N                     explain inputs [K*T/N, (K+1)*T/N) of the T inputs (default 0/1)
  --shard auto                    K and N from Slurm's SLURM_ARRAY_TASK_ID, _MIN and _COUNT, or from
                                  Kubernetes' JOB_COMPLETION_INDEX with --shard-count N
  --shard-count N                 with --shard auto: N, and the array index or completion index is K
                                  (so a Slurm task resubmitted alone, --array=2, is still shard 2)
  --checkpoint-every K            save progress every K inputs (default 50); a shard started again
                                  continues from its last checkpoint, and a finished one does nothing
  --dtype float32|float16         the maps' type in the shard file (default float32)
merge DIR: checks that DIR holds every shard of one run (the same parameters and model, every input
once, no file damaged), writes DIR/index.json (every input: its shard file and row) and prints the
totals; --maps FILE also writes all maps, in input order, to one safetensors file; --summary adds
metrics of the maps (see merge --help).
)";

}  // namespace

std::string_view usage() { return usage_text; }

namespace {

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

}  // namespace

std::pair<Index, Index> parse_range(std::string_view flag, std::string_view item) {
    const auto dash = item.find('-', 1);
    const auto first = command_line::parse_number<Index>(who, flag, item.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : command_line::parse_number<Index>(who, flag, item.substr(dash + 1));
    detail::require(first >= 0 && last >= first && last - first < 100000, who, flag,
                    " expects indices or ranges A-B with 0 <= A <= B, got '", item, "'");
    return {first, last};
}

Shard parse_shard(std::string_view flag, std::string_view text) {
    const auto parts = command_line::split(text, '/');
    detail::require(parts.size() == 2, who, flag, " expects K/N (e.g. 0/4) or auto, got '", text, "'");
    const Shard shard{command_line::parse_number<Index>(who, flag, parts[0]),
                      command_line::parse_number<Index>(who, flag, parts[1])};
    detail::require(shard.count >= 1 && shard.count <= max_shards && shard.index >= 0 && shard.index < shard.count, who,
                    flag, " needs 0 <= K < N <= ", max_shards, ", got '", text, "'");
    return shard;
}

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
        else if (flag == "--direct-convolutions") options.model.direct_convolutions = true;
        else if (flag == "--winograd")
            throw argument_error(detail::message(who, "--winograd is gone: Winograd's transform is the default for ",
                                                 "3x3 and 5x5 convolutions; --direct-convolutions turns it off"));
        else if (flag == "--resize") options.resize = true;
        else if (flag == "--image")
            for (const auto file : command_line::split(value(), ','))
                options.inputs.push_back({.kind = InputSource::Kind::image, .location = std::string(file)});
        else if (flag == "--fashion-mnist-index")
            for (const auto item : command_line::split(value(), ',')) {
                const auto [first, last] = parse_range(flag, item);
                for (Index k = first; k <= last; ++k)
                    options.inputs.push_back({.kind = InputSource::Kind::fashion_mnist_test, .location = {}, .index = k});
            }
        else if (flag == "--idx") options.inputs.push_back({.kind = InputSource::Kind::idx, .location = std::string(value())});
        else if (flag == "--image-dir")
            options.inputs.push_back({.kind = InputSource::Kind::directory, .location = std::string(value())});
        else if (flag == "--image-glob")
            options.inputs.push_back({.kind = InputSource::Kind::glob, .location = std::string(value())});
        else if (flag == "--image-list")
            options.inputs.push_back({.kind = InputSource::Kind::list, .location = std::string(value())});
        else if (flag == "--out") options.out = fs::path(value());
        else if (flag == "--shard") {
            const std::string_view text = value();
            options.shard_auto = text == "auto";
            if (!options.shard_auto) options.shard = parse_shard(flag, text);
        } else if (flag == "--shard-count") options.shard_count = command_line::parse_number<Index>(who, flag, value());
        else if (flag == "--checkpoint-every")
            options.checkpoint_every = command_line::parse_number<Index>(who, flag, value());
        else if (flag == "--dtype") {
            const std::string_view name = value();
            detail::require(name == "float32" || name == "float16", who, "--dtype must be float32 or float16, got '", name, "'");
            options.float16 = name == "float16";
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
        else if (flag == "--labels") options.labels = true;
        else if (flag == "--no-labels") options.labels = false;
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
    detail::require(!options.inputs.empty(), who,
                    "give at least one input (--image, --image-dir, --image-glob, --image-list, --fashion-mnist-index or --idx)");
    const bool shard_given = options.shard || options.shard_auto || options.shard_count;
    detail::require(options.out || !shard_given, who, "--shard and --shard-count need --out DIR");
    detail::require(!options.out || (!options.png && !options.npy && !options.gallery), who,
                    "--out writes a data set's maps; it does not combine with --png, --npy or --gallery");
    detail::require(!options.shard_count || (*options.shard_count >= 1 && *options.shard_count <= max_shards), who,
                    "--shard-count must be in [1, ", max_shards, "], got ", options.shard_count.value_or(0));
    detail::require(!options.shard_count || options.shard_auto, who, "--shard-count goes with --shard auto");
    detail::require(options.checkpoint_every >= 1, who, "--checkpoint-every must be >= 1, got ", options.checkpoint_every);
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
    const bool one_input = options.inputs.size() == 1 && (options.inputs[0].kind == InputSource::Kind::image ||
                                                           options.inputs[0].kind == InputSource::Kind::fashion_mnist_test);
    for (const auto& output : {options.png, options.npy})
        detail::require(!output || one_input || output->string().find("{}") != std::string::npos, who,
                        "with more than one input, the output path '", output ? output->string() : "", "' must contain {}");
    return options;
}

}  // namespace explain
