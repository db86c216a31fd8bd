// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// One epoch of mini-batch training with softmax cross-entropy, and classification accuracy.

#include "smoothgrad/detail/eigen_core.hpp"
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/random.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/gradient_penalty.hpp"
#include "smoothgrad/nn/loss.hpp"
#include "smoothgrad/nn/optimizers.hpp"
#include "smoothgrad/nn/sequential.hpp"

namespace smoothgrad::nn {

/// How train_epoch goes through the data.
struct TrainParams {
    Index batch_size = 64;            ///< samples per optimizer step; the last batch may be smaller
    std::uint64_t seed = 0;           ///< drives the shuffle and the input noise
    std::uint64_t epoch = 0;          ///< the epoch's number: each epoch gets its own shuffle and noise
    double input_noise_stddev = 0.0;  ///< Gaussian noise added to training inputs (SmoothGrad paper, Sec. 3.5)
    bool shuffle = true;              ///< visit the samples in shuffled_indices order, else in order
    /// A penalty on the true class's input gradient added to the loss (none by default; see
    /// gradient_penalty.hpp). A penalized epoch of the small CNN takes 2 to 2.5 times a plain one.
    GradientPenalty penalty{};
};

/// The permutation of 0..n-1 used by epoch `epoch`: Fisher-Yates from the last position down, swapping
/// position i with j = next_bits() % (i + 1) drawn from NoiseStream(seed ^ 0x53485546464C4521, epoch).
/// Documented rather than std::shuffle, whose output differs between standard libraries; the modulo
/// bias is below (i + 1) / 2^64.
[[nodiscard]] inline std::vector<Index> shuffled_indices(Index n, std::uint64_t seed, std::uint64_t epoch) {
    smoothgrad::detail::require(n >= 0, "shuffled_indices", "n must be >= 0, got ", n);
    std::vector<Index> order(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    NoiseStream stream(seed ^ 0x53485546464C4521ULL, epoch);
    for (Index i = n - 1; i > 0; --i) {
        const auto j = static_cast<Index>(stream.next_bits() % static_cast<std::uint64_t>(i + 1));
        std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
    }
    return order;
}

/// Columns of a mini-batch that train_epoch hands to one thread as a unit: the work of a mini-batch is
/// split into parts of this size, whatever the thread count.
inline constexpr Index training_part = 32;

namespace training_detail {

inline void check_data(const Sequential& network, const Matrix& images, std::span<const int> labels,
                       std::string_view who) {
    smoothgrad::detail::require<shape_error>(images.rows() == network.input_size(), who, "images have ", images.rows(),
                                             " rows, the network expects ", network.input_size());
    smoothgrad::detail::require<shape_error>(images.cols() > 0, who, "no images");
    smoothgrad::detail::require<shape_error>(static_cast<Index>(labels.size()) == images.cols(), who, "got ",
                                             labels.size(), " labels for ", images.cols(), " images");
    for (std::size_t j = 0; j < labels.size(); ++j) {
        smoothgrad::detail::require(labels[j] >= 0 && labels[j] < network.num_classes(), who, "label ", j,
                                    " must be in [0, ", network.num_classes(), "), got ", labels[j]);
    }
}

}  // namespace training_detail

/// One pass over `images` (one sample per column) in mini-batches: forward, softmax cross-entropy
/// against `labels`, training backward, `optimizer.step`. With `input_noise_stddev` > 0 the k-th
/// sample of the epoch gets noise from NoiseStream(seed, epoch * N + k). With an active `penalty`, each
/// batch's loss is its mean cross-entropy plus penalty.weight * its mean P(dS_y/dx) (at the noisy inputs
/// where there is noise). Returns the mean loss over the samples (each batch's mean loss weighted by its
/// size), measured before each step; `penalty_mean`, if given, receives the mean P alone.
///
///     nn::Adam adam;
///     for (std::uint64_t e = 0; e < 5; ++e)
///         nn::train_epoch(net, images, labels, {.batch_size = 64, .seed = 1, .epoch = e}, adam);
template <Optimizer O>
double train_epoch(Sequential& network, const Matrix& images, std::span<const int> labels, const TrainParams& params,
                   O& optimizer, double* penalty_mean = nullptr) {
    constexpr std::string_view who = "train_epoch";
    training_detail::check_data(network, images, labels, who);
    smoothgrad::detail::require(params.batch_size > 0, who, "batch_size must be > 0, got ", params.batch_size);
    smoothgrad::detail::require(params.input_noise_stddev >= 0, who, "input_noise_stddev must be >= 0, got ",
                                params.input_noise_stddev);
    penalty_detail::check(params.penalty, who);
    const Index n = images.cols();
    std::vector<Index> order;
    if (params.shuffle) {
        order = shuffled_indices(n, params.seed, params.epoch);
    } else {
        order.resize(static_cast<std::size_t>(n));
        for (Index i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    }
    // A mini-batch is cut into parts of training_part columns, each with its own workspace and
    // parameter gradients, spread over the threads and summed in part order: the thread count changes
    // neither the result nor its rounding. The workspaces (and the gradients in them) are the network's,
    // kept from one epoch to the next.
    const Index max_parts = (std::min(params.batch_size, n) + training_part - 1) / training_part;
    // A pool serves one network and its copies, so a workspace's gradients, once made, have its shapes
    // (and backward_parameters checks them).
    std::vector<sequential_detail::WorkspaceLease> leases;
    for (Index part = 0; part < max_parts; ++part) {
        Workspace& workspace = leases.emplace_back(network.borrow_workspace()).get();
        if (workspace.parameter_gradients.empty()) workspace.parameter_gradients = network.zero_gradients();
    }
    const auto workspace_of = [&](Index part) -> Workspace& { return leases[static_cast<std::size_t>(part)].get(); };
    // With a penalty, each part also has the penalty's buffers and weight gradients, and its P summed.
    const bool penalized = params.penalty.active();
    std::vector<PenaltyScratch> penalty_scratch(penalized ? static_cast<std::size_t>(max_parts) : 0);
    std::vector<ParameterGradients> penalty_part_gradients(penalty_scratch.size());
    for (auto& g : penalty_part_gradients) g = network.zero_gradients();
    std::vector<double> penalty_sums(penalty_scratch.size());
    double penalty_total = 0.0;
    ParameterGradients& gradients = workspace_of(0).parameter_gradients;
    Matrix batch;
    Matrix scores;
    Matrix score_gradient;
    Vector noise(images.rows());
    std::vector<int> batch_labels;
    double total = 0.0;
    for (Index start = 0; start < n; start += params.batch_size) {
        const Index count = std::min(params.batch_size, n - start);
        batch.resize(images.rows(), count);
        batch_labels.resize(static_cast<std::size_t>(count));
        for (Index b = 0; b < count; ++b) {
            const Index k = start + b;
            const Index sample = order[static_cast<std::size_t>(k)];
            batch.col(b) = images.col(sample);
            batch_labels[static_cast<std::size_t>(b)] = labels[static_cast<std::size_t>(sample)];
            if (params.input_noise_stddev > 0) {
                NoiseStream stream(params.seed,
                                   params.epoch * static_cast<std::uint64_t>(n) + static_cast<std::uint64_t>(k));
                stream.fill_normal(noise, params.input_noise_stddev);
                batch.col(b) += noise;
            }
        }
        const Index parts = (count + training_part - 1) / training_part;
        const Index workers = network.worker_count(parts, training_part);
        // Worker w takes parts w, w + workers, ...: each part's columns are [p * training_part, ...).
        const auto for_parts = [&](const auto& work) {
            smoothgrad::detail::run_workers(workers, [&](Index worker) {
                for (Index part = worker; part < parts; part += workers) {
                    const Index first = part * training_part;
                    work(part, first, std::min(training_part, count - first));
                }
            });
        };
        scores.resize(network.num_classes(), count);
        for_parts([&](Index part, Index first, Index columns) {
            scores.middleCols(first, columns) =
                network.forward(batch.middleCols(first, columns), workspace_of(part));
        });
        total += softmax_cross_entropy(scores, batch_labels, score_gradient) * static_cast<double>(count);
        for_parts([&](Index part, Index first, Index columns) {
            Workspace& workspace = workspace_of(part);
            network.backward_parameters(score_gradient.middleCols(first, columns), workspace,
                                        workspace.parameter_gradients);
            if (!penalized) return;
            const auto p = static_cast<std::size_t>(part);
            ParameterGradients& extra = penalty_part_gradients[p];
            // The workspace still holds this part's forward pass.
            penalty_sums[p] = penalty_detail::gradients_after_forward(
                network,
                std::span<const int>(batch_labels).subspan(static_cast<std::size_t>(first), static_cast<std::size_t>(columns)),
                params.penalty, params.penalty.weight / static_cast<double>(count), workspace, penalty_scratch[p], extra);
            for (std::size_t k = 0; k < extra.size(); ++k) workspace.parameter_gradients[k] += extra[k];
        });
        if (penalized) {
            double batch_penalty = 0.0;
            for (Index part = 0; part < parts; ++part) batch_penalty += penalty_sums[static_cast<std::size_t>(part)];
            penalty_total += batch_penalty;
            total += params.penalty.weight * batch_penalty;
        }
        // Every element sums its parts in part order, whichever thread takes its slice.
        const std::vector<NamedParameter> parameters = network.parameters();
        const auto sum_parts = [&](std::size_t k, Index begin, Index length) {
            for (Index part = 1; part < parts; ++part)
                gradients[k].segment(begin, length) +=
                    workspace_of(part).parameter_gradients[k].segment(begin, length);
        };
        if (parts > 1) optimizer_detail::for_each_slice(parameters, network.threads(), sum_parts);
        optimizer.step(parameters, gradients);
    }
    if (penalty_mean != nullptr) *penalty_mean = penalty_total / static_cast<double>(n);
    return total / static_cast<double>(n);
}

/// train_epoch with labels in an Eigen vector.
template <Optimizer O>
double train_epoch(Sequential& network, const Matrix& images, const Eigen::VectorXi& labels, const TrainParams& params,
                   O& optimizer, double* penalty_mean = nullptr) {
    return train_epoch(network, images, std::span<const int>(labels.data(), static_cast<std::size_t>(labels.size())),
                       params, optimizer, penalty_mean);
}

/// The index of the largest score of each column (the first one on ties).
[[nodiscard]] inline std::vector<int> predict(const Sequential& network, const Matrix& images) {
    const Matrix scores = network.scores(images);
    std::vector<int> result(static_cast<std::size_t>(scores.cols()));
    for (Index j = 0; j < scores.cols(); ++j) {
        Index best = 0;
        scores.col(j).maxCoeff(&best);
        result[static_cast<std::size_t>(j)] = static_cast<int>(best);
    }
    return result;
}

/// The fraction of columns of `images` whose largest score is at their label, evaluated `batch_size`
/// columns at a time.
[[nodiscard]] inline double accuracy(const Sequential& network, const Matrix& images, std::span<const int> labels,
                                     Index batch_size = 256) {
    constexpr std::string_view who = "accuracy";
    training_detail::check_data(network, images, labels, who);
    smoothgrad::detail::require(batch_size > 0, who, "batch_size must be > 0, got ", batch_size);
    Workspace workspace;
    Index correct = 0;
    for (Index start = 0; start < images.cols(); start += batch_size) {
        const Index count = std::min(batch_size, images.cols() - start);
        const Matrix& scores = network.forward(images.middleCols(start, count), workspace);
        for (Index j = 0; j < count; ++j) {
            Index best = 0;
            scores.col(j).maxCoeff(&best);
            correct += best == labels[static_cast<std::size_t>(start + j)] ? 1 : 0;
        }
    }
    return static_cast<double>(correct) / static_cast<double>(images.cols());
}

/// accuracy with labels in an Eigen vector.
[[nodiscard]] inline double accuracy(const Sequential& network, const Matrix& images, const Eigen::VectorXi& labels,
                                     Index batch_size = 256) {
    return accuracy(network, images, std::span<const int>(labels.data(), static_cast<std::size_t>(labels.size())),
                    batch_size);
}

}  // namespace smoothgrad::nn
