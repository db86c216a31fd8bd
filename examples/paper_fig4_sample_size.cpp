// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's Fig. 4 on Fashion-MNIST: SmoothGrad maps with n = 1, 5, 10, 20, 50, 100 and 200 noisy
// samples (columns) at a 10 % noise level, for several test images (rows).
//
//     build/examples/paper_fig4_sample_size --out docs/figures
//
// Writes fig4_sample_size.png. Run with --help for the options.
#include <iostream>
#include <vector>

#include "figure_support.hpp"

namespace {
using namespace smoothgrad;
using figures::Options;

constexpr std::string_view who = "paper_fig4_sample_size";
constexpr std::string_view usage = R"(Usage: paper_fig4_sample_size [OPTIONS]

The paper's Fig. 4: SmoothGrad (vanilla gradient, noise level 10 %) with n = 1, 5, 10, 20, 50, 100 and
200 samples. One row per image: the input, then one map per n. Writes fig4_sample_size.png. Default
images: the first correctly classified test image of Trouser, Pullover, Sandal, Bag and Ankle boot.
)";

int run(const Options& options) {
    const nn::Sequential net = figures::load_fashion_network(options.model, who);
    const Dataset test = figures::load_test_set(options);
    const std::vector<int> classes{1, 2, 5, 8, 9};
    const std::vector<Index> picked = figures::pick_examples(net, test, options, classes, who);
    const std::vector<int> sizes{1, 5, 10, 20, 50, 100, 200};
    const figures::FigureRows rows = figures::map_rows(net, test, picked, [&](const Vector& x, Index label) {
        std::vector<Vector> maps;
        for (const int n : sizes) {
            const SmoothGrad smooth{.samples = n, .noise_level = 0.10, .seed = options.seed};
            maps.push_back(smooth(net, x, label));
        }
        return maps;
    });
    std::vector<std::string> titles{"input"};
    for (const int n : sizes) titles.push_back("n = " + std::to_string(n));
    figures::write_figure(options.out / "fig4_sample_size.png", rows.cells, static_cast<Index>(sizes.size()) + 1,
                          {.column_titles = titles, .row_titles = rows.titles,
                           .caption = "SmoothGrad of the vanilla gradient at noise level 10 %, n samples"});
    return 0;
}

}  // namespace

int main(int argc, char** argv) { return figures::figure_main(argc, argv, who, usage, run); }
