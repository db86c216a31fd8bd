// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The vanilla gradient that also keeps every map it makes: inside SmoothGrad it records each noisy sample's
// gradient, so that one run of n samples gives the SmoothGrad map of every m <= n (the mean of the first m).
#pragma once

#include <string_view>
#include <vector>

#include <smoothgrad/core/concepts.hpp>
#include <smoothgrad/methods/vanilla_gradient.hpp>

namespace claims {

struct RecordingGradient {
    static constexpr std::string_view name = "recording_gradient";
    std::vector<smoothgrad::Vector>* record = nullptr;

    template <smoothgrad::DifferentiableModel M>
    [[nodiscard]] smoothgrad::Matrix attribute_batch(const M& model, const smoothgrad::Matrix& inputs,
                                                     const smoothgrad::Vector& output_weights) const {
        smoothgrad::Matrix maps = smoothgrad::VanillaGradient{}.attribute_batch(model, inputs, output_weights);
        for (smoothgrad::Index j = 0; j < maps.cols(); ++j) record->push_back(maps.col(j));
        return maps;
    }
};

}  // namespace claims
