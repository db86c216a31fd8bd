// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Adam and SGD with momentum, following PyTorch's update rules, acting on named parameters.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/parallel.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/parameter.hpp"

namespace smoothgrad::nn {

/// An optimizer updates parameters in place from their gradients (one gradient per parameter, same
/// order and size), keeping its own state (moments, step count) between calls.
template <class O>
concept Optimizer = requires(O& optimizer, std::span<const NamedParameter> parameters,
                             const ParameterGradients& gradients) {
    optimizer.step(parameters, gradients);
};

namespace optimizer_detail {

/// Checks that the gradients match the parameters, and sizes the state vectors on the first call.
inline void prepare(std::span<const NamedParameter> parameters, const ParameterGradients& gradients,
                    std::vector<Vector>& state, std::string_view who) {
    smoothgrad::detail::require<shape_error>(gradients.size() == parameters.size(), who, "got ", gradients.size(),
                                             " gradients for ", parameters.size(), " parameters");
    if (state.empty()) {
        for (const auto& parameter : parameters) state.push_back(Vector::Zero(static_cast<Index>(parameter.size)));
    }
    smoothgrad::detail::require<shape_error>(state.size() == parameters.size(), who, "the optimizer was used with ",
                                             state.size(), " parameters, now got ", parameters.size());
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const auto size = static_cast<Index>(parameters[i].size);
        smoothgrad::detail::require<shape_error>(gradients[i].size() == size && state[i].size() == size, who,
                                                 "parameter ", parameters[i].name, " has ", size,
                                                 " values, its gradient ", gradients[i].size());
    }
}

/// Calls update(i, begin, length) on slices that cover every parameter i, on up to `threads` threads
/// (0: one per hardware thread) when there are enough values to pay for them. The updates are
/// element-wise, so the result does not depend on the thread count.
template <class Update>
void for_each_slice(std::span<const NamedParameter> parameters, int threads, const Update& update) {
    constexpr Index values_per_thread = Index{1} << 16;
    Index total = 0;
    for (const auto& parameter : parameters) total += static_cast<Index>(parameter.size);
    const Index workers = smoothgrad::detail::worker_count(threads, total, values_per_thread);
    smoothgrad::detail::run_workers(workers, [&](Index worker) {
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            const auto size = static_cast<Index>(parameters[i].size);
            const Index begin = size * worker / workers;
            update(i, begin, size * (worker + 1) / workers - begin);
        }
    });
}

/// Floats per block of for_each_block: a whole number of packets on every SIMD width Eigen has.
inline constexpr Index block_size = 16;
using Block = Eigen::Array<float, block_size, 1>;

/// Calls update(values, gradient) on blocks of block_size elements that cover [0, length): values[n]
/// holds the block of state[n] (written back after the call), `gradient` that of `gradient`; the last
/// block, if partial, is padded with zeros (its padding is dropped). Every element thus goes through the
/// same packet arithmetic wherever a slice starts. (Eigen's expressions over a slice computed the
/// elements before the first aligned address by scalar code, whose square root is exact while the
/// AVX-512 packet's is an approximation refined once: an element's update then depended on where the
/// thread count cut the slices.)
template <std::size_t N, class Update>
void for_each_block(const std::array<float*, N>& state, const float* gradient, Index length, const Update& update) {
    std::array<Block, N> values;
    Block g;
    for (Index at = 0; at < length; at += block_size) {
        const Index count = std::min(block_size, length - at);
        if (count == block_size) {
            for (std::size_t n = 0; n < N; ++n) values[n] = Eigen::Map<const Block>(state[n] + at);
            g = Eigen::Map<const Block>(gradient + at);
        } else {
            for (std::size_t n = 0; n < N; ++n) {
                values[n].setZero();
                std::copy_n(state[n] + at, count, values[n].data());
            }
            g.setZero();
            std::copy_n(gradient + at, count, g.data());
        }
        update(values, g);
        for (std::size_t n = 0; n < N; ++n) {
            if (count == block_size)
                Eigen::Map<Block>(state[n] + at) = values[n];
            else
                std::copy_n(values[n].data(), count, state[n] + at);
        }
    }
}

}  // namespace optimizer_detail

/// Adam's hyper-parameters, PyTorch's defaults.
struct AdamParams {
    double learning_rate = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weight_decay = 0.0;  ///< L2 penalty added to the gradient (PyTorch's Adam, not AdamW)
    int threads = 0;            ///< threads of a step on large networks (0: one per hardware thread)
};

/// Adam (Kingma & Ba 2015) as `torch.optim.Adam`: with g = grad + weight_decay * p and step t,
/// m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2,
/// p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
class Adam {
public:
    explicit Adam(AdamParams params = {}) : params_(params) {
        constexpr std::string_view who = "Adam";
        smoothgrad::detail::require(params.learning_rate > 0, who, "learning_rate must be > 0, got ",
                                    params.learning_rate);
        smoothgrad::detail::require(params.beta1 >= 0 && params.beta1 < 1, who, "beta1 must be in [0, 1), got ",
                                    params.beta1);
        smoothgrad::detail::require(params.beta2 >= 0 && params.beta2 < 1, who, "beta2 must be in [0, 1), got ",
                                    params.beta2);
        smoothgrad::detail::require(params.epsilon >= 0, who, "epsilon must be >= 0, got ", params.epsilon);
        smoothgrad::detail::require(params.weight_decay >= 0, who, "weight_decay must be >= 0, got ",
                                    params.weight_decay);
        smoothgrad::detail::require(params.threads >= 0, who, "threads must be >= 0, got ", params.threads);
    }

    [[nodiscard]] const AdamParams& params() const noexcept { return params_; }
    /// Steps taken so far.
    [[nodiscard]] std::int64_t steps() const noexcept { return steps_; }

    void step(std::span<const NamedParameter> parameters, const ParameterGradients& gradients) {
        optimizer_detail::prepare(parameters, gradients, first_moment_, "Adam::step");
        optimizer_detail::prepare(parameters, gradients, second_moment_, "Adam::step");
        ++steps_;
        const double t = static_cast<double>(steps_);
        const auto step_size = static_cast<float>(params_.learning_rate / (1.0 - std::pow(params_.beta1, t)));
        const auto correction2 = static_cast<float>(std::sqrt(1.0 - std::pow(params_.beta2, t)));
        const auto beta1 = static_cast<float>(params_.beta1);
        const auto beta2 = static_cast<float>(params_.beta2);
        const auto epsilon = static_cast<float>(params_.epsilon);
        const auto decay = static_cast<float>(params_.weight_decay);
        optimizer_detail::for_each_slice(parameters, params_.threads, [&](std::size_t i, Index begin, Index length) {
            // All three updates block by block: each element's four values are read from memory once (three
            // passes over a 3136 x 1024 weight's slices took 2.7 ms a step on two threads).
            const std::array<float*, 3> state{parameters[i].data + begin, first_moment_[i].data() + begin,
                                              second_moment_[i].data() + begin};
            const auto update = [&](auto& values, const auto& gradient) {
                auto& p = values[0];
                auto& m = values[1];
                auto& v = values[2];
                const optimizer_detail::Block g = gradient + decay * p;
                m = beta1 * m + (1.0f - beta1) * g;
                v = beta2 * v + (1.0f - beta2) * g.square();
                p -= step_size * m / (v.sqrt() / correction2 + epsilon);
            };
            optimizer_detail::for_each_block(state, gradients[i].data() + begin, length, update);
        });
    }

private:
    AdamParams params_;
    std::int64_t steps_ = 0;
    std::vector<Vector> first_moment_;
    std::vector<Vector> second_moment_;
};

/// SGD's hyper-parameters. PyTorch has no default learning rate and defaults momentum to 0; these
/// defaults are a common choice for small CNNs.
struct SgdParams {
    double learning_rate = 0.01;
    double momentum = 0.9;
    double weight_decay = 0.0;  ///< L2 penalty added to the gradient
    bool nesterov = false;
    int threads = 0;  ///< threads of a step on large networks (0: one per hardware thread)
};

/// SGD with momentum as `torch.optim.SGD` (dampening 0): g = grad + weight_decay * p,
/// b = g on the first step and momentum * b + g after, p -= lr * (nesterov ? g + momentum * b : b).
class Sgd {
public:
    explicit Sgd(SgdParams params = {}) : params_(params) {
        constexpr std::string_view who = "Sgd";
        smoothgrad::detail::require(params.learning_rate > 0, who, "learning_rate must be > 0, got ",
                                    params.learning_rate);
        smoothgrad::detail::require(params.momentum >= 0, who, "momentum must be >= 0, got ", params.momentum);
        smoothgrad::detail::require(params.weight_decay >= 0, who, "weight_decay must be >= 0, got ",
                                    params.weight_decay);
        smoothgrad::detail::require(!params.nesterov || params.momentum > 0, who, "nesterov needs momentum > 0");
        smoothgrad::detail::require(params.threads >= 0, who, "threads must be >= 0, got ", params.threads);
    }

    [[nodiscard]] const SgdParams& params() const noexcept { return params_; }
    [[nodiscard]] std::int64_t steps() const noexcept { return steps_; }

    void step(std::span<const NamedParameter> parameters, const ParameterGradients& gradients) {
        optimizer_detail::prepare(parameters, gradients, buffer_, "Sgd::step");
        const auto rate = static_cast<float>(params_.learning_rate);
        const auto momentum = static_cast<float>(params_.momentum);
        const auto decay = static_cast<float>(params_.weight_decay);
        const bool first = steps_ == 0;
        optimizer_detail::for_each_slice(parameters, params_.threads, [&](std::size_t i, Index begin, Index length) {
            const std::array<float*, 2> state{parameters[i].data + begin, buffer_[i].data() + begin};
            const auto update = [&](auto& values, const auto& gradient) {
                auto& p = values[0];
                auto& b = values[1];
                const optimizer_detail::Block g = gradient + decay * p;
                if (momentum == 0.0f) {
                    p -= rate * g;
                    return;
                }
                b = first ? g : optimizer_detail::Block(momentum * b + g);
                if (params_.nesterov)
                    p -= rate * (g + momentum * b);
                else
                    p -= rate * b;
            };
            optimizer_detail::for_each_block(state, gradients[i].data() + begin, length, update);
        });
        ++steps_;
    }

private:
    SgdParams params_;
    std::int64_t steps_ = 0;
    std::vector<Vector> buffer_;
};

}  // namespace smoothgrad::nn
