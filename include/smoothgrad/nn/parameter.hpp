// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Named views of a network's trainable tensors, in PyTorch's names and layouts, for serialization
/// (safetensors) and for optimizers.

#include "smoothgrad/detail/eigen_core.hpp"
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace smoothgrad::nn {

/// One trainable tensor seen through a pointer: `name` as in a PyTorch `nn.Sequential` state dict
/// ("0.weight", "3.bias"), `shape` in PyTorch's layout ([out, in, kh, kw] for a convolution weight,
/// [out, in] for a dense weight, [out] for a bias) and `data` pointing to `size` floats stored
/// row-major in that layout, so they can be copied to or from a PyTorch tensor as they are.
///
/// The pointer belongs to the network: it stays valid while the network lives and is not moved.
/// `T` is `float` (writable, from a non-const network) or `const float`.
template <class T>
struct BasicNamedParameter {
    std::string name;
    std::vector<std::size_t> shape;
    T* data = nullptr;
    std::size_t size = 0;

    /// The values as a span, for copying.
    [[nodiscard]] std::span<T> values() const noexcept { return {data, size}; }
};

/// A writable parameter of a non-const network.
using NamedParameter = BasicNamedParameter<float>;
/// A read-only parameter of a const network.
using ConstNamedParameter = BasicNamedParameter<const float>;

/// The gradient of a loss with respect to every parameter, in the order and layout of
/// `Sequential::parameters()`: entry i has `parameters()[i].size` values.
using ParameterGradients = std::vector<Eigen::VectorXf>;

/// Row-major float matrix: how layers store weights, so that `data()` is PyTorch's row-major order.
using WeightMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace smoothgrad::nn
