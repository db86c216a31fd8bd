// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The table of bad inputs that the README's "Reliability" section summarizes: each is tried against the
// public API and must end in the documented exception type with a message naming the function, the
// parameter or file, and the offending value. Some overlap with the per-header tests on purpose: this
// file is the one place that shows them all. It also checks that long runs do not drift (VarGrad over
// 10 000 samples against a two-pass variance) and that maps do not depend on the batch size.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "../support/toy_models.hpp"
#include "smoothgrad/io/idx.hpp"
#include "smoothgrad/io/image.hpp"
#include "smoothgrad/io/npy.hpp"
#include "smoothgrad/io/safetensors.hpp"
#include "smoothgrad/core/function_model.hpp"
#include "smoothgrad/methods/integrated_gradients.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"
#include "smoothgrad/nn/serialization.hpp"
#include "smoothgrad/visualization/normalize.hpp"
#include "smoothgrad/visualization/reduce.hpp"

using namespace smoothgrad;
using Catch::Matchers::Message;

namespace {

/// Matches an exception whose message contains every one of `parts`.
class MessageContains : public Catch::MatcherBase<std::exception> {
public:
    explicit MessageContains(std::vector<std::string> parts) : parts_(std::move(parts)) {}
    bool match(const std::exception& e) const override {
        const std::string what = e.what();
        for (const std::string& part : parts_)
            if (what.find(part) == std::string::npos) return false;
        return true;
    }
    std::string describe() const override {
        std::string text = "message contains";
        for (const std::string& part : parts_) text += " \"" + part + "\"";
        return text;
    }

private:
    std::vector<std::string> parts_;
};

MessageContains says(std::vector<std::string> parts) { return MessageContains(std::move(parts)); }

const std::filesystem::path data_dir(SMOOTHGRAD_TEST_DATA_DIR);

std::filesystem::path scratch(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / "smoothgrad_reliability" / name;
    std::filesystem::create_directories(dir);
    return dir;
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `"path"`, as a path streams into a message.
std::string streamed(const std::filesystem::path& path) { return "\"" + path.string() + "\""; }

/// A safetensors file: the 8-byte little-endian length of `header`, `header`, then `buffer_size` zero bytes.
/// `claimed_length` replaces the true header length when set.
std::vector<std::byte> safetensors(const std::string& header, std::size_t buffer_size,
                                   std::uint64_t claimed_length = std::numeric_limits<std::uint64_t>::max()) {
    const std::uint64_t length = claimed_length == std::numeric_limits<std::uint64_t>::max() ? header.size() : claimed_length;
    std::vector<std::byte> bytes;
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::byte>((length >> (8 * i)) & 0xffu));
    for (const char c : header) bytes.push_back(static_cast<std::byte>(c));
    bytes.resize(bytes.size() + buffer_size, std::byte{0});
    return bytes;
}

SafetensorsFile read_memory(const std::vector<std::byte>& bytes) { return read_safetensors_from_memory(bytes, "t"); }

/// An IDX file of unsigned bytes: magic 0x000008DD, the big-endian sizes, then `data`.
std::string idx(const std::vector<std::uint32_t>& sizes, const std::string& data) {
    std::string bytes{'\0', '\0', '\x08', static_cast<char>(sizes.size())};
    for (const std::uint32_t size : sizes)
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((size >> shift) & 0xffu));
    return bytes + data;
}

/// `bytes` gzipped by zlib (an encoder independent of the reader's code path).
std::string gzip(const std::string& bytes) {
    z_stream stream{};
    REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&stream, bytes.size()) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

/// A .npy file: magic, version 1.0, the header's 16-bit length, the header, then `data`.
std::string npy(const std::string& header, const std::string& data = {}) {
    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes.push_back(static_cast<char>(header.size() & 0xffu));
    bytes.push_back(static_cast<char>((header.size() >> 8) & 0xffu));
    return bytes + header + data;
}

toy::ReluNetwork relu_network() {
    return {toy::fixed_matrix(12, 6, 5), toy::fixed_matrix(12, 1, 6), toy::fixed_matrix(3, 12, 7)};
}

}  // namespace

TEST_CASE("bad arguments to the methods are refused by type and message", "[reliability][errors][methods]") {
    const auto model = relu_network();  // 6 features, 3 classes
    const Vector x = toy::fixed_matrix(6, 1, 9);
    const double nan = std::numeric_limits<double>::quiet_NaN();

    SECTION("sizes that do not match the model") {
        CHECK_THROWS_MATCHES(VanillaGradient{}(model, Vector::Zero(5), 0), shape_error,
                             Message("vanilla_gradient: input has 5 values, the model expects 6"));
        CHECK_THROWS_MATCHES(SmoothGrad{}.attribute_batch(model, Matrix::Zero(7, 2), Target(0).weights(3)),
                             shape_error, Message("smooth_grad: input has 7 values, the model expects 6"));
        CHECK_THROWS_MATCHES(VanillaGradient{}(model, x, Target(Vector::Ones(2))), shape_error,
                             Message("vanilla_gradient: target weights need 3 entries (one per class), got 2"));
        CHECK_THROWS_MATCHES(IntegratedGradients{.baseline = Vector::Zero(5)}(model, x, 0), shape_error,
                             Message("integrated_gradients: baseline has 5 values, the input has 6"));
    }
    SECTION("a class index out of range") {
        CHECK_THROWS_MATCHES(VanillaGradient{}(model, x, 3), argument_error,
                             Message("vanilla_gradient: class index must be in [0, 3), got 3"));
        CHECK_THROWS_MATCHES(SmoothGrad{}(model, x, -1), argument_error,
                             Message("smooth_grad: class index must be in [0, 3), got -1"));
        CHECK_THROWS_MATCHES(Target::difference(0, 3, 3), argument_error,
                             Message("Target::difference: class b must be in [0, 3), got 3"));
    }
    SECTION("n = 0 noisy samples") {
        CHECK_THROWS_MATCHES(SmoothGrad{.samples = 0}(model, x, 0), argument_error,
                             Message("smooth_grad: samples must be >= 1, got 0"));
        CHECK_THROWS_MATCHES(SmoothGrad{.batch_size = 0}(model, x, 0), argument_error,
                             Message("smooth_grad: batch_size must be >= 1, got 0"));
    }
    SECTION("a negative thread count for the noise") {
        CHECK_THROWS_MATCHES(SmoothGrad{.threads = -1}(model, x, 0), argument_error,
                             Message("smooth_grad: threads must be >= 0, got -1"));
    }
    SECTION("negative or NaN noise") {
        CHECK_THROWS_MATCHES(SmoothGrad{.noise_level = -0.1}(model, x, 0), argument_error,
                             Message("smooth_grad: noise_level must be finite and >= 0, got -0.1"));
        CHECK_THROWS_MATCHES(SmoothGrad{.noise_level = nan}(model, x, 0), argument_error,
                             Message("smooth_grad: noise_level must be finite and >= 0, got nan"));
        CHECK_THROWS_MATCHES(SmoothGrad{.noise_stddev = -1.0}(model, x, 0), argument_error,
                             Message("smooth_grad: noise_stddev must be finite and >= 0, got -1"));
        CHECK_THROWS_MATCHES(SmoothGrad{.noise_stddev = std::numeric_limits<double>::infinity()}(model, x, 0),
                             argument_error, Message("smooth_grad: noise_stddev must be finite and >= 0, got inf"));
    }
    SECTION("steps = 0") {
        CHECK_THROWS_MATCHES(IntegratedGradients{.steps = 0}(model, x, 0), argument_error,
                             Message("path_quadrature: steps must be >= 1, got 0"));
        CHECK_THROWS_MATCHES((IntegratedGradients{.steps = 1, .rule = IntegrationRule::trapezoid}(model, x, 0)),
                             argument_error, Message("path_quadrature: the trapezoid rule needs steps >= 2, got 1"));
        CHECK_THROWS_MATCHES(IntegratedGradients{.batch_size = 0}(model, x, 0), argument_error,
                             Message("integrated_gradients: batch_size must be >= 1, got 0"));
    }
    SECTION("an empty image") {
        CHECK_THROWS_MATCHES(VanillaGradient{}(model, Vector(), 0), shape_error,
                             Message("vanilla_gradient: input is empty"));
        CHECK_THROWS_MATCHES(SmoothGrad{}(model, Vector(), 0), shape_error, Message("smooth_grad: input is empty"));
        CHECK_THROWS_MATCHES(reduce_channels(Vector(), ImageShape{0, 0, 1}), shape_error,
                             Message("reduce_channels: image shape must be positive, got 0x0x1"));
        CHECK_THROWS_MATCHES(normalize_unit(Vector()), shape_error, Message("normalize_unit: the map is empty"));
    }
    SECTION("NaN or Inf in the input") {
        Vector bad = x;
        bad[2] = std::numeric_limits<float>::quiet_NaN();
        CHECK_THROWS_MATCHES(VanillaGradient{}(model, bad, 0), numeric_error,
                             Message("vanilla_gradient: input contains NaN or Inf"));
        bad[2] = std::numeric_limits<float>::infinity();
        CHECK_THROWS_MATCHES(SmoothGrad{}(model, bad, 0), numeric_error,
                             Message("smooth_grad: input contains NaN or Inf"));
        CHECK_THROWS_MATCHES(IntegratedGradients{}(model, bad, 0), numeric_error,
                             Message("integrated_gradients: input contains NaN or Inf"));
        CHECK_THROWS_MATCHES(normalize_unit(bad), numeric_error, Message("normalize_unit: the map contains NaN or Inf"));
    }
    SECTION("a model that returns NaN gradients is reported, not averaged in") {
        const toy::NanGradientModel nan_model;
        CHECK_THROWS_MATCHES(VanillaGradient{}(nan_model, Vector::Ones(3), 0), numeric_error,
                             Message("vanilla_gradient: the model returned NaN or Inf gradients"));
        CHECK_THROWS_MATCHES(SmoothGrad{.samples = 4}(nan_model, Vector::Ones(3), 0), numeric_error,
                             Message("smooth_grad: column 0, noisy samples [0, 4): vanilla_gradient: the model "
                                     "returned NaN or Inf gradients"));
        CHECK_THROWS_MATCHES(IntegratedGradients{.steps = 4}(nan_model, Vector::Ones(3), 0), numeric_error,
                             Message("integrated_gradients: the model returned NaN or Inf gradients"));
        // NaN in a few noisy samples only: still reported, never diluted into the mean.
        const auto sometimes_nan = make_model(
            2, 1, [](const Matrix& in) { return Matrix::Zero(1, in.cols()); },
            [](const Matrix& in, const Vector&) {
                Matrix g = Matrix::Ones(in.rows(), in.cols());
                for (Index j = 0; j < in.cols(); ++j)
                    if (in(0, j) > 1.5f) g(1, j) = std::numeric_limits<float>::quiet_NaN();
                return g;
            });
        const SmoothGrad noisy{.samples = 200, .noise_stddev = 0.5};
        CHECK_THROWS_WITH(noisy(sometimes_nan, Vector::Ones(2), 0),
                          Catch::Matchers::StartsWith("smooth_grad: column 0, noisy samples [") &&
                              Catch::Matchers::EndsWith("): vanilla_gradient: the model returned NaN or Inf gradients"));
        CHECK_THROWS_AS(noisy(sometimes_nan, Vector::Ones(2), 0), numeric_error);
        // A model whose gradients have the wrong shape.
        const auto wrong_shape = make_model(
            2, 1, [](const Matrix& in) { return Matrix::Zero(1, in.cols()); },
            [](const Matrix& in, const Vector&) { return Matrix::Zero(3, in.cols()); });
        CHECK_THROWS_MATCHES(VanillaGradient{}(wrong_shape, Vector::Ones(2), 0), shape_error,
                             Message("FunctionModel: the gradients callable returned 3x1, expected 2x1"));
    }
}

TEST_CASE("bad arguments to the visualization are refused, and a constant map gives zeros", "[reliability][errors][visualization]") {
    const Vector map = toy::fixed_matrix(10, 1, 3);
    SECTION("a percentile outside [0, 100]") {
        CHECK_THROWS_MATCHES(percentile(map, 101.0), argument_error,
                             Message("percentile: p must be in [0, 100], got 101"));
        CHECK_THROWS_MATCHES(percentile(map, -1.0), argument_error, Message("percentile: p must be in [0, 100], got -1"));
        CHECK_THROWS_MATCHES(percentile(map, std::numeric_limits<double>::quiet_NaN()), argument_error,
                             Message("percentile: p must be in [0, 100], got nan"));
        CHECK_THROWS_MATCHES(normalize_unit(map, {.clip_percentile = 150.0}), argument_error,
                             Message("normalize_unit: clip_percentile must be in [0, 100], got 150"));
        CHECK_THROWS_MATCHES(normalize_signed(map, {.clip_percentile = -5.0}), argument_error,
                             Message("normalize_signed: clip_percentile must be in [0, 100], got -5"));
    }
    SECTION("a constant map: no division by zero, all zeros out") {
        const Vector constant = Vector::Constant(7, 2.5f);
        CHECK(normalize_unit(constant) == Vector::Zero(7));
        CHECK(normalize_unit(constant, {.clip_percentile = 0.0}) == Vector::Zero(7));
        CHECK(normalize_signed(Vector::Zero(7)) == Vector::Zero(7));
        const std::vector<Vector> shared = normalize_unit_shared({constant, Vector::Constant(3, 2.5f)});
        CHECK(shared[0] == Vector::Zero(7));
        CHECK(shared[1] == Vector::Zero(3));
    }
}

TEST_CASE("missing, unreadable, truncated and oversized image files are refused", "[reliability][errors][io][image]") {
    const auto dir = scratch("image");
    SECTION("a missing file") {
        CHECK_THROWS_MATCHES(load_image(dir / "missing.png"), io_error,
                             Message("load_image: cannot open " + streamed(dir / "missing.png") + " for reading"));
        CHECK_THROWS_MATCHES(read_npy(dir / "missing.npy"), io_error,
                             Message("read_npy: cannot open " + streamed(dir / "missing.npy") + " for reading"));
        CHECK_THROWS_MATCHES(read_safetensors(dir / "missing.safetensors"), io_error,
                             Message("read_safetensors: cannot open '" + (dir / "missing.safetensors").string() + "'"));
        CHECK_THROWS_MATCHES(read_idx(dir / "missing.idx"), io_error,
                             Message("read_idx: cannot open '" + (dir / "missing.idx").string() + "'"));
        CHECK_THROWS_MATCHES(nn::load_network(dir / "missing.safetensors"), io_error,
                             Message("read_safetensors: cannot open '" + (dir / "missing.safetensors").string() + "'"));
    }
    SECTION("a directory where a file should be") {
        CHECK_THROWS_MATCHES(load_image(dir), io_error, Message("load_image: " + streamed(dir) + " is a directory"));
        CHECK_THROWS_MATCHES(read_npy(dir), io_error, Message("read_npy: " + streamed(dir) + " is a directory"));
        CHECK_THROWS_MATCHES(read_safetensors(dir), io_error,
                             Message("read_safetensors: '" + dir.string() + "' is a directory"));
        CHECK_THROWS_MATCHES(read_idx(dir), io_error, Message("read_idx: '" + dir.string() + "' is a directory"));
    }
    SECTION("an unreadable or truncated PNG") {
        write_bytes(dir / "text.png", "this is not an image");
        CHECK_THROWS_MATCHES(load_image(dir / "text.png"), format_error,
                             says({"load_image: cannot decode " + streamed(dir / "text.png") + ": "}));
        write_bytes(dir / "empty.png", "");
        CHECK_THROWS_MATCHES(load_image(dir / "empty.png"), format_error,
                             says({"load_image: cannot decode " + streamed(dir / "empty.png")}));
        // A real PNG (made by an independent encoder) cut after its header: the size is known, the pixels are not.
        const std::string whole = read_bytes(data_dir / "images" / "rgb_3x2.png");
        REQUIRE(whole.size() > 40);
        write_bytes(dir / "truncated.png", whole.substr(0, 40));
        CHECK_THROWS_MATCHES(load_image(dir / "truncated.png"), format_error,
                             says({"load_image: cannot decode " + streamed(dir / "truncated.png")}));
    }
    SECTION("an unreadable or truncated JPEG") {
        // A 16x16 JPEG from stb_image_write, which is stb's encoder, not our reader.
        std::vector<unsigned char> pixels(16 * 16 * 3);
        for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<unsigned char>(i * 7);
        std::string jpeg;
        const auto append = [](void* context, void* data, int size) {
            static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
        };
        REQUIRE(stbi_write_jpg_to_func(append, &jpeg, 16, 16, 3, pixels.data(), 90) != 0);
        write_bytes(dir / "whole.jpg", jpeg);
        CHECK(load_image(dir / "whole.jpg").shape == ImageShape{16, 16, 3});
        write_bytes(dir / "truncated.jpg", jpeg.substr(0, jpeg.size() / 2));
        CHECK_THROWS_MATCHES(load_image(dir / "truncated.jpg"), format_error,
                             says({"load_image: cannot decode " + streamed(dir / "truncated.jpg")}));
        write_bytes(dir / "header-only.jpg", jpeg.substr(0, 100));
        CHECK_THROWS_MATCHES(load_image(dir / "header-only.jpg"), format_error,
                             says({"load_image: cannot decode " + streamed(dir / "header-only.jpg")}));
    }
    SECTION("an image without pixels") {
        // stb reads this PGM header as 2 x 0 and would return no pixels (found by the image fuzzer).
        write_bytes(dir / "no-rows.pgm", "P5\n2 0\n255\n");
        CHECK_THROWS_MATCHES(load_image(dir / "no-rows.pgm"), format_error,
                             Message("load_image: " + streamed(dir / "no-rows.pgm") +
                                     " is 2x0, an image needs at least one pixel"));
    }
    SECTION("an image larger than the documented limit, refused from its header") {
        write_bytes(dir / "wide.pgm", "P5\n20000 20000\n255\n");
        CHECK_THROWS_MATCHES(load_image(dir / "wide.pgm"), format_error,
                             Message("load_image: " + streamed(dir / "wide.pgm") +
                                     " is 20000x20000, larger than the limit of 16384 pixels per side"));
        write_bytes(dir / "many.ppm", "P6\n16384 16384\n255\n");
        CHECK_THROWS_MATCHES(load_image(dir / "many.ppm"), format_error,
                             Message("load_image: " + streamed(dir / "many.ppm") +
                                     " has shape 16384x16384x3, more than 268435456 values"));
        // An RGBA PNG read as gray: stb would decode all four channels first, so they count. Only the
        // signature and an IHDR chunk claiming 16384 x 16384, 8-bit RGBA (stb skips the CRC).
        std::string png("\x89PNG\r\n\x1a\n", 8);
        png += std::string("\0\0\0\x0d", 4) + "IHDR" + std::string("\0\0\x40\0\0\0\x40\0\x08\x06\0\0\0", 13) +
               std::string(4, '\0');
        write_bytes(dir / "rgba.png", png);
        CHECK_THROWS_MATCHES(load_image(dir / "rgba.png", {.channels = 1}), format_error,
                             Message("load_image: " + streamed(dir / "rgba.png") +
                                     " has shape 16384x16384x4, more than 268435456 values"));
    }
}

TEST_CASE("malformed safetensors files are refused before anything is allocated", "[reliability][errors][io][safetensors]") {
    SECTION("a header length exceeding the file") {
        CHECK_THROWS_MATCHES(read_memory(safetensors("{}", 0, 1000)), format_error,
                             Message("read_safetensors: 't': header length 1000 exceeds the 2 bytes after the length field"));
        CHECK_THROWS_MATCHES(read_memory(std::vector<std::byte>(5)), format_error,
                             Message("read_safetensors: 't': 5 bytes is shorter than the 8-byte header length"));
    }
    SECTION("malformed JSON") {
        CHECK_THROWS_MATCHES(read_memory(safetensors(R"({"a": {"dtype": "F32", )", 0)), format_error,
                             says({"read_safetensors: 't': header is not valid JSON: "}));
        CHECK_THROWS_MATCHES(read_memory(safetensors("[1, 2]", 0)), format_error,
                             Message("read_safetensors: 't': header must be a JSON object, got array"));
    }
    SECTION("offsets overlapping or past the end") {
        const std::string overlap = R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
                                    R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})";
        CHECK_THROWS_MATCHES(read_memory(safetensors(overlap, 12)), format_error,
                             Message("read_safetensors: 't': tensor 'b' data_offsets [4, 12] overlap tensor 'a' which ends at 8"));
        const std::string past = R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})";
        CHECK_THROWS_MATCHES(read_memory(safetensors(past, 4)), format_error,
                             Message("read_safetensors: 't': tensor 'a': data_offsets end 8 is past the end of the 4-byte buffer"));
    }
    SECTION("an unsupported dtype") {
        const std::string header = R"({"a": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}})";
        CHECK_THROWS_MATCHES(read_memory(safetensors(header, 4)), format_error,
                             Message("read_safetensors: 't': tensor 'a': unsupported dtype 'I32' (F32, F64, F16 and BF16 are supported)"));
    }
    SECTION("a header claiming 10^12 elements") {
        // The element count is checked in the header pass; tensors are allocated only after every entry and
        // the tiling of the buffer have been checked (parse_safetensors), so nothing of that size is requested.
        const std::string product = R"({"a": {"dtype": "F32", "shape": [1000000, 1000000], "data_offsets": [0, 4000000000000]}})";
        CHECK_THROWS_MATCHES(read_memory(safetensors(product, 0)), format_error,
                             Message("read_safetensors: 't': tensor 'a': shape [1000000, 1000000] has more than "
                                     "safetensors_max_elements = 2147483647 elements"));
        const std::string single = R"({"a": {"dtype": "F32", "shape": [1000000000000], "data_offsets": [0, 4]}})";
        CHECK_THROWS_MATCHES(read_memory(safetensors(single, 4)), format_error,
                             Message("read_safetensors: 't': tensor 'a': size 1000000000000 exceeds "
                                     "safetensors_max_elements = 2147483647"));
    }
    SECTION("a shape disagreeing with the model") {
        SafetensorsFile file{.tensors = {{"0.weight", {.shape = {4, 3}, .values = std::vector<float>(12)}},
                                         {"0.bias", {.shape = {3}, .values = std::vector<float>(3)}}},
                             .metadata = {{"spec", "input 4; dense 3"}}};
        CHECK_THROWS_MATCHES(nn::load_network(file), format_error,
                             Message("load_network: tensor \"0.weight\" has shape [4, 3], the spec needs [3, 4]"));
        const auto path = scratch("safetensors") / "transposed.safetensors";
        write_safetensors(path, file);
        CHECK_THROWS_MATCHES(nn::load_network(path), format_error,
                             Message("load_network(" + path.string() +
                                     "): tensor \"0.weight\" has shape [4, 3], the spec needs [3, 4]"));
        file.tensors.erase("0.bias");
        file.tensors["0.weight"] = {.shape = {3, 4}, .values = std::vector<float>(12)};
        CHECK_THROWS_MATCHES(nn::load_network(file), format_error,
                             Message("load_network: tensor \"0.bias\" is missing for spec \"input 4; dense 3\""));
    }
    SECTION("a spec in the metadata asking for huge layers") {
        // The architecture comes from the file too: its sizes are bounded before any weight is allocated.
        const SafetensorsFile dense{.metadata = {{"spec", "input 16777216; dense 16777216"}}};
        CHECK_THROWS_MATCHES(nn::load_network(dense), format_error,
                             Message("load_network: the file's \"spec\" metadata: parse_spec: the weight in 'dense 16777216' has more than max_spec_values = "
                                     "268435456 values"));
        const SafetensorsFile input{.metadata = {{"spec", "input 16777216x16777216x16777216; flatten"}}};
        CHECK_THROWS_MATCHES(nn::load_network(input), format_error,
                             Message("load_network: the file's \"spec\" metadata: parse_spec: the input in 'input 16777216x16777216x16777216' has more than "
                                     "max_spec_values = 268435456 values"));
        const SafetensorsFile conv{.metadata = {{"spec", "input 65536x65536x1; conv 1x1x16 same"}}};
        CHECK_THROWS_MATCHES(nn::load_network(conv), format_error,
                             Message("load_network: the file's \"spec\" metadata: parse_spec: the input in 'input 65536x65536x1' has more than "
                                     "max_spec_values = 268435456 values"));
        const SafetensorsFile wide{.metadata = {{"spec", "input 4096x4096x1; conv 1x1x64 same"}}};
        CHECK_THROWS_MATCHES(nn::load_network(wide), format_error,
                             Message("load_network: the file's \"spec\" metadata: parse_spec: the output in 'conv 1x1x64 same' has more than "
                                     "max_spec_values = 268435456 values"));
    }
}

TEST_CASE("malformed IDX files are refused", "[reliability][errors][io][idx]") {
    const auto dir = scratch("idx");
    const auto where = [&](const std::string& name) { return "read_idx: '" + (dir / name).string() + "': "; };
    SECTION("a bad magic number") {
        write_bytes(dir / "magic.idx", std::string("\x01\x02\x08\x01\0\0\0\x01\x05", 9));
        CHECK_THROWS_MATCHES(read_idx(dir / "magic.idx"), format_error,
                             Message(where("magic.idx") + "bad magic number 0x01020801 (an IDX file starts with 0x0000TTDD)"));
    }
    SECTION("truncated data, raw or gzipped") {
        write_bytes(dir / "short.idx", idx({10}, "12345"));
        CHECK_THROWS_MATCHES(read_idx(dir / "short.idx"), format_error,
                             Message(where("short.idx") + "truncated data: the sizes promise 10 bytes of data, the file has 5"));
        const std::string zipped = gzip(idx({2, 28, 28}, std::string(2 * 28 * 28, '\x07')));
        write_bytes(dir / "cut.idx.gz", zipped.substr(0, zipped.size() - 10));
        CHECK_THROWS_MATCHES(read_idx(dir / "cut.idx.gz"), format_error,
                             says({"read_idx: '" + (dir / "cut.idx.gz").string() + "': truncated gzip stream"}));
        // A header claiming 2^48 elements is refused from the sizes, before any data is read.
        write_bytes(dir / "huge.idx", idx({65536, 65536, 65536}, ""));
        CHECK_THROWS_MATCHES(read_idx(dir / "huge.idx"), format_error,
                             says({where("huge.idx"), "makes more than idx_max_elements = 2147483648 elements"}));
    }
    SECTION("sizes that disagree with the data or with each other") {
        write_bytes(dir / "long.idx", idx({2}, "123"));
        CHECK_THROWS_MATCHES(read_idx(dir / "long.idx"), format_error,
                             Message(where("long.idx") + "more data than the sizes say (2 bytes expected)"));
        const auto set = scratch("idx-set");
        write_bytes(set / "t10k-images-idx3-ubyte", idx({2, 2, 2}, std::string(8, '\x01')));
        write_bytes(set / "t10k-labels-idx1-ubyte", idx({3}, std::string("\x01\x02\x03", 3)));
        CHECK_THROWS_MATCHES(load_fashion_mnist(set, Split::test), format_error,
                             Message("load_fashion_mnist: '" + (set / "t10k-images-idx3-ubyte").string() +
                                     "' holds 2 images but '" + (set / "t10k-labels-idx1-ubyte").string() +
                                     "' holds 3 labels"));
    }
}

TEST_CASE("malformed .npy headers are refused", "[reliability][errors][io][npy]") {
    const auto dir = scratch("npy");
    const auto path = dir / "bad.npy";
    const auto prefix = "read_npy: " + streamed(path) + ": ";
    write_bytes(path, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3 }\n", std::string(24, '\0')));
    CHECK_THROWS_MATCHES(read_npy(path), format_error,
                         Message(prefix + "malformed shape: expected ',' or ')' at byte 56 of the header"));
    write_bytes(path, npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", std::string(24, '\0')));
    CHECK_THROWS_MATCHES(read_npy(path), format_error,
                         says({prefix + "unsupported dtype '<f8'"}));
    write_bytes(path, npy("{'descr': '<f4', 'shape': (3,), }\n", std::string(12, '\0')));
    CHECK_THROWS_MATCHES(read_npy(path), format_error, Message(prefix + "the header has no 'fortran_order'"));
    write_bytes(path, std::string("\x93NUMPZ\x01\x00\x00\x00", 10));
    CHECK_THROWS_MATCHES(read_npy(path), format_error,
                         Message(prefix + "not a .npy file (bad magic string; expected \\x93NUMPY)"));
    write_bytes(path, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }\n"));
    CHECK_THROWS_MATCHES(read_npy(path), format_error,
                         Message(prefix + "the shape needs 4000000000000 bytes of data, the file has only 0"));
}

TEST_CASE("VarGrad over 10000 samples agrees with a two-pass variance", "[reliability][methods][smooth_grad][numerics]") {
    const auto model = relu_network();
    const Vector x = toy::fixed_matrix(6, 1, 21);
    const int n = 10000;
    const double noise_level = 0.3;
    const std::uint64_t seed = 17;
    // The same noisy inputs, rebuilt from the documented noise stream, and the textbook two-pass variance
    // (mean first, then the mean squared deviation) in double.
    const double sigma = noise_level * (x.maxCoeff() - x.minCoeff());
    const Vector weights = Target(1).weights(3);
    std::vector<Eigen::VectorXd> maps;
    maps.reserve(n);
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(6);
    for (int i = 0; i < n; ++i) {
        Vector noisy(6);
        NoiseStream(seed, static_cast<std::uint64_t>(i)).fill_normal_float(noisy, static_cast<float>(sigma));
        noisy += x;
        maps.push_back(model.gradients(noisy, weights).cast<double>());
        mean += maps.back();
    }
    mean /= n;
    Eigen::VectorXd two_pass = Eigen::VectorXd::Zero(6);
    for (const auto& m : maps) two_pass += (m - mean).cwiseAbs2();
    two_pass /= n;
    REQUIRE(two_pass.minCoeff() > 0.0);  // the noise reaches every ReLU, so no variance is trivially 0

    const Vector streamed_variance = SmoothGrad{.samples = n, .noise_level = noise_level,
                                                .aggregation = Aggregation::variance, .batch_size = 256,
                                                .seed = seed}(model, x, 1);
    for (Index i = 0; i < 6; ++i) CHECK(streamed_variance[i] == Approx(two_pass[i]).epsilon(1e-5));
}

TEST_CASE("maps do not depend on the batch size for a column-independent model", "[reliability][determinism]") {
    const auto model = relu_network();  // computes column by column
    const Matrix inputs = toy::fixed_matrix(6, 2, 4);
    const Vector weights = Target(2).weights(3);
    for (const auto aggregation : {Aggregation::mean, Aggregation::mean_of_squares, Aggregation::variance}) {
        const Matrix reference =
            SmoothGrad{.samples = 1000, .aggregation = aggregation, .batch_size = 1000, .seed = 8}.attribute_batch(
                model, inputs, weights);
        for (const int batch_size : {1, 3, 64, 999, 5000}) {
            const SmoothGrad smooth{.samples = 1000, .aggregation = aggregation, .batch_size = batch_size, .seed = 8};
            CHECK(smooth.attribute_batch(model, inputs, weights) == reference);
        }
    }
    const Matrix ig_reference = IntegratedGradients{.steps = 64, .batch_size = 128}.attribute_batch(model, inputs, weights);
    for (const int batch_size : {1, 5, 64, 1000})
        CHECK(IntegratedGradients{.steps = 64, .batch_size = batch_size}.attribute_batch(model, inputs, weights) ==
              ig_reference);
}
