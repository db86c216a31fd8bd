// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Occlusion (Zeiler & Fergus 2014): how much the target score drops when a window of the image is covered.
/// It needs only scores, so it explains any DifferentiableModel.

#include <algorithm>
#include <cmath>
#include <string_view>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"

namespace smoothgrad {

/// How the score drops of the windows that cover a value are combined.
enum class OcclusionCombine {
    sum,   ///< the drops added up, as PAIR saliency's Occlusion
    mean,  ///< the drops averaged over the windows that cover the value, as Captum's Occlusion
};

/// Occlusion: a window of size x size pixels (all channels, or one channel at a time) set to `value` is slid
/// over the image by `stride`; each window's drop S(x) - S(x occluded) goes to every value it covers.
///
///     Vector map = Occlusion{.shape = {28, 28, 1}, .size = 5}(model, image, label);
///
/// Windows start at 0, stride, 2 stride, ... while they fit in the image, as in both PAIR saliency (stride 1)
/// and Captum; values no window covers get 0. With stride 1 and `combine = sum` the map is PAIR's
/// Occlusion.GetMask(x, size, value) on an HWC image.
struct Occlusion {
    static constexpr std::string_view name = "occlusion";

    /// The input's height x width x channels (a flat input does not carry it); required.
    ImageShape shape{};
    /// The window's height and width in pixels.
    Index size = 15;
    /// Pixels between one window position and the next, along rows and columns.
    Index stride = 1;
    /// What the covered values are set to.
    float value = 0.0f;
    /// false: a window covers every channel of its pixels; true: one channel at a time (Captum's window
    /// of shape (1, size, size)), so each channel gets the drops of its own windows.
    bool per_channel = false;
    OcclusionCombine combine = OcclusionCombine::sum;
    /// Occluded copies per call of the model: memory grows with it, calls shrink with it.
    Index batch_size = 50;

    template <DifferentiableModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        check_parameters(inputs.rows());
        const Index rows = (shape.height - size) / stride + 1, cols = (shape.width - size) / stride + 1;
        const Index planes = per_channel ? shape.channels : 1;
        const Index windows = detail::checked_multiply(detail::checked_multiply(rows, cols, name), planes, name);
        const Index chunk = std::min(batch_size, windows);

        Matrix result(inputs.rows(), inputs.cols());
        Matrix occluded(inputs.rows(), chunk);
        Vector count = Vector::Zero(inputs.rows());
        for (Index w = 0; w < windows; ++w) cover(w, rows, cols, [&](Index k) { count[k] += 1.0f; });
        for (Index j = 0; j < inputs.cols(); ++j) {
            const float original = target_score(model, inputs.col(j), output_weights);
            Eigen::VectorXd drops = Eigen::VectorXd::Zero(inputs.rows());
            for (Index start = 0; start < windows; start += chunk) {
                const Index n = std::min(chunk, windows - start);
                if (n != occluded.cols()) occluded.resize(Eigen::NoChange, n);
                for (Index p = 0; p < n; ++p) {
                    occluded.col(p) = inputs.col(j);
                    cover(start + p, rows, cols, [&](Index k) { occluded(k, p) = value; });
                }
                const Matrix scores = model.scores(occluded);
                detail::check_scores(model, scores, n, name);
                const Vector occluded_scores = (output_weights.transpose() * scores).transpose();
                for (Index p = 0; p < n; ++p) {
                    const double drop = static_cast<double>(original) - static_cast<double>(occluded_scores[p]);
                    cover(start + p, rows, cols, [&](Index k) { drops[k] += drop; });
                }
            }
            if (combine == OcclusionCombine::mean)
                for (Index k = 0; k < drops.size(); ++k) drops[k] = count[k] > 0.0f ? drops[k] / count[k] : 0.0;
            result.col(j) = drops.cast<float>();
        }
        return result;
    }

    template <DifferentiableModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }

private:
    /// Calls visit(k) for every HWC offset k that window `w` covers; windows are numbered row-major by
    /// position, then by channel plane.
    template <class Visit>
    void cover(Index w, Index rows, Index cols, Visit&& visit) const {
        const Index plane = w / (rows * cols), position = w % (rows * cols);
        const Index top = (position / cols) * stride, left = (position % cols) * stride;
        const Index first_channel = per_channel ? plane : 0, last_channel = per_channel ? plane + 1 : shape.channels;
        for (Index y = top; y < top + size; ++y)
            for (Index x = left; x < left + size; ++x)
                for (Index c = first_channel; c < last_channel; ++c) visit(shape.offset(y, x, c));
    }

    template <class M>
    [[nodiscard]] float target_score(const M& model, const MatrixRef& input, const Vector& output_weights) const {
        const Matrix scores = model.scores(input);
        detail::check_scores(model, scores, 1, name);
        return output_weights.dot(scores.col(0));
    }

    void check_parameters(Index features) const {
        detail::require<shape_error>(shape.height > 0 && shape.width > 0 && shape.channels > 0, name,
                                     "shape must be set to the input's height x width x channels, got ", shape);
        detail::require<shape_error>(shape.size() == features, name, "shape ", shape, " has ", shape.size(),
                                     " values, the input has ", features);
        detail::require(size >= 1, name, "size must be >= 1, got ", size);
        detail::require(size <= shape.height && size <= shape.width, name, "the ", size, "x", size,
                        " window is larger than the ", shape.height, "x", shape.width, " image");
        detail::require(stride >= 1, name, "stride must be >= 1, got ", stride);
        detail::require(batch_size >= 1, name, "batch_size must be >= 1, got ", batch_size);
        detail::require<numeric_error>(std::isfinite(value), name, "value must be finite, got ", value);
    }
};

}  // namespace smoothgrad
