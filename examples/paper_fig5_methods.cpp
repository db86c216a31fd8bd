// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's Fig. 5 on Fashion-MNIST: vanilla gradient, integrated gradients and guided backprop,
// each plain and with SmoothGrad, shown as they are and multiplied by the input (the paper's Sec. 3.3); and
// the same comparison for the other methods of PAIR saliency and Captum.
//
//     build/examples/paper_fig5_methods --out docs/figures
//
// Writes fig5_methods.png and fig5_more_methods.png. Run with --help for the options.
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
as they are, the second the same maps multiplied by the input. Writes fig5_methods.png.

Then one row per image for the other methods, each plain and with SmoothGrad (n = 50, 15 %): blur IG (100
steps; 20 inside SmoothGrad), guided IG (200; 20), expected gradients (200 draws from the first 100 training
images; 10), Grad-CAM and Guided Grad-CAM at the second ReLU (layer 4), then XRAI (100 steps) and occlusion
(5 x 5 window). Writes fig5_more_methods.png. Default images: the first correctly classified test image of
Trouser, Sandal, Shirt and Ankle boot.
)";

/// One row of fig5_more_methods.png for image x: the input, then each method's map.
std::vector<Vector> more_methods(const nn::Sequential& net, const Vector& x, Index label, ImageShape shape,
                                 const Matrix& references, std::uint64_t seed) {
    const auto plain_and_smooth = [&](const auto& plain, const auto& inner, std::vector<Vector>& maps) {
        using Inner = std::decay_t<decltype(inner)>;
        maps.push_back(plain(net, x, label));
        maps.push_back(SmoothGrad<Inner>{.method = inner, .samples = 50, .seed = seed}(net, x, label));
    };
    std::vector<Vector> maps;
    plain_and_smooth(BlurIntegratedGradients{.shape = shape}, BlurIntegratedGradients{.shape = shape, .steps = 20}, maps);
    plain_and_smooth(GuidedIntegratedGradients{}, GuidedIntegratedGradients{.steps = 20}, maps);
    plain_and_smooth(ExpectedGradients{.references = references, .samples = 200, .seed = seed},
                     ExpectedGradients{.references = references, .samples = 10, .seed = seed}, maps);
    const GradCam cam{.layer = Index{4}, .shape = shape};
    plain_and_smooth(cam, cam, maps);
    plain_and_smooth(GuidedGradCam{.grad_cam = cam}, GuidedGradCam{.grad_cam = cam}, maps);
    maps.push_back(Xrai{.shape = shape}(net, x, label));
    maps.push_back(Occlusion{.shape = shape, .size = 5}(net, x, label));
    return maps;
}

int run(const Options& options) {
    const nn::Sequential net = figures::load_fashion_network(options.model, who);
    const Dataset test = figures::load_test_set(options);
    const std::vector<int> classes{1, 5, 6, 9};
    const std::vector<Index> picked = figures::pick_examples(net, test, options, classes, who);
    const SmoothGrad smooth{.samples = 50, .seed = options.seed};
    const SmoothGrad<IntegratedGradients> smooth_ig{.method = {.steps = 20}, .samples = 50, .seed = options.seed};
    const SmoothGrad<GuidedBackprop> smooth_guided{.samples = 50, .seed = options.seed};
    std::vector<Image> cells;
    std::vector<std::string> row_titles;
    for (const Index k : picked) {
        const Vector x = test.images.col(k);
        const Index label = figures::predicted_class(net, x);
        row_titles.push_back(figures::class_name(label));
        row_titles.push_back("  x input");
        const std::vector<Vector> maps{VanillaGradient{}(net, x, label), smooth(net, x, label),
                                       IntegratedGradients{}(net, x, label), smooth_ig(net, x, label),
                                       GuidedBackprop{}(net, x, label), smooth_guided(net, x, label)};
        cells.push_back(figures::input_cell(x, test.shape));
        for (const Vector& map : maps) cells.push_back(figures::gray_cell(map, test.shape));
        cells.push_back(figures::input_cell(x, test.shape));
        for (const Vector& map : maps) cells.push_back(figures::gray_cell(multiply_by_input(map, x), test.shape));
        std::cout << "rows: test image " << k << ", explained class " << figures::class_name(label) << "\n";
    }
    figures::write_figure(options.out / "fig5_methods.png", cells, 7,
                          {.column_titles = {"input", "vanilla", "+ SmoothGrad", "integrated gradients", "+ SmoothGrad",
                                             "guided backprop", "+ SmoothGrad"},
                           .row_titles = row_titles,
                           .caption = "Each method alone and with SmoothGrad (n = 50); second rows: multiplied by the input"});

    const Dataset train = load_fashion_mnist(options.data_dir, Split::train, {.limit = 100});
    std::vector<Image> more;
    std::vector<std::string> more_titles;
    for (const Index k : picked) {
        const Vector x = test.images.col(k);
        const Index label = figures::predicted_class(net, x);
        more_titles.push_back(figures::class_name(label));
        more.push_back(figures::input_cell(x, test.shape));
        for (const Vector& map : more_methods(net, x, label, test.shape, train.images, options.seed))
            more.push_back(figures::gray_cell(map, test.shape));
    }
    figures::write_figure(options.out / "fig5_more_methods.png", more, 13,
                          {.column_titles = {"input", "blur IG", "+ SG", "guided IG", "+ SG", "expected grad.", "+ SG",
                                             "Grad-CAM", "+ SG", "guided Grad-CAM", "+ SG", "XRAI", "occlusion"},
                           .row_titles = more_titles,
                           .caption = "More methods, alone and with SmoothGrad (SG, n = 50)"});
    std::cout << "fig5_more_methods.png: input | blur IG, SmoothGrad | guided IG, SmoothGrad | expected gradients, "
                 "SmoothGrad | Grad-CAM, SmoothGrad | Guided Grad-CAM, SmoothGrad | XRAI | occlusion\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) { return figures::figure_main(argc, argv, who, usage, run); }
