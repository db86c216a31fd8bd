// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's Fig. 3 (and Fig. 10) on Fashion-MNIST: SmoothGrad maps at noise levels 0 %, 5 %, 10 %,
// 20 %, 30 % and 50 % (columns) for several test images (rows), n = 50 samples each.
//
//     build/examples/paper_fig3_noise_level --out docs/figures
//
// Writes fig3_noise_level.png. Run with --help for the options.
#include <iostream>
#include <vector>

#include "figure_support.hpp"

namespace {
using namespace smoothgrad;
using figures::Options;

constexpr std::string_view who = "paper_fig3_noise_level";
constexpr std::string_view usage = R"(Usage: paper_fig3_noise_level [OPTIONS]

The paper's Fig. 3: SmoothGrad (vanilla gradient, n = 50) at noise levels sigma / (x_max - x_min) of
0, 5, 10, 20, 30 and 50 %. One row per image: the input, then one map per noise level (0 % is the plain
gradient). Writes fig3_noise_level.png. Default images: the first correctly classified test image of
T-shirt/top, Trouser, Dress, Sneaker and Bag.
)";

int run(const Options& options) {
    const nn::Sequential net = figures::load_fashion_network(options.model, who);
    const Dataset test = figures::load_test_set(options);
    const std::vector<int> classes{0, 1, 3, 7, 8};
    const std::vector<Index> picked = figures::pick_examples(net, test, options, classes, who);
    const std::vector<double> levels{0.0, 0.05, 0.10, 0.20, 0.30, 0.50};
    const figures::FigureRows rows = figures::map_rows(net, test, picked, [&](const Vector& x, Index label) {
        std::vector<Vector> maps;
        for (const double level : levels) {
            // At 0 % every sample is x itself, so one sample is the same map.
            const SmoothGrad smooth{.samples = level == 0.0 ? 1 : 50, .noise_level = level, .seed = options.seed};
            maps.push_back(smooth(net, x, label));
        }
        return maps;
    });
    std::vector<std::string> titles{"input"};
    for (const double level : levels) titles.push_back("noise " + std::to_string(static_cast<int>(level * 100.0 + 0.5)) + " %");
    figures::write_figure(options.out / "fig3_noise_level.png", rows.cells, static_cast<Index>(levels.size()) + 1,
                          {.column_titles = titles, .row_titles = rows.titles,
                           .caption = "SmoothGrad of the vanilla gradient, n = 50, at noise levels sigma / (x_max - x_min)"});
    return 0;
}

}  // namespace

int main(int argc, char** argv) { return figures::figure_main(argc, argv, who, usage, run); }
