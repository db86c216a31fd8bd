// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// explain_batch: one target per column, and batches passed as Eigen::Ref over foreign memory.
#include "smoothgrad/methods/explain_batch.hpp"

#include <catch2/catch.hpp>

#include <vector>

#include "smoothgrad/core/function_model.hpp"
#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/integrated_gradients.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"
#include "../support/toy_models.hpp"

using namespace smoothgrad;

namespace {
toy::ReluNetwork relu_network() {
    return {toy::fixed_matrix(6, 5, 1), toy::fixed_matrix(6, 1, 2), toy::fixed_matrix(3, 6, 3)};
}

/// Each column explained on its own, for its own target.
template <class Method, class M>
Matrix one_by_one(const Method& method, const M& model, const Matrix& inputs, const std::vector<Target>& targets) {
    Matrix maps(inputs.rows(), inputs.cols());
    for (Index j = 0; j < inputs.cols(); ++j) maps.col(j) = method(model, Vector(inputs.col(j)), targets[j]);
    return maps;
}
}  // namespace

TEST_CASE("explain_batch gives each column the map of its own target", "[methods][explain_batch]") {
    const auto model = relu_network();
    const Matrix inputs = toy::fixed_matrix(5, 5, 4);
    const std::vector<Target> targets{2, 0, 2, 1, Target::difference(0, 1, 3)};
    CHECK(explain_batch(VanillaGradient{}, model, inputs, targets) == one_by_one(VanillaGradient{}, model, inputs, targets));
    CHECK(explain_batch(GradientTimesInput{}, model, inputs, targets) ==
          one_by_one(GradientTimesInput{}, model, inputs, targets));
    CHECK(explain_batch(GuidedBackprop{}, model, inputs, targets) == one_by_one(GuidedBackprop{}, model, inputs, targets));
    const IntegratedGradients ig{.steps = 16};
    CHECK(explain_batch(ig, model, inputs, targets) == one_by_one(ig, model, inputs, targets));
}

TEST_CASE("explain_batch keeps SmoothGrad's noise at each column's position", "[methods][explain_batch]") {
    const auto model = relu_network();
    const Matrix inputs = toy::fixed_matrix(5, 4, 5);
    const std::vector<Target> targets{1, 0, 1, 2};
    const SmoothGrad smooth{.samples = 6, .batch_size = 4, .seed = 9, .first_input = 100};
    const Matrix maps = explain_batch(smooth, model, inputs, targets);
    for (Index j = 0; j < inputs.cols(); ++j) {
        SmoothGrad at_column = smooth;
        at_column.first_input = 100 + static_cast<std::uint64_t>(j);
        CHECK(maps.col(j) == at_column(model, Vector(inputs.col(j)), targets[static_cast<std::size_t>(j)]));
    }
    // With one target for all, the maps are those of attribute_batch on the whole batch.
    const std::vector<Target> same(4, Target(1));
    CHECK(explain_batch(smooth, model, inputs, same) == smooth.attribute_batch(model, inputs, Vector::Unit(3, 1)));

    std::vector<std::pair<Index, Index>> reports;
    SmoothGrad counted = smooth;
    counted.progress = [&](Index done, Index total) { reports.emplace_back(done, total); };
    (void)explain_batch(counted, model, inputs, targets);
    REQUIRE(!reports.empty());
    CHECK(reports.back() == std::pair<Index, Index>{24, 24});
    for (std::size_t i = 1; i < reports.size(); ++i) CHECK(reports[i].first > reports[i - 1].first);
}

TEST_CASE("a batch over another framework's memory reaches the model without a copy", "[methods][explain_batch]") {
    std::vector<float> buffer(4 * 3);
    for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = 0.25f * static_cast<float>(i);
    const Eigen::Map<const Matrix> foreign(buffer.data(), 4, 3);
    const Matrix weights = toy::fixed_matrix(2, 4, 6);
    std::vector<const float*> seen;
    const FunctionModel model(
        4, 2, [&](const MatrixRef& x) -> Matrix { return weights * x; },
        [&](const MatrixRef& x, const Vector& w) -> Matrix {
            seen.push_back(x.data());
            return (weights.transpose() * w).replicate(1, x.cols());
        });
    const Matrix maps = VanillaGradient{}.attribute_batch(model, foreign, Vector::Unit(2, 1));
    REQUIRE(seen.size() == 1);
    CHECK(seen.front() == buffer.data());
    CHECK(maps == (weights.transpose() * Vector::Unit(2, 1)).replicate(1, 3));

    seen.clear();
    const std::vector<Target> all_one(3, Target(1));
    CHECK(explain_batch(VanillaGradient{}, model, foreign, all_one) == maps);
    REQUIRE(seen.size() == 1);
    CHECK(seen.front() == buffer.data());  // one target for all: the caller's columns, uncopied

    seen.clear();
    const Vector single = Vector::Constant(4, 0.5f);
    (void)VanillaGradient{}(model, single, 0);
    REQUIRE(seen.size() == 1);
    CHECK(seen.front() == single.data());  // one input is not copied into a matrix either
}

TEST_CASE("explain_batch refuses a target count that does not match the batch", "[methods][explain_batch][errors]") {
    const auto model = relu_network();
    const Matrix inputs = toy::fixed_matrix(5, 3, 7);
    const std::vector<Target> two{0, 1};
    CHECK_THROWS_AS(explain_batch(VanillaGradient{}, model, inputs, two), shape_error);
    CHECK_THROWS_WITH(explain_batch(VanillaGradient{}, model, inputs, two),
                      "explain_batch: got 2 targets for a batch of 3 inputs; give one per column");
    const std::vector<Target> out_of_range{0, 1, 3};
    CHECK_THROWS_AS(explain_batch(VanillaGradient{}, model, inputs, out_of_range), argument_error);
}
