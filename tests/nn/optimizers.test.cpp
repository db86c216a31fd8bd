// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/optimizers.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using namespace smoothgrad;

namespace {

/// One parameter tensor over `values`.
std::vector<nn::NamedParameter> view(std::vector<float>& values) {
    return {nn::NamedParameter{"0.weight", {values.size()}, values.data(), values.size()}};
}

nn::ParameterGradients gradient_of(std::initializer_list<float> values) {
    Vector g(static_cast<Index>(values.size()));
    Index i = 0;
    for (const float v : values) g[i++] = v;
    return {g};
}

}  // namespace

static_assert(nn::Optimizer<nn::Adam>);
static_assert(nn::Optimizer<nn::Sgd>);

TEST_CASE("Adam's first two steps, worked by hand", "[nn][optimizers][adam]") {
    std::vector<float> p{1.0f};
    nn::Adam adam;  // lr 1e-3, betas 0.9 / 0.999, eps 1e-8
    // Step 1, g = 0.5: m = 0.05, v = 0.00025, bias-corrected 0.5 and 0.25: p -= 1e-3 * 0.5 / 0.5.
    adam.step(view(p), gradient_of({0.5f}));
    CHECK(p[0] == Approx(0.999).epsilon(1e-6));
    // Step 2, g = -1: m = -0.055, v = 0.00124975; p -= 1e-3 / 0.19 * m / (sqrt(v) / sqrt(1 - 0.999^2) + eps).
    adam.step(view(p), gradient_of({-1.0f}));
    CHECK(p[0] == Approx(0.9993661035).epsilon(1e-6));
    CHECK(adam.steps() == 2);
}

TEST_CASE("SGD with momentum, worked by hand", "[nn][optimizers][sgd]") {
    std::vector<float> p{1.0f, 2.0f};
    SECTION("heavy ball") {
        nn::Sgd sgd({.learning_rate = 0.1, .momentum = 0.9});
        sgd.step(view(p), gradient_of({1.0f, -2.0f}));  // b = g
        CHECK(p[0] == Approx(0.9));
        CHECK(p[1] == Approx(2.2));
        sgd.step(view(p), gradient_of({1.0f, 0.0f}));  // b = 0.9 b + g = (1.9, -1.8)
        CHECK(p[0] == Approx(0.71));
        CHECK(p[1] == Approx(2.38));
    }
    SECTION("nesterov") {
        nn::Sgd sgd({.learning_rate = 0.1, .momentum = 0.9, .nesterov = true});
        sgd.step(view(p), gradient_of({1.0f, 0.0f}));  // p -= 0.1 (g + 0.9 b), b = 1
        CHECK(p[0] == Approx(0.81));
        sgd.step(view(p), gradient_of({1.0f, 0.0f}));  // b = 1.9: p -= 0.1 (1 + 1.71)
        CHECK(p[0] == Approx(0.539));
        CHECK(p[1] == Approx(2.0));
    }
    SECTION("weight decay adds weight_decay * p to the gradient") {
        nn::Sgd sgd({.learning_rate = 0.1, .momentum = 0.0, .weight_decay = 0.5});
        sgd.step(view(p), gradient_of({0.0f, 0.0f}));
        CHECK(p[0] == Approx(0.95));
        CHECK(p[1] == Approx(1.9));
    }
}

TEST_CASE("Adam minimizes a quadratic", "[nn][optimizers][adam]") {
    std::vector<float> p{3.0f, -2.0f};
    nn::Adam adam({.learning_rate = 0.05});
    for (int step = 0; step < 500; ++step) adam.step(view(p), gradient_of({2 * (p[0] - 1), 2 * (p[1] + 1)}));
    CHECK(p[0] == Approx(1.0).margin(1e-2));
    CHECK(p[1] == Approx(-1.0).margin(1e-2));
}

TEST_CASE("optimizers reject bad settings and mismatched gradients", "[nn][optimizers][errors]") {
    CHECK_THROWS_AS(nn::Adam({.learning_rate = 0}), argument_error);
    CHECK_THROWS_AS(nn::Adam({.beta1 = 1.0}), argument_error);
    CHECK_THROWS_AS(nn::Sgd({.momentum = -1}), argument_error);
    CHECK_THROWS_AS(nn::Sgd({.momentum = 0, .nesterov = true}), argument_error);
    CHECK_THROWS_WITH(nn::Adam({.threads = -1}), Catch::Contains("threads must be >= 0, got -1"));
    CHECK_THROWS_WITH(nn::Sgd({.threads = -2}), Catch::Contains("threads must be >= 0, got -2"));
    std::vector<float> p{1.0f, 2.0f};
    nn::Adam adam;
    CHECK_THROWS_AS(adam.step(view(p), gradient_of({1.0f})), shape_error);
    CHECK_THROWS_AS(adam.step(view(p), {}), shape_error);
}

TEST_CASE("a step on a large network gives the same values on one thread as on several", "[nn][optimizers]") {
    // Enough values (two tensors, 300 001 in all) for the step to use several threads, with sizes that
    // do not split evenly.
    const auto run = [](auto optimizer) {
        std::vector<float> weight(200001);
        std::vector<float> bias(100000);
        for (std::size_t i = 0; i < weight.size(); ++i) weight[i] = std::sin(static_cast<float>(i));
        for (std::size_t i = 0; i < bias.size(); ++i) bias[i] = std::cos(static_cast<float>(i));
        const std::vector<nn::NamedParameter> parameters{{"0.weight", {weight.size()}, weight.data(), weight.size()},
                                                         {"0.bias", {bias.size()}, bias.data(), bias.size()}};
        for (int step = 0; step < 3; ++step) {
            nn::ParameterGradients gradients{Vector(static_cast<Index>(weight.size())),
                                             Vector(static_cast<Index>(bias.size()))};
            for (Index i = 0; i < gradients[0].size(); ++i)
                gradients[0][i] = std::cos(0.5f * static_cast<float>(i + step));
            for (Index i = 0; i < gradients[1].size(); ++i)
                gradients[1][i] = std::sin(0.25f * static_cast<float>(i - step));
            optimizer.step(parameters, gradients);
        }
        weight.insert(weight.end(), bias.begin(), bias.end());
        return weight;
    };
    const std::vector<float> adam_one = run(nn::Adam({.weight_decay = 0.01, .threads = 1}));
    CHECK(run(nn::Adam({.weight_decay = 0.01, .threads = 2})) == adam_one);
    CHECK(run(nn::Adam({.weight_decay = 0.01, .threads = 3})) == adam_one);
    const std::vector<float> sgd_one = run(nn::Sgd({.nesterov = true, .threads = 1}));
    CHECK(run(nn::Sgd({.nesterov = true, .threads = 2})) == sgd_one);
    CHECK(run(nn::Sgd({.nesterov = true, .threads = 3})) == sgd_one);
}

TEST_CASE("a step gives an element the same value wherever its tensor lies in memory", "[nn][optimizers]") {
    // The same 100 values at 16 offsets into a buffer: every element must go through the same
    // arithmetic (a step that computed the first elements before an aligned address otherwise, with an
    // exact square root where the packets' is approximate, moved them by an ulp).
    const auto run = [](auto optimizer, std::size_t offset) {
        std::vector<float> buffer(100 + offset);
        float* values = buffer.data() + offset;
        for (std::size_t i = 0; i < 100; ++i) values[i] = std::sin(1.7f * static_cast<float>(i)) * 3.0f;
        const std::vector<nn::NamedParameter> parameters{{"0.weight", {100}, values, 100}};
        for (int step = 0; step < 3; ++step) {
            nn::ParameterGradients gradients{Vector(100)};
            for (Index i = 0; i < 100; ++i) gradients[0][i] = std::cos(0.37f * static_cast<float>(i * (step + 1)));
            optimizer.step(parameters, gradients);
        }
        return std::vector<float>(values, values + 100);
    };
    const std::vector<float> adam = run(nn::Adam({.weight_decay = 0.01}), 0);
    const std::vector<float> sgd = run(nn::Sgd({.nesterov = true}), 0);
    for (std::size_t offset = 1; offset < 16; ++offset) {
        INFO("offset " << offset);
        CHECK(run(nn::Adam({.weight_decay = 0.01}), offset) == adam);
        CHECK(run(nn::Sgd({.nesterov = true}), offset) == sgd);
    }
}
