// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Model archetypes for the compile-only tests: each type has, or lacks, exactly one requirement.
#pragma once

#include <string>

#include "smoothgrad/core/concepts.hpp"

namespace archetypes {
using smoothgrad::Index;
using smoothgrad::Matrix;
using smoothgrad::ReluRule;
using smoothgrad::Vector;

struct Model {
    Index input_size() const { return 4; }
    Index num_classes() const { return 2; }
    Matrix scores(const Matrix& x) const { return Matrix::Zero(2, x.cols()); }
    Matrix gradients(const Matrix& x, const Vector&) const { return Matrix::Zero(x.rows(), x.cols()); }
};

/// Takes its batches as views, as the library's own models do (no copy of the caller's columns).
struct RefModel {
    Index input_size() const { return 4; }
    Index num_classes() const { return 2; }
    Matrix scores(const smoothgrad::MatrixRef& x) const { return Matrix::Zero(2, x.cols()); }
    Matrix gradients(const smoothgrad::MatrixRef& x, const Vector&) const { return Matrix::Zero(x.rows(), x.cols()); }
};

struct GuidedModel : Model {
    using Model::gradients;
    Matrix gradients(const Matrix& x, const Vector&, ReluRule) const { return Matrix::Zero(x.rows(), x.cols()); }
};

struct LayerModel : Model {
    smoothgrad::LayerGradients layer_gradients(const Matrix& x, const Vector&, const smoothgrad::LayerId&) const {
        return {{1, 1, 2}, Matrix::Zero(2, x.cols()), Matrix::Zero(2, x.cols())};
    }
};

struct GuidedLayerModel : GuidedModel {
    smoothgrad::LayerGradients layer_gradients(const Matrix& x, const Vector&, const smoothgrad::LayerId&) const {
        return {{1, 1, 2}, Matrix::Zero(2, x.cols()), Matrix::Zero(2, x.cols())};
    }
};

struct WithMutableLayerGradients : Model {
    smoothgrad::LayerGradients layer_gradients(const Matrix& x, const Vector&, const smoothgrad::LayerId&) {
        return {{1, 1, 2}, Matrix::Zero(2, x.cols()), Matrix::Zero(2, x.cols())};
    }
};

struct WithoutInputSize {
    Index num_classes() const { return 2; }
    Matrix scores(const Matrix& x) const { return Matrix::Zero(2, x.cols()); }
    Matrix gradients(const Matrix& x, const Vector&) const { return x; }
};

struct WithoutNumClasses {
    Index input_size() const { return 4; }
    Matrix scores(const Matrix& x) const { return Matrix::Zero(2, x.cols()); }
    Matrix gradients(const Matrix& x, const Vector&) const { return x; }
};

struct WithoutScores {
    Index input_size() const { return 4; }
    Index num_classes() const { return 2; }
    Matrix gradients(const Matrix& x, const Vector&) const { return x; }
};

struct WithoutGradients {
    Index input_size() const { return 4; }
    Index num_classes() const { return 2; }
    Matrix scores(const Matrix& x) const { return Matrix::Zero(2, x.cols()); }
};

/// Gradients that change the model: a hidden "last forward" state, which the concept rules out.
struct WithMutableGradients {
    Index input_size() const { return 4; }
    Index num_classes() const { return 2; }
    Matrix scores(const Matrix& x) const { return Matrix::Zero(2, x.cols()); }
    Matrix gradients(const Matrix& x, const Vector&) { return x; }
};

/// Gradients for one class index instead of output weights.
struct WithClassIndexGradients {
    Index input_size() const { return 4; }
    Index num_classes() const { return 2; }
    Matrix scores(const Matrix& x) const { return Matrix::Zero(2, x.cols()); }
    Matrix gradients(const Matrix& x, std::string) const { return x; }
};

/// Scores that return something that is not a matrix.
struct WithScalarScores {
    Index input_size() const { return 4; }
    Index num_classes() const { return 2; }
    std::string scores(const Matrix&) const { return {}; }
    Matrix gradients(const Matrix& x, const Vector&) const { return x; }
};

/// A rule-taking gradient that is not const.
struct WithMutableGuidedGradients : Model {
    using Model::gradients;
    Matrix gradients(const Matrix& x, const Vector&, ReluRule) { return x; }
};

}  // namespace archetypes
