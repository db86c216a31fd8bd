// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the nn tests: seeded random batches and small models built from one layer.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "smoothgrad/core/random.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/sequential.hpp"

namespace nn_test {

using smoothgrad::Index;
using smoothgrad::Matrix;
using smoothgrad::Vector;

/// Uniform values in [low, high), a pure function of (seed, position).
inline Matrix random_matrix(Index rows, Index cols, std::uint64_t seed, float low = -1.0f, float high = 1.0f) {
    smoothgrad::NoiseStream stream(seed, 0);
    Matrix m(rows, cols);
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = low + (high - low) * static_cast<float>(stream.next_uniform());
    return m;
}

inline Vector random_vector(Index size, std::uint64_t seed) { return random_matrix(size, 1, seed).col(0); }

/// Copies `values` into a parameter of the network (PyTorch row-major order).
inline void set_parameter(smoothgrad::nn::Sequential& net, std::size_t index, const std::vector<float>& values) {
    auto parameter = net.parameters().at(index);
    REQUIRE(parameter.size == values.size());
    std::copy(values.begin(), values.end(), parameter.data);
}

}  // namespace nn_test
