// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's Fig. 8 on Fashion-MNIST: the four combinations of training with or without noise and
// explaining with or without noise (SmoothGrad), using the two shipped models.
//
//     build/examples/paper_fig8_training_noise --out docs/figures
//
// Writes fig8_training_noise.png. Run with --help for the options.
#include <iostream>
#include <vector>

#include "figure_support.hpp"

namespace {
using namespace smoothgrad;
using figures::Options;
namespace fs = std::filesystem;

constexpr std::string_view who = "paper_fig8_training_noise";
constexpr std::string_view usage = R"(Usage: paper_fig8_training_noise [OPTIONS]

The paper's Fig. 8: one row per image. Columns: the input; the model trained on clean images (--model)
explained by the vanilla gradient and by SmoothGrad; the model trained with input noise (--noise-model)
explained by the vanilla gradient and by SmoothGrad (n = 50, noise level 15 %). Writes
fig8_training_noise.png. Default images: the first test image of T-shirt/top, Trouser, Pullover, Dress,
Sneaker and Ankle boot that both models classify correctly (explained for the true class).
  --noise-model FILE  (default examples/models/fashion_mnist_cnn_noise.safetensors)
)";

int run(const Options& options, const fs::path& noise_model) {
    const nn::Sequential clean = figures::load_fashion_network(options.model, who);
    const nn::Sequential noisy = figures::load_fashion_network(noise_model, who);
    const Dataset test = figures::load_test_set(options);
    std::vector<Index> picked = options.images;
    if (picked.empty()) {
        const std::vector<int> clean_predicted = nn::predict(clean, test.images);
        const std::vector<int> noisy_predicted = nn::predict(noisy, test.images);
        for (const int c : {0, 1, 2, 3, 7, 9}) {
            for (std::size_t k = 0; k < test.labels.size(); ++k) {
                if (test.labels[k] == c && clean_predicted[k] == c && noisy_predicted[k] == c) {
                    picked.push_back(static_cast<Index>(k));
                    break;
                }
            }
        }
    } else {
        picked = figures::pick_examples(clean, test, options, {}, who);  // checks the indices
    }
    const SmoothGrad smooth{.samples = 50, .seed = options.seed};
    std::vector<Image> cells;
    std::vector<std::string> row_titles;
    for (const Index k : picked) {
        const Vector x = test.images.col(k);
        const Index label = test.labels[static_cast<std::size_t>(k)];
        cells.push_back(figures::input_cell(x, test.shape));
        for (const nn::Sequential* net : {&clean, &noisy}) {
            cells.push_back(figures::gray_cell(VanillaGradient{}(*net, x, label), test.shape));
            cells.push_back(figures::gray_cell(smooth(*net, x, label), test.shape));
        }
        row_titles.push_back(figures::class_name(label));
        std::cout << "row: test image " << k << ", class " << figures::class_name(label) << "\n";
    }
    figures::write_figure(options.out / "fig8_training_noise.png", cells, 5,
                          {.column_titles = {"input", "clean training", "+ SmoothGrad", "noisy training", "+ SmoothGrad"},
                           .row_titles = row_titles,
                           .caption = "Vanilla gradients of a model trained without and with input noise (sigma 0.1), "
                                      "each plain and with SmoothGrad (n = 50)"});
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path noise_model = figures::noise_model_path;
    return figures::figure_main(
        argc, argv, who, usage, [&](const Options& options) { return run(options, noise_model); },
        [&](std::string_view flag, const figures::ValueReader& value) {
            if (flag != "--noise-model") return false;
            noise_model = value();
            return true;
        });
}
