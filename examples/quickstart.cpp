// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
//
// Quickstart: explain a model with every method of the library and save the maps as PNGs.
//
// The model is a toy: a fixed two-layer ReLU network, written with Eigen, over a 16x16 gray image. Each of
// its 16 hidden units looks at one 4x4 patch; class 0 ("bright thing top-left") is fed by the patches of
// the upper-left half, class 1 by the others. The input has a bright square in the upper left, so class 0
// wins, and a good map should light up the square. The network is plugged in with make_model as two
// callables; the gradient callable also takes a ReluRule, which makes it a GuidedBackpropModel so that
// guided backprop and deconvnet can run on it.
//
// Every map goes through the same display pipeline: reduce_channels -> normalize_unit -> apply_colormap ->
// make_grid (to upscale 8x) -> write_png. Gradient x input, which is signed, is also shown with the
// diverging colour map (red positive, blue negative), and SmoothGrad laid over the input with blend.
//
// Build and run:
//     cmake -S . -B build && cmake --build build --target quickstart
//     ./build/examples/quickstart [output-folder]        (default: quickstart-out)

#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "smoothgrad/io/image.hpp"
#include "smoothgrad/smoothgrad.hpp"

namespace sg = smoothgrad;
using sg::Index;
using sg::Matrix;
using sg::MatrixRef;
using sg::Vector;

namespace {

constexpr Index side = 16, patch = 4, patches_per_side = side / patch;
const sg::ImageShape shape{.height = side, .width = side, .channels = 1};

/// scores = W2 relu(W1 x + b1), with hand-set weights.
struct ToyNetwork {
    Matrix w1 = Matrix::Zero(patches_per_side * patches_per_side, side * side);  // hidden x pixels
    Vector b1 = Vector::Constant(patches_per_side * patches_per_side, -2.0f);
    Matrix w2 = Matrix::Zero(2, patches_per_side * patches_per_side);  // classes x hidden

    ToyNetwork() {
        for (Index py = 0; py < patches_per_side; ++py) {
            for (Index px = 0; px < patches_per_side; ++px) {
                const Index unit = py * patches_per_side + px;
                // The patch's centre counts twice as much as its rim.
                for (Index y = 0; y < patch; ++y)
                    for (Index x = 0; x < patch; ++x) {
                        const bool centre = (y == 1 || y == 2) && (x == 1 || x == 2);
                        w1(unit, shape.offset(py * patch + y, px * patch + x)) = centre ? 1.0f : 0.5f;
                    }
                const bool upper_left = py + px < patches_per_side;
                w2(0, unit) = upper_left ? 1.0f : -0.5f;
                w2(1, unit) = -w2(0, unit);
            }
        }
    }

    [[nodiscard]] Matrix scores(const MatrixRef& inputs) const {
        return w2 * ((w1 * inputs).colwise() + b1).cwiseMax(0.0f);
    }

    /// The input gradient of w^T scores, with every ReLU's backward step following `rule`.
    [[nodiscard]] Matrix gradients(const MatrixRef& inputs, const Vector& output_weights, sg::ReluRule rule) const {
        const Vector incoming = w2.transpose() * output_weights;  // dS / d(hidden output)
        const Matrix pre = (w1 * inputs).colwise() + b1;
        Matrix passed(pre.rows(), pre.cols());
        for (Index j = 0; j < pre.cols(); ++j)
            for (Index i = 0; i < pre.rows(); ++i) {
                const bool forward_open = pre(i, j) > 0.0f, backward_open = incoming[i] > 0.0f;
                const bool open = rule == sg::ReluRule::gradient ? forward_open
                                  : rule == sg::ReluRule::guided ? forward_open && backward_open
                                                                 : backward_open;
                passed(i, j) = open ? incoming[i] : 0.0f;
            }
        return w1.transpose() * passed;
    }
};

/// A dark, faintly textured image with a bright 6x6 square in the upper left.
Vector make_input() {
    Vector image(shape.size());
    for (Index y = 0; y < side; ++y)
        for (Index x = 0; x < side; ++x) {
            const bool square = y >= 2 && y < 8 && x >= 3 && x < 9;
            const double texture = 0.05 * std::sin(1.3 * static_cast<double>(x) + 0.7 * static_cast<double>(y));
            image[shape.offset(y, x)] = static_cast<float>((square ? 0.9 : 0.1) + texture);
        }
    return image;
}

/// A one-channel map as an RGB heat map, 8x larger so that it can be seen.
sg::Image to_heat(const Vector& map) {
    const sg::Image magnitude = sg::normalize_unit(sg::reduce_channels(map, shape, sg::ChannelReduction::sum_abs));
    return sg::apply_colormap(magnitude, sg::Colormap::heat);
}

sg::Image upscale(const sg::Image& image) { return sg::make_grid({image}, {.padding = 0, .cell_scale = 8}); }

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::filesystem::path out = argc > 1 ? argv[1] : "quickstart-out";
        std::filesystem::create_directories(out);

        const ToyNetwork network;
        const auto model = sg::make_model(
            shape.size(), 2, [&network](const Matrix& x) { return network.scores(x); },
            [&network](const Matrix& x, const Vector& w, sg::ReluRule rule = sg::ReluRule::gradient) {
                return network.gradients(x, w, rule);
            });

        const Vector input = make_input();
        const Vector scores = model.scores(input);
        const Index label = scores[0] >= scores[1] ? 0 : 1;
        std::cout << "scores: class 0 " << scores[0] << ", class 1 " << scores[1] << "; explaining class " << label
                  << "\n";

        const sg::IntegratedGradients integrated{.steps = 32};
        const auto [ig_map, score_difference, completeness_gap] = integrated.with_completeness(model, input, label);
        std::cout << "integrated gradients: S(x) - S(0) = " << score_difference << ", completeness gap "
                  << completeness_gap << " (0 for an exact path integral)\n";

        const Vector gradient_x_input = sg::GradientTimesInput{}(model, input, label);
        const std::vector<std::pair<std::string, Vector>> maps{
            {"vanilla_gradient", sg::VanillaGradient{}(model, input, label)},
            {"gradient_x_input", gradient_x_input},
            {"integrated_gradients", ig_map},
            {"guided_backprop", sg::GuidedBackprop{}(model, input, label)},
            {"deconvnet", sg::Deconvnet{}(model, input, label)},
            {"smooth_grad", sg::SmoothGrad<>{.samples = 50, .noise_level = 0.15, .seed = 7}(model, input, label)},
        };

        const auto write = [&out](const std::string& name, const sg::Image& image) {
            const std::filesystem::path path = out / (name + ".png");
            sg::write_png(path, image);
            std::cout << "wrote " << path.string() << " (" << image.shape << ")\n";
        };

        const sg::Image input_image{input, shape};
        write("input", upscale(sg::apply_colormap(input_image, sg::Colormap::gray)));
        std::vector<sg::Image> overview{sg::apply_colormap(input_image, sg::Colormap::gray)};
        for (const auto& [name, map] : maps) {
            const sg::Image heat = to_heat(map);
            write(name, upscale(heat));
            overview.push_back(heat);
        }

        // Signed maps keep their sign on the diverging scale: red where the pixel adds to the score.
        const sg::Image signed_map = sg::normalize_signed(sg::reduce_channels(gradient_x_input, shape, sg::ChannelReduction::sum));
        write("gradient_x_input_signed", upscale(sg::apply_colormap(signed_map, sg::Colormap::diverging)));

        // SmoothGrad over the input it explains.
        write("smooth_grad_overlay", upscale(sg::blend(to_heat(maps.back().second), input_image, 0.6f)));

        // Everything side by side: the input, then the maps in the order above.
        write("overview", sg::make_grid(overview, {.columns = 4, .padding = 1, .cell_scale = 8}));
        return EXIT_SUCCESS;
    } catch (const std::exception& error) {
        std::cerr << "quickstart: " << error.what() << "\n";
        return EXIT_FAILURE;
    }
}
