// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Checks what smoothgrad-explain wrote against the library: for each method and aggregation, the .npy that
// the command line tests wrote (Fashion-MNIST test image 5, class 3, n = 4, 8 steps, seed 0) must equal,
// bit for bit, the map that the library computes with the same settings; so must blur IG's (6 steps to
// sigma 3, square-root spacing, n = 4), occlusion's (5x5 window, stride 2, drops averaged, no SmoothGrad:
// the command line's default for occlusion), guided IG's (10 steps, fraction 0.1, max_dist 0.05, n = 3) and
// expected gradients' (30 draws from training images 0-9 and 20, draw noise 0.1, no SmoothGrad: the default),
// Grad-CAM's and Guided Grad-CAM's (written from the same weights in a file with named layers), and XRAI's
// (10 steps, no SmoothGrad: the default).
//
//     cli_library_maps MODEL.safetensors MAPS_DIR
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "smoothgrad/io/idx.hpp"
#include "smoothgrad/io/npy.hpp"
#include "smoothgrad/nn/serialization.hpp"
#include "smoothgrad/smoothgrad.hpp"

namespace {
using namespace smoothgrad;

template <class Method>
Vector library_map(const Method& method, Aggregation aggregation, const nn::Sequential& net, const Vector& image) {
    // smoothgrad-explain's defaults: batch size 50, seed 0, the first input keyed as input 0.
    return SmoothGrad<Method>{.method = method, .samples = 4, .aggregation = aggregation, .batch_size = 50}(net, image, 3);
}

Vector library_map(const std::string& method, Aggregation aggregation, const nn::Sequential& net, const Vector& image) {
    if (method == "vanilla") return library_map(VanillaGradient{}, aggregation, net, image);
    if (method == "gradient-x-input") return library_map(GradientTimesInput{}, aggregation, net, image);
    if (method == "guided-backprop") return library_map(GuidedBackprop{}, aggregation, net, image);
    if (method == "deconvnet") return library_map(Deconvnet{}, aggregation, net, image);
    return library_map(IntegratedGradients{.steps = 8, .batch_size = 50}, aggregation, net, image);
}
}  // namespace

int main(int argc, char** argv) try {
    if (argc != 3) {
        std::fprintf(stderr, "usage: cli_library_maps MODEL.safetensors MAPS_DIR\n");
        return 2;
    }
    const auto loaded = nn::load_network(argv[1]);
    // As the command line reads it: 8-bit values / 255 (it scales in double and rounds once).
    const Dataset test = load_fashion_mnist(default_fashion_mnist_dir(), Split::test, {.limit = 6, .scale = 1.0f});
    const Vector image = test.images.col(5) / 255.0f;
    const std::pair<const char*, Aggregation> aggregations[] = {
        {"mean", Aggregation::mean}, {"square", Aggregation::mean_of_squares}, {"variance", Aggregation::variance}};
    int equal = 0, different = 0;
    const auto check = [&](const std::filesystem::path& file, const Vector& expected,
                           std::vector<std::size_t> shape = {28, 28, 1}) {
        const NpyArray written = read_npy(file);
        const bool same = written.data.size() == expected.size() && written.data == expected && written.shape == shape;
        std::printf("%s: %s\n", file.filename().string().c_str(), same ? "equal" : "DIFFERENT");
        (same ? equal : different) += 1;
    };
    for (const std::string method : {"vanilla", "integrated-gradients", "guided-backprop", "deconvnet", "gradient-x-input"}) {
        for (const auto& [name, aggregation] : aggregations) {
            check(std::filesystem::path(argv[2]) / (method + "-" + name + ".npy"),
                  library_map(method, aggregation, loaded.network, image));
        }
    }
    const BlurIntegratedGradients blur_ig{.shape = {28, 28, 1}, .max_sigma = 3.0, .steps = 6, .sqrt_spacing = true};
    check(std::filesystem::path(argv[2]) / "blur-ig.npy",
          SmoothGrad<BlurIntegratedGradients>{.method = blur_ig, .samples = 4, .batch_size = 50}(loaded.network, image, 3));
    const Occlusion occlusion{.shape = {28, 28, 1}, .size = 5, .stride = 2, .combine = OcclusionCombine::mean};
    check(std::filesystem::path(argv[2]) / "occlusion.npy", occlusion(loaded.network, image, 3));
    const GuidedIntegratedGradients guided_ig{.steps = 10, .fraction = 0.1, .max_dist = 0.05};
    check(std::filesystem::path(argv[2]) / "guided-ig.npy",
          SmoothGrad<GuidedIntegratedGradients>{.method = guided_ig, .samples = 3, .batch_size = 50}(loaded.network, image, 3));
    // Training images 0-9 and 20, as the command line reads them.
    const Dataset train = load_fashion_mnist(default_fashion_mnist_dir(), Split::train, {.limit = 21, .scale = 1.0f});
    Matrix references(28 * 28, 11);
    references << train.images.leftCols(10), train.images.col(20);
    references /= 255.0f;
    const ExpectedGradients expected_gradients{.references = references, .samples = 30, .noise_stddev = 0.1};
    check(std::filesystem::path(argv[2]) / "expected-gradients.npy", expected_gradients(loaded.network, image, 3));
    // Grad-CAM at layer 4 (the second ReLU) at the layer's 14 x 14, at layer 3 ("conv2" in the named file)
    // resized to the input, and Guided Grad-CAM at layer 4 with SmoothGrad n = 2.
    const GradCam cam{.layer = Index{4}, .shape = {28, 28, 1}};
    check(std::filesystem::path(argv[2]) / "grad-cam-4.npy", cam.layer_maps(loaded.network, image, Vector::Unit(10, 3)).maps.col(0),
          {14, 14, 1});
    check(std::filesystem::path(argv[2]) / "grad-cam-conv2--upsample.npy",
          GradCam{.layer = Index{3}, .shape = {28, 28, 1}}(loaded.network, image, 3));
    check(std::filesystem::path(argv[2]) / "guided-grad-cam-4.npy",
          SmoothGrad<GuidedGradCam>{.method = {.grad_cam = cam}, .samples = 2, .batch_size = 50}(loaded.network, image, 3));
    check(std::filesystem::path(argv[2]) / "xrai.npy", Xrai{.shape = {28, 28, 1}, .steps = 10}(loaded.network, image, 3));
    std::printf("%d maps equal, %d different\n", equal, different);
    return different == 0 ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "cli_library_maps: %s\n", e.what());
    return 1;
}
