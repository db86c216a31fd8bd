// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Two-item images for the discriminativity experiments (the paper's Fig. 6): a 28x56 image with one
// Fashion-MNIST item on the left and one of another class on the right, and the share of a
// discriminativity map that points to the correct side.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

#include <smoothgrad/core/random.hpp>
#include <smoothgrad/core/types.hpp>

namespace two_item {

using smoothgrad::ImageShape;
using smoothgrad::Index;
using smoothgrad::Vector;

/// The shipped network for two-item images (trained by paper_fig6_discriminativity), relative to the
/// repository root.
inline const std::filesystem::path model_path = "examples/models/fashion_mnist_two_item_cnn.safetensors";

/// A two-item image: two 28x28 items side by side.
inline constexpr ImageShape pair_shape{28, 56, 1};

/// The 28x56 image with `left` in columns 0-27 and `right` in columns 28-55 (HWC, one channel).
[[nodiscard]] inline Vector side_by_side(const Eigen::Ref<const Vector>& left, const Eigen::Ref<const Vector>& right) {
    Vector pair(pair_shape.size());
    for (Index y = 0; y < 28; ++y) {
        pair.segment(y * 56, 28) = left.segment(y * 28, 28);
        pair.segment(y * 56 + 28, 28) = right.segment(y * 28, 28);
    }
    return pair;
}

/// `count` random pairs of indices into `labels` whose classes differ, drawn from NoiseStream(seed, 0).
[[nodiscard]] inline std::vector<std::pair<Index, Index>> random_pairs(const std::vector<int>& labels, Index count,
                                                                      std::uint64_t seed) {
    smoothgrad::NoiseStream stream(seed, 0);
    const auto n = static_cast<std::uint64_t>(labels.size());
    std::vector<std::pair<Index, Index>> pairs;
    while (static_cast<Index>(pairs.size()) < count) {
        const auto a = static_cast<Index>(stream.next_bits() % n), b = static_cast<Index>(stream.next_bits() % n);
        if (labels[static_cast<std::size_t>(a)] != labels[static_cast<std::size_t>(b)]) pairs.emplace_back(a, b);
    }
    return pairs;
}

/// The share of |d| that lies on the correct side of a discriminativity map d = map(left class) -
/// map(right class): positive on the left half, negative on the right. 1 means every bit of the map
/// points to the right item; 0.5 is what a map blind to the classes gives. An all-zero map gives 0.5.
[[nodiscard]] inline double correct_side_share(const Vector& d) {
    double correct = 0.0, total = 0.0;
    for (Index p = 0; p < d.size(); ++p) {
        const bool left = p % pair_shape.width < pair_shape.width / 2;
        total += std::abs(d[p]);
        if ((left && d[p] > 0) || (!left && d[p] < 0)) correct += std::abs(d[p]);
    }
    return total > 0 ? correct / total : 0.5;
}

}  // namespace two_item
