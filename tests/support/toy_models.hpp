// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Small models whose gradients are known in closed form or by hand, shared by the method tests.
#pragma once

#include <cmath>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/types.hpp"

namespace toy {
using smoothgrad::Index;
using smoothgrad::Matrix;
using smoothgrad::ReluRule;
using smoothgrad::Vector;

/// scores = W x: the gradient of w^T scores is W^T w everywhere.
struct LinearModel {
    Matrix weights;  // classes x features

    Index input_size() const { return weights.cols(); }
    Index num_classes() const { return weights.rows(); }
    Matrix scores(const Matrix& x) const { return weights * x; }
    Matrix gradients(const Matrix& x, const Vector& w) const {
        return (weights.transpose() * w).replicate(1, x.cols());
    }
};

/// One score S = x^T A x with A symmetric: the gradient is 2 A x.
struct QuadraticModel {
    Matrix a;  // features x features, symmetric

    Index input_size() const { return a.rows(); }
    Index num_classes() const { return 1; }
    Matrix scores(const Matrix& x) const { return (x.cwiseProduct(a * x)).colwise().sum(); }
    Matrix gradients(const Matrix& x, const Vector& w) const { return 2.0f * w[0] * (a * x); }
};

// The nonlinear models below work column by column, so that a sample's result does not depend on the
// width of its batch (Eigen picks different product kernels for different widths): the property under
// which the methods promise bit-identical maps whatever their batch size.

/// scores = V tanh(W x): smooth everywhere, for completeness checks.
struct TanhNetwork {
    Matrix w1;  // hidden x features
    Matrix w2;  // classes x hidden

    Index input_size() const { return w1.cols(); }
    Index num_classes() const { return w2.rows(); }
    Matrix scores(const Matrix& x) const {
        Matrix result(w2.rows(), x.cols());
        for (Index j = 0; j < x.cols(); ++j) result.col(j) = w2 * (w1 * x.col(j)).array().tanh().matrix();
        return result;
    }
    Matrix gradients(const Matrix& x, const Vector& w) const {
        const Vector incoming = w2.transpose() * w;
        Matrix result(x.rows(), x.cols());
        for (Index j = 0; j < x.cols(); ++j) {
            const Vector derivative = 1.0f - (w1 * x.col(j)).array().tanh().square();
            result.col(j) = w1.transpose() * derivative.cwiseProduct(incoming);
        }
        return result;
    }
};

/// scores = W2 relu(W1 x + b1): a one-hidden-layer ReLU network with a chosen ReLU backward rule.
struct ReluNetwork {
    Matrix w1;  // hidden x features
    Vector b1;  // hidden
    Matrix w2;  // classes x hidden

    Index input_size() const { return w1.cols(); }
    Index num_classes() const { return w2.rows(); }
    Matrix scores(const Matrix& x) const {
        Matrix result(w2.rows(), x.cols());
        for (Index j = 0; j < x.cols(); ++j) result.col(j) = w2 * (w1 * x.col(j) + b1).cwiseMax(0.0f);
        return result;
    }
    Matrix gradients(const Matrix& x, const Vector& w) const { return gradients(x, w, ReluRule::gradient); }
    Matrix gradients(const Matrix& x, const Vector& w, ReluRule rule) const {
        const Vector incoming = w2.transpose() * w;
        Matrix result(x.rows(), x.cols());
        for (Index j = 0; j < x.cols(); ++j) {
            const Vector pre = w1 * x.col(j) + b1;
            Vector passed(pre.size());
            for (Index i = 0; i < pre.size(); ++i) {
                const bool forward_open = pre[i] > 0.0f, backward_open = incoming[i] > 0.0f;
                const bool open = rule == ReluRule::gradient ? forward_open
                                  : rule == ReluRule::guided ? forward_open && backward_open
                                                             : backward_open;
                passed[i] = open ? incoming[i] : 0.0f;
            }
            result.col(j) = w1.transpose() * passed;
        }
        return result;
    }
};

/// A model whose gradients are NaN: methods must report it, not average it in.
struct NanGradientModel {
    Index input_size() const { return 3; }
    Index num_classes() const { return 2; }
    Matrix scores(const Matrix& x) const { return Matrix::Zero(2, x.cols()); }
    Matrix gradients(const Matrix& x, const Vector&) const {
        return Matrix::Constant(x.rows(), x.cols(), std::nanf(""));
    }
};

/// Deterministic pseudo-random matrix entries in [-1, 1] (no library generator, so tests are portable).
inline Matrix fixed_matrix(Index rows, Index cols, unsigned seed) {
    Matrix m(rows, cols);
    unsigned state = seed * 2654435761u + 12345u;
    for (Index i = 0; i < m.size(); ++i) {
        state = state * 1664525u + 1013904223u;
        m(i) = static_cast<float>(state >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
    }
    return m;
}

}  // namespace toy
