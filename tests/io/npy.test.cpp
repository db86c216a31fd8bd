// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/io/npy.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "../support/files.hpp"

using namespace smoothgrad;

// numpy is not installed where these tests were written, so the files numpy would make are spelled out
// byte by byte from the format's specification (numpy/lib/format.py): the magic string "\x93NUMPY", major
// and minor version, the header length (uint16 LE for 1.0, uint32 LE for 2.0 and 3.0), the header dict
// padded with spaces and a newline so that the data starts at a multiple of 64, then the raw data.

namespace {
using test_support::read_bytes;
using test_support::require_error;
using test_support::write_bytes;

/// Little-endian float32 bytes of `values`, spelled out from their IEEE 754 bit patterns.
std::string float_bytes(std::initializer_list<std::uint32_t> bit_patterns) {
    std::string bytes;
    for (const std::uint32_t bits : bit_patterns)
        for (int i = 0; i < 4; ++i) bytes += static_cast<char>((bits >> (8 * i)) & 0xFF);
    return bytes;
}

// IEEE 754 single precision bit patterns.
constexpr std::uint32_t one = 0x3F800000, two = 0x40000000, three = 0x40400000, four = 0x40800000,
                        five = 0x40A00000, six = 0x40C00000, minus_half = 0xBF000000;

/// A .npy file as numpy lays it out: `dict` padded to a 64-byte boundary, then `data`.
std::string npy_file(std::string dict, const std::string& data, int major = 1) {
    const std::size_t prefix = major == 1 ? 10 : 12;
    dict.append(64 - (prefix + dict.size() + 1) % 64, ' ');
    dict += '\n';
    std::string bytes("\x93NUMPY", 6);
    bytes += static_cast<char>(major);
    bytes += '\0';
    for (std::size_t i = 0; i + 8 < prefix; ++i) bytes += static_cast<char>((dict.size() >> (8 * i)) & 0xFF);
    return bytes + dict + data;
}

}  // namespace

TEST_CASE("read_npy reads files laid out as numpy writes them", "[io][npy]") {
    const test_support::TempDir dir("npy-test-read");
    // np.save(p, np.array([1, 2, 3], dtype='<f4')) with numpy >= 1.23, which leaves 21 - len('3') spare
    // spaces after the dict so that the first axis can grow in place.
    write_bytes(dir / "vector.npy",
                npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }" + std::string(20, ' '),
                         float_bytes({one, two, three})));
    const NpyArray vector = read_npy(dir / "vector.npy");
    CHECK(vector.shape == std::vector<std::size_t>{3});
    CHECK(vector.data == Vector(Eigen::Vector3f(1, 2, 3)));

    // np.arange(1, 7, dtype='<f4').reshape(2, 3): C order, row by row.
    write_bytes(dir / "matrix.npy", npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                                             float_bytes({one, two, three, four, five, six})));
    const NpyArray matrix = read_npy(dir / "matrix.npy");
    CHECK(matrix.shape == std::vector<std::size_t>{2, 3});
    CHECK(matrix.data == Vector((Eigen::VectorXf(6) << 1, 2, 3, 4, 5, 6).finished()));

    // np.float32(-0.5) saved as a 0-d array.
    write_bytes(dir / "scalar.npy",
                npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", float_bytes({minus_half})));
    const NpyArray scalar = read_npy(dir / "scalar.npy");
    CHECK(scalar.shape.empty());
    CHECK(scalar.data == Vector::Constant(1, -0.5f));

    // An empty array: shape (0, 4), no data.
    write_bytes(dir / "empty.npy", npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }", ""));
    const NpyArray empty = read_npy(dir / "empty.npy");
    CHECK(empty.shape == std::vector<std::size_t>{0, 4});
    CHECK(empty.data.size() == 0);
}

TEST_CASE("read_npy parses header dicts written in other ways", "[io][npy]") {
    const test_support::TempDir dir("npy-test-dialects");
    const std::string data = float_bytes({one, two});
    const std::vector<std::string> dicts{
        // Keys in another order, no trailing comma, double quotes, odd whitespace.
        "{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}",
        "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,)}",
        "{ 'descr' : '<f4' ,\n 'fortran_order' : False ,\t'shape' : ( 2 , ) , }",
        // Python 2's numpy wrote long integers with an L.
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }",
        // A 2-d shape with a trailing comma.
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2,), }",
    };
    for (const std::string& dict : dicts) {
        INFO(dict);
        write_bytes(dir / "a.npy", npy_file(dict, data));
        const NpyArray array = read_npy(dir / "a.npy");
        CHECK(array.data == Vector(Eigen::Vector2f(1, 2)));
        CHECK(array.shape.back() == 2);
    }
    // Versions 2.0 and 3.0 differ only in a 4-byte header length.
    for (const int major : {2, 3}) {
        write_bytes(dir / "v.npy", npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data, major));
        CHECK(read_npy(dir / "v.npy").data == Vector(Eigen::Vector2f(1, 2)));
    }
}

TEST_CASE("write_npy writes the bytes numpy expects", "[io][npy]") {
    const test_support::TempDir dir("npy-test-write");
    // Eigen stores the matrix column by column; the file must hold it row by row (C order).
    Matrix m(2, 3);
    m << 1, 2, 3,
         4, 5, 6;
    write_npy(dir / "m.npy", m);
    const std::string bytes = read_bytes(dir / "m.npy");
    REQUIRE(bytes.size() == 128 + 24);
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    CHECK(bytes.substr(8, 2) == std::string("\x76\x00", 2));  // header length 118: the data starts at 128
    const std::string header = bytes.substr(10, 118);
    CHECK(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0);
    CHECK(header.back() == '\n');
    CHECK(bytes.substr(128) == float_bytes({one, two, three, four, five, six}));

    write_npy(dir / "v.npy", Vector(Eigen::Vector3f(1, 2, 3)));
    const std::string vector_bytes = read_bytes(dir / "v.npy");
    const std::string vector_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    CHECK(vector_bytes.substr(10, vector_dict.size()) == vector_dict);
    CHECK(vector_bytes.substr(128) == float_bytes({one, two, three}));

    write_npy(dir / "i.npy", Image{Vector::Zero(12), {2, 3, 2}});
    const std::string image_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 2), }";
    CHECK(read_bytes(dir / "i.npy").substr(10, image_dict.size()) == image_dict);

    write_npy(dir / "s.npy", std::array{-0.5f}.data(), std::span<const std::size_t>{});
    const std::string scalar_bytes = read_bytes(dir / "s.npy");
    const std::string scalar_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }";
    CHECK(scalar_bytes.substr(10, scalar_dict.size()) == scalar_dict);
    CHECK(scalar_bytes.substr(128) == float_bytes({minus_half}));
}

TEST_CASE("write_npy then read_npy round-trips", "[io][npy]") {
    const test_support::TempDir dir("npy-test-round-trip");
    Matrix m(3, 4);
    for (Index r = 0; r < 3; ++r)
        for (Index c = 0; c < 4; ++c) m(r, c) = static_cast<float>(10 * r + c) - 0.25f;
    write_npy(dir / "m.npy", m);
    const NpyArray back = read_npy(dir / "m.npy");
    REQUIRE(back.shape == std::vector<std::size_t>{3, 4});
    for (Index r = 0; r < 3; ++r)
        for (Index c = 0; c < 4; ++c) CHECK(back.data[r * 4 + c] == m(r, c));

    const Image image{Vector::LinSpaced(24, -1.0f, 1.0f), {2, 4, 3}};
    write_npy(dir / "i.npy", image);
    const NpyArray image_back = read_npy(dir / "i.npy");
    CHECK(image_back.shape == std::vector<std::size_t>{2, 4, 3});
    CHECK(image_back.data == image.pixels);

    // A shape long enough that the header needs more than one 64-byte block.
    const std::array<std::size_t, 12> long_shape{1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3};
    const Vector six_values = Vector::LinSpaced(6, 0.0f, 5.0f);
    write_npy(dir / "long.npy", six_values.data(), long_shape);
    const NpyArray long_back = read_npy(dir / "long.npy");
    CHECK(long_back.shape == std::vector<std::size_t>(long_shape.begin(), long_shape.end()));
    CHECK(long_back.data == six_values);
    CHECK((read_bytes(dir / "long.npy").size() - 24) % 64 == 0);

    // A header over 64 KiB (22000 dimensions of 1) needs version 2.0 and its 4-byte header length.
    const std::vector<std::size_t> many_ones(22000, 1);
    const float value = 2.5f;
    write_npy(dir / "v2.npy", &value, many_ones);
    const std::string v2_bytes = read_bytes(dir / "v2.npy");
    CHECK(v2_bytes.substr(6, 2) == std::string("\x02\x00", 2));
    CHECK((v2_bytes.size() - 4) % 64 == 0);
    const NpyArray v2_back = read_npy(dir / "v2.npy");
    CHECK(v2_back.shape == many_ones);
    CHECK(v2_back.data == Vector::Constant(1, 2.5f));
}

TEST_CASE("read_npy names what is wrong with a malformed file", "[io][npy][errors]") {
    const test_support::TempDir dir("npy-test-malformed");
    const auto path = dir / "bad.npy";
    const std::string two_floats = float_bytes({one, two});
    const auto expect_format_error = [&](const std::string& bytes, const std::string& what) {
        INFO(what);
        write_bytes(path, bytes);
        CHECK_THROWS_AS(read_npy(path), format_error);
        CHECK_THROWS_WITH(read_npy(path), Catch::Contains(what) && Catch::Contains("bad.npy"));
    };
    const auto dict = [](const std::string& descr, const std::string& order, const std::string& shape) {
        return "{'descr': " + descr + ", 'fortran_order': " + order + ", 'shape': " + shape + ", }";
    };

    std::string wrong_magic = npy_file(dict("'<f4'", "False", "(2,)"), two_floats);
    wrong_magic[5] = 'X';
    expect_format_error(wrong_magic, "magic");
    expect_format_error("\x93NUM", "magic");
    expect_format_error("", "magic");

    std::string version4 = npy_file(dict("'<f4'", "False", "(2,)"), two_floats);
    version4[6] = 4;
    expect_format_error(version4, "version 4.0");
    std::string version11 = npy_file(dict("'<f4'", "False", "(2,)"), two_floats);
    version11[7] = 1;
    expect_format_error(version11, "version 1.1");

    // A header length of 65535 (v1) or 2^32 - 1 (v2) in a file of ~140 bytes.
    std::string long_header = npy_file(dict("'<f4'", "False", "(2,)"), two_floats);
    long_header[8] = long_header[9] = '\xff';
    expect_format_error(long_header, "past the end");
    std::string long_header_v2 = npy_file(dict("'<f4'", "False", "(2,)"), two_floats, 2);
    long_header_v2[8] = long_header_v2[9] = long_header_v2[10] = long_header_v2[11] = '\xff';
    expect_format_error(long_header_v2, "past the end");
    expect_format_error(std::string("\x93NUMPY\x02\x00\x01", 9), "header length");
    expect_format_error(std::string("\x93NUMPY\x01", 7), "version");

    expect_format_error(npy_file(dict("'<f8'", "False", "(1,)"), float_bytes({0, 0})), "'<f8'");
    expect_format_error(npy_file(dict("'>f4'", "False", "(2,)"), two_floats), "'>f4'");
    expect_format_error(npy_file(dict("'|f4'", "False", "(2,)"), two_floats), "dtype");
    expect_format_error(npy_file(dict("'<i4'", "False", "(2,)"), two_floats), "dtype");
    expect_format_error(npy_file(dict("'<f4'", "True", "(2,)"), two_floats), "fortran_order");
    expect_format_error(npy_file(dict("'<f4'", "Maybe", "(2,)"), two_floats), "fortran_order");

    for (const std::string shape : {"(2)", "(2,,)", "(-2,)", "(x,)", "[2]", "2", "(2, 3", "(,)",
                                    "(99999999999999999999999,)"})
        expect_format_error(npy_file(dict("'<f4'", "False", shape), two_floats), "shape");

    expect_format_error(npy_file("{'descr': '<f4', 'shape': (2,), }", two_floats), "'fortran_order'");
    expect_format_error(npy_file("{'descr': '<f4', 'fortran_order': False, }", two_floats), "'shape'");
    expect_format_error(npy_file("{'fortran_order': False, 'shape': (2,), }", two_floats), "'descr'");
    expect_format_error(npy_file(dict("'<f4'", "False", "(2,)") + "'shape': (2,)}", two_floats), "after the header");
    expect_format_error(npy_file("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                                 two_floats),
                        "'descr'");
    expect_format_error(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", two_floats),
                        "'extra'");
    expect_format_error(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ", two_floats), "header");
    expect_format_error(npy_file("{'descr: '<f4', 'fortran_order': False, 'shape': (2,)}", two_floats), "header");
    expect_format_error(npy_file("'descr': '<f4'", two_floats), "'{'");

    // Data shorter or longer than the shape says.
    expect_format_error(npy_file(dict("'<f4'", "False", "(3,)"), two_floats), "only 8");
    expect_format_error(npy_file(dict("'<f4'", "False", "(1,)"), two_floats), "4 more");
    expect_format_error(npy_file(dict("'<f4'", "False", "(2,)"), two_floats.substr(0, 6)), "only 6");
}

TEST_CASE("read_npy refuses huge shapes before allocating", "[io][npy][errors]") {
    const test_support::TempDir dir("npy-test-huge");
    const auto path = dir / "huge.npy";
    // 10^12 floats would be 4 TB: refused because the file is 136 bytes, with nothing allocated.
    write_bytes(path, npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }",
                               float_bytes({one, two})));
    CHECK_THROWS_AS(read_npy(path), format_error);
    CHECK_THROWS_WITH(read_npy(path), Catch::Contains("4000000000000 bytes"));
    // 2^32 * 2^32 elements overflow 64 bits.
    write_bytes(path, npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
                               float_bytes({one})));
    CHECK_THROWS_WITH(read_npy(path), Catch::Contains("overflow"));
    // A zero dimension makes any other dimension harmless.
    write_bytes(path, npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 18446744073709551615), }", ""));
    CHECK(read_npy(path).data.size() == 0);
}

TEST_CASE("npy I/O reports missing and unwritable files", "[io][npy][errors]") {
    const test_support::TempDir dir("npy-test-io-errors");
    CHECK_THROWS_AS(read_npy(dir / "missing.npy"), io_error);
    CHECK_THROWS_WITH(read_npy(dir / "missing.npy"), Catch::Contains("missing.npy") && Catch::Contains("read_npy"));
    CHECK_THROWS_AS(write_npy(dir / "no-such-folder" / "a.npy", Vector(Vector::Ones(2))), io_error);
    CHECK_THROWS_WITH(write_npy(dir / "no-such-folder" / "a.npy", Vector(Vector::Ones(2))),
                      Catch::Contains("no-such-folder"));
    const std::array<std::size_t, 2> overflowing{std::size_t{1} << 40, std::size_t{1} << 40};
    const float value = 0.0f;
    CHECK_THROWS_AS(write_npy(dir / "a.npy", &value, overflowing), argument_error);
    const std::array<std::size_t, 1> three{3};
    CHECK_THROWS_AS(write_npy(dir / "a.npy", nullptr, three), argument_error);
    CHECK_THROWS_AS(write_npy(dir / "a.npy", Image{Vector::Zero(3), {2, 2, 1}}), shape_error);
}
