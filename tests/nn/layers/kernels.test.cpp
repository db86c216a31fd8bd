// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/kernels.hpp"

#include <catch2/catch.hpp>

#include <vector>

#include "../nn_test_support.hpp"

using namespace smoothgrad;
namespace kernels = smoothgrad::nn::kernels;

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The product in double precision: an oracle that shares no code with the kernels.
Eigen::MatrixXd reference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { return a * b; }

}  // namespace

TEST_CASE("multiply_col_major agrees with a double-precision product on awkward sizes", "[nn][kernels]") {
    for (const Index rows : {1, 3, 8, 13, 24, 61}) {
        for (const Index depth : {1, 5, 17}) {
            for (const Index cols : {1, 2, 5, 9}) {
                const Matrix a = nn_test::random_matrix(rows, depth, 1);
                const Matrix b = nn_test::random_matrix(depth, cols, 2);
                Matrix c(rows, cols);
                kernels::multiply_col_major(a.data(), rows, rows, depth, b.data(), depth, cols, c.data(), rows);
                const Eigen::MatrixXd expected = reference(a.cast<double>(), b.cast<double>());
                INFO(rows << "x" << depth << " times " << depth << "x" << cols);
                CHECK((c.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-5 * depth);
            }
        }
    }
}

TEST_CASE("multiply_row_major agrees with a double-precision product on awkward sizes", "[nn][kernels]") {
    for (const Index rows : {1, 3, 4, 7, 13}) {
        for (const Index depth : {1, 7, 8, 9, 33}) {
            for (const Index cols : {1, 2, 3, 4, 7}) {
                const RowMajor a = nn_test::random_matrix(rows, depth, 3);
                const Matrix b = nn_test::random_matrix(depth, cols, 4);
                Matrix c(rows, cols);
                kernels::multiply_row_major(a.data(), depth, rows, depth, b.data(), depth, cols, c.data(), rows);
                const Eigen::MatrixXd expected = reference(a.cast<double>(), b.cast<double>());
                INFO(rows << "x" << depth << " times " << depth << "x" << cols);
                CHECK((c.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-5 * depth);
            }
        }
    }
}

TEST_CASE("multiply_row_major_right agrees with a double-precision product, and sums over runs of the depth "
          "bit for bit", "[nn][kernels][determinism]") {
    // Rows in whole tiles, in a partial one of more and of fewer than a packet; columns past whole tiles.
    for (const Index rows : {1, 3, 8, 13, 24, 37, 64}) {
        for (const Index depth : {1, 6, 17}) {
            for (const Index cols : {1, 5, 6, 13}) {
                // A column-major with a leading dimension past its rows, B row-major past its columns; A has
                // exactly as many floats as it needs, so a read past its last row would be out of bounds
                // (and caught by the sanitizers).
                const Index lda = rows + 2;
                const Index ldb = cols + 1;
                const Matrix a_store = nn_test::random_matrix(lda, depth, 7);
                const std::vector<float> a(a_store.data(), a_store.data() + lda * (depth - 1) + rows);
                const RowMajor b = nn_test::random_matrix(depth, ldb, 8);
                const Matrix start = nn_test::random_matrix(rows, cols, 9);
                Matrix c = start;
                kernels::Scratch scratch;
                kernels::multiply_row_major_right(a.data(), lda, rows, depth, b.data(), ldb, cols, c.data(), rows,
                                                  false, scratch);
                const Eigen::MatrixXd expected =
                    reference(a_store.topRows(rows).cast<double>(), b.leftCols(cols).cast<double>());
                INFO(rows << "x" << depth << " times " << depth << "x" << cols);
                CHECK((c.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-5 * depth);
                // Accumulated onto `start`, in two runs of the depth: the bits of one run.
                Matrix whole = start;
                kernels::multiply_row_major_right(a.data(), lda, rows, depth, b.data(), ldb, cols, whole.data(), rows,
                                                  true, scratch);
                CHECK((whole.cast<double>() - start.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-5 * depth);
                const Index half = depth / 2;
                Matrix split = start;
                kernels::multiply_row_major_right(a.data(), lda, rows, half, b.data(), ldb, cols, split.data(), rows,
                                                  true, scratch);
                kernels::multiply_row_major_right(a.data() + half * lda, lda, rows, depth - half,
                                                  b.data() + half * ldb, ldb, cols, split.data(), rows, true, scratch);
                CHECK(split == whole);
            }
        }
    }
}

TEST_CASE("leading dimensions larger than the sizes select sub-matrices", "[nn][kernels]") {
    const Matrix a = nn_test::random_matrix(11, 6, 5);
    const Matrix b = nn_test::random_matrix(9, 4, 6);
    Matrix c = Matrix::Constant(12, 3, 7.0f);
    // rows 0..9 of a, depth 5 of b's 9 rows, 3 of b's columns, into the top 10 rows of c.
    kernels::multiply_col_major(a.data(), 11, 10, 5, b.data(), 9, 3, c.data(), 12);
    const Eigen::MatrixXd expected =
        reference(a.topLeftCorner(10, 5).cast<double>(), b.topLeftCorner(5, 3).cast<double>());
    CHECK((c.topRows(10).cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-5);
    CHECK((c.bottomRows(2).array() == 7.0f).all());
}

TEST_CASE("a column's result does not depend on the other columns, bit for bit", "[nn][kernels][determinism]") {
    for (const Index rows : {5, 24, 37}) {
        const Index depth = 29;
        const Index cols = 11;
        const Matrix a = nn_test::random_matrix(rows, depth, 7);
        const RowMajor a_rows = a;
        const Matrix b = nn_test::random_matrix(depth, cols, 8);
        Matrix all(rows, cols);
        Matrix all_rows(rows, cols);
        kernels::multiply_col_major(a.data(), rows, rows, depth, b.data(), depth, cols, all.data(), rows);
        kernels::multiply_row_major(a_rows.data(), depth, rows, depth, b.data(), depth, cols, all_rows.data(), rows);
        for (Index first = 0; first < cols; ++first) {
            for (Index count = 1; first + count <= cols; ++count) {
                Matrix part(rows, count);
                kernels::multiply_col_major(a.data(), rows, rows, depth, b.col(first).data(), depth, count, part.data(),
                                            rows);
                REQUIRE(part == all.middleCols(first, count));
                kernels::multiply_row_major(a_rows.data(), depth, rows, depth, b.col(first).data(), depth, count,
                                            part.data(), rows);
                REQUIRE(part == all_rows.middleCols(first, count));
            }
        }
    }
}

TEST_CASE("multiply_indirect reads runs through offsets over several depth blocks, like a plain product",
          "[nn][kernels]") {
    // B(s * length + q, j) = source[j * stride + offsets[s] + q]: runs with gaps between them, short runs
    // grouped into one depth block and long runs cut into several, as a convolution's kernel rows are.
    struct Shape {
        Index segments, length;
    };
    for (const Shape shape : {Shape{1, 7}, Shape{3, 5}, Shape{2, 300}, Shape{9, 40}, Shape{1, 600}}) {
        const Index depth = shape.segments * shape.length;
        std::vector<Index> offsets;
        for (Index s = 0; s < shape.segments; ++s) offsets.push_back(s * (shape.length + 3));
        const Index stride = shape.segments * (shape.length + 3) + 2;
        for (const Index rows : {Index{1}, Index{5}, kernels::tile_rows, 2 * kernels::tile_rows + 3, Index{37}}) {
            const Index cols = 13;
            const Matrix a = nn_test::random_matrix(rows, depth, 9);
            const Matrix source = nn_test::random_matrix(stride, cols, 10);
            Matrix b(depth, cols);
            for (Index j = 0; j < cols; ++j)
                for (Index s = 0; s < shape.segments; ++s)
                    for (Index q = 0; q < shape.length; ++q)
                        b(s * shape.length + q, j) = source(offsets[static_cast<std::size_t>(s)] + q, j);
            const auto product = [&](const kernels::LeftOperand& left, Index first, Index count,
                                     const float* row_addend = nullptr) {
                Matrix c(rows, count);
                kernels::Scratch scratch;
                const auto columns = [&](Index from, Index how_many, const float** table) {
                    for (Index j = 0; j < how_many; ++j) table[j] = source.col(first + from + j).data();
                };
                kernels::multiply_indirect(left, count, shape.segments, shape.length, offsets.data(), columns,
                                           c.data(), rows, scratch, false, row_addend);
                return c;
            };
            kernels::Buffer panels;
            kernels::pack_left(a.data(), 1, rows, depth, [&](Index k) { return k * rows; }, panels);
            const auto in_place = kernels::LeftOperand::column_major(a.data(), rows, rows, depth);
            const auto packed = kernels::LeftOperand::packed(panels, rows, depth);
            const Matrix all = product(in_place, 0, cols);
            INFO(rows << " rows, " << shape.segments << " runs of " << shape.length);
            const Eigen::MatrixXd expected = reference(a.cast<double>(), b.cast<double>());
            CHECK((all.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-5 * static_cast<double>(depth));
            // The same chain of operations for a packed or an in-place left operand, and for a column
            // wherever it is in a product of any width.
            CHECK(product(packed, 0, cols) == all);
            for (const Index first : {Index{0}, Index{1}, Index{5}, Index{7}})
                for (const Index count : {Index{1}, Index{2}, Index{6}})
                    REQUIRE(product(in_place, first, count) == all.middleCols(first, count));
            // A row addend (a bias) joins each chain once it is complete, after the last depth block: the
            // bits of adding it to the product afterwards. The vector holds exactly `rows` floats, so a
            // read past it would be out of bounds (and caught by the sanitizers).
            const std::vector<float> addend = [&] {
                const Vector values = nn_test::random_vector(rows, 11);
                return std::vector<float>(values.data(), values.data() + rows);
            }();
            Matrix added = all;
            for (Index j = 0; j < cols; ++j)
                for (Index m = 0; m < rows; ++m) added(m, j) = all(m, j) + addend[static_cast<std::size_t>(m)];
            CHECK(product(in_place, 0, cols, addend.data()) == added);
            CHECK(product(packed, 0, cols, addend.data()) == added);
            CHECK(product(in_place, 5, 6, addend.data()) == added.middleCols(5, 6));
        }
    }
}

TEST_CASE("multiply_indirect with an empty depth gives zero, or the values kept, plus the row addend",
          "[nn][kernels]") {
    const Index rows = 5;
    const Index cols = 3;
    const std::vector<float> addend{1.0f, -2.0f, 3.0f, 0.5f, 7.0f};
    const float* column_base = nullptr;
    const auto columns = [&](Index, Index how_many, const float** table) {
        for (Index j = 0; j < how_many; ++j) table[j] = column_base;
    };
    const Index offset = 0;
    const auto a = kernels::LeftOperand::column_major(nullptr, rows, rows, 0);
    kernels::Scratch scratch;
    Matrix c = Matrix::Constant(rows, cols, 9.0f);
    kernels::multiply_indirect(a, cols, 1, 0, &offset, columns, c.data(), rows, scratch, false, addend.data());
    for (Index j = 0; j < cols; ++j)
        for (Index m = 0; m < rows; ++m) CHECK(c(m, j) == addend[static_cast<std::size_t>(m)]);
    c.setConstant(9.0f);
    kernels::multiply_indirect(a, cols, 1, 0, &offset, columns, c.data(), rows, scratch, true, addend.data());
    for (Index j = 0; j < cols; ++j)
        for (Index m = 0; m < rows; ++m) CHECK(c(m, j) == 9.0f + addend[static_cast<std::size_t>(m)]);
}

TEST_CASE("multiply_row_major keeps every column's result over several depth blocks", "[nn][kernels][determinism]") {
    // Depths of one, two and three blocks; rows and columns that leave every partial tile shape (a
    // remainder of 1 to tile - 1 rows and columns with the tiles of 32 registers and of 16).
    constexpr Index block = kernels::detail::dot_depth_block;
    constexpr Index width = kernels::detail::dot_tile_columns;
    for (const Index rows : {2, 3, 4, 6, 7, 9, 11}) {
        for (const Index depth : {Index{515}, block + 17, 2 * block + 21}) {
            for (Index cols = 2 * width + 1; cols <= 3 * width; ++cols) {
                const RowMajor a = nn_test::random_matrix(rows, depth, 11);
                const Matrix b = nn_test::random_matrix(depth, cols, 12);
                Matrix all(rows, cols);
                kernels::multiply_row_major(a.data(), depth, rows, depth, b.data(), depth, cols, all.data(), rows);
                INFO(rows << "x" << depth << " times " << cols << " columns");
                CHECK((all.cast<double>() - reference(a.cast<double>(), b.cast<double>())).cwiseAbs().maxCoeff() <
                      1e-5 * depth);
                // A column alone, the rest of the batch from it, and every element alone: the same bits.
                for (Index first = 0; first < cols; ++first) {
                    for (const Index count : {Index{1}, cols - first}) {
                        Matrix part(rows, count);
                        kernels::multiply_row_major(a.data(), depth, rows, depth, b.col(first).data(), depth, count,
                                                    part.data(), rows);
                        REQUIRE(part == all.middleCols(first, count));
                    }
                    for (Index m = 0; m < rows; ++m) {
                        float element = 0.0f;
                        kernels::multiply_row_major(a.data() + m * depth, depth, 1, depth, b.col(first).data(),
                                                    depth, 1, &element, 1);
                        REQUIRE(element == all(m, first));
                    }
                }
            }
        }
    }
}

TEST_CASE("multiply_segmented agrees with a plain product of the gathered rows, and each element stands alone",
          "[nn][kernels][determinism]") {
    // Rows that overlap (a step shorter than a run, as adjacent pixels' receptive fields do), runs with
    // and without a scalar tail, and row and column counts that leave every partial tile shape.
    constexpr Index height = kernels::detail::dot_tile_rows;
    constexpr Index width = kernels::detail::dot_tile_columns;
    for (const Index length : {Index{1}, Index{7}, 3 * kernels::lanes, 3 * kernels::lanes + 5}) {
        for (const Index segments : {1, 3}) {
            const Index step = 2;  // floats between the starts of consecutive rows
            const Index stride = 40 + length;  // floats between the starts of consecutive runs
            const std::vector<Index> offsets = [&] {
                std::vector<Index> o;
                for (Index s = 0; s < segments; ++s) o.push_back(s * stride);
                return o;
            }();
            for (Index rows = 1; rows <= 2 * height + 1; ++rows) {
                for (Index cols = 1; cols <= width + 2; ++cols) {
                    const Index depth = segments * length;
                    const Index floats = (segments - 1) * stride + (rows - 1) * step + length;
                    const Vector image = nn_test::random_vector(floats, 13);
                    const RowMajor b = nn_test::random_matrix(cols, depth, 14);
                    RowMajor gathered(rows, depth);
                    for (Index r = 0; r < rows; ++r)
                        for (Index s = 0; s < segments; ++s)
                            for (Index t = 0; t < length; ++t)
                                gathered(r, s * length + t) =
                                    image[r * step + offsets[static_cast<std::size_t>(s)] + t];
                    RowMajor c = RowMajor::Constant(rows, cols + 1, 7.0f);  // ldc = cols + 1: the last column stays
                    kernels::multiply_segmented(image.data(), step, rows, offsets.data(), segments, length, b.data(),
                                                depth, cols, c.data(), cols + 1);
                    INFO(rows << " rows, " << cols << " columns, " << segments << " runs of " << length);
                    const Eigen::MatrixXd expected = gathered.cast<double>() * b.cast<double>().transpose();
                    CHECK((c.leftCols(cols).cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-5 * depth);
                    CHECK((c.col(cols).array() == 7.0f).all());
                    for (Index r = 0; r < rows; ++r) {
                        for (Index j = 0; j < cols; ++j) {
                            float element = 0.0f;
                            kernels::multiply_segmented(image.data() + r * step, step, 1, offsets.data(), segments,
                                                        length, b.row(j).data(), depth, 1, &element, 1);
                            REQUIRE(element == c(r, j));
                        }
                    }
                }
            }
        }
    }
}
