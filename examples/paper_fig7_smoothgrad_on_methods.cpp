// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's Fig. 7 on Fashion-MNIST: SmoothGrad used on top of integrated gradients and of guided
// backprop, next to the plain methods.
//
//     build/examples/paper_fig7_smoothgrad_on_methods --out docs/figures
//
// Writes fig7_smoothgrad_ig_guided.png. Run with --help for the options.
#include <iostream>
#include <vector>

#include "figure_support.hpp"

namespace {
using namespace smoothgrad;
using figures::Options;

constexpr std::string_view who = "paper_fig7_smoothgrad_on_methods";
constexpr std::string_view usage = R"(Usage: paper_fig7_smoothgrad_on_methods [OPTIONS]

The paper's Fig. 7: one row per image. Columns: the input, integrated gradients (50 steps), SmoothGrad on
integrated gradients (20 steps per sample), guided backprop, SmoothGrad on guided backprop; SmoothGrad
with n = 50 and noise level 15 %. Writes fig7_smoothgrad_ig_guided.png. Default images: the first
correctly classified test image of every class but Trouser and Sandal (eight rows).
)";

int run(const Options& options) {
    const nn::Sequential net = figures::load_fashion_network(options.model, who);
    const Dataset test = figures::load_test_set(options);
    const std::vector<int> classes{0, 2, 3, 4, 6, 7, 8, 9};
    const std::vector<Index> picked = figures::pick_examples(net, test, options, classes, who);
    const SmoothGrad<IntegratedGradients> smooth_ig{.method = {.steps = 20}, .samples = 50, .seed = options.seed};
    const SmoothGrad<GuidedBackprop> smooth_guided{.samples = 50, .seed = options.seed};
    const figures::FigureRows rows = figures::map_rows(net, test, picked, [&](const Vector& x, Index label) {
        return std::vector<Vector>{IntegratedGradients{}(net, x, label), smooth_ig(net, x, label),
                                   GuidedBackprop{}(net, x, label), smooth_guided(net, x, label)};
    });
    figures::write_figure(options.out / "fig7_smoothgrad_ig_guided.png", rows.cells, 5,
                          {.column_titles = {"input", "integrated gradients", "+ SmoothGrad", "guided backprop", "+ SmoothGrad"},
                           .row_titles = rows.titles,
                           .caption = "SmoothGrad (n = 50, noise 15 %) on top of other methods"});
    return 0;
}

}  // namespace

int main(int argc, char** argv) { return figures::figure_main(argc, argv, who, usage, run); }
