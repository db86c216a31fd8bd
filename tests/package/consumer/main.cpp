// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// A downstream program: a linear model through the callable adapter, explained with SmoothGrad.
#include <cmath>
#include <cstdio>

#include <smoothgrad/smoothgrad.hpp>

int main() {
    using namespace smoothgrad;
    Matrix weights(2, 3);
    weights << 1, -2, 3, 0, 1, 0;
    auto model = make_model(
        3, 2, [&](const Matrix& x) { return Matrix(weights * x); },
        [&](const Matrix& x, const Vector& w) { return Matrix((weights.transpose() * w).replicate(1, x.cols())); });
    const Vector input = Vector::Ones(3);
    const Vector map = SmoothGrad{.samples = 8}(model, input, 0);
    // The gradient of a linear score is its weight row, whatever the noise.
    const bool ok = (map - weights.row(0).transpose()).cwiseAbs().maxCoeff() < 1e-5f;
    std::printf("consumer: smoothgrad map %s\n", ok ? "as expected" : "WRONG");
    return ok ? 0 : 1;
}
