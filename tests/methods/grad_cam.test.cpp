// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/grad_cam.hpp"

#include <catch2/catch.hpp>

#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"
#include "smoothgrad/nn/spec.hpp"

using namespace smoothgrad;

namespace {

/// A model whose layer "block" has hand-made activations and gradients (2 x 2 pixels, 2 channels, HWC),
/// the same for every input; its scores and input gradients are those of the sum of the input.
struct HandLayerModel {
    Index input_size() const { return 16; }
    Index num_classes() const { return 2; }
    Matrix scores(const MatrixRef& x) const { return x.colwise().sum().replicate(2, 1); }
    Matrix gradients(const MatrixRef& x, const Vector& w) const { return Matrix::Constant(x.rows(), x.cols(), w.sum()); }
    LayerGradients layer_gradients(const MatrixRef& x, const Vector&, const LayerId& layer) const {
        if (layer != LayerId{std::string("block")}) throw argument_error("HandLayerModel: no such layer");
        // Pixels (0,0), (0,1), (1,0), (1,1); channel 0 then 1 at each.
        Vector a(8), g(8);
        a << 1, 2, 3, -1, 0, 4, 2, 2;
        g << 1, 0, 3, 0.5f, -2, 0.5f, 2, 1;
        return {{2, 2, 2}, a.replicate(1, x.cols()), g.replicate(1, x.cols())};
    }
};
static_assert(LayerGradientModel<HandLayerModel>);
static_assert(!GuidedBackpropModel<HandLayerModel>);

}  // namespace

TEST_CASE("Grad-CAM of hand-made activations, worked out by hand", "[methods][grad_cam]") {
    // Channel weights: the mean gradient, (1 + 3 - 2 + 2) / 4 = 1 and (0 + 0.5 + 0.5 + 1) / 4 = 0.5.
    // Map: 1 * a0 + 0.5 * a1 = (1 + 1, 3 - 0.5, 0 + 2, 2 + 1) = (2, 2.5, 2, 3), all positive.
    const HandLayerModel model;
    const GradCam cam{.layer = std::string("block"), .shape = {4, 4, 1}};
    const LayerMaps low = cam.layer_maps(model, Vector::Ones(16), Vector::Unit(2, 0));
    CHECK(low.shape == ImageShape{2, 2, 1});
    CHECK(low.maps.col(0) == Vector(Eigen::Vector4f(2, 2.5f, 2, 3)));
    // Divided by its maximum 3 and resized to 4 x 4: output pixel y samples the 2 x 2 map at (y + 0.5) / 2 - 0.5,
    // mirrored at the edges: rows 0-1 at 0.25, rows 2-3 at 0.75 (columns alike).
    const Vector map = cam(model, Vector::Ones(16), 0);
    const auto at = [](double fy, double fx) {
        const double top = (1 - fx) * 2.0 / 3 + fx * 2.5 / 3, bottom = (1 - fx) * 2.0 / 3 + fx * 3.0 / 3;
        return static_cast<float>((1 - fy) * top + fy * bottom);
    };
    const double f[4] = {0.25, 0.25, 0.75, 0.75};
    for (Index y = 0; y < 4; ++y)
        for (Index x = 0; x < 4; ++x) CHECK(map[y * 4 + x] == Approx(at(f[y], f[x])).epsilon(1e-6));
    // Without normalization the layer's scale stays.
    const Vector raw = GradCam{.layer = std::string("block"), .shape = {4, 4, 1}, .normalize = false}(model, Vector::Ones(16), 0);
    CHECK(raw[0] == Approx(3 * map[0]));
}

TEST_CASE("Grad-CAM takes the ReLU of the weighted sum and repeats the map over the input's channels",
          "[methods][grad_cam]") {
    // Negative evidence everywhere: a class whose map is all 0 (no division by a maximum of 0).
    struct Negative : HandLayerModel {
        LayerGradients layer_gradients(const MatrixRef& x, const Vector& w, const LayerId& layer) const {
            LayerGradients g = HandLayerModel::layer_gradients(x, w, layer);
            g.gradients = -g.gradients.cwiseAbs();
            g.activations = g.activations.cwiseAbs();
            return g;
        }
    };
    const GradCam cam{.layer = std::string("block"), .shape = {2, 2, 4}};
    CHECK(cam(Negative{}, Vector::Ones(16), 1) == Vector::Zero(16));
    const Vector map = cam(HandLayerModel{}, Vector::Ones(16), 1);
    for (Index p = 0; p < 4; ++p) CHECK(map.segment(4 * p, 4) == Vector::Constant(4, map[4 * p]));
    CHECK(map.maxCoeff() == 1.0f);  // same size: no resampling, the maximum divided to 1
}

TEST_CASE("Grad-CAM on the reference network: a fused ReLU's output, SmoothGrad, Guided Grad-CAM",
          "[methods][grad_cam]") {
    const nn::Sequential net = nn::parse_spec("input 8x8x1; conv 3x3x4 same; relu; maxpool 2; flatten; dense 3", 7);
    const Vector x = (Vector::LinSpaced(64, -1.0f, 1.0f).array() * 3.0f).sin();
    const GradCam cam{.layer = Index{1}, .shape = {8, 8, 1}};
    // Layer 1 (the ReLU) by hand from the layer's own activations and gradients.
    const LayerGradients g = net.layer_gradients(x, Vector::Unit(3, 2), Index{1});
    REQUIRE(g.shape == ImageShape{8, 8, 4});
    Vector expected = Vector::Zero(64);
    for (Index c = 0; c < 4; ++c) {
        double mean = 0;
        for (Index p = 0; p < 64; ++p) mean += g.gradients(p * 4 + c, 0) / 64.0;
        for (Index p = 0; p < 64; ++p) expected[p] += static_cast<float>(mean) * g.activations(p * 4 + c, 0);
    }
    expected = expected.cwiseMax(0.0f);
    const LayerMaps low = cam.layer_maps(net, x, Vector::Unit(3, 2));
    CHECK((low.maps.col(0) - expected).cwiseAbs().maxCoeff() <= 1e-6f * expected.cwiseAbs().maxCoeff());
    CHECK(g.activations.minCoeff() >= 0.0f);  // a ReLU's output, though the network fuses it with the pooling

    const Vector map = cam(net, x, 2);
    const Vector guided = GuidedGradCam{.grad_cam = cam}(net, x, 2);
    CHECK(guided == GuidedBackprop{}(net, x, 2).cwiseProduct(map));
    const SmoothGrad<GradCam> smooth{.method = cam, .samples = 4, .noise_stddev = 0.1};
    const Vector smoothed = smooth(net, x, 2);
    CHECK(smoothed.allFinite());
    CHECK(smoothed.maxCoeff() <= 1.0f);
    const SmoothGrad<GuidedGradCam> smooth_guided{.method = {.grad_cam = cam}, .samples = 3};
    CHECK(smooth_guided(net, x, 2).allFinite());
}

TEST_CASE("Grad-CAM refuses a missing layer or shape and names a wrong layer", "[methods][grad_cam][errors]") {
    const nn::Sequential net = nn::parse_spec("input 4x4x1; conv 3x3x2 same; relu; flatten; dense 2", 8);
    const Vector x = Vector::Ones(16);
    CHECK_THROWS_WITH((GradCam{.shape = {4, 4, 1}}(net, x, 0)),
                      "grad_cam: layer must be set (the paper takes the last convolutional layer)");
    CHECK_THROWS_WITH((GradCam{.layer = Index{1}}(net, x, 0)),
                      "grad_cam: shape must be set to the input's height x width x channels (16 values), got 0x0x1");
    CHECK_THROWS_WITH((GradCam{.layer = Index{7}, .shape = {4, 4, 1}}(net, x, 0)),
                      Catch::Matchers::StartsWith("Sequential: layer index must be in [0, 4), got 7; layers: 0 (conv"));
    CHECK_THROWS_AS((GradCam{.layer = std::string("conv9"), .shape = {4, 4, 1}}(net, x, 0)), argument_error);
}
