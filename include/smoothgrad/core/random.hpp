// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Seeded Gaussian noise whose sample i of input k is a pure function of (seed, k, i).
///
/// `std::normal_distribution` differs between standard libraries and the state of a shared engine
/// depends on the order of calls, so neither gives maps that are identical across batch sizes, thread
/// counts and platforms. The sampler here is documented instead: SplitMix64 (Steele, Lea & Flood 2014)
/// keyed by (seed, input index, sample index, stream position) gives uniform 53-bit doubles, and the
/// Box-Muller transform turns each pair into two standard normals.

#include <cmath>
#include <cstdint>
#include <numbers>

#include "smoothgrad/detail/eigen_core.hpp"

namespace smoothgrad {

/// A stream of uniform and normal numbers for one (seed, input index, sample index).
class NoiseStream {
public:
    /// The stream of sample `sample_index`: the state is mix(mix(seed) ^ (sample_index * C1 + C2)), with
    /// mix the SplitMix64 finalizer.
    NoiseStream(std::uint64_t seed, std::uint64_t sample_index) noexcept
        : state_(mix(mix(seed) ^ (sample_index * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL))) {}

    /// The stream of sample `sample_index` of input `input_index` (an image of a batch or a data set), so
    /// that different inputs get independent noise: the two-index stream of seed ^ mix(input_index * C3).
    /// mix(0) is 0, so input 0's streams are the two-index ones.
    NoiseStream(std::uint64_t seed, std::uint64_t input_index, std::uint64_t sample_index) noexcept
        : NoiseStream(seed ^ mix(input_index * 0x9E3779B97F4A7C15ULL), sample_index) {}

    /// The next 64 random bits (SplitMix64).
    [[nodiscard]] std::uint64_t next_bits() noexcept {
        state_ += 0x9E3779B97F4A7C15ULL;
        return mix(state_);
    }

    /// Uniform in (0, 1]: never 0, so that log() in Box-Muller is finite.
    [[nodiscard]] double next_uniform() noexcept {
        return static_cast<double>((next_bits() >> 11) + 1) * 0x1.0p-53;
    }

    /// Fills `out` with independent N(0, sigma^2) values.
    void fill_normal(Eigen::Ref<Eigen::VectorXf> out, double sigma) noexcept {
        const Eigen::Index n = out.size();
        for (Eigen::Index i = 0; i < n; i += 2) {
            const double radius = sigma * std::sqrt(-2.0 * std::log(next_uniform()));
            const double angle = 2.0 * std::numbers::pi * next_uniform();
            out(i) = static_cast<float>(radius * std::cos(angle));
            if (i + 1 < n) out(i + 1) = static_cast<float>(radius * std::sin(angle));
        }
    }

private:
    static constexpr std::uint64_t mix(std::uint64_t z) noexcept {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    std::uint64_t state_;
};

}  // namespace smoothgrad
