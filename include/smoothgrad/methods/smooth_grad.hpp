// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// SmoothGrad (Smilkov et al. 2017): the average of any attribution method over noisy copies of the
/// input, x + N(0, sigma^2); also SmoothGrad^2 (mean of squares) and VarGrad (variance).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/parallel.hpp"
#include "smoothgrad/core/random.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"

namespace smoothgrad {

/// How the maps of the noisy samples are combined.
enum class Aggregation {
    mean,             ///< SmoothGrad: (1/n) sum M(x + e_i)
    mean_of_squares,  ///< SmoothGrad^2: (1/n) sum M(x + e_i)^2, element-wise
    variance,         ///< VarGrad (Adebayo et al. 2018): the population variance of M(x + e_i), by Welford's update
};

/// Reports progress as (noisy samples done, samples in all).
using ProgressCallback = std::function<void(Index done, Index total)>;

/// SmoothGrad around any attribution method.
///
///     SmoothGrad smooth{.samples = 50, .noise_level = 0.15};                 // around VanillaGradient
///     Vector map = smooth(model, image, label);
///     SmoothGrad<IntegratedGradients> smooth_ig{.method = {.steps = 20}};   // the paper's Fig. 7
///
/// The noise of sample i of the batch's column j is a pure function of (seed, first_input + j, i) (see
/// NoiseStream::fill_normal_float; sigma is rounded to float), so different images get independent
/// noise, and samples are combined in the order of i: a seed gives bit-identical maps whatever the batch
/// size, the threads and the platform, for any model whose result for a column does not depend on the
/// other columns of its batch. To explain a data set image by image with independent noise, set
/// first_input to each image's index (or explain it in batches with their first index). (Eigen's matrix
/// products can round differently for different batch widths; such a model gives maps that agree to
/// rounding instead.)
template <class Method = VanillaGradient>
struct SmoothGrad {
    static constexpr std::string_view name = "smooth_grad";
    /// SmoothGrad needs of a model what its method needs.
    static constexpr bool needs_relu_rule = NeedsReluRule<Method>;
    static constexpr bool needs_layer = NeedsLayer<Method>;

    /// The method whose maps are averaged.
    Method method{};
    /// Noisy samples n.
    Index samples = 50;
    /// sigma / (x_max - x_min), with the range taken over the whole input; the paper finds 10-20 % best.
    double noise_level = 0.15;
    /// An absolute sigma; when set, it replaces noise_level.
    std::optional<double> noise_stddev = std::nullopt;
    /// How the noisy maps are combined.
    Aggregation aggregation = Aggregation::mean;
    /// Noisy samples per call of the method: memory is bounded by it, not by `samples`.
    Index batch_size = 50;
    /// The seed of the noise.
    std::uint64_t seed = 0;
    /// The input index of the batch's first column: column j's noise is keyed by (seed, first_input + j,
    /// sample). A data set explained in pieces passes each piece's global index, so every image keeps its
    /// own noise whatever the pieces.
    std::uint64_t first_input = 0;
    /// Called after every batch of noisy samples, when set.
    ProgressCallback progress = nullptr;
    /// Threads that draw the noise of a batch (0: one per hardware thread), for inputs large enough to
    /// need them. The maps do not depend on it: each sample's noise is a function of (seed, sample index)
    /// alone. The model's own threads are its own setting (e.g. nn::Sequential::set_threads).
    int threads = 0;

    /// The standard deviation of the noise added to `input`.
    [[nodiscard]] double noise_sigma(const Eigen::Ref<const Vector>& input) const {
        if (noise_stddev) return *noise_stddev;
        return noise_level * static_cast<double>(input.maxCoeff() - input.minCoeff());
    }

    template <DifferentiableModel M>
        requires AttributionMethodFor<Method, M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        check_parameters();
        const Index features = inputs.rows(), chunk = std::min(batch_size, samples);
        const Index total = detail::checked_multiply(inputs.cols(), samples, name);
        Matrix noisy(features, chunk);
        Eigen::VectorXd mean(features), squares(features), delta(features);  // sums, or Welford's state
        Matrix result(features, inputs.cols());
        for (Index j = 0; j < inputs.cols(); ++j) {
            const double sigma = noise_sigma(inputs.col(j));
            mean.setZero();
            squares.setZero();
            for (Index start = 0; start < samples; start += chunk) {
                const Index count = std::min<Index>(chunk, samples - start);
                if (count != noisy.cols()) noisy.resize(features, count);  // the short last batch, and back
                // Large inputs' noise is drawn on several threads: the workers take every workers-th
                // sample, each at least noise_per_worker values.
                const Index workers = detail::worker_count(threads, count, (noise_per_worker + features - 1) / features);
                detail::run_workers(workers, [&](Index worker) {
                    for (Index p = worker; p < count; p += workers) {
                        NoiseStream(seed, first_input + static_cast<std::uint64_t>(j),
                                    static_cast<std::uint64_t>(start + p))
                            .fill_normal_float(noisy.col(p), static_cast<float>(sigma));
                        noisy.col(p) += inputs.col(j);
                    }
                });
                const Matrix maps = maps_of_batch(model, noisy, output_weights, j, start);
                detail::require<shape_error>(maps.rows() == features && maps.cols() == count, name,
                                             "the method returned maps of shape ", maps.rows(), "x", maps.cols(),
                                             ", expected ", features, "x", count);
                detail::require<numeric_error>(maps.allFinite(), name,
                                               "the method returned NaN or Inf for a noisy sample in [", start,
                                               ", ", start + count, ")");
                for (Index p = 0; p < count; ++p) accumulate(maps.col(p), start + p + 1, mean, squares, delta);
                if (progress) progress(j * samples + start + count, total);
            }
            result.col(j) = finish(mean, squares).template cast<float>();
        }
        return result;
    }

    template <DifferentiableModel M>
        requires AttributionMethodFor<Method, M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }

private:
    /// The fewest noise values worth a thread: about 0.1 ms of drawing.
    static constexpr Index noise_per_worker = Index{1} << 16;

    /// The method's maps of one batch of noisy samples; a NaN or Inf the method finds is reported with
    /// the column and the sample range, which the inner method does not know.
    template <class M>
    [[nodiscard]] Matrix maps_of_batch(const M& model, const Matrix& noisy, const Vector& output_weights, Index column,
                                       Index start) const {
        try {
            return method.attribute_batch(model, noisy, output_weights);
        } catch (const numeric_error& e) {
            throw numeric_error(detail::message(name, "column ", column, ", noisy samples [", start, ", ",
                                                start + noisy.cols(), "): ", e.what()));
        }
    }

    void check_parameters() const {
        detail::require(samples >= 1, name, "samples must be >= 1, got ", samples);
        detail::require(batch_size >= 1, name, "batch_size must be >= 1, got ", batch_size);
        detail::require(threads >= 0, name, "threads must be >= 0, got ", threads);
        detail::require(std::isfinite(noise_level) && noise_level >= 0.0, name,
                        "noise_level must be finite and >= 0, got ", noise_level);
        if (noise_stddev)
            detail::require(std::isfinite(*noise_stddev) && *noise_stddev >= 0.0, name,
                            "noise_stddev must be finite and >= 0, got ", *noise_stddev);
    }

    /// Adds the map of sample `count` (1-based) to the running statistics: sums for the means, Welford's
    /// mean and sum of squared deviations for the variance (no cancellation over long runs).
    /// `delta` is a workspace, so that no sample allocates.
    void accumulate(const Eigen::Ref<const Vector>& map, Index count, Eigen::VectorXd& mean, Eigen::VectorXd& squares,
                    Eigen::VectorXd& delta) const {
        switch (aggregation) {
            case Aggregation::mean: mean += map.cast<double>(); break;
            case Aggregation::mean_of_squares: squares += map.cast<double>().cwiseAbs2(); break;
            case Aggregation::variance:
                delta = map.cast<double>() - mean;
                mean += delta / static_cast<double>(count);
                squares += delta.cwiseProduct(map.cast<double>() - mean);
                break;
        }
    }

    [[nodiscard]] Eigen::VectorXd finish(const Eigen::VectorXd& mean, const Eigen::VectorXd& squares) const {
        switch (aggregation) {
            case Aggregation::mean: return mean / static_cast<double>(samples);
            case Aggregation::mean_of_squares: return squares / static_cast<double>(samples);
            case Aggregation::variance: return squares / static_cast<double>(samples);
        }
        return mean;
    }
};

}  // namespace smoothgrad
