// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/io/image.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "../support/files.hpp"

using namespace smoothgrad;

namespace {
using test_support::read_bytes;
using test_support::require_error;
using test_support::write_bytes;

const std::filesystem::path data_dir = std::filesystem::path(SMOOTHGRAD_TEST_DATA_DIR) / "images";

/// The 8-bit value of pixel (y, x), channel c.
int byte_at(const Image& image, Index y, Index x, Index c) {
    return static_cast<int>(std::lround(image.pixels[image.shape.offset(y, x, c)] * 255.0f));
}

}  // namespace

TEST_CASE("load_image reads PNGs made by an independent encoder", "[io][image]") {
    // scripts/make_test_images.py: pixel (y, x) = (10 * (3y + x), 100 + y, 255 - x).
    const Image rgb = load_image(data_dir / "rgb_3x2.png");
    REQUIRE(rgb.shape == ImageShape{2, 3, 3});
    for (Index y = 0; y < 2; ++y)
        for (Index x = 0; x < 3; ++x) {
            CHECK(byte_at(rgb, y, x, 0) == 10 * (3 * y + x));
            CHECK(byte_at(rgb, y, x, 1) == 100 + y);
            CHECK(byte_at(rgb, y, x, 2) == 255 - x);
        }
    CHECK(rgb.pixels.maxCoeff() <= 1.0f);

    const Image gray = load_image(data_dir / "gray_2x2.png");
    REQUIRE(gray.shape == ImageShape{2, 2, 1});
    CHECK(gray.pixels[0] == 0.0f);
    CHECK(gray.pixels[1] == Approx(64.0 / 255));
    CHECK(gray.pixels[2] == Approx(128.0 / 255));
    CHECK(gray.pixels[3] == 1.0f);

    const Image rgba = load_image(data_dir / "rgba_2x1.png");
    REQUIRE(rgba.shape == ImageShape{1, 2, 4});
    CHECK(byte_at(rgba, 0, 1, 2) == 255);
    CHECK(byte_at(rgba, 0, 1, 3) == 51);

    // 16-bit samples are reduced to their high byte.
    const Image deep = load_image(data_dir / "gray16_2x1.png", {.scale = 1.0f});
    REQUIRE(deep.shape == ImageShape{1, 2, 1});
    CHECK(deep.pixels[0] == 0x12);
    CHECK(deep.pixels[1] == 0xFF);
}

TEST_CASE("load_image converts channels and scales", "[io][image]") {
    const Image gray_as_rgb = load_image(data_dir / "gray_2x2.png", {.channels = 3, .scale = 1.0f});
    REQUIRE(gray_as_rgb.shape == ImageShape{2, 2, 3});
    for (Index c = 0; c < 3; ++c) CHECK(gray_as_rgb.pixels[gray_as_rgb.shape.offset(1, 0, c)] == 128.0f);

    const Image with_alpha = load_image(data_dir / "gray_2x2.png", {.channels = 4, .scale = 1.0f});
    REQUIRE(with_alpha.shape == ImageShape{2, 2, 4});
    CHECK(with_alpha.pixels[with_alpha.shape.offset(0, 1, 0)] == 64.0f);
    CHECK(with_alpha.pixels[with_alpha.shape.offset(0, 1, 3)] == 255.0f);  // opaque

    const Image rgba_as_rgb = load_image(data_dir / "rgba_2x1.png", {.channels = 3, .scale = 1.0f});
    REQUIRE(rgba_as_rgb.shape == ImageShape{1, 2, 3});
    CHECK(rgba_as_rgb.pixels == Vector((Eigen::VectorXf(6) << 255, 0, 0, 0, 0, 255).finished()));

    // RGB to gray is a luma: close to 0.299 R + 0.587 G + 0.114 B for pixel (1, 2) = (50, 101, 253).
    const Image rgb_as_gray = load_image(data_dir / "rgb_3x2.png", {.channels = 1, .scale = 1.0f});
    REQUIRE(rgb_as_gray.shape == ImageShape{2, 3, 1});
    CHECK(rgb_as_gray.pixels[rgb_as_gray.shape.offset(1, 2)] == Approx(0.299 * 50 + 0.587 * 101 + 0.114 * 253).margin(2));
}

TEST_CASE("load_image reads a PGM written by hand", "[io][image]") {
    // Binary PGM: "P5", width 3, height 1, maxval 255, then the bytes 7, 128, 250.
    const test_support::TempDir dir("image-test-pgm");
    write_bytes(dir / "tiny.pgm", std::string("P5\n3 1\n255\n") + std::string("\x07\x80\xfa", 3));
    const Image image = load_image(dir / "tiny.pgm", {.scale = 1.0f});
    REQUIRE(image.shape == ImageShape{1, 3, 1});
    CHECK(image.pixels == Vector(Eigen::Vector3f(7, 128, 250)));
}

TEST_CASE("write_png then load_image gives the values back after 8-bit quantization", "[io][image]") {
    const test_support::TempDir dir("image-test-round-trip");
    for (const Index channels : {1, 2, 3, 4}) {
        const ImageShape shape{5, 7, channels};
        Image image{Vector(shape.size()), shape};
        for (Index i = 0; i < shape.size(); ++i) image.pixels[i] = static_cast<float>((i * 37) % 101) / 100.0f;
        auto path = dir / std::to_string(channels);
        path += ".png";
        write_png(path, image);
        const Image back = load_image(path);
        REQUIRE(back.shape == shape);
        for (Index i = 0; i < shape.size(); ++i)
            CHECK(back.pixels[i] == Approx(std::round(image.pixels[i] * 255.0f) / 255.0f).margin(1e-6));
    }
}

TEST_CASE("write_png rounds, clamps and scales", "[io][image]") {
    const test_support::TempDir dir("image-test-clamp");
    // 0.5 * 255 = 127.5 rounds to 128; 1.2 and -0.3 clamp; 10 with scale 25.5 is 255.
    const Image image{(Eigen::VectorXf(4) << 0.5f, 1.2f, -0.3f, 0.2f).finished(), {2, 2, 1}};
    write_png(dir / "a.png", image);
    const Image back = load_image(dir / "a.png", {.scale = 1.0f});
    CHECK(back.pixels == Vector((Eigen::VectorXf(4) << 128, 255, 0, 51).finished()));

    write_png(dir / "b.png", Image{Vector::Constant(1, 10.0f), {1, 1, 1}}, {.scale = 25.5f});
    CHECK(load_image(dir / "b.png", {.scale = 1.0f}).pixels[0] == 255.0f);

    // The file is a real PNG: its signature and its IHDR's width and height.
    const std::string bytes = read_bytes(dir / "a.png");
    REQUIRE(bytes.size() > 24);
    CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(bytes.substr(12, 4) == "IHDR");
    CHECK(bytes.substr(16, 8) == std::string("\0\0\0\2\0\0\0\2", 8));
}

TEST_CASE("load_image reports missing, undecodable and truncated files", "[io][image][errors]") {
    const test_support::TempDir dir("image-test-errors");
    CHECK_THROWS_AS(load_image(dir / "missing.png"), io_error);
    CHECK_THROWS_WITH(load_image(dir / "missing.png"), Catch::Contains("missing.png") && Catch::Contains("load_image"));

    write_bytes(dir / "text.png", "this is not an image");
    CHECK_THROWS_AS(load_image(dir / "text.png"), format_error);
    CHECK_THROWS_WITH(load_image(dir / "text.png"), Catch::Contains("text.png"));

    write_bytes(dir / "empty.png", "");
    CHECK_THROWS_AS(load_image(dir / "empty.png"), format_error);

    // A real PNG cut after its header: the size is known, the pixels are not there.
    const std::string whole = read_bytes(data_dir / "rgb_3x2.png");
    write_bytes(dir / "truncated.png", whole.substr(0, 40));
    CHECK_THROWS_AS(load_image(dir / "truncated.png"), format_error);

    CHECK_THROWS_AS(load_image(data_dir / "gray_2x2.png", {.channels = 5}), argument_error);
    CHECK_THROWS_AS(load_image(data_dir / "gray_2x2.png", {.channels = -1}), argument_error);
    CHECK_THROWS_AS(load_image(data_dir / "gray_2x2.png", {.scale = std::numeric_limits<float>::infinity()}),
                    argument_error);
}

TEST_CASE("load_image refuses the PNM files that stb_image 2.27 decodes wrongly", "[io][image][errors]") {
    const test_support::TempDir dir("image-test-pnm");
    // Comments and any whitespace between the numbers, one delimiter after the maximum value.
    write_bytes(dir / "comments.pgm", std::string("P5 # a comment\n2\t1 #\n255\n") + std::string("\x10\x20", 2));
    CHECK(load_image(dir / "comments.pgm", {.scale = 1.0f}).pixels == Vector(Eigen::Vector2f(16, 32)));
    // Fewer pixel bytes than the header promises: stb would fill the rest with uninitialised memory.
    write_bytes(dir / "short.ppm", "P6\n2 2\n255\n" + std::string(11, '\x7f'));
    CHECK_THROWS_AS(load_image(dir / "short.ppm"), format_error);
    CHECK_THROWS_WITH(load_image(dir / "short.ppm"),
                      Catch::Contains("is a truncated PNM: 11 bytes of pixels, its header needs 12"));
    // 16 bits per value: stb converts them through a buffer of the 8-bit size and reads past its end. The
    // image fuzzer's input: a 26 x 255 PPM with maximum value 2255 and no pixels, read as gray.
    write_bytes(dir / "fuzzer.ppm", "P626\n255 2255 ");
    CHECK_THROWS_AS(load_image(dir / "fuzzer.ppm", {.channels = 1}), format_error);
    CHECK_THROWS_WITH(load_image(dir / "fuzzer.ppm", {.channels = 1}),
                      Catch::Contains("is a 16-bit PNM (maximum value 2255), which is not supported"));
    write_bytes(dir / "deep.pgm", "P5\n1 1\n65535\n" + std::string(2, '\xff'));
    CHECK_THROWS_WITH(load_image(dir / "deep.pgm"), Catch::Contains("16-bit PNM"));
}

TEST_CASE("load_image refuses images over the size limit before decoding them", "[io][image][errors]") {
    const test_support::TempDir dir("image-test-limit");
    // A PGM header that claims 20000 x 20000 pixels, with no pixels behind it: refused from the header.
    write_bytes(dir / "wide.pgm", "P5\n20000 20000\n255\n");
    CHECK_THROWS_AS(load_image(dir / "wide.pgm"), format_error);
    CHECK_THROWS_WITH(load_image(dir / "wide.pgm"), Catch::Contains("20000x20000") && Catch::Contains("16384"));

    // Sides within the limit but too many values in all: 16384 x 16384 x 3 > 2^28.
    write_bytes(dir / "big.pgm", "P6\n16384 16384\n255\n");
    CHECK_THROWS_WITH(load_image(dir / "big.pgm"), Catch::Contains("more than"));

    // A lower limit of the caller's: 100 x 100 x 1 passes 10 000 values and fails 9 999.
    write_bytes(dir / "small.pgm", "P5\n100 100\n255\n" + std::string(10000, '\x7f'));
    CHECK(load_image(dir / "small.pgm", {.max_values = 10000}).pixels.size() == 10000);
    CHECK_THROWS_WITH(load_image(dir / "small.pgm", {.max_values = 9999}),
                      Catch::Contains("100x100x1") && Catch::Contains("more than 9999 values"));
    CHECK_THROWS_AS(load_image(dir / "small.pgm", {.max_values = 0}), argument_error);
    CHECK_THROWS_AS(load_image(dir / "small.pgm", {.max_values = max_image_values + 1}), argument_error);

    // The same in a PNG: the signature and an IHDR chunk claiming 30000 x 10 RGB (stb skips the CRC).
    std::string png("\x89PNG\r\n\x1a\n", 8);
    png += std::string("\0\0\0\x0d", 4) + "IHDR" + std::string("\0\0\x75\x30\0\0\0\x0a\x08\x02\0\0\0", 13) +
           std::string(4, '\0');
    write_bytes(dir / "wide.png", png);
    CHECK_THROWS_WITH(load_image(dir / "wide.png"), Catch::Contains("30000x10"));
}

TEST_CASE("write_png rejects NaN, bad shapes and unwritable paths", "[io][image][errors]") {
    const test_support::TempDir dir("image-test-write-errors");
    Image image{Vector::Constant(4, 0.5f), {2, 2, 1}};
    CHECK_THROWS_AS(write_png(dir / "bad.png", Image{Vector::Zero(5), {2, 2, 1}}), shape_error);
    CHECK_THROWS_AS(write_png(dir / "bad.png", Image{Vector::Zero(20), {2, 2, 5}}), shape_error);
    CHECK_THROWS_AS(write_png(dir / "a.png", image, {.scale = std::numeric_limits<float>::quiet_NaN()}),
                    argument_error);
    CHECK_THROWS_AS(write_png(dir / "no-such-folder" / "a.png", image), io_error);
    CHECK_THROWS_WITH(write_png(dir / "no-such-folder" / "a.png", image), Catch::Contains("no-such-folder"));
    image.pixels[2] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(write_png(dir / "nan.png", image), numeric_error);
    CHECK_FALSE(std::filesystem::exists(dir / "nan.png"));
}
