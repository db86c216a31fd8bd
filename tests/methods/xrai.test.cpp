// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/methods/xrai.hpp"

#include <catch2/catch.hpp>

#include "../support/toy_models.hpp"

using namespace smoothgrad;

namespace {
/// A 4 x 4 mask from the pixels where pick(y, x) holds.
template <class F>
std::vector<bool> mask_of(F pick) {
    std::vector<bool> mask(16);
    for (Index y = 0; y < 4; ++y)
        for (Index x = 0; x < 4; ++x) mask[static_cast<std::size_t>(y * 4 + x)] = pick(y, x);
    return mask;
}
}  // namespace

TEST_CASE("XRAI's greedy ranking worked out by hand", "[methods][xrai]") {
    // Attribution 1 on the left half, 3 top right, 0 bottom right. Regions: A = left half, B = top-right
    // quadrant, C = everything. B's density 3 beats C's 20/16 and A's 1; then A (1) beats C's new pixels
    // (8/12); then C adds the bottom right at 0.
    Vector attribution(16);
    for (Index y = 0; y < 4; ++y)
        for (Index x = 0; x < 4; ++x) attribution[y * 4 + x] = x < 2 ? 1.0f : (y < 2 ? 3.0f : 0.0f);
    const std::vector<std::vector<bool>> regions = {mask_of([](Index, Index x) { return x < 2; }),
                                                    mask_of([](Index y, Index x) { return y < 2 && x >= 2; }),
                                                    mask_of([](Index, Index) { return true; })};
    CHECK(xrai_ranking(attribution, regions, 1.0, 1) == attribution);
    // Regions adding fewer than 5 new pixels are dropped: B goes, C (20/16) beats A (1) and covers all.
    CHECK(xrai_ranking(attribution, regions, 1.0, 5) == Vector::Constant(16, 1.25f));
    // Stopping once a quarter is covered: B, then the rest gets its own mean, 8/12.
    const Vector early = xrai_ranking(attribution, regions, 0.2, 1);
    for (Index p = 0; p < 16; ++p) CHECK(early[p] == Approx(p % 4 >= 2 && p < 8 ? 3.0 : 8.0 / 12.0));
}

TEST_CASE("XRAI ranks the segments of a black-and-white integrated-gradients map", "[methods][xrai]") {
    // Two flat halves of an 8 x 8 two-channel image, segmented at the input's size without dilation: each
    // scale gives the two halves. A linear model's IG from a level baseline is w * (x - level) exactly, so the
    // map is the ranking of max over channels of the mean of the two IG maps, by region.
    const ImageShape shape{8, 8, 2};
    Vector x(shape.size());
    for (Index p = 0; p < 64; ++p) {
        x[2 * p] = p % 8 < 3 ? 0.1f : 0.9f;
        x[2 * p + 1] = p % 8 < 3 ? 0.2f : 0.7f;
    }
    const toy::LinearModel model{toy::fixed_matrix(3, shape.size(), 31)};
    const Xrai xrai{.shape = shape,
                    .steps = 3,
                    .min_pixel_diff = 1,
                    .segmentation = {.scales = {50, 100}, .sigma = 0.0, .min_size = 0, .resize_to = 0, .dilation_radius = 0}};
    const Vector map = xrai(model, x, 2);
    const Vector w = model.weights.row(2).transpose();
    const Vector ig = (w.cwiseProduct(x - Vector::Constant(shape.size(), x.minCoeff())) +
                       w.cwiseProduct(x - Vector::Constant(shape.size(), x.maxCoeff()))) / 2.0f;
    const Vector per_pixel = Eigen::Map<const Eigen::MatrixXf>(ig.data(), 2, 64).colwise().maxCoeff().transpose();
    const std::vector<std::vector<bool>> regions = xrai_regions(x, shape, xrai.segmentation);
    REQUIRE(regions.size() == 4);  // two halves per scale
    const Vector expected = xrai_ranking(per_pixel, regions, 1.0, 1);
    for (Index p = 0; p < 64; ++p) {
        CHECK(map[2 * p] == Approx(expected[p]).epsilon(1e-5));
        CHECK(map[2 * p + 1] == map[2 * p]);  // the same value in every channel
    }
    // Each half is flat: one value per half, the left's density and the right's.
    CHECK(map[0] == map[2 * 2]);
    CHECK(map[2 * 3] == map[2 * 7]);
}

TEST_CASE("XRAI's regions: dilation by a disk, resizing for the segmentation and back", "[methods][xrai]") {
    const ImageShape shape{20, 20, 1};
    Vector x(shape.size());
    for (Index y = 0; y < 20; ++y)
        for (Index xx = 0; xx < 20; ++xx) x[y * 20 + xx] = xx < 10 ? 0.0f : 1.0f;
    const std::vector<std::vector<bool>> plain =
        xrai_regions(x, shape, {.scales = {50}, .sigma = 0.0, .min_size = 0, .resize_to = 0, .dilation_radius = 0});
    REQUIRE(plain.size() == 2);
    CHECK(plain[0][19 * 20 + 9]);
    CHECK(!plain[0][19 * 20 + 10]);
    const std::vector<std::vector<bool>> dilated =
        xrai_regions(x, shape, {.scales = {50}, .sigma = 0.0, .min_size = 0, .resize_to = 0, .dilation_radius = 2});
    CHECK(dilated[0][5 * 20 + 11]);   // two columns into the right half
    CHECK(!dilated[0][5 * 20 + 12]);  // three are past the disk
    // PAIR's defaults: segmented at 224 x 224 and brought back by nearest neighbour; undilated, each of the six
    // scales partitions the image (tests/methods/segmentation.test.cpp compares the regions with scikit-image).
    const std::vector<std::vector<bool>> defaults = xrai_regions(x, shape, {.dilation_radius = 0});
    for (Index p = 0; p < 400; ++p) {
        int covering = 0;
        for (const auto& region : defaults) covering += region[static_cast<std::size_t>(p)] ? 1 : 0;
        CHECK(covering == 6);
    }
}

TEST_CASE("XRAI refuses what it cannot rank", "[methods][xrai][errors]") {
    const toy::LinearModel model{toy::fixed_matrix(2, 16, 32)};
    const Vector x = toy::fixed_matrix(16, 1, 33).col(0);
    CHECK_THROWS_WITH(Xrai{}(model, x, 0),
                      "xrai: shape must be set to the input's height x width x channels (16 values), got 0x0x1");
    CHECK_THROWS_WITH((Xrai{.shape = {4, 4, 1}, .steps = 0}(model, x, 0)), "xrai: steps must be >= 1, got 0");
    CHECK_THROWS_AS((Xrai{.shape = {4, 4, 1}, .area_threshold = -1.0}(model, x, 0)), argument_error);
    CHECK_THROWS_AS((Xrai{.shape = {4, 2, 1}}.rank(model, x, Vector::Unit(2, 0), {})), shape_error);
    CHECK_THROWS_WITH((Xrai{.shape = {4, 4, 1}}(model, Vector::Ones(16), 0)),
                      "xrai: input 0 is constant: it has no segments and no black-white path");
}
