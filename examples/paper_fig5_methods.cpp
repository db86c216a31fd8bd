// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's Fig. 5 on Fashion-MNIST: vanilla gradient, integrated gradients and guided backprop,
// each plain and with SmoothGrad, shown as they are and multiplied by the input (the paper's Sec. 3.3).
//
//     build/examples/paper_fig5_methods --out docs/figures
//
// Writes fig5_methods.png. Run with --help for the options.
#include <iostream>
#include <vector>

#include "figure_support.hpp"

namespace {
using namespace smoothgrad;
using figures::Options;

constexpr std::string_view who = "paper_fig5_methods";
constexpr std::string_view usage = R"(Usage: paper_fig5_methods [OPTIONS]

The paper's Fig. 5: two rows per image. Columns: the input, vanilla gradient, SmoothGrad, integrated
gradients (50 steps), SmoothGrad on integrated gradients (20 steps per sample), guided backprop,
SmoothGrad on guided backprop; SmoothGrad with n = 50 and noise level 15 %. The first row shows the maps
as they are, the second the same maps multiplied by the input. Writes fig5_methods.png. Default images:
the first correctly classified test image of Trouser, Sandal, Shirt and Ankle boot.
)";

int run(const Options& options) {
    const nn::Sequential net = figures::load_fashion_network(options.model, who);
    const Dataset test = figures::load_test_set(options);
    const std::vector<int> classes{1, 5, 6, 9};
    const std::vector<Index> picked = figures::pick_examples(net, test, options, classes, who);
    const SmoothGrad smooth{.samples = 50, .seed = options.seed};
    const SmoothGrad<IntegratedGradients> smooth_ig{.method = {.steps = 20}, .samples = 50, .seed = options.seed};
    const SmoothGrad<GuidedBackprop> smooth_guided{.samples = 50, .seed = options.seed};
    std::vector<Image> cells;
    for (const Index k : picked) {
        const Vector x = test.images.col(k);
        const Index label = figures::predicted_class(net, x);
        const std::vector<Vector> maps{VanillaGradient{}(net, x, label), smooth(net, x, label),
                                       IntegratedGradients{}(net, x, label), smooth_ig(net, x, label),
                                       GuidedBackprop{}(net, x, label), smooth_guided(net, x, label)};
        cells.push_back(figures::input_cell(x, test.shape));
        for (const Vector& map : maps) cells.push_back(figures::gray_cell(map, test.shape));
        cells.push_back(figures::input_cell(x, test.shape));
        for (const Vector& map : maps) cells.push_back(figures::gray_cell(multiply_by_input(map, x), test.shape));
        std::cout << "rows: test image " << k << ", explained class " << figures::class_name(label) << "\n";
    }
    figures::write_figure(options.out / "fig5_methods.png", cells, 7);
    return 0;
}

}  // namespace

int main(int argc, char** argv) { return figures::figure_main(argc, argv, who, usage, run); }
