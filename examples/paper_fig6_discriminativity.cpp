// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's Fig. 6 on Fashion-MNIST: discriminativity between two classes on images that hold two
// objects. A 28x56 image puts one Fashion-MNIST item on the left and another of a different class on the
// right; a small CNN trained on such pairs (shipped) scores both classes, and the map
// normalize(|M_left|) - normalize(|M_right|) is shown blue (right class) - gray - red (left class).
//
//     build/examples/paper_fig6_discriminativity --out docs/figures
//
// The two-item model ships as examples/models/fashion_mnist_two_item_cnn.safetensors, made by this program;
// it is trained when the --model file does not exist (or with --retrain) and written there. Each
// pair image appears twice in the training set, once labelled with the left item's class and once with
// the right item's: minimising softmax cross-entropy over both copies is the cross-entropy against the
// soft target (1/2 on each class), so the network learns to give both classes high scores, wherever
// they stand. The convolutions start from the shipped 28x28 model's. Writes fig6_discriminativity.png. Run with --help for the options.
#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#include <cstdio>
#include <iostream>
#include <utility>
#include <vector>

#include "figure_support.hpp"
#include "two_item.hpp"

namespace {
using namespace smoothgrad;
using figures::Options;
namespace fs = std::filesystem;

constexpr std::string_view who = "paper_fig6_discriminativity";
constexpr std::string_view usage = R"(Usage: paper_fig6_discriminativity [OPTIONS]

The paper's Fig. 6: discriminativity on images with two objects. One row per pair image (28x56: an item
of class a on the left, of class b != a on the right). Columns: the input, then normalize(|M_a|) -
normalize(|M_b|) for the vanilla gradient, integrated gradients (50 steps), guided backprop and
SmoothGrad (n = 50, noise level 15 %); red: evidence for the left class a, blue: for the right class b.
Writes fig6_discriminativity.png and prints, per method, the share of the map's mass on the correct side.

--model is the two-item network: trained (a few minutes) and written there when the file does not exist.
Default: the shipped examples/models/fashion_mnist_two_item_cnn.safetensors.
  --retrain          train even if the --model file exists
  --train-pairs N    pair images made from the training set (default 12000; each is used twice)
  --epochs E         (default 3)
  --init-model FILE  a 28x28 model whose convolutions start the training, or 'none' for a random start
                     (default examples/models/fashion_mnist_cnn.safetensors)
)";

constexpr std::string_view two_item_spec =
    "input 28x56x1; conv 3x3x16 same; relu; maxpool 2; conv 3x3x32 same; relu; maxpool 2; flatten; dense 64; relu; "
    "dense 10";
using two_item::pair_shape;
using two_item::random_pairs;
using two_item::side_by_side;

/// The fraction of pairs whose two classes are the network's two highest scores.
double top_two_accuracy(const nn::Sequential& net, const Dataset& data, std::uint64_t seed) {
    const auto pairs = random_pairs(data.labels, 2000, seed);
    Matrix images(pair_shape.size(), static_cast<Index>(pairs.size()));
    for (std::size_t k = 0; k < pairs.size(); ++k)
        images.col(static_cast<Index>(k)) = side_by_side(data.images.col(pairs[k].first), data.images.col(pairs[k].second));
    const Matrix scores = net.scores(images);
    Index hits = 0;
    for (std::size_t k = 0; k < pairs.size(); ++k) {
        Vector s = scores.col(static_cast<Index>(k));
        Index first = 0, second = 0;
        s.maxCoeff(&first);
        s[first] = -std::numeric_limits<float>::infinity();
        s.maxCoeff(&second);
        const int a = data.labels[static_cast<std::size_t>(pairs[k].first)];
        const int b = data.labels[static_cast<std::size_t>(pairs[k].second)];
        hits += (first == a && second == b) || (first == b && second == a) ? 1 : 0;
    }
    return static_cast<double>(hits) / static_cast<double>(pairs.size());
}

nn::Sequential train_two_item_model(const Options& options, const fs::path& path, const fs::path& init_model,
                                    Index train_pairs, int epochs) {
    const Dataset train = load_fashion_mnist(options.data_dir, Split::train);
    const auto pairs = random_pairs(train.labels, train_pairs, options.seed + 1);
    Matrix images(pair_shape.size(), 2 * train_pairs);
    std::vector<int> labels(static_cast<std::size_t>(2 * train_pairs));
    for (Index k = 0; k < train_pairs; ++k) {
        const auto [a, b] = pairs[static_cast<std::size_t>(k)];
        images.col(2 * k) = side_by_side(train.images.col(a), train.images.col(b));
        images.col(2 * k + 1) = images.col(2 * k);
        labels[static_cast<std::size_t>(2 * k)] = train.labels[static_cast<std::size_t>(a)];
        labels[static_cast<std::size_t>(2 * k + 1)] = train.labels[static_cast<std::size_t>(b)];
    }
    nn::Sequential net = nn::parse_spec(two_item_spec, options.seed + 1);
    if (!init_model.empty()) {
        // Convolutions slide, so the filters of a 28x28 model fit 28x56 images: start from them, which
        // lets a few epochs suffice. Only tensors whose name and shape match are copied (the dense layers
        // differ, and are trained from scratch).
        const nn::Sequential source = nn::load_network(init_model).network;
        int copied = 0;
        for (const auto& to : net.parameters())
            for (const auto& from : source.parameters())
                if (from.name == to.name && from.shape == to.shape)
                    std::copy(from.values().begin(), from.values().end(), to.values().begin()), ++copied;
        std::cout << "copied " << copied << " tensors (the convolutions) from " << init_model.string() << "\n";
    }
    nn::Adam adam({.learning_rate = 1e-3});
    std::cout << "training the two-item model on " << train_pairs << " pair images (each with both labels), "
              << epochs << " epochs\n";
    for (int epoch = 0; epoch < epochs; ++epoch) {
        const auto start = std::chrono::steady_clock::now();
        const double loss = nn::train_epoch(
            net, images, labels,
            {.batch_size = 64, .seed = options.seed + 1, .epoch = static_cast<std::uint64_t>(epoch)}, adam);
        std::printf("epoch %d: loss %.4f (the soft-target optimum is ln 2 = 0.693), %.0f s\n", epoch + 1, loss,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        std::fflush(stdout);
    }
    const Dataset test = figures::load_test_set(options);
    const double top_two = top_two_accuracy(net, test, options.seed + 2);
    std::printf("top-2 accuracy on 2000 test pair images (both classes are the two highest scores): %.4f\n", top_two);
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    nn::save_network(path, net,
                     {{"dataset", "Fashion-MNIST pairs side by side (28x56x1, pixel / 255), left and right of "
                                  "different classes; each pair trained once with each class as label"},
                      {"training", "Adam lr 1e-3, batch 64, " + std::to_string(epochs) + " epochs, " +
                                       std::to_string(train_pairs) + " pairs, seed " + std::to_string(options.seed + 1)},
                      {"test_top2_accuracy", std::to_string(top_two)}});
    std::cout << "wrote " << path.string() << "\n";
    return net;
}

int run(const Options& options, const fs::path& init_model, bool retrain, Index train_pairs, int epochs) {
    const fs::path path =
        options.model_given ? options.model : two_item::model_path;
    nn::Sequential net = !retrain && fs::exists(path) ? nn::load_network(path).network
                                                      : train_two_item_model(options, path, init_model, train_pairs, epochs);
    detail::require<shape_error>(net.input_size() == pair_shape.size() && net.num_classes() == 10, who, "the model '",
                                 path.string(), "' must take 28x56x1 images and give 10 scores");
    if (!retrain && fs::exists(path)) std::cout << "using the two-item model " << path.string() << "\n";

    const Dataset test = figures::load_test_set(options);
    // Fixed class pairs (left, right), each item the first test image of its class.
    const std::vector<std::pair<int, int>> class_pairs{{1, 8}, {7, 0}, {9, 3}, {5, 2}, {8, 4}, {6, 7}};
    const auto first_of = [&](int c) {
        for (std::size_t k = 0; k < test.labels.size(); ++k)
            if (test.labels[k] == c) return static_cast<Index>(k);
        throw format_error(detail::message(who, "the test set has no image of class ", c));
    };
    const SmoothGrad smooth{.samples = 50, .seed = options.seed};
    const auto methods = std::vector<std::pair<std::string, std::function<Vector(const Vector&, Index)>>>{
        {"vanilla gradient", [&](const Vector& x, Index c) { return VanillaGradient{}(net, x, c); }},
        {"integrated gradients", [&](const Vector& x, Index c) { return IntegratedGradients{}(net, x, c); }},
        {"guided backprop", [&](const Vector& x, Index c) { return GuidedBackprop{}(net, x, c); }},
        {"SmoothGrad", [&](const Vector& x, Index c) { return smooth(net, x, c); }},
    };
    std::vector<double> share_sum(methods.size(), 0.0);
    std::vector<Image> cells;
    std::vector<std::string> row_titles;
    for (const auto& [a, b] : class_pairs) {
        row_titles.push_back(figures::class_name(a) + " | " + figures::class_name(b));
        const Vector x = side_by_side(test.images.col(first_of(a)), test.images.col(first_of(b)));
        const Vector scores = net.scores(Matrix(x)).col(0);
        Index top = 0;
        scores.maxCoeff(&top);
        cells.push_back(figures::input_cell(x, pair_shape));
        std::printf("row: %s (left) | %s (right); scores %.2f | %.2f, top class %s; correct-side share:",
                    figures::class_name(a).c_str(), figures::class_name(b).c_str(), static_cast<double>(scores[a]),
                    static_cast<double>(scores[b]), figures::class_name(top).c_str());
        for (std::size_t m = 0; m < methods.size(); ++m) {
            const Image map_a = reduce_channels(methods[m].second(x, a), pair_shape);
            const Image map_b = reduce_channels(methods[m].second(x, b), pair_shape);
            const Image d = discriminativity(map_a, map_b);
            const double share = two_item::correct_side_share(d.pixels);
            share_sum[m] += share;
            std::printf(" %.2f", share);
            cells.push_back(apply_colormap(d, Colormap::diverging));
        }
        std::printf("\n");
    }
    std::printf("mean share of the map on the correct side (1 = all red on the left and blue on the right):\n");
    for (std::size_t m = 0; m < methods.size(); ++m)
        std::printf("  %-22s %.3f\n", methods[m].first.c_str(), share_sum[m] / static_cast<double>(class_pairs.size()));
    std::vector<std::string> titles{"left | right item"};
    for (const auto& method : methods) titles.push_back(method.first);
    figures::write_figure(options.out / "fig6_discriminativity.png", cells, static_cast<Index>(methods.size()) + 1,
                          {.column_titles = titles, .row_titles = row_titles,
                           .caption = "Discriminativity: the map for the left item's class minus the right's"},
                          figures::ColourKey{Colormap::diverging, "right item's class", "left item's class"});
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    bool retrain = false;
    fs::path init_model = figures::clean_model_path;
    Index train_pairs = 12000;
    int epochs = 3;
    return figures::figure_main(
        argc, argv, who, usage,
        [&](const Options& options) {
            detail::require(train_pairs >= 1, who, "--train-pairs must be >= 1, got ", train_pairs);
            detail::require(epochs >= 1, who, "--epochs must be >= 1, got ", epochs);
            return run(options, init_model, retrain, train_pairs, epochs);
        },
        [&](std::string_view flag, const figures::ValueReader& value) {
            if (flag == "--retrain") retrain = true;
            else if (flag == "--train-pairs") train_pairs = command_line::parse_number<Index>(who, flag, value());
            else if (flag == "--init-model") {
                const std::string_view text = value();
                init_model = text == "none" ? fs::path{} : fs::path(text);
            }
            else if (flag == "--epochs") epochs = command_line::parse_number<int>(who, flag, value());
            else return false;
            return true;
        });
}
