// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// IDX reading (raw and gzipped) and Fashion-MNIST loading: tiny files built here, every rejected input, and
// the real test set when Debian's dataset-fashion-mnist is installed.

#include "smoothgrad/io/idx.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "../support/files.hpp"
#include "../support/skip.hpp"

namespace {
using test_support::read_bytes;
using test_support::require_error;
using test_support::write_bytes;

namespace fs = std::filesystem;
using smoothgrad::format_error;
using smoothgrad::io_error;
using Bytes = std::vector<std::uint8_t>;


/// An IDX header: magic 0x0000TTDD then the sizes, big-endian.
Bytes idx_header(std::uint8_t type, std::initializer_list<std::uint32_t> dims) {
    Bytes bytes{0, 0, type, static_cast<std::uint8_t>(dims.size())};
    for (const std::uint32_t d : dims) {
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(d >> shift));
    }
    return bytes;
}

/// A complete unsigned-byte IDX file with the given sizes and data.
Bytes idx_file(std::initializer_list<std::uint32_t> dims, const Bytes& data) {
    Bytes bytes = idx_header(0x08, dims);
    bytes.insert(bytes.end(), data.begin(), data.end());
    return bytes;
}

Bytes iota_bytes(std::size_t n, std::uint8_t first = 0) {
    Bytes bytes(n);
    std::iota(bytes.begin(), bytes.end(), first);
    return bytes;
}

void write_raw(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

/// Gzips `bytes` into `path` with zlib's gz interface, as gzip(1) would.
void write_gz(const fs::path& path, const Bytes& bytes) {
    gzFile file = gzopen(path.string().c_str(), "wb");
    REQUIRE(file != nullptr);
    REQUIRE(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
    REQUIRE(gzclose(file) == Z_OK);
}

Bytes read_raw(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("read_idx reads a raw 3-D file of unsigned bytes", "[io][idx]") {
    const test_support::TempDir dir("idx-test");
    const fs::path path = dir / "images";
    write_raw(path, idx_file({2, 2, 3}, iota_bytes(12, 200)));
    const smoothgrad::IdxArray array = smoothgrad::read_idx(path);
    CHECK(array.dims == std::vector<std::size_t>{2, 2, 3});
    CHECK(array.data == iota_bytes(12, 200));
}

TEST_CASE("read_idx reads a gzipped file, recognised by its magic bytes not its name", "[io][idx]") {
    const test_support::TempDir dir("idx-test");
    const fs::path path = dir / "labels.idx";  // no .gz suffix on purpose
    const Bytes data{9, 2, 1, 1, 6, 0, 255};
    write_gz(path, idx_file({7}, data));
    REQUIRE(read_raw(path).at(0) == 0x1f);  // it is gzip on disk
    const smoothgrad::IdxArray array = smoothgrad::read_idx(path);
    CHECK(array.dims == std::vector<std::size_t>{7});
    CHECK(array.data == data);
}

TEST_CASE("read_idx reads a 2-D file larger than one zlib buffer", "[io][idx]") {
    const test_support::TempDir dir("idx-test");
    const fs::path path = dir / "big.gz";
    Bytes data(300 * 1000);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>((i * 7919) % 251);
    write_gz(path, idx_file({300, 1000}, data));
    const smoothgrad::IdxArray array = smoothgrad::read_idx(path);
    CHECK(array.dims == std::vector<std::size_t>{300, 1000});
    CHECK(array.data == data);
}

TEST_CASE("read_idx with a limit reads only the first items", "[io][idx]") {
    const test_support::TempDir dir("idx-test");
    const fs::path path = dir / "images.gz";
    write_gz(path, idx_file({3, 2, 2}, iota_bytes(12)));
    const smoothgrad::IdxArray two = smoothgrad::read_idx(path, {.limit = 2});
    CHECK(two.dims == std::vector<std::size_t>{2, 2, 2});
    CHECK(two.data == iota_bytes(8));
    const smoothgrad::IdxArray all = smoothgrad::read_idx(path, {.limit = 10});
    CHECK(all.dims == std::vector<std::size_t>{3, 2, 2});
    CHECK(all.data == iota_bytes(12));
}

TEST_CASE("read_idx refuses a size of zero in any dimension", "[io][idx]") {
    // 5 x 0 x 28 used to come back as 0 x 0 x 28, and beside 5 labels gave a data set of 0 images.
    const test_support::TempDir dir("idx-test");
    const fs::path path = dir / "zero";
    const auto refused = [&](const Bytes& file, const char* dimension) {
        write_raw(path, file);
        require_error<format_error>([&] { (void)smoothgrad::read_idx(path); }, {dimension, path.string()});
    };
    refused(idx_file({5, 0, 28}, {}), "dimension 1 has size 0");
    refused(idx_file({0, 28, 28}, {}), "dimension 0 has size 0");
    refused(idx_file({0}, {}), "dimension 0 has size 0");
}

TEST_CASE("read_idx rejects what is not an IDX file of unsigned bytes", "[io][idx]") {
    const test_support::TempDir dir("idx-test");
    const fs::path path = dir / "bad.idx";
    const std::string where = path.string();
    const auto read = [&] { (void)smoothgrad::read_idx(path); };

    SECTION("missing file") {
        require_error<io_error>([&] { (void)smoothgrad::read_idx(dir / "nowhere.gz"); },
                                {"read_idx", (dir / "nowhere.gz").string()});
    }
    SECTION("a directory") {
        require_error<io_error>([&] { (void)smoothgrad::read_idx(dir.path()); }, {dir.path().string(), "is a directory"});
    }
    SECTION("empty file") {
        write_raw(path, {});
        require_error<format_error>(read, {where, "0 bytes"});
    }
    SECTION("bad magic number") {
        write_raw(path, {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0});
        require_error<format_error>(read, {where, "bad magic number 0x12345678"});
    }
    SECTION("unsupported type code") {
        Bytes bytes = idx_header(0x0D, {2});
        bytes.resize(bytes.size() + 8);
        write_raw(path, bytes);
        require_error<format_error>(read, {where, "unsupported type code 0x0D", "0x00000D01"});
    }
    SECTION("no dimensions") {
        write_raw(path, idx_header(0x08, {}));
        require_error<format_error>(read, {where, "number of dimensions 0"});
    }
    SECTION("four dimensions") {
        write_raw(path, idx_file({1, 1, 1, 1}, {7}));
        require_error<format_error>(read, {where, "number of dimensions 4"});
    }
    SECTION("truncated header") {
        Bytes bytes = idx_header(0x08, {10, 28, 28});
        bytes.resize(bytes.size() - 3);
        write_raw(path, bytes);
        require_error<format_error>(read, {where, "truncated header", "file has 9"});
    }
    SECTION("truncated data") {
        write_raw(path, idx_file({2, 2, 3}, iota_bytes(11)));
        require_error<format_error>(read, {where, "truncated data", "12 bytes", "has 11"});
    }
    SECTION("truncated data in a gzipped file") {
        write_gz(path, idx_file({2, 2, 3}, iota_bytes(5)));
        require_error<format_error>(read, {where, "truncated data", "12 bytes", "has 5"});
    }
    SECTION("more data than the sizes say") {
        write_raw(path, idx_file({2, 2, 3}, iota_bytes(13)));
        require_error<format_error>(read, {where, "more data than the sizes say", "12 bytes"});
    }
    SECTION("sizes whose product overflows") {
        write_raw(path, idx_file({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {1, 2, 3}));
        require_error<format_error>(read, {where, "size 4294967295", "idx_max_elements"});
    }
    SECTION("sizes above the documented limit") {
        // 60000 x 200 x 200 = 2.4e9 > 2^31: refused from the header alone, though the data is absent.
        write_raw(path, idx_file({60000, 200, 200}, {}));
        require_error<format_error>(read, {where, "size 200 of dimension 2", "2147483648"});
    }
}

TEST_CASE("read_idx rejects a corrupt gzip stream", "[io][idx]") {
    const test_support::TempDir dir("idx-test");
    const fs::path good = dir / "good.gz";
    write_gz(good, idx_file({4, 3}, iota_bytes(12)));
    const Bytes compressed = read_raw(good);
    REQUIRE(compressed.size() > 20);
    const fs::path path = dir / "bad.gz";
    const auto read = [&] { (void)smoothgrad::read_idx(path); };

    SECTION("wrong CRC in the trailer") {
        Bytes bytes = compressed;
        bytes[bytes.size() - 8] ^= 0xFF;  // the trailer is CRC-32 then length, 4 bytes each
        write_raw(path, bytes);
        require_error<format_error>(read, {path.string(), "corrupt gzip stream"});
    }
    SECTION("stream cut short") {
        write_raw(path, Bytes(compressed.begin(), compressed.end() - 6));
        require_error<format_error>(read, {path.string(), "gzip stream"});
    }
    SECTION("garbage after the gzip magic bytes") {
        Bytes bytes{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03};  // a valid 10-byte gzip member header
        for (int i = 0; i < 64; ++i) bytes.push_back(0xFF);          // not a deflate stream
        write_raw(path, bytes);
        require_error<format_error>(read, {path.string(), "corrupt gzip stream"});
    }
}

TEST_CASE("load_fashion_mnist builds one column per image from tiny files", "[io][idx][fashion_mnist]") {
    const test_support::TempDir dir("idx-test");
    // Three 2x3 images; the images file gzipped, the labels file raw, as either may come.
    const Bytes pixels{0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
    write_gz(dir / "t10k-images-idx3-ubyte.gz", idx_file({3, 2, 3}, pixels));
    write_raw(dir / "t10k-labels-idx1-ubyte", idx_file({3}, {9, 0, 4}));

    const smoothgrad::Dataset all = smoothgrad::load_fashion_mnist(dir.path(), smoothgrad::Split::test);
    CHECK(all.shape == smoothgrad::ImageShape{.height = 2, .width = 3, .channels = 1});
    REQUIRE(all.images.rows() == 6);
    REQUIRE(all.images.cols() == 3);
    CHECK(all.labels == std::vector<int>{9, 0, 4});
    CHECK(all.images(0, 0) == 0.0f);
    CHECK(all.images(1, 0) == 1.0f);
    CHECK(all.images(2, 0) == Approx(0.2f));
    CHECK(all.images(5, 0) == Approx(0.8f));
    // Pixel (y = 1, x = 0) of image 2 is row width * y + x = 3 of its column.
    CHECK(all.images(3, 2) == Approx(40.0f / 255.0f));
    CHECK(smoothgrad::fashion_mnist_class_names[static_cast<std::size_t>(all.labels[0])] == "Ankle boot");

    const smoothgrad::Dataset two =
        smoothgrad::load_fashion_mnist(dir.path(), smoothgrad::Split::test, {.limit = 2, .scale = 1.0f});
    REQUIRE(two.images.cols() == 2);
    CHECK(two.labels == std::vector<int>{9, 0});
    CHECK(two.images(1, 0) == 255.0f);
    CHECK(two.images(5, 1) == 6.0f);
}

TEST_CASE("load_fashion_mnist rejects inconsistent files", "[io][idx][fashion_mnist]") {
    const test_support::TempDir dir("idx-test");
    const fs::path images = dir / "train-images-idx3-ubyte.gz";
    const fs::path labels = dir / "train-labels-idx1-ubyte.gz";
    const auto load = [&] { (void)smoothgrad::load_fashion_mnist(dir.path(), smoothgrad::Split::train); };

    SECTION("missing directory") {
        require_error<io_error>(
            [&] { (void)smoothgrad::load_fashion_mnist(dir / "absent", smoothgrad::Split::test); },
            {"load_fashion_mnist", (dir / "absent" / "t10k-images-idx3-ubyte.gz").string()});
    }
    SECTION("missing labels") {
        write_gz(images, idx_file({2, 1, 1}, {1, 2}));
        require_error<io_error>(load, {labels.string()});
    }
    SECTION("counts that disagree") {
        write_gz(images, idx_file({2, 1, 1}, {1, 2}));
        write_gz(labels, idx_file({3}, {1, 2, 3}));
        require_error<format_error>(load, {"holds 2 images", "holds 3 labels", images.string()});
    }
    SECTION("images with a zero size beside labels") {
        write_gz(images, idx_file({5, 0, 28}, {}));
        write_gz(labels, idx_file({5}, {1, 2, 3, 4, 5}));
        require_error<format_error>(load, {images.string(), "dimension 1 has size 0"});
    }
    SECTION("label above 9") {
        write_gz(images, idx_file({3, 1, 1}, {1, 2, 3}));
        write_gz(labels, idx_file({3}, {1, 10, 3}));
        require_error<format_error>(load, {labels.string(), "label 1 is 10"});
    }
    SECTION("images that are not 3-D") {
        write_gz(images, idx_file({2}, {1, 2}));
        write_gz(labels, idx_file({2}, {1, 2}));
        require_error<format_error>(load, {images.string(), "3 dimensions", "got 1"});
    }
    SECTION("labels that are not 1-D") {
        write_gz(images, idx_file({2, 1, 1}, {1, 2}));
        write_gz(labels, idx_file({2, 1}, {1, 2}));
        require_error<format_error>(load, {labels.string(), "1 dimension", "got 2"});
    }
    SECTION("a scale that is not positive") {
        write_gz(images, idx_file({2, 1, 1}, {1, 2}));
        write_gz(labels, idx_file({2}, {1, 2}));
        require_error<smoothgrad::argument_error>(
            [&] { (void)smoothgrad::load_fashion_mnist(dir.path(), smoothgrad::Split::train, {.scale = -1.0f}); },
            {"load_fashion_mnist", "scale", "-1"});
    }
}

TEST_CASE("load_fashion_mnist reads Debian's Fashion-MNIST test set", "[io][idx][fashion_mnist][dataset]") {
    const fs::path dir = smoothgrad::default_fashion_mnist_dir();
    if (!fs::exists(dir / "t10k-images-idx3-ubyte.gz") || !fs::exists(dir / "t10k-labels-idx1-ubyte.gz"))
        test_support::skip_unless_required("Fashion-MNIST is not installed in " + dir.string() +
                                               " (Debian: dataset-fashion-mnist)",
                                           "SMOOTHGRAD_REQUIRE_FASHION_MNIST");
    // Oracle: Python's gzip + struct on the same files (not this library):
    // first labels 9 2 1 1 6 1 4 6 5 7, first image's bytes sum to 33456, all 7840000 bytes to 573469082.
    const smoothgrad::Dataset test = smoothgrad::load_fashion_mnist(dir, smoothgrad::Split::test, {.scale = 1.0f});
    CHECK(test.shape == smoothgrad::ImageShape{.height = 28, .width = 28, .channels = 1});
    REQUIRE(test.images.rows() == 784);
    REQUIRE(test.images.cols() == 10000);
    REQUIRE(test.labels.size() == 10000);
    CHECK(std::vector<int>(test.labels.begin(), test.labels.begin() + 10) ==
          std::vector<int>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7});
    CHECK(std::all_of(test.labels.begin(), test.labels.end(), [](int label) { return label >= 0 && label <= 9; }));
    CHECK(test.images.col(0).cast<double>().sum() == 33456.0);
    CHECK(test.images.cast<double>().sum() == 573469082.0);
    CHECK(test.images.maxCoeff() == 255.0f);

    const smoothgrad::Dataset scaled = smoothgrad::load_fashion_mnist(dir, smoothgrad::Split::test, {.limit = 1});
    REQUIRE(scaled.images.cols() == 1);
    CHECK(scaled.images.col(0).cast<double>().sum() == Approx(33456.0 / 255.0));
    CHECK(scaled.images.maxCoeff() == Approx(1.0f));

    if (fs::exists(dir / "train-labels-idx1-ubyte.gz") && fs::exists(dir / "train-images-idx3-ubyte.gz")) {
        // Python: the training labels start 9 0 0 3 0.
        const smoothgrad::Dataset train = smoothgrad::load_fashion_mnist(dir, smoothgrad::Split::train, {.limit = 5});
        CHECK(train.labels == std::vector<int>{9, 0, 0, 3, 0});
        CHECK(train.images.cols() == 5);
    }
}
