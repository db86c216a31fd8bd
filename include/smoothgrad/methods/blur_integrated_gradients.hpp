// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Blur integrated gradients (Xu et al., CVPR 2020): integrated gradients along the path of ever stronger
/// Gaussian blurs of the image, from the image itself to a strongly blurred copy.

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"
#include "smoothgrad/methods/blur.hpp"

namespace smoothgrad {

/// Blur IG: with sigma_i = i * max_sigma / steps (or sqrt(i * max_sigma / steps) with sqrt_spacing),
/// i = 0..steps, and x_i the image blurred by sigma_i over its height and width (gaussian_blur, zero
/// outside the image), the map is
///
///     -sum_{i < steps} (sigma_{i+1} - sigma_i) * (blur(x, sigma_i + grad_step) - x_i) / grad_step * grad S(x_i)
///
/// element-wise: the score's change along the blur path, attributed to each value; it adds up to about
/// S(x) - S(x_steps), the blur at sigma_steps (max_sigma; sqrt(max_sigma) with square-root spacing). This is PAIR saliency's BlurIG.GetMask, except that every step is weighted
/// by its own width (PAIR weights a whole batch of steps by its last step's width, which differs with
/// square-root spacing).
///
///     Vector map = BlurIntegratedGradients{.shape = {224, 224, 3}}(model, image, label);
struct BlurIntegratedGradients {
    static constexpr std::string_view name = "blur_integrated_gradients";

    /// The input's height x width x channels (a flat input does not carry it); required.
    ImageShape shape{};
    /// The blur at the end of the path, in pixels.
    double max_sigma = 50.0;
    /// Steps along the path.
    Index steps = 100;
    /// The sigma step of the finite difference that approximates d blur / d sigma.
    double grad_step = 0.01;
    /// Square-root spacing of the sigmas (more steps at small blurs).
    bool sqrt_spacing = false;
    /// Path points per call of the model: memory grows with it, calls shrink with it.
    Index batch_size = 50;

    template <DifferentiableModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        check_parameters(inputs.rows());
        const std::vector<double> sigma = sigmas();
        const Index chunk = std::min(batch_size, steps);
        Matrix result(inputs.rows(), inputs.cols());
        Matrix path(inputs.rows(), chunk), derivative(inputs.rows(), chunk);
        for (Index j = 0; j < inputs.cols(); ++j) {
            const Vector image = inputs.col(j);
            Eigen::VectorXd total = Eigen::VectorXd::Zero(inputs.rows());
            for (Index start = 0; start < steps; start += chunk) {
                const Index count = std::min(chunk, steps - start);
                if (count != path.cols()) {
                    path.resize(Eigen::NoChange, count);
                    derivative.resize(Eigen::NoChange, count);
                }
                for (Index p = 0; p < count; ++p) {
                    const double s = sigma[static_cast<std::size_t>(start + p)];
                    path.col(p) = gaussian_blur(image, shape, s);
                    derivative.col(p) = (gaussian_blur(image, shape, s + grad_step) - path.col(p)) /
                                        static_cast<float>(grad_step);
                }
                const Matrix gradients = model.gradients(path, output_weights);
                detail::check_gradients(gradients, path, name);
                for (Index p = 0; p < count; ++p) {
                    const auto i = static_cast<std::size_t>(start + p);
                    total += (sigma[i + 1] - sigma[i]) *
                             derivative.col(p).cwiseProduct(gradients.col(p)).template cast<double>();
                }
            }
            result.col(j) = (-total).cast<float>();
        }
        return result;
    }

    template <DifferentiableModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }

    /// sigma_0 .. sigma_steps.
    [[nodiscard]] std::vector<double> sigmas() const {
        std::vector<double> result(static_cast<std::size_t>(steps) + 1);
        for (std::size_t i = 0; i < result.size(); ++i) {
            const double linear = static_cast<double>(i) * max_sigma / static_cast<double>(steps);
            result[i] = sqrt_spacing ? std::sqrt(linear) : linear;
        }
        return result;
    }

private:
    void check_parameters(Index features) const {
        detail::require<shape_error>(shape.height > 0 && shape.width > 0 && shape.channels > 0, name,
                                     "shape must be set to the input's height x width x channels, got ", shape);
        detail::require<shape_error>(shape.size() == features, name, "shape ", shape, " has ", shape.size(),
                                     " values, the input has ", features);
        detail::require(std::isfinite(max_sigma) && max_sigma > 0.0, name, "max_sigma must be finite and > 0, got ",
                        max_sigma);
        detail::require(steps >= 1, name, "steps must be >= 1, got ", steps);
        detail::require(std::isfinite(grad_step) && grad_step > 0.0, name, "grad_step must be finite and > 0, got ",
                        grad_step);
        detail::require(batch_size >= 1, name, "batch_size must be >= 1, got ", batch_size);
    }
};

}  // namespace smoothgrad
