// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/io/resize.hpp"

#include <catch2/catch.hpp>

using namespace smoothgrad;
using Catch::Matchers::Contains;

namespace {
/// An image whose value at (y, x, c) is a * y + b * x + c.
Image ramp(Index height, Index width, Index channels, float a, float b) {
    Image image{Vector(height * width * channels), {height, width, channels}};
    for (Index y = 0; y < height; ++y)
        for (Index x = 0; x < width; ++x)
            for (Index c = 0; c < channels; ++c) image.pixels[image.shape.offset(y, x, c)] = a * y + b * x + c;
    return image;
}
}  // namespace

TEST_CASE("resizing keeps a constant image constant for every pair of sizes", "[io][resize]") {
    // Debian's stb_image_resize fails an assertion with its triangle filter for many of these factors.
    for (Index from = 1; from <= 40; ++from) {
        for (Index to = 1; to <= 40; to += 3) {
            const Image image{Vector::Constant(from * (from + 3) * 3, 0.25f), {from, from + 3, 3}};
            const Image resized = resize_image(image, to, to + 1);
            INFO(from << " -> " << to);
            REQUIRE(resized.shape == ImageShape{to, to + 1, 3});
            CHECK((resized.pixels.array() - 0.25f).abs().maxCoeff() < 1e-5f);
        }
    }
}

TEST_CASE("resizing to the same size returns the image, and a ramp stays a ramp", "[io][resize]") {
    const Image image = ramp(6, 9, 2, 1.0f, 0.5f);
    CHECK((resize_image(image, 6, 9).pixels - image.pixels).cwiseAbs().maxCoeff() < 1e-5f);
    // Doubling the width: pixel centres x' = (x + 0.5) / 2 - 0.5, and a cubic filter reproduces a linear
    // function exactly away from the clamped edges.
    const Image wide = resize_image(image, 6, 18);
    for (Index x = 4; x < 14; ++x) {
        const float expected = 1.0f * 3 + 0.5f * ((static_cast<float>(x) + 0.5f) / 2.0f - 0.5f) + 1.0f;
        CHECK(wide.pixels[wide.shape.offset(3, x, 1)] == Approx(expected).margin(1e-4));
    }
}

TEST_CASE("the centre crop rounds its offsets as torchvision does", "[io][resize]") {
    const Image image = ramp(5, 8, 1, 10.0f, 1.0f);
    // (5 - 2) / 2 = 1.5 rounds to 2, (8 - 3) / 2 = 2.5 rounds to 2 (halves to even, Python's round).
    const Image crop = center_crop(image, 2, 3);
    REQUIRE(crop.shape == ImageShape{2, 3, 1});
    CHECK(crop.pixels[0] == 22.0f);
    CHECK(crop.pixels[5] == 34.0f);
    CHECK(center_crop(image, 5, 8).pixels == image.pixels);
}

TEST_CASE("resize and centre crop covers the target with one factor, as Resize + CenterCrop", "[io][resize]") {
    // 90x120 -> shorter side 64: 64x85, then the centre 64x64 from column round(10.5) = 10.
    const Image photo = ramp(90, 120, 3, 0.0f, 1.0f);
    const Image input = resize_and_center_crop(photo, 64, 64);
    REQUIRE(input.shape == ImageShape{64, 64, 3});
    const Image expected = center_crop(resize_image(photo, 64, 85), 64, 64);
    CHECK(input.pixels == expected.pixels);
    // A wide target on a tall image: the width decides the factor.
    CHECK(resize_and_center_crop(ramp(100, 50, 1, 1.0f, 0.0f), 10, 40).shape == ImageShape{10, 40, 1});
}

TEST_CASE("resizing refuses sizes it cannot make", "[io][resize][errors]") {
    const Image image = ramp(4, 4, 1, 1.0f, 1.0f);
    CHECK_THROWS_AS(resize_image(image, 0, 4), argument_error);
    CHECK_THROWS_WITH(resize_image(image, 0, 4), Contains("resize_image: the target size must be in [1, 65536]"));
    CHECK_THROWS_AS(center_crop(image, 5, 4), shape_error);
    CHECK_THROWS_WITH(center_crop(image, 5, 4), Contains("cannot cut 5x4 out of a 4x4x1 image"));
    CHECK_THROWS_AS(resize_image(Image{Vector(3), {2, 2, 1}}, 2, 2), shape_error);
    CHECK_THROWS_AS(resize_and_center_crop(Image{Vector(), {0, 0, 1}}, 2, 2), shape_error);
}
