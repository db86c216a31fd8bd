// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Seeded Gaussian noise whose sample i of input k is a pure function of (seed, k, i).
///
/// `std::normal_distribution` differs between standard libraries and the state of a shared engine
/// depends on the order of calls, so neither gives maps that are identical across batch sizes, thread
/// counts and platforms. The sampler here is documented instead: SplitMix64 (Steele, Lea & Flood 2014)
/// keyed by (seed, input index, sample index, stream position) gives the random bits, and the Box-Muller
/// transform turns them into normals, in two variants:
/// - fill_normal: a pair of uniform 53-bit doubles per pair of normals, Box-Muller in double with the
///   standard library's log, cos and sin (the training noise);
/// - fill_normal_float: one 64-bit draw per pair, Box-Muller in float with this file's own logarithm,
///   square root, sine and cosine (SmoothGrad's noise). It vectorizes where the target has FMA (without
///   it each std::fma is a library call), and gives the same bits on every platform and compiler that
///   computes float in IEEE 754 single precision (not x87's extended precision, not -ffast-math) with a
///   correctly rounded fmaf: it uses only integer operations, +, -, *, / and std::fma, each rounded once,
///   never a library's transcendental functions.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "smoothgrad/detail/bit_cast.hpp"
#include "smoothgrad/detail/eigen_core.hpp"

namespace smoothgrad {

/// A stream of uniform and normal numbers for one (seed, input index, sample index).
class NoiseStream {
    /// SplitMix64's increment (2^64 over the golden ratio), also C3 of the input-index key.
    static constexpr std::uint64_t golden = 0x9E3779B97F4A7C15ULL;

public:
    /// The stream of sample `sample_index`: the state is mix(mix(seed) ^ (sample_index * C1 + C2)), with
    /// mix the SplitMix64 finalizer.
    NoiseStream(std::uint64_t seed, std::uint64_t sample_index) noexcept
        : state_(mix(mix(seed) ^ (sample_index * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL))) {}

    /// The stream of sample `sample_index` of input `input_index` (an image of a batch or a data set), so
    /// that different inputs get independent noise: the two-index stream of seed ^ mix(input_index * C3).
    /// mix(0) is 0, so input 0's streams are the two-index ones.
    NoiseStream(std::uint64_t seed, std::uint64_t input_index, std::uint64_t sample_index) noexcept
        : NoiseStream(seed ^ mix(input_index * golden), sample_index) {}

    /// The next 64 random bits (SplitMix64).
    [[nodiscard]] std::uint64_t next_bits() noexcept {
        state_ += golden;
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

    /// Fills `out` with N(0, sigma^2) values in float, one 64-bit draw b_k = next_bits() per pair k:
    /// - u = ((b_k >> 40) + 1) * 2^-24 in (0, 1] and the angle 2 pi v / 2^24 with v = bits 16..39 of b_k;
    /// - radius = sqrt(-2 ln u), out(2k) = sigma * (radius * cos), out(2k + 1) = sigma * (radius * sin),
    ///   every step in float as normal_pair() spells it out (a truncated Box-Muller: |z| <= 5.77, which
    ///   a normal exceeds with probability 8e-9).
    void fill_normal_float(Eigen::Ref<Eigen::VectorXf> out, float sigma) noexcept {
        const Eigen::Index n = out.size(), pairs = (n + 1) / 2;
        constexpr Eigen::Index block = 64;  // the pairs of a block are drawn in one vectorizable loop
        alignas(64) float first[block];
        alignas(64) float second[block];
        float* values = out.data();
        for (Eigen::Index start = 0; start < pairs; start += block) {
            const Eigen::Index count = std::min(block, pairs - start);
            for (Eigen::Index k = 0; k < count; ++k)
                normal_pair(mix(state_ + static_cast<std::uint64_t>(start + k + 1) * golden), first[k], second[k]);
            // The last pair of an odd-sized vector keeps only its first value.
            const Eigen::Index whole = std::min(count, n / 2 - start);
            float* pair_values = values + 2 * start;
            for (Eigen::Index k = 0; k < whole; ++k) {
                pair_values[2 * k] = sigma * first[k];
                pair_values[2 * k + 1] = sigma * second[k];
            }
            if (whole < count) pair_values[2 * whole] = sigma * first[whole];
        }
        state_ += static_cast<std::uint64_t>(pairs) * golden;
    }

    /// The two standard normals of fill_normal_float for the 64 random bits `bits`.
    static void normal_pair(std::uint64_t bits, float& cosine_part, float& sine_part) noexcept {
        // ln u = ln a - 24 ln 2 for u = a * 2^-24, a = (bits >> 40) + 1 in [1, 2^24] (exact in float);
        // ln a = e ln 2 + ln m with a = 2^e m, m in [sqrt(1/2), sqrt(2)), and ln m = 2 atanh(t) with
        // t = (m - 1) / (m + 1), |t| <= 0.172, by its series to t^9 (truncation below 1e-9).
        const auto a = static_cast<float>((bits >> 40) + 1);
        const auto a_bits = detail::bit_cast<std::uint32_t>(a);
        const std::uint32_t mantissa = (a_bits & 0x007FFFFFu) | 0x3F800000u;  // m in [1, 2)
        const std::uint32_t above = detail::bit_cast<float>(mantissa) > 1.41421356f ? 1u : 0u;
        const float m = detail::bit_cast<float>(mantissa - (above << 23));  // halved above sqrt(2)
        const std::int32_t exponent = static_cast<std::int32_t>(a_bits >> 23) - 127 + static_cast<std::int32_t>(above);
        const float t = (m - 1.0f) / (m + 1.0f);
        const float t2 = t * t;
        float series = std::fma(t2, 1.0f / 9.0f, 1.0f / 7.0f);
        series = std::fma(t2, series, 1.0f / 5.0f);
        series = std::fma(t2, series, 1.0f / 3.0f);
        const float two_t = t + t;
        const float log_m = std::fma(two_t * t2, series, two_t);
        const float log_u = std::fma(static_cast<float>(exponent - 24), std::numbers::ln2_v<float>, log_m);
        // radius = sqrt(y), y = -2 ln u in [0, 33.3], as y / sqrt(y): 1 / sqrt(y) from the exponent-halving
        // first guess and three Newton steps, within a few units in the last place (std::sqrt would be
        // correctly rounded, but its errno branch stops compilers from vectorizing the loop).
        const float y = -2.0f * log_u;
        const float y_or_tiny = std::max(y, 1e-30f);  // u = 1 gives y = 0 and radius 0 * guess = 0
        float guess = detail::bit_cast<float>(0x5F3759DFu - (detail::bit_cast<std::uint32_t>(y_or_tiny) >> 1));
        const float half_y = 0.5f * y_or_tiny;
        for (int step = 0; step < 3; ++step) guess *= std::fma(-half_y, guess * guess, 1.5f);
        const float radius = y * guess;

        // The angle in quarter turns: quadrant q and phi = r * (pi/2) / 2^22, |phi| <= pi/4, with
        // v = q * 2^22 + r; sine and cosine of phi by their Taylor series to phi^9 and phi^10.
        const auto angle = static_cast<std::int32_t>((bits >> 16) & 0xFFFFFFu);
        const std::int32_t quadrant_start = (angle + (1 << 21)) >> 22;
        const std::int32_t quadrant = quadrant_start & 3;
        const float phi = static_cast<float>(angle - (quadrant_start << 22)) * phi_per_step;
        const float z = phi * phi;
        float sine = std::fma(z, 1.0f / 362880.0f, -1.0f / 5040.0f);
        sine = std::fma(z, sine, 1.0f / 120.0f);
        sine = std::fma(z, sine, -1.0f / 6.0f);
        sine = std::fma(phi * z, sine, phi);
        float cosine = std::fma(z, -1.0f / 3628800.0f, 1.0f / 40320.0f);
        cosine = std::fma(z, cosine, -1.0f / 720.0f);
        cosine = std::fma(z, cosine, 1.0f / 24.0f);
        cosine = std::fma(z, cosine, -0.5f);
        cosine = std::fma(z, cosine, 1.0f);
        // Rotate by the quadrant: cos(q pi/2 + phi) = (c, -s, -c, s) and sin(q pi/2 + phi) = (s, c, -s, -c)
        // for q = 0 .. 3, by bit masks so that the loop has no branch.
        const auto c_bits = detail::bit_cast<std::uint32_t>(cosine);
        const auto s_bits = detail::bit_cast<std::uint32_t>(sine);
        const std::uint32_t swap = 0u - static_cast<std::uint32_t>(quadrant & 1);
        const std::uint32_t x_bits = (c_bits & ~swap) | (s_bits & swap);
        const std::uint32_t y_bits = (s_bits & ~swap) | (c_bits & swap);
        const auto negate_x = static_cast<std::uint32_t>(((quadrant + 1) >> 1) & 1) << 31;
        const auto negate_y = static_cast<std::uint32_t>(quadrant >> 1) << 31;
        cosine_part = radius * detail::bit_cast<float>(x_bits ^ negate_x);
        sine_part = radius * detail::bit_cast<float>(y_bits ^ negate_y);
    }

private:
    /// (pi / 2) / 2^22 in float: a quarter turn is 2^22 steps of the 24-bit angle.
    static constexpr float phi_per_step = static_cast<float>(std::numbers::pi / 2.0 / 4194304.0);

    static constexpr std::uint64_t mix(std::uint64_t z) noexcept {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    std::uint64_t state_;
};

}  // namespace smoothgrad
