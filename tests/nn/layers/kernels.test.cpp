// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/layers/kernels.hpp"

#include <catch2/catch.hpp>

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
