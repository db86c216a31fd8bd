// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Expected gradients (Erion et al. 2021), Captum's GradientShap: integrated gradients whose baseline is
/// drawn from a reference set and whose path point is drawn at random, averaged over samples.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/random.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/bit_cast.hpp"
#include "smoothgrad/detail/checks.hpp"

namespace smoothgrad {

/// Expected gradients: (1/n) sum_i (x + e_i - b_i) * grad S(b_i + alpha_i (x + e_i - b_i)), with b_i drawn
/// uniformly from `references`, alpha_i uniform in (0, 1] and e_i ~ N(0, noise_stddev^2) (Captum's
/// GradientShap with `stdevs`; 0 gives Erion et al.'s expected gradients).
///
///     ExpectedGradients eg{.references = training_images, .samples = 200};
///     Vector map = eg(model, image, label);
///
/// Its expectation adds up to S(x) - E_b[S(b)] (without noise). The draws of sample i are a pure function
/// of (seed, the input's values, i) (see NoiseStream): a seed gives the same map for an input wherever it
/// stands in a batch and whatever batch_size is, and different inputs, such as SmoothGrad's noisy copies
/// of one image, get independent draws.
struct ExpectedGradients {
    static constexpr std::string_view name = "expected_gradients";

    /// The reference set the baselines are drawn from, one per column (features x count), e.g. training
    /// images; required.
    Matrix references{};
    /// Samples n: (baseline, alpha, noise) draws per input.
    Index samples = 50;
    /// The standard deviation of the Gaussian noise added to the input of each sample (Captum's `stdevs`).
    double noise_stddev = 0.0;
    /// Samples per call of the model: memory grows with it, calls shrink with it.
    Index batch_size = 50;
    /// The seed of the draws.
    std::uint64_t seed = 0;

    /// One sample's draws: which reference is its baseline and where on the path its gradient is taken.
    struct Draw {
        Index reference = 0;
        double alpha = 0.0;
    };

    /// The draws of sample `sample` of `input`: its noise goes to `noise` when given and noise_stddev > 0.
    [[nodiscard]] Draw draw(const Eigen::Ref<const Vector>& input, Index sample, Vector* noise = nullptr) const {
        check_parameters(input.size());
        NoiseStream stream(seed, input_key(input), static_cast<std::uint64_t>(sample));
        return draw_from(stream, noise);
    }

    template <DifferentiableModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        check_parameters(inputs.rows());
        const Index features = inputs.rows();
        const Index total = detail::checked_multiply(inputs.cols(), samples, name);
        std::vector<std::uint64_t> keys(static_cast<std::size_t>(inputs.cols()));
        for (Index j = 0; j < inputs.cols(); ++j) keys[static_cast<std::size_t>(j)] = input_key(inputs.col(j));

        // All (input j, sample i) pairs j-major, in chunks of batch_size; the average runs in double.
        Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(features, inputs.cols());
        const Index chunk = std::min(batch_size, total);
        Matrix points(features, chunk), differences(features, chunk);
        Vector noise = Vector::Zero(features);
        for (Index start = 0; start < total; start += chunk) {
            const Index count = std::min(chunk, total - start);
            if (count < points.cols()) {  // the last, short chunk
                points.conservativeResize(Eigen::NoChange, count);
                differences.conservativeResize(Eigen::NoChange, count);
            }
            for (Index p = 0; p < count; ++p) {
                const Index j = (start + p) / samples, i = (start + p) % samples;
                NoiseStream stream(seed, keys[static_cast<std::size_t>(j)], static_cast<std::uint64_t>(i));
                const Draw d = draw_from(stream, &noise);
                differences.col(p) = inputs.col(j) - references.col(d.reference);
                if (noise_stddev > 0.0) differences.col(p) += noise;
                points.col(p) = references.col(d.reference) + static_cast<float>(d.alpha) * differences.col(p);
            }
            const Matrix gradients = model.gradients(points, output_weights);
            detail::check_gradients(gradients, points, name);
            for (Index p = 0; p < count; ++p) {
                const Index j = (start + p) / samples;
                sums.col(j) += differences.col(p).cast<double>().cwiseProduct(gradients.col(p).cast<double>());
            }
        }
        return (sums / static_cast<double>(samples)).cast<float>();
    }

    template <DifferentiableModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }

private:
    /// A 64-bit key of the input's values (their bits, mixed one by one), so that its draws follow it.
    [[nodiscard]] static std::uint64_t input_key(const Eigen::Ref<const Vector>& input) noexcept {
        std::uint64_t key = static_cast<std::uint64_t>(input.size());
        for (Index f = 0; f < input.size(); ++f) {
            key = (key ^ detail::bit_cast<std::uint32_t>(input[f])) * 0x9E3779B97F4A7C15ULL;
            key ^= key >> 29;
        }
        return key;
    }

    /// The draws of one stream: the reference (a uniform 64-bit number modulo the count, biased by at most
    /// count / 2^64), alpha, then the noise into `noise` when given and noise_stddev > 0.
    [[nodiscard]] Draw draw_from(NoiseStream& stream, Vector* noise) const {
        Draw d;
        d.reference = static_cast<Index>(stream.next_bits() % static_cast<std::uint64_t>(references.cols()));
        d.alpha = stream.next_uniform();
        if (noise != nullptr && noise_stddev > 0.0) {
            noise->resize(references.rows());
            stream.fill_normal(*noise, noise_stddev);
        }
        return d;
    }

    void check_parameters(Index features) const {
        detail::require(references.cols() >= 1, name,
                        "references must hold at least one baseline (one per column), got none");
        detail::require<shape_error>(references.rows() == features, name, "references have ", references.rows(),
                                     " values per column, the input has ", features);
        detail::require<numeric_error>(references.allFinite(), name, "references contain NaN or Inf");
        detail::require(samples >= 1, name, "samples must be >= 1, got ", samples);
        detail::require(batch_size >= 1, name, "batch_size must be >= 1, got ", batch_size);
        detail::require(std::isfinite(noise_stddev) && noise_stddev >= 0.0, name,
                        "noise_stddev must be finite and >= 0, got ", noise_stddev);
    }
};

}  // namespace smoothgrad
