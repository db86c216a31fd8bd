// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// SmoothGrad of one image through the LibTorch adapter (smoothgrad::TorchScriptModel), timed, with the
// process's peak resident memory. benchmarks/peer_torch_models.py runs it beside the same computation in
// Python PyTorch.
//
//     smoothgrad_torch_smooth_grad FILE.pt [--samples N] [--batch B] [--repeats R] [--warmup W]
//                                  [--threads T] [--image IMAGE.npy] [--no-block-reuse]
//
// FILE.pt: a TorchScript file with smoothgrad.json metadata (scripts/export_torchscript.py). The map is
// SmoothGrad{.samples = N (50), .noise_level = 0.15, .batch_size = B (50)} of the predicted class; W
// untimed maps (default 1) come first, then R timed ones (default 3). T: LibTorch's intra-op threads
// (default 2). IMAGE.npy: float32 pixels in [0, 1] of shape (height, width, channels); without it, a
// fixed smooth pattern (image_pattern below, which the peer script reproduces). --no-block-reuse:
// TorchScriptParams::reuse_blocks = false. Prints one JSON line:
//
//     {"file": ..., "input_size": "224x224x3", "samples": N, "batch_size": B, "threads": T, "class": c,
//      "load_ms": ..., "warmup_ms": [...], "times_ms": [...], "median_ms": ..., "page_faults": [...],
//      "peak_rss_kib": K, "map_abs_sum": ...}
//
// page_faults: the minor page faults of each map, warm-up ones first; they show whether the timed maps ran
// at steady state (the adapter reuses LibTorch's large blocks from batch to batch, see block_cache.hpp).
// peak_rss_kib is getrusage's ru_maxrss after the last map: with --warmup 0 --repeats 1 it is the peak of
// loading the model and computing one map.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "smoothgrad/io/npy.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"
#include "smoothgrad/torch/torchscript_model.hpp"

namespace {

using namespace smoothgrad;
using Clock = std::chrono::steady_clock;

struct Options {
    std::filesystem::path file;
    std::filesystem::path image;
    int samples = 50;
    int batch = 50;
    int repeats = 3;
    int warmup = 1;
    int threads = 2;
    bool reuse_blocks = true;
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "smoothgrad_torch_smooth_grad: " << problem << "\n"
              << "usage: smoothgrad_torch_smooth_grad FILE.pt [--samples N] [--batch B] [--repeats R] "
                 "[--warmup W] [--threads T] [--image IMAGE.npy] [--no-block-reuse]\n";
    std::exit(2);
}

/// The integer after option `name`, which must be >= `least`.
int integer_option(int argc, char** argv, int& i, const char* name, int least) {
    if (i + 1 >= argc) usage(std::string(name) + " needs a value");
    char* end = nullptr;
    const long value = std::strtol(argv[++i], &end, 10);
    if (end == argv[i] || *end != '\0' || value < least || value > 1'000'000)
        usage(std::string(name) + " must be an integer >= " + std::to_string(least) + ", got '" + argv[i] + "'");
    return static_cast<int>(value);
}

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--samples") options.samples = integer_option(argc, argv, i, "--samples", 1);
        else if (arg == "--batch") options.batch = integer_option(argc, argv, i, "--batch", 1);
        else if (arg == "--repeats") options.repeats = integer_option(argc, argv, i, "--repeats", 1);
        else if (arg == "--warmup") options.warmup = integer_option(argc, argv, i, "--warmup", 0);
        else if (arg == "--threads") options.threads = integer_option(argc, argv, i, "--threads", 1);
        else if (arg == "--image" && i + 1 < argc) options.image = argv[++i];
        else if (arg == "--no-block-reuse") options.reuse_blocks = false;
        else if (!arg.starts_with("--") && options.file.empty()) options.file = arg;
        else usage("unknown or incomplete argument '" + arg + "'");
    }
    if (options.file.empty()) usage("no TorchScript file given");
    return options;
}

/// A fixed smooth image in [0, 1], HWC: 0.5 + 0.4 sin(0.07 x (c + 1) + 0.05 y) cos(0.03 (x - y)).
/// peer_torch_models.py writes the same pattern to the .npy file it passes to both sides.
Vector image_pattern(const ImageShape& shape) {
    Vector pixels(shape.size());
    for (Index y = 0; y < shape.height; ++y)
        for (Index x = 0; x < shape.width; ++x)
            for (Index c = 0; c < shape.channels; ++c)
                pixels[shape.offset(y, x, c)] = static_cast<float>(
                    0.5 + 0.4 * std::sin(0.07 * static_cast<double>(x) * static_cast<double>(c + 1) +
                                         0.05 * static_cast<double>(y)) *
                              std::cos(0.03 * static_cast<double>(x - y)));
    return pixels;
}

Vector load_image(const Options& options, const ImageShape& shape) {
    if (options.image.empty()) return image_pattern(shape);
    const NpyArray array = read_npy(options.image);
    const std::vector<std::size_t> expected{static_cast<std::size_t>(shape.height),
                                            static_cast<std::size_t>(shape.width),
                                            static_cast<std::size_t>(shape.channels)};
    if (array.shape != expected) {
        std::ostringstream problem;
        problem << options.image << " must have shape (" << shape.height << ", " << shape.width << ", "
                << shape.channels << "), the model's input";
        usage(problem.str());
    }
    return array.data;
}

double milliseconds_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string json_list(const std::vector<double>& values, int digits = 2) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << "[";
    for (std::size_t i = 0; i < values.size(); ++i) out << (i > 0 ? ", " : "") << values[i];
    out << "]";
    return out.str();
}

double median_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
}

rusage own_usage() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    try {
        const Clock::time_point load_start = Clock::now();
        const TorchScriptModel model(options.file, {.threads = options.threads, .reuse_blocks = options.reuse_blocks});
        const double load_ms = milliseconds_since(load_start);

        const Vector image = load_image(options, model.input_shape());
        const Matrix scores = model.scores(image);
        Index predicted = 0;
        scores.col(0).maxCoeff(&predicted);

        const SmoothGrad method{.samples = options.samples, .noise_level = 0.15, .batch_size = options.batch};
        std::vector<double> warmup_ms, times_ms, faults;
        double map_abs_sum = 0.0;
        for (int run = 0; run < options.warmup + options.repeats; ++run) {
            const long faults_before = own_usage().ru_minflt;
            const Clock::time_point start = Clock::now();
            const Vector map = method(model, image, predicted);
            (run < options.warmup ? warmup_ms : times_ms).push_back(milliseconds_since(start));
            faults.push_back(static_cast<double>(own_usage().ru_minflt - faults_before));
            map_abs_sum = map.cwiseAbs().cast<double>().sum();
        }

        std::cout << std::fixed << std::setprecision(2) << "{\"file\": \"" << options.file.string()
                  << "\", \"input_size\": \"" << model.input_shape() << "\", \"samples\": " << options.samples
                  << ", \"batch_size\": " << options.batch << ", \"threads\": " << options.threads
                  << ", \"torch_threads\": " << at::get_num_threads() << ", \"class\": " << predicted
                  << ", \"load_ms\": " << load_ms << ", \"warmup_ms\": " << json_list(warmup_ms)
                  << ", \"times_ms\": " << json_list(times_ms) << ", \"median_ms\": " << median_of(times_ms)
                  << ", \"page_faults\": " << json_list(faults, 0) << ", \"peak_rss_kib\": " << own_usage().ru_maxrss
                  << ", \"map_abs_sum\": " << std::setprecision(6) << map_abs_sum << "}\n";
    } catch (const std::exception& e) {
        std::cerr << "smoothgrad_torch_smooth_grad: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
