// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/nn/spec.hpp"

#include <catch2/catch.hpp>

using namespace smoothgrad;

TEST_CASE("a spec string round-trips through parse_spec and to_spec", "[nn][spec]") {
    const std::string spec =
        "input 28x28x1; conv 3x3x16 same; relu; maxpool 2; conv 3x3x32 same; relu; maxpool 2; flatten; dense 128; "
        "relu; dense 10";
    const nn::Sequential net = nn::parse_spec(spec);
    CHECK(net.to_spec() == spec);
    CHECK(net.layers().size() == 10);
    CHECK(net.input_shape() == ImageShape{28, 28, 1});
    CHECK(net.shape(7) == ImageShape{1, 1, 7 * 7 * 32});
    CHECK(net.num_classes() == 10);
    CHECK(net.layer_as<nn::Conv2D>(3).in_channels() == 16);
    CHECK(net.layer_as<nn::Dense>(7).in_features() == 1568);
    CHECK(nn::parse_spec(net.to_spec()).to_spec() == spec);
}

TEST_CASE("parse_spec accepts free spacing and flat inputs, and prints the canonical form", "[nn][spec]") {
    const nn::Sequential net = nn::parse_spec("  input   5x7x3 ;conv 1x3x2   valid;  relu;flatten;dense 4  ");
    CHECK(net.to_spec() == "input 5x7x3; conv 1x3x2 valid; relu; flatten; dense 4");
    CHECK(net.shape(1) == ImageShape{5, 5, 2});
    CHECK(nn::parse_spec("input 10; dense 3").to_spec() == "input 1x1x10; dense 3");
}

TEST_CASE("bad specs throw format_error naming the token", "[nn][spec][errors]") {
    const auto fails_with = [](std::string_view spec, std::string_view token) {
        INFO(spec);
        CHECK_THROWS_AS(nn::parse_spec(spec), format_error);
        CHECK_THROWS_WITH(nn::parse_spec(spec), Catch::Contains(std::string(token)));
    };
    fails_with("", "input HxWxC");
    fails_with("conv 3x3x8 same", "'conv 3x3x8 same'");
    fails_with("input 28x28; relu", "'28x28'");
    fails_with("input 28x28x0; relu", "'0'");
    fails_with("input 28x28x1", "no layer");
    fails_with("input 28x28x1; convv 3x3x8 same", "'convv'");
    fails_with("input 28x28x1; conv 3x3 same", "'3x3'");
    fails_with("input 28x28x1; conv 3x3x8", "'conv' takes 2");
    fails_with("input 28x28x1; conv 3x3x8 full", "'full'");
    fails_with("input 28x28x1; conv 2x2x8 same", "odd kernel");
    fails_with("input 28x28x1; conv 3xax8 same", "'a'");
    fails_with("input 28x28x1; maxpool -2", "'-2'");
    fails_with("input 28x28x1; maxpool 2 2", "'maxpool' takes 1");
    fails_with("input 28x28x1; relu 3", "'relu' takes 0");
    fails_with("input 28x28x1; dense 10", "add 'flatten'");
    fails_with("input 28x28x1; relu;; flatten", "item 2 is empty");
    fails_with("input 28x28x1; relu;", "item 2 is empty");
    fails_with("input 2x2x1; conv 3x3x4 valid", "'conv 3x3x4 valid' cannot take input 2x2x1");
    fails_with("input 2x2x1; maxpool 3", "'maxpool 3'");
    fails_with("input 2x2x1; dense 99999999999999999999", "'99999999999999999999'");
}

TEST_CASE("a caller can lower the spec's size limit, and a bad limit is refused", "[nn][spec][errors]") {
    // The fuzzer's limit: "input 1111110; dense 222" (247 million weights) passes the default 2^28 but would
    // allocate 1 GB; with 10 000 it is refused before anything is allocated.
    const nn::ParseSpecParams small{.max_spec_values = 10000};
    CHECK(nn::parse_spec("input 100; dense 99", small).num_classes() == 99);
    CHECK_THROWS_WITH(nn::parse_spec("input 100; dense 101", small),
                      "parse_spec: the weight in 'dense 101' has more than max_spec_values = 10000 values");
    CHECK_THROWS_WITH(nn::parse_spec("input 1111110; dense 222", small),
                      "parse_spec: the input in 'input 1111110' has more than max_spec_values = 10000 values");
    CHECK_THROWS_AS(nn::parse_spec("input 4; dense 2", {.max_spec_values = 0}), argument_error);
    CHECK_THROWS_AS(nn::parse_spec("input 4; dense 2", {.max_spec_values = nn::max_spec_values + 1}), argument_error);
}
