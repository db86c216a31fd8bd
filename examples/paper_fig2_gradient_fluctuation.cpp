// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's Fig. 2 on Fashion-MNIST: the gradient of the class score at a few pixels fluctuates
// sharply along the straight line from an image x to x + eps, eps ~ N(0, 0.01^2), although x + eps
// looks the same as x.
//
//     build/examples/paper_fig2_gradient_fluctuation --out docs/figures
//
// Writes fig2_gradient_fluctuation.svg (the line plot) and fig2_images.png (x, x + eps, and the
// vanilla gradient maps at both). Run with --help for the options.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <vector>

#include "figure_support.hpp"
#include "svg_plot.hpp"

namespace {
using namespace smoothgrad;
using figures::Options;
namespace fs = std::filesystem;

constexpr std::string_view who = "paper_fig2_gradient_fluctuation";
constexpr std::string_view usage = R"(Usage: paper_fig2_gradient_fluctuation [OPTIONS]

The paper's Fig. 2: dS_c/dx_i for a few pixels i along x + t * eps, t in [0, 1], eps ~ N(0, 0.01^2),
as a fraction of the largest |gradient entry| at the same t. Writes fig2_gradient_fluctuation.svg and
fig2_images.png (x, x + eps, |gradient| at x, |gradient| at x + eps). The image is the first of --images,
else the first correctly classified ankle boot of the test set.
  --pixels P         how many pixels to plot: those with the largest mean |gradient| on the path (default 4)
  --steps T          points along t (default 400)
)";

int run(const Options& options, int pixel_count, int steps) {
    const nn::Sequential net = figures::load_fashion_network(options.model, who);
    const Dataset test = figures::load_test_set(options);
    const std::vector<int> classes{9};
    const Index index = figures::pick_examples(net, test, options, classes, who).front();
    const Vector x = test.images.col(index);
    const Index label = figures::predicted_class(net, x);

    Vector eps(x.size());
    NoiseStream(options.seed, 0).fill_normal(eps, 0.01);
    Matrix path(x.size(), steps + 1);
    for (int k = 0; k <= steps; ++k) path.col(k) = x + (static_cast<float>(k) / static_cast<float>(steps)) * eps;
    const Matrix gradients = net.gradients(path, Vector::Unit(net.num_classes(), label));

    // The pixels with the largest mean |gradient| along the path: the ones that matter most for the map.
    // (Not the largest at t = 0: at x itself the black background makes max-pool windows tie, and the
    // gradient there is that of one tie-break, which the first noise already changes.)
    const Vector mean_magnitude = gradients.cwiseAbs().rowwise().mean();
    std::vector<Index> order(static_cast<std::size_t>(x.size()));
    std::iota(order.begin(), order.end(), Index{0});
    std::partial_sort(order.begin(), order.begin() + pixel_count, order.end(),
                      [&](Index a, Index b) { return mean_magnitude[a] > mean_magnitude[b]; });
    std::vector<figures::Series> series;
    for (int p = 0; p < pixel_count; ++p) {
        const Index pixel = order[static_cast<std::size_t>(p)];
        figures::Series s{.name = "pixel (" + std::to_string(pixel / 28) + ", " + std::to_string(pixel % 28) + ")"};
        for (int k = 0; k <= steps; ++k) {
            s.x.push_back(static_cast<double>(k) / steps);
            s.y.push_back(gradients(pixel, k) / gradients.col(k).cwiseAbs().maxCoeff());
        }
        series.push_back(std::move(s));
    }
    // How often the gradient changes along the path: a ReLU or max-pool switching somewhere.
    int changes = 0;
    for (int k = 1; k <= steps; ++k) changes += (gradients.col(k) - gradients.col(k - 1)).cwiseAbs().maxCoeff() > 0 ? 1 : 0;
    double largest_jump = 0.0;
    for (const auto& s : series)
        for (std::size_t k = 1; k < s.y.size(); ++k) largest_jump = std::max(largest_jump, std::abs(s.y[k] - s.y[k - 1]));

    fs::create_directories(options.out);
    const fs::path plot_path = options.out / "fig2_gradient_fluctuation.svg";
    figures::write_line_plot(plot_path, {.title = "Fashion-MNIST test image " + std::to_string(index) + " (" +
                                                  figures::class_name(label) + "): dS/dx_i along x + t·eps",
                                         .x_label = "t (eps ~ N(0, 0.01²), one draw)",
                                         .y_label = "dS/dx_i / max_j |dS/dx_j|",
                                         .series = std::move(series)});
    std::cout << "wrote " << plot_path.string() << "\n";
    const ImageShape shape = test.shape;
    const Vector end = path.col(steps);
    figures::write_figure(options.out / "fig2_images.png",
                          {figures::input_cell(x, shape), figures::input_cell(end, shape),
                           figures::gray_cell(gradients.col(0), shape), figures::gray_cell(gradients.col(steps), shape)},
                          4, {.column_titles = {"x", "x + eps", "dS/dx at x", "dS/dx at x + eps"},
                              .caption = "A tiny perturbation eps changes the gradient's map"});
    std::printf("test image %ld, class %s; the gradient changed at %d of %d steps along the path; the largest jump of a "
                "plotted fraction between neighbouring steps is %.3f; |eps|_max = %.4f\n",
                static_cast<long>(index), figures::class_name(label).c_str(), changes, steps, largest_jump,
                static_cast<double>(eps.cwiseAbs().maxCoeff()));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int pixel_count = 4, steps = 400;
    return figures::figure_main(
        argc, argv, who, usage,
        [&](const Options& options) {
            detail::require(pixel_count >= 1 && pixel_count <= 784, who, "--pixels must be in [1, 784], got ",
                            pixel_count);
            detail::require(steps >= 1, who, "--steps must be >= 1, got ", steps);
            return run(options, pixel_count, steps);
        },
        [&](std::string_view flag, const figures::ValueReader& value) {
            if (flag == "--pixels") pixel_count = command_line::parse_number<int>(who, flag, value());
            else if (flag == "--steps") steps = command_line::parse_number<int>(who, flag, value());
            else return false;
            return true;
        });
}
