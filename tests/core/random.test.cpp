// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/core/random.hpp"

#include <catch2/catch.hpp>

#include <cmath>

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
