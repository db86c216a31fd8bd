// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/core/random.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

using namespace smoothgrad;

TEST_CASE("a noise stream is a pure function of (seed, sample index)", "[core][random]") {
    Eigen::VectorXf a(101), b(101), other_index(101), other_seed(101);
    NoiseStream(7, 3).fill_normal(a, 1.0);
    NoiseStream(7, 3).fill_normal(b, 1.0);
    NoiseStream(7, 4).fill_normal(other_index, 1.0);
    NoiseStream(8, 3).fill_normal(other_seed, 1.0);
    CHECK(a == b);
    CHECK(a != other_index);
    CHECK(a != other_seed);
}

TEST_CASE("uniforms lie in (0, 1] and normals have the asked-for moments", "[core][random]") {
    NoiseStream stream(42, 0);
    double sum = 0.0;
    for (int i = 0; i < 100000; ++i) {
        const double u = stream.next_uniform();
        REQUIRE(u > 0.0);
        REQUIRE(u <= 1.0);
        sum += u;
    }
    CHECK(sum / 100000 == Approx(0.5).margin(0.005));

    Eigen::VectorXf noise(200001);  // odd length: the last value comes from half a Box-Muller pair
    NoiseStream(1, 2).fill_normal(noise, 0.5);
    const double mean = noise.cast<double>().mean();
    const double variance = (noise.cast<double>().array() - mean).square().mean();
    // Standard errors: 0.5/sqrt(n) ~ 0.0011 for the mean, 0.25*sqrt(2/n) ~ 0.0008 for the variance.
    CHECK(mean == Approx(0.0).margin(0.005));
    CHECK(variance == Approx(0.25).margin(0.004));
    const double beyond_two_sigma = (noise.array().abs() > 1.0f).cast<double>().mean();
    CHECK(beyond_two_sigma == Approx(0.0455).margin(0.003));  // P(|Z| > 2) for a standard normal
}

TEST_CASE("neighbouring sample indices are uncorrelated", "[core][random]") {
    Eigen::VectorXf a(50000), b(50000);
    NoiseStream(0, 0).fill_normal(a, 1.0);
    NoiseStream(0, 1).fill_normal(b, 1.0);
    const double correlation = a.cast<double>().dot(b.cast<double>()) / 50000.0;
    CHECK(std::abs(correlation) < 0.02);  // ~4.5 standard errors
}

TEST_CASE("a noise stream of (seed, input, sample) is input 0's two-index stream or an independent one",
          "[core][random]") {
    Eigen::VectorXf two_index(64), input_zero(64), input_one(64), input_one_again(64), input_two(64);
    NoiseStream(7, 3).fill_normal(two_index, 1.0);
    NoiseStream(7, 0, 3).fill_normal(input_zero, 1.0);
    NoiseStream(7, 1, 3).fill_normal(input_one, 1.0);
    NoiseStream(7, 1, 3).fill_normal(input_one_again, 1.0);
    NoiseStream(7, 2, 3).fill_normal(input_two, 1.0);
    CHECK(input_zero == two_index);
    CHECK(input_one == input_one_again);
    CHECK(input_one != input_zero);
    CHECK(input_two != input_one);
    // Neighbouring inputs are uncorrelated, as neighbouring samples are.
    Eigen::VectorXf a(50000), b(50000);
    NoiseStream(0, 10, 0).fill_normal(a, 1.0);
    NoiseStream(0, 11, 0).fill_normal(b, 1.0);
    CHECK(std::abs(a.cast<double>().dot(b.cast<double>()) / 50000.0) < 0.02);
}

TEST_CASE("fill_normal_float gives the bits of the documented sampler", "[core][random]") {
    // From tests/torch/make_fixtures.py's numpy port of fill_normal_float (float32 steps, fma rounded once).
    Eigen::VectorXf a(9), b(5);
    NoiseStream(0, 0, 0).fill_normal_float(a, 1.0f);
    NoiseStream(42, 7, 1000).fill_normal_float(b, 1.0f);
    const Eigen::VectorXf expected_a{{-0x1.bc4354p-4f, 0x1.0d0830p-2f, 0x1.337794p+0f, 0x1.2235d0p-6f, -0x1.7f57a2p+0f,
                                      0x1.07fab6p+1f, -0x1.a2cfc2p-2f, -0x1.1c66fep+0f, 0x1.ffb2c8p-10f}};
    const Eigen::VectorXf expected_b{{-0x1.47e25ap-1f, -0x1.552d44p-1f, -0x1.205f60p-2f, 0x1.8515dep-1f, -0x1.6c6dc0p-1f}};
    CHECK(a == expected_a);
    CHECK(b == expected_b);
}

TEST_CASE("fill_normal_float is Box-Muller on one 64-bit draw per pair, to float rounding", "[core][random]") {
    // The oracle: the same draws through the standard library's log, cos and sin in double.
    NoiseStream stream(3, 1, 2);
    NoiseStream draws(3, 1, 2);
    Eigen::VectorXf values(100001);  // odd: the last pair keeps its cosine part
    stream.fill_normal_float(values, 2.5f);
    double worst = 0.0;
    for (Eigen::Index k = 0; 2 * k < values.size(); ++k) {
        const std::uint64_t bits = draws.next_bits();
        const double u = static_cast<double>((bits >> 40) + 1) * 0x1.0p-24;
        const double angle = 2.0 * std::numbers::pi * static_cast<double>((bits >> 16) & 0xFFFFFFu) * 0x1.0p-24;
        const double radius = 2.5 * std::sqrt(-2.0 * std::log(u));
        worst = std::max(worst, std::abs(values(2 * k) - radius * std::cos(angle)));
        if (2 * k + 1 < values.size()) worst = std::max(worst, std::abs(values(2 * k + 1) - radius * std::sin(angle)));
    }
    CHECK(worst < 2.5 * 2e-6);
    // The stream moves on by one draw per pair: it continues where fill_normal_float stopped.
    CHECK(stream.next_bits() == draws.next_bits());
}

TEST_CASE("fill_normal_float: a prefix of a longer fill, the moments of N(0, sigma^2), no NaN", "[core][random]") {
    Eigen::VectorXf longer(1000), shorter(10), odd(11);
    NoiseStream(9, 4).fill_normal_float(longer, 1.0f);
    NoiseStream(9, 4).fill_normal_float(shorter, 1.0f);
    NoiseStream(9, 4).fill_normal_float(odd, 1.0f);
    CHECK(shorter == longer.head(10));
    CHECK(odd == longer.head(11));

    double sum = 0.0, squares = 0.0, fourth = 0.0, largest = 0.0;
    constexpr int samples = 200, size = 5000;
    Eigen::VectorXf values(size);
    for (int sample = 0; sample < samples; ++sample) {
        NoiseStream(11, static_cast<std::uint64_t>(sample)).fill_normal_float(values, 0.5f);
        REQUIRE(values.allFinite());
        for (const float v : values) {
            const double z = v / 0.5;
            sum += z;
            squares += z * z;
            fourth += z * z * z * z;
            largest = std::max(largest, std::abs(z));
        }
    }
    const double n = static_cast<double>(samples) * size;
    CHECK(std::abs(sum / n) < 0.005);            // standard error 0.001
    CHECK(std::abs(squares / n - 1.0) < 0.01);   // standard error 0.0014
    CHECK(std::abs(fourth / n - 3.0) < 0.05);    // kurtosis of a normal; standard error about 0.01
    CHECK(largest <= 5.77);                      // sqrt(-2 ln 2^-24): the truncation
    CHECK(largest > 4.0);                        // one million draws reach past 4 sigma
    Eigen::VectorXf zero_sigma(7);
    NoiseStream(1, 1).fill_normal_float(zero_sigma, 0.0f);
    CHECK(zero_sigma.isZero(0.0f));
}
