// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Trains a reference CNN on Fashion-MNIST and saves it as safetensors, ready for smoothgrad-explain.
// This program trained the shipped models in examples/models/ (see the README for the exact commands):
//
//     train_fashion_mnist --out examples/models/fashion_mnist_cnn.safetensors --epochs 10 --seed 1
//     train_fashion_mnist --out examples/models/fashion_mnist_cnn_noise.safetensors --epochs 10 --seed 1 --train-noise 0.1
//     train_fashion_mnist --architecture tf-tutorial --out tf_tutorial_cnn.safetensors   # the paper's MNIST CNN
//
// --train-noise adds N(0, sigma^2) to every training input (pixels in [0, 1]), as in the SmoothGrad paper's
// Sec. 3.5 on training with noise. --penalty adds lambda * P(dS_y/dx) to the loss, the penalties the paper's
// Sec. 4 proposes (see include/smoothgrad/nn/gradient_penalty.hpp); the models of RESULTS.md's claims 7-9:
//
//     train_fashion_mnist --out norm_penalty.safetensors --epochs 10 --seed 1 --penalty squared-norm --penalty-weight 0.001
//
// Run with --help for every option.
#include <array>
#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

#include <smoothgrad/io/idx.hpp>
#include <smoothgrad/nn/nn.hpp>
#include <smoothgrad/nn/serialization.hpp>

#include "command_line.hpp"

namespace {
using namespace smoothgrad;

constexpr std::string_view usage = R"(Usage: train_fashion_mnist --out FILE.safetensors [OPTIONS]

Trains a CNN on the Fashion-MNIST training set with Adam and reports its test accuracy.
  --architecture small|tf-tutorial  small: conv3x3-16, pool, conv3x3-32, pool, dense 128, dense 10 (default);
                                    tf-tutorial: the SmoothGrad paper's MNIST network (conv5x5-32, pool,
                                    conv5x5-64, pool, dense 1024, dense 10)
  --spec SPEC                       any architecture in the spec grammar instead
  --epochs E                        passes over the training set (default 10)
  --batch-size B                    (default 64)
  --learning-rate F                 Adam's step size (default 1e-3)
  --train-noise S                   stddev of Gaussian noise on training pixels in [0, 1] (default 0)
  --penalty none|squared-norm|neighbour-differences
                                    a penalty on the true class's input gradient g = dS_y/dx added to the
                                    loss: ||g||^2, or the sum over 4-neighbouring pixel pairs of
                                    (g_p - g_q)^2 (default none)
  --penalty-weight L                its weight lambda (default 0.01)
  --seed S                          initialization, shuffling and noise (default 1)
  --limit N                         use only the first N training images (default all)
  --data-dir DIR                    (default /usr/share/datasets/fashion-mnist)
  --help
)";

constexpr std::array<std::pair<std::string_view, std::string_view>, 2> architectures{{
    {"small",
     "input 28x28x1; conv 3x3x16 same; relu; maxpool 2; conv 3x3x32 same; relu; maxpool 2; flatten; dense 128; "
     "relu; dense 10"},
    {"tf-tutorial",
     "input 28x28x1; conv 5x5x32 same; relu; maxpool 2; conv 5x5x64 same; relu; maxpool 2; flatten; dense 1024; "
     "relu; dense 10"},
}};

constexpr std::string_view who = "train_fashion_mnist";

struct Options {
    std::filesystem::path out;
    std::string spec{architectures[0].second};
    int epochs = 10;
    Index batch_size = 64;
    double learning_rate = 1e-3;
    double train_noise = 0.0;
    nn::GradientPenalty penalty{.weight = 0.01};
    std::uint64_t seed = 1;
    std::size_t limit = 0;
    std::filesystem::path data_dir = default_fashion_mnist_dir();
    bool help = false;
};

constexpr std::array<std::pair<std::string_view, nn::InputGradientPenalty>, 3> penalties{{
    {"none", nn::InputGradientPenalty::none},
    {"squared-norm", nn::InputGradientPenalty::squared_norm},
    {"neighbour-differences", nn::InputGradientPenalty::neighbour_differences},
}};

nn::InputGradientPenalty parse_penalty(std::string_view name) {
    for (const auto& [key, kind] : penalties)
        if (key == name) return kind;
    throw argument_error(
        detail::message(who, "--penalty must be none, squared-norm or neighbour-differences, got '", name, "'"));
}

std::string_view penalty_name(nn::InputGradientPenalty kind) {
    for (const auto& [key, value] : penalties)
        if (value == kind) return key;
    return "none";
}

Options parse_arguments(int argc, char** argv) {
    Options options;
    command_line::for_each_flag(argc, argv, who, [&](std::string_view flag, const command_line::ValueReader& value) {
        if (flag == "--help" || flag == "-h") options.help = true;
        else if (flag == "--out") options.out = value();
        else if (flag == "--spec") options.spec = value();
        else if (flag == "--architecture") {
            const std::string_view name = value();
            bool found = false;
            for (const auto& [key, spec] : architectures)
                if (key == name) options.spec = spec, found = true;
            detail::require(found, who, "--architecture must be small or tf-tutorial, got '", name, "'");
        } else if (flag == "--epochs") options.epochs = command_line::parse_number<int>(who, flag, value());
        else if (flag == "--batch-size") options.batch_size = command_line::parse_number<Index>(who, flag, value());
        else if (flag == "--learning-rate") options.learning_rate = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--train-noise") options.train_noise = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--penalty") options.penalty.kind = parse_penalty(value());
        else if (flag == "--penalty-weight")
            options.penalty.weight = command_line::parse_number<double>(who, flag, value());
        else if (flag == "--seed") options.seed = command_line::parse_number<std::uint64_t>(who, flag, value());
        else if (flag == "--limit") options.limit = command_line::parse_number<std::size_t>(who, flag, value());
        else if (flag == "--data-dir") options.data_dir = value();
        else throw argument_error(detail::message(who, "unknown option '", flag, "' (see --help)"));
    });
    if (!options.help) {
        detail::require(!options.out.empty(), who, "--out is required (see --help)");
        detail::require(options.epochs >= 1, who, "--epochs must be >= 1, got ", options.epochs);
        detail::require(options.train_noise >= 0.0, who, "--train-noise must be >= 0, got ", options.train_noise);
        detail::require(options.penalty.weight > 0.0 && std::isfinite(options.penalty.weight), who,
                        "--penalty-weight must be > 0, got ", options.penalty.weight);
    }
    return options;
}

int run(const Options& options) {
    const Dataset train = load_fashion_mnist(options.data_dir, Split::train, {.limit = options.limit});
    const Dataset test = load_fashion_mnist(options.data_dir, Split::test);
    nn::Sequential net = nn::parse_spec(options.spec, options.seed);
    std::cout << "training " << net.to_spec() << "\non " << train.images.cols() << " images, testing on "
              << test.images.cols() << "\n";
    nn::Adam adam({.learning_rate = options.learning_rate});
    double seconds = 0.0;
    const bool penalized = options.penalty.active();
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
        const auto start = std::chrono::steady_clock::now();
        double penalty_mean = 0.0;
        const double loss = nn::train_epoch(net, train.images, train.labels,
                                            {.batch_size = options.batch_size,
                                             .seed = options.seed,
                                             .epoch = static_cast<std::uint64_t>(epoch),
                                             .input_noise_stddev = options.train_noise,
                                             .penalty = options.penalty},
                                            adam, &penalty_mean);
        const double epoch_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        seconds += epoch_seconds;
        std::printf("epoch %d: loss %.4f", epoch + 1, loss);
        if (penalized) std::printf(" (mean penalty %.4g)", penalty_mean);
        std::printf(", %.1f s, test accuracy %.4f\n", epoch_seconds, nn::accuracy(net, test.images, test.labels));
        std::fflush(stdout);
    }
    const double accuracy = nn::accuracy(net, test.images, test.labels);
    std::ostringstream classes;
    for (std::size_t c = 0; c < fashion_mnist_class_names.size(); ++c) classes << (c ? "," : "") << fashion_mnist_class_names[c];
    const std::map<std::string, std::string> metadata{
        {"classes", classes.str()},
        {"dataset", "Fashion-MNIST; inputs are pixel / 255, HWC 28x28x1"},
        {"test_accuracy", std::to_string(accuracy)},
        {"training", "Adam lr " + std::to_string(options.learning_rate) + ", batch " + std::to_string(options.batch_size) +
                         ", epochs " + std::to_string(options.epochs) + ", seed " + std::to_string(options.seed) +
                         ", input noise stddev " + std::to_string(options.train_noise) +
                         (penalized ? ", penalty " + std::string(penalty_name(options.penalty.kind)) + " weight " +
                                          std::to_string(options.penalty.weight)
                                    : std::string()) +
                         (options.limit ? ", first " + std::to_string(options.limit) + " images" : "")},
    };
    if (options.out.has_parent_path()) std::filesystem::create_directories(options.out.parent_path());
    nn::save_network(options.out, net, metadata);
    std::printf("test accuracy %.4f after %d epochs (%.0f s of training); wrote %s\n", accuracy, options.epochs, seconds,
                options.out.string().c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) { return command_line::run_program(who, usage, argc, argv, parse_arguments, run); }
