// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// safetensors reading and writing: the PyTorch fixture (values printed by scripts/make_pytorch_fixture.py,
// which writes the format with Python's struct + json), hand-built bit patterns for F16/BF16/F64, the
// writer's exact bytes, a round trip, and every rejected input built byte by byte.

#include "smoothgrad/io/safetensors.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../support/files.hpp"

namespace {
using test_support::read_bytes;
using test_support::require_error;
using test_support::write_bytes;

namespace fs = std::filesystem;
using smoothgrad::format_error;
using smoothgrad::SafetensorsFile;
using smoothgrad::Tensor;
using Bytes = std::vector<std::byte>;

const fs::path data_dir = fs::path(SMOOTHGRAD_TEST_DATA_DIR) / "safetensors";


void append_le(Bytes& bytes, std::uint64_t value, int count) {
    for (int i = 0; i < count; ++i) bytes.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xffu));
}

/// A safetensors file: the length field (the header's length unless given), the header, then the buffer.
Bytes make_file(const std::string& header, const Bytes& buffer, std::uint64_t declared_length) {
    Bytes bytes;
    append_le(bytes, declared_length, 8);
    for (const char c : header) bytes.push_back(static_cast<std::byte>(c));
    bytes.insert(bytes.end(), buffer.begin(), buffer.end());
    return bytes;
}
Bytes make_file(const std::string& header, const Bytes& buffer) { return make_file(header, buffer, header.size()); }

/// Little-endian float32 bytes.
Bytes f32_bytes(std::initializer_list<float> values) {
    Bytes bytes;
    for (const float v : values) {
        std::uint32_t bits = 0;
        static_assert(sizeof bits == sizeof v);
        std::memcpy(&bits, &v, sizeof v);
        append_le(bytes, bits, 4);
    }
    return bytes;
}

Bytes zeros(std::size_t n) { return Bytes(n, std::byte{0}); }

/// Parsing `bytes` must fail with format_error naming the source "case" and each of `parts`.
void require_format_error(const Bytes& bytes, std::initializer_list<std::string> parts) {
    try {
        (void)smoothgrad::read_safetensors_from_memory(bytes, "case");
        FAIL("no exception was thrown");
    } catch (const format_error& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK_THAT(what, Catch::StartsWith("read_safetensors: 'case'"));
        for (const std::string& part : parts) CHECK_THAT(what, Catch::Contains(part));
    }
}

}  // namespace

TEST_CASE("read_safetensors reads the PyTorch tiny CNN weights", "[io][safetensors][pytorch]") {
    const SafetensorsFile file = smoothgrad::read_safetensors(data_dir / "tiny_cnn.safetensors");
    CHECK(file.metadata.at("spec") ==
          "input 8x8x1; conv 3x3x4 same; relu; maxpool 2; conv 3x3x6 valid; relu; flatten; dense 5");
    CHECK(file.metadata.at("seed") == "20260125");

    const std::map<std::string, std::vector<std::size_t>> shapes = {
        {"0.weight", {4, 1, 3, 3}}, {"0.bias", {4}}, {"3.weight", {6, 4, 3, 3}},
        {"3.bias", {6}},           {"6.weight", {5, 24}}, {"6.bias", {5}}};
    REQUIRE(file.tensors.size() == shapes.size());
    for (const auto& [name, shape] : shapes) {
        INFO(name);
        REQUIRE(file.tensors.count(name) == 1);
        CHECK(file.tensors.at(name).shape == shape);
    }
    // Values as the script printed them (%.9g round-trips a float32 exactly).
    const auto& conv1 = file.tensors.at("0.weight").values;
    CHECK(conv1.size() == 36);
    CHECK(conv1[0] == 0.160444617f);
    CHECK(conv1[1] == 0.275392383f);
    CHECK(conv1[2] == -0.221190453f);
    CHECK(conv1[35] == -0.07710921764373779f);
    CHECK(file.tensors.at("0.bias").values[0] == 0.221293256f);
    // 3.weight[5, 3, 2, 1] in PyTorch's [out, in, kh, kw] layout.
    CHECK(file.tensors.at("3.weight").values[5 * 36 + 3 * 9 + 2 * 3 + 1] == -0.0303376317f);
    CHECK(file.tensors.at("6.weight").values[4 * 24 + 23] == -0.082212463f);
    CHECK(file.tensors.at("6.bias").values[0] == -0.089516528f);
}

TEST_CASE("read_safetensors reads the PyTorch expected outputs", "[io][safetensors][pytorch]") {
    const SafetensorsFile file = smoothgrad::read_safetensors(data_dir / "tiny_cnn_expected.safetensors");
    CHECK(file.metadata.at("spec") ==
          "input 8x8x1; conv 3x3x4 same; relu; maxpool 2; conv 3x3x6 valid; relu; flatten; dense 5");
    const std::vector<std::size_t> images{3, 8, 8, 1};
    for (const char* name : {"inputs", "gradients_class2", "gradients_diff", "guided_class2", "deconvnet_class2"}) {
        INFO(name);
        REQUIRE(file.tensors.count(name) == 1);
        CHECK(file.tensors.at(name).shape == images);
        CHECK(file.tensors.at(name).values.size() == 192);
    }
    REQUIRE(file.tensors.count("scores") == 1);
    CHECK(file.tensors.at("scores").shape == std::vector<std::size_t>{3, 5});
    // And the gradient penalties' oracle (tests/nn/gradient_penalty.test.cpp): the labels, and per penalty its
    // mean and one weight gradient per parameter, shaped like the parameter.
    CHECK(file.tensors.at("penalty_labels").shape == std::vector<std::size_t>{3});
    for (const std::string kind : {"norm", "neighbour"}) {
        CHECK(file.tensors.at("penalty_" + kind + "_mean").shape == std::vector<std::size_t>{1});
        CHECK(file.tensors.at("penalty_" + kind + "/0.weight").shape == std::vector<std::size_t>{4, 1, 3, 3});
        CHECK(file.tensors.at("penalty_" + kind + "/6.bias").shape == std::vector<std::size_t>{5});
    }
    CHECK(file.tensors.size() == 6 + 1 + 2 * (1 + 6));

    const auto& inputs = file.tensors.at("inputs").values;
    CHECK(inputs[0] == 0.922091246f);
    CHECK(inputs[2] == 0.564445317f);
    CHECK(inputs[64 + 2 * 8 + 3] == 0.973683834f);  // image 1, row 2, column 3
    CHECK(inputs[191] == 0.6911872029304504f);
    double sum = 0.0;
    for (const float v : inputs) sum += v;
    CHECK(sum == Approx(93.46169435977936).epsilon(1e-12));

    const std::vector<float> scores{-0.108222596f, -0.0987587646f, 0.148266897f, -0.119825147f, 0.066983223f,
                                    -0.0911433324f, -0.102861203f, 0.168026254f, -0.115820259f, 0.0339541286f,
                                    -0.0747496337f, -0.0935527086f, 0.146731392f, -0.123216458f, 0.07394173f};
    CHECK(file.tensors.at("scores").values == scores);
    CHECK(file.tensors.at("gradients_class2").values[1] == -3.16480291e-05f);
    CHECK(file.tensors.at("gradients_diff").values[128 + 56] == -0.00418432942f);
    CHECK(file.tensors.at("guided_class2").values[0] == 0.00266198977f);
    CHECK(file.tensors.at("deconvnet_class2").values[2] == -0.00460445322f);
}

TEST_CASE("read_safetensors converts F16, BF16 and F64 to float", "[io][safetensors]") {
    // Bit patterns worked by hand: F16 1.0, -2.0, 65504 (largest), 2^-24 (smallest subnormal), 1023 * 2^-24
    // (largest subnormal), 2^-14 (smallest normal), -0.0, +inf, -inf, NaN, 0x3555 = 1365/4096.
    const std::vector<std::uint16_t> half{0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400,
                                          0x8000, 0x7C00, 0xFC00, 0x7E00, 0x3555};
    // BF16: 1.0, -3.0, 0x4049 = 3.140625, 0x0001 = 2^-133 (a float subnormal).
    const std::vector<std::uint16_t> bf16{0x3F80, 0xC040, 0x4049, 0x0001};
    // F64: 0.1 rounds to the float nearest 0.1; 1e300 is beyond float's range.
    const std::vector<double> f64{0.1, -1e300, 1.5};
    Bytes buffer;
    for (const auto h : half) append_le(buffer, h, 2);
    for (const auto b : bf16) append_le(buffer, b, 2);
    for (const double d : f64) append_le(buffer, std::bit_cast<std::uint64_t>(d), 8);
    const std::string header = R"({"h":{"dtype":"F16","shape":[11],"data_offsets":[0,22]},)"
                               R"("b":{"dtype":"BF16","shape":[2,2],"data_offsets":[22,30]},)"
                               R"("d":{"dtype":"F64","shape":[3],"data_offsets":[30,54]}})";
    const SafetensorsFile file = smoothgrad::read_safetensors_from_memory(make_file(header, buffer));

    const auto& h = file.tensors.at("h").values;
    CHECK(h[0] == 1.0f);
    CHECK(h[1] == -2.0f);
    CHECK(h[2] == 65504.0f);
    CHECK(h[3] == std::ldexp(1.0f, -24));
    CHECK(h[4] == 1023.0f * std::ldexp(1.0f, -24));
    CHECK(h[5] == std::ldexp(1.0f, -14));
    CHECK(h[6] == 0.0f);
    CHECK(std::signbit(h[6]));
    CHECK(h[7] == std::numeric_limits<float>::infinity());
    CHECK(h[8] == -std::numeric_limits<float>::infinity());
    CHECK(std::isnan(h[9]));
    CHECK(h[10] == 1365.0f / 4096.0f);

    const Tensor& b = file.tensors.at("b");
    CHECK(b.shape == std::vector<std::size_t>{2, 2});
    CHECK(b.values == std::vector<float>{1.0f, -3.0f, 3.140625f, std::ldexp(1.0f, -133)});

    const auto& d = file.tensors.at("d").values;
    CHECK(d[0] == 0.1f);
    CHECK(d[1] == -std::numeric_limits<float>::infinity());
    CHECK(d[2] == 1.5f);
    CHECK(file.metadata.empty());
}

TEST_CASE("read_safetensors accepts scalars, empty tensors and a padded header", "[io][safetensors]") {
    const std::string header = R"({"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},)"
                               R"("e":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},)"
                               R"("__metadata__":{"format":"pt"}}     )";
    const SafetensorsFile file = smoothgrad::read_safetensors_from_memory(make_file(header, f32_bytes({-7.25f})));
    CHECK(file.tensors.at("s").shape.empty());
    CHECK(file.tensors.at("s").values == std::vector<float>{-7.25f});
    CHECK(file.tensors.at("e").shape == std::vector<std::size_t>{0, 3});
    CHECK(file.tensors.at("e").values.empty());
    CHECK(file.metadata == std::map<std::string, std::string>{{"format", "pt"}});
}

TEST_CASE("write_safetensors writes the bytes the format prescribes", "[io][safetensors][write]") {
    const SafetensorsFile file{.tensors = {{"a", Tensor{.shape = {2}, .values = {1.0f, -2.0f}}}},
                               .metadata = {{"k", "v"}}};
    const Bytes bytes = smoothgrad::write_safetensors_to_memory(file);
    // nlohmann sorts keys; '_' (0x5F) sorts before 'a'. 79 characters, padded to 80 with one space.
    const std::string json = R"({"__metadata__":{"k":"v"},"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}})";
    REQUIRE(json.size() == 79);
    Bytes expected = make_file(json + " ", f32_bytes({1.0f, -2.0f}));
    CHECK(bytes == expected);
    // 1.0f is 0x3F800000 and -2.0f is 0xC0000000, little-endian.
    const Bytes tail(bytes.end() - 8, bytes.end());
    CHECK(tail == Bytes{std::byte{0x00}, std::byte{0x00}, std::byte{0x80}, std::byte{0x3F}, std::byte{0x00},
                        std::byte{0x00}, std::byte{0x00}, std::byte{0xC0}});
}

TEST_CASE("write_safetensors sorts tensors by name with contiguous offsets", "[io][safetensors][write]") {
    SafetensorsFile file;
    file.tensors["zeta"] = Tensor{.shape = {3}, .values = {1, 2, 3}};
    file.tensors["alpha"] = Tensor{.shape = {1, 2}, .values = {4, 5}};
    file.tensors["mid"] = Tensor{.shape = {}, .values = {6}};
    const Bytes bytes = smoothgrad::write_safetensors_to_memory(file);
    std::uint64_t length = 0;
    for (int i = 0; i < 8; ++i) length |= std::uint64_t{std::to_integer<std::uint8_t>(bytes[i])} << (8 * i);
    CHECK(length % 8 == 0);
    REQUIRE(bytes.size() == 8 + length + 24);
    std::string text;
    for (std::uint64_t i = 0; i < length; ++i) text.push_back(static_cast<char>(bytes[8 + i]));
    CHECK(text.find_last_not_of(' ') < text.size());
    const nlohmann::json header = nlohmann::json::parse(text);
    CHECK(header["alpha"]["data_offsets"] == nlohmann::json::array({0, 8}));
    CHECK(header["mid"]["data_offsets"] == nlohmann::json::array({8, 12}));
    CHECK(header["zeta"]["data_offsets"] == nlohmann::json::array({12, 24}));
    CHECK(header["mid"]["shape"] == nlohmann::json::array());
    CHECK_FALSE(header.contains("__metadata__"));  // omitted when empty
}

TEST_CASE("write_safetensors then read_safetensors gives back the same file", "[io][safetensors][write]") {
    const test_support::TempDir dir("safetensors-test");
    SafetensorsFile file;
    file.tensors["weights"] = Tensor{.shape = {2, 3}, .values = {0.5f, -1.25f, 3e-39f, -0.0f, 1e30f, 7.0f}};
    file.tensors["inf"] = Tensor{.shape = {2}, .values = {std::numeric_limits<float>::infinity(),
                                                          -std::numeric_limits<float>::infinity()}};
    file.tensors["empty"] = Tensor{.shape = {4, 0}, .values = {}};
    file.metadata = {{"spec", "input 8x8x1; dense 5"}, {"unicode", "\xc3\xa9t\xc3\xa9"}};
    const fs::path path = dir / "round trip.safetensors";
    smoothgrad::write_safetensors(path, file);
    const SafetensorsFile back = smoothgrad::read_safetensors(path);
    CHECK(back == file);
    CHECK(std::signbit(back.tensors.at("weights").values[3]));

    // Re-writing the PyTorch fixture keeps its content and, as both writers pad the header alike and differ
    // only in the order of JSON keys, its size.
    const SafetensorsFile fixture = smoothgrad::read_safetensors(data_dir / "tiny_cnn.safetensors");
    const Bytes rewritten = smoothgrad::write_safetensors_to_memory(fixture);
    CHECK(smoothgrad::read_safetensors_from_memory(rewritten) == fixture);
    CHECK(rewritten.size() == fs::file_size(data_dir / "tiny_cnn.safetensors"));
}

TEST_CASE("write_safetensors rejects what it cannot write", "[io][safetensors][write]") {
    require_error<smoothgrad::shape_error>(
        [] {
            (void)smoothgrad::write_safetensors_to_memory({.tensors = {{"x", Tensor{.shape = {2, 3}, .values = {1}}}}});
        },
        {"write_safetensors_to_memory", "'x'", "[2, 3]", "needs 6 values, got 1"});
    require_error<smoothgrad::argument_error>(
        [] {
            (void)smoothgrad::write_safetensors_to_memory(
                {.tensors = {{"__metadata__", Tensor{.shape = {1}, .values = {1}}}}});
        },
        {"'__metadata__'"});
    require_error<smoothgrad::argument_error>(
        [] {
            (void)smoothgrad::write_safetensors_to_memory({.tensors = {{"\xff", Tensor{.shape = {1}, .values = {1}}}}});
        },
        {"UTF-8"});
    const test_support::TempDir dir("safetensors-test");
    require_error<smoothgrad::io_error>(
        [&] { smoothgrad::write_safetensors(dir / "no" / "such" / "dir.safetensors", SafetensorsFile{}); },
        {"write_safetensors", (dir / "no" / "such" / "dir.safetensors").string()});
}

TEST_CASE("read_safetensors rejects a missing file or a directory with io_error", "[io][safetensors][errors]") {
    const test_support::TempDir dir("safetensors-test");
    const fs::path path = dir / "absent.safetensors";
    require_error<smoothgrad::io_error>([&] { (void)smoothgrad::read_safetensors(path); },
                                        {"read_safetensors", path.string()});
    require_error<smoothgrad::io_error>([&] { (void)smoothgrad::read_safetensors(dir.path()); },
                                        {"read_safetensors", dir.path().string(), "is a directory"});
}

TEST_CASE("read_safetensors rejects a bad length or header", "[io][safetensors][errors]") {
    SECTION("shorter than 8 bytes") {
        require_format_error(zeros(5), {"5 bytes is shorter than the 8-byte header length"});
    }
    SECTION("header length past the end, refused before allocating") {
        require_format_error(make_file("{}", zeros(8), 1000), {"header length 1000 exceeds the 10 bytes"});
        require_format_error(make_file("{}", {}, std::uint64_t{1} << 63),
                             {"header length 9223372036854775808 exceeds the 2 bytes"});
    }
    SECTION("not JSON") {
        require_format_error(make_file(R"({"a": {"dtype": )", {}), {"header is not valid JSON"});
    }
    SECTION("not an object") {
        require_format_error(make_file("[1, 2]  ", {}), {"header must be a JSON object, got array"});
    }
    SECTION("duplicate tensor names") {
        const std::string entry = R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
        require_format_error(make_file(R"({"w":)" + entry + R"(,"w":)" + entry + "}", zeros(4)),
                             {"duplicate header key 'w'"});
    }
    SECTION("nested too deep") {
        require_format_error(make_file(R"({"w":{"shape":[[[1]]]}})", {}), {"deeper than 3"});
    }
}

TEST_CASE("read_safetensors rejects malformed entries", "[io][safetensors][errors]") {
    const auto entry = [](const std::string& fields) { return make_file(R"({"w":{)" + fields + "}}", zeros(8)); };
    SECTION("entry not an object") {
        require_format_error(make_file(R"({"w":3})", {}), {"tensor 'w' must be a JSON object, got 3"});
    }
    SECTION("missing dtype") {
        require_format_error(entry(R"("shape":[2],"data_offsets":[0,8])"), {"tensor 'w' has no \"dtype\""});
    }
    SECTION("missing shape") {
        require_format_error(entry(R"("dtype":"F32","data_offsets":[0,8])"), {"tensor 'w' has no \"shape\""});
    }
    SECTION("missing data_offsets") {
        require_format_error(entry(R"("dtype":"F32","shape":[2])"), {"tensor 'w' has no \"data_offsets\""});
    }
    SECTION("dtype not a string") {
        require_format_error(entry(R"("dtype":32,"shape":[2],"data_offsets":[0,8])"),
                             {"\"dtype\" must be a string, got 32"});
    }
    SECTION("shape not an array") {
        require_format_error(entry(R"("dtype":"F32","shape":"2","data_offsets":[0,8])"),
                             {"\"shape\" must be an array, got \"2\""});
    }
    SECTION("negative size") {
        require_format_error(entry(R"("dtype":"F32","shape":[-2],"data_offsets":[0,8])"),
                             {"\"shape\" must hold non-negative integers, got -2"});
    }
    SECTION("fractional size") {
        require_format_error(entry(R"("dtype":"F32","shape":[1.5],"data_offsets":[0,8])"),
                             {"\"shape\" must hold non-negative integers, got 1.5"});
    }
    SECTION("offsets that are not two") {
        require_format_error(entry(R"("dtype":"F32","shape":[2],"data_offsets":[0,8,16])"),
                             {"\"data_offsets\" must be [begin, end], got [0,8,16]"});
    }
    SECTION("offset that is a string") {
        require_format_error(entry(R"("dtype":"F32","shape":[2],"data_offsets":[0,"8"])"),
                             {"\"data_offsets\" must hold non-negative integers, got \"8\""});
    }
    SECTION("unsupported dtype") {
        require_format_error(entry(R"("dtype":"I64","shape":[1],"data_offsets":[0,8])"),
                             {"tensor 'w'", "unsupported dtype 'I64'"});
        require_format_error(entry(R"("dtype":"f32","shape":[2],"data_offsets":[0,8])"), {"unsupported dtype 'f32'"});
    }
    SECTION("metadata value not a string") {
        require_format_error(make_file(R"({"__metadata__":{"epoch":3}})", {}),
                             {"__metadata__ value of 'epoch' must be a string, got 3"});
    }
    SECTION("metadata not an object") {
        require_format_error(make_file(R"({"__metadata__":["a"]})", {}), {"__metadata__ must be a JSON object"});
    }
}

TEST_CASE("read_safetensors rejects offsets and sizes that do not fit", "[io][safetensors][errors]") {
    const auto one = [](const std::string& shape, const std::string& offsets, std::size_t buffer) {
        return make_file(R"({"w":{"dtype":"F32","shape":)" + shape + R"(,"data_offsets":)" + offsets + "}}",
                         zeros(buffer));
    };
    SECTION("end before begin") {
        require_format_error(one("[2]", "[8,0]", 8), {"tensor 'w'", "end 0 is before begin 8"});
    }
    SECTION("end past the buffer") {
        require_format_error(one("[4]", "[0,16]", 8), {"tensor 'w'", "end 16 is past the end of the 8-byte buffer"});
    }
    SECTION("byte size that does not match the shape") {
        require_format_error(one("[3]", "[0,8]", 8), {"tensor 'w'", "hold 8 bytes", "[3] of F32 needs 12"});
    }
    SECTION("trailing bytes no tensor covers") {
        require_format_error(one("[1]", "[0,4]", 8), {"buffer bytes [4, 8) belong to no tensor"});
    }
    SECTION("a gap between tensors") {
        const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                   R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
        require_format_error(make_file(header, zeros(12)), {"buffer bytes [4, 8)", "gap before tensor 'b'"});
    }
    SECTION("overlapping tensors") {
        const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
        require_format_error(make_file(header, zeros(12)), {"tensor 'b'", "[4, 12] overlap tensor 'a'"});
    }
    SECTION("a shape whose product overflows") {
        require_format_error(one("[4294967296,4294967296,16]", "[0,8]", 8),
                             {"tensor 'w'", "size 4294967296 exceeds safetensors_max_elements"});
        require_format_error(one("[65536,65536,65536,65536]", "[0,8]", 8),
                             {"shape [65536, 65536, 65536, 65536] has more than safetensors_max_elements"});
    }
    SECTION("an absurd element count, refused before allocating") {
        // 10^12 elements would be 4 TB; the header alone must be enough to refuse it.
        require_format_error(one("[1000000,1000000]", "[0,4000000000000]", 8),
                             {"shape [1000000, 1000000] has more than safetensors_max_elements = 2147483647"});
        require_format_error(one("[1000000000000]", "[0,8]", 8), {"size 1000000000000 exceeds"});
    }
}
