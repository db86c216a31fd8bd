// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/segmentation.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "../support/skip.hpp"
#include "smoothgrad/io/npy.hpp"
#include "smoothgrad/methods/xrai.hpp"

using namespace smoothgrad;

namespace {
/// A one-channel height x width image from f(y, x).
template <class F>
ImageD image_of(Index height, Index width, F f) {
    ImageD image{{height, width, 1}, std::vector<double>(static_cast<std::size_t>(height * width))};
    for (Index y = 0; y < height; ++y)
        for (Index x = 0; x < width; ++x) image.at(y, x, 0) = f(y, x);
    return image;
}
}  // namespace

TEST_CASE("Felzenszwalb: two flat halves are two segments, labelled in order of their first pixel",
          "[methods][segmentation]") {
    const ImageD halves = image_of(10, 10, [](Index, Index x) { return x < 4 ? 0.0 : 1.0; });
    const std::vector<Index> labels = felzenszwalb(halves, {.scale = 50, .sigma = 0.0, .min_size = 0});
    for (Index y = 0; y < 10; ++y)
        for (Index x = 0; x < 10; ++x) CHECK(labels[static_cast<std::size_t>(y * 10 + x)] == (x < 4 ? 0 : 1));
    // A step of 1 joins once the scale lets it: the right half (60 pixels) tolerates 1 when scale / 255 / 60 > 1.
    const std::vector<Index> one = felzenszwalb(halves, {.scale = 255.0 * 61, .sigma = 0.0, .min_size = 0});
    CHECK(std::set<Index>(one.begin(), one.end()).size() == 1);
}

TEST_CASE("Felzenszwalb: segments under min_size are merged into a neighbour", "[methods][segmentation]") {
    const ImageD blob = image_of(10, 10, [](Index y, Index x) { return y >= 3 && y < 5 && x >= 6 && x < 8 ? 1.0 : 0.0; });
    const std::vector<Index> kept = felzenszwalb(blob, {.scale = 10, .sigma = 0.0, .min_size = 4});
    CHECK(std::set<Index>(kept.begin(), kept.end()).size() == 2);  // the 2 x 2 blob has 4 pixels: not under 4
    const std::vector<Index> merged = felzenszwalb(blob, {.scale = 10, .sigma = 0.0, .min_size = 5});
    CHECK(std::set<Index>(merged.begin(), merged.end()).size() == 1);
}

TEST_CASE("Felzenszwalb: colour images use the Euclidean distance, and bad parameters are refused",
          "[methods][segmentation][errors]") {
    // Two halves that differ by (0.6, 0.8): distance 1, the same as a gray step of 1.
    ImageD colour{{6, 6, 2}, std::vector<double>(72)};
    for (Index y = 0; y < 6; ++y)
        for (Index x = 0; x < 6; ++x) {
            colour.at(y, x, 0) = x < 3 ? 0.0 : 0.6;
            colour.at(y, x, 1) = x < 3 ? 0.0 : 0.8;
        }
    // Each half (18 pixels) tolerates a step of 1 only when scale / 255 / 18 > 1.
    const std::vector<Index> two = felzenszwalb(colour, {.scale = 255.0 * 17, .sigma = 0.0, .min_size = 0});
    CHECK(std::set<Index>(two.begin(), two.end()).size() == 2);
    const std::vector<Index> one = felzenszwalb(colour, {.scale = 255.0 * 19, .sigma = 0.0, .min_size = 0});
    CHECK(std::set<Index>(one.begin(), one.end()).size() == 1);
    CHECK_THROWS_WITH(felzenszwalb(colour, {.scale = 0.0}), "felzenszwalb: scale must be finite and > 0, got 0");
    CHECK_THROWS_AS(felzenszwalb(colour, {.sigma = -1.0}), argument_error);
    CHECK_THROWS_AS(felzenszwalb(ImageD{{2, 2, 1}, {1.0}}), shape_error);
}

TEST_CASE("SciPy's Gaussian kernel and reflected edges", "[methods][segmentation]") {
    const std::vector<double> kernel = detail::gaussian_kernel(0.8);
    REQUIRE(kernel.size() == 7);  // radius int(4 * 0.8 + 0.5) = 3
    double sum = 0.0;
    for (const double v : kernel) sum += v;
    CHECK(sum == Approx(1.0).epsilon(1e-15));
    CHECK(kernel[3] / kernel[2] == Approx(std::exp(0.5 / 0.64)).epsilon(1e-12));
    CHECK(detail::boundary_index(-1, 5, true) == 0);  // d c b a | a b c d
    CHECK(detail::boundary_index(-2, 5, true) == 1);
    CHECK(detail::boundary_index(5, 5, true) == 4);
    CHECK(detail::boundary_index(-1, 5, false) == -1);
    // A constant image stays constant under reflected edges.
    const ImageD flat = image_of(5, 6, [](Index, Index) { return 0.25; });
    for (const double v : detail::gaussian_filter(flat, 0.8, 0.8, true).values) CHECK(v == Approx(0.25).epsilon(1e-14));
}

TEST_CASE("resizing as scikit-image: the cubic spline keeps the samples and lines, nearest picks the centre",
          "[methods][segmentation]") {
    const ImageD ramp = image_of(8, 9, [](Index y, Index x) { return 0.1 * static_cast<double>(y) - 0.05 * static_cast<double>(x); });
    // The same size: the spline through the samples gives them back (to the mirrored prefilter's 1e-7 at the ends).
    const ImageD same = detail::resize_image_like_skimage(ramp, 8, 9, 3, true);
    for (std::size_t i = 0; i < ramp.values.size(); ++i) CHECK(same.values[i] == Approx(ramp.values[i]).margin(1e-6));
    // Enlarged twice: a cubic spline reproduces a linear function away from the zeros outside the image (their
    // influence decays like 0.268^distance).
    const ImageD wide = image_of(32, 32, [](Index y, Index x) { return 0.01 * static_cast<double>(y) - 0.005 * static_cast<double>(x); });
    const ImageD large = detail::resize_image_like_skimage(wide, 64, 64, 3, true);
    for (Index y = 24; y < 40; ++y)
        for (Index x = 24; x < 40; ++x) {
            const double sy = (static_cast<double>(y) + 0.5) / 2.0 - 0.5, sx = (static_cast<double>(x) + 0.5) / 2.0 - 0.5;
            CHECK(large.at(y, x, 0) == Approx(0.01 * sy - 0.005 * sx).margin(1e-6));
        }
    // Nearest neighbour from 32 to 4: output pixel o reads input (o + 0.5) * 8 - 0.5 rounded, 8 o + 4.
    const ImageD labels = image_of(32, 32, [](Index y, Index x) { return static_cast<double>(y * 32 + x); });
    const ImageD small = detail::resize_image_like_skimage(labels, 4, 4, 0, false);
    for (Index y = 0; y < 4; ++y)
        for (Index x = 0; x < 4; ++x) CHECK(small.at(y, x, 0) == static_cast<double>((8 * y + 4) * 32 + 8 * x + 4));
}

#ifdef SMOOTHGRAD_SEGMENTATION_FIXTURES_DIR
TEST_CASE("the resize, the segments and XRAI's regions are scikit-image's", "[methods][segmentation][scikit-image]") {
    // tests/methods/make_segmentation_fixtures.py computed them with scikit-image 0.19 at build time.
    const std::filesystem::path dir = SMOOTHGRAD_SEGMENTATION_FIXTURES_DIR;
    const double scales[] = {50, 100, 150, 250, 500, 1200};
    for (const char* name : {"gray_28", "colour_40x30", "colour_300x260"}) {
        SECTION(name) {
            const NpyArray image = read_npy(dir / (std::string(name) + "_image.npy"));
            const ImageShape shape{static_cast<Index>(image.shape[0]), static_cast<Index>(image.shape[1]),
                                   static_cast<Index>(image.shape[2])};
            const double low = image.data.minCoeff(), high = image.data.maxCoeff();
            ImageD scaled{shape, std::vector<double>(static_cast<std::size_t>(shape.size()))};
            for (Index i = 0; i < shape.size(); ++i)
                scaled.values[static_cast<std::size_t>(i)] = (static_cast<double>(image.data[i]) - low) / (high - low) * 2.0 - 1.0;
            const ImageD resized = detail::resize_image_like_skimage(scaled, 224, 224, 3, true);
            const NpyArray expected_resized = read_npy(dir / (std::string(name) + "_resized.npy"));
            double worst = 0.0;
            for (std::size_t i = 0; i < resized.values.size(); ++i)
                worst = std::max(worst, std::abs(resized.values[i] - static_cast<double>(expected_resized.data[static_cast<Index>(i)])));
            CHECK(worst < 1e-6);  // the fixture holds float32
            const NpyArray labels = read_npy(dir / (std::string(name) + "_labels.npy"));
            for (std::size_t k = 0; k < 6; ++k) {
                INFO("scale " << scales[k]);
                const std::vector<Index> ours = felzenszwalb(resized, {.scale = scales[k], .sigma = 0.8, .min_size = 150});
                std::size_t differ = 0;
                for (std::size_t p = 0; p < ours.size(); ++p)
                    differ += static_cast<float>(ours[p]) != labels.data[static_cast<Index>(k * ours.size() + p)];
                CHECK(differ == 0);
            }
            const std::filesystem::path regions_file = dir / (std::string(name) + "_regions.npy");
            if (!std::filesystem::exists(regions_file)) return;
            const NpyArray regions = read_npy(regions_file);
            const std::vector<std::vector<bool>> ours = xrai_regions(image.data, shape);
            REQUIRE(ours.size() == regions.shape[0]);
            const auto pixels = static_cast<std::size_t>(shape.height * shape.width);
            std::size_t differ = 0;
            for (std::size_t k = 0; k < ours.size(); ++k)
                for (std::size_t p = 0; p < pixels; ++p)
                    differ += ours[k][p] != (regions.data[static_cast<Index>(k * pixels + p)] != 0.0f);
            CHECK(differ == 0);
        }
    }
}
#else
TEST_CASE("the resize, the segments and XRAI's regions are scikit-image's", "[methods][segmentation][scikit-image]") {
    test_support::skip_unless_required("scikit-image (python3-skimage) was not found when this was configured",
                                       "SMOOTHGRAD_REQUIRE_SCIKIT_IMAGE");
}
#endif
