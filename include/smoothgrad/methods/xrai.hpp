// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// XRAI (Kapishnikov et al. 2019): regions instead of pixels. Integrated gradients from a black and a white
/// baseline are summed over image segments at several scales, and segments are added greedily by their
/// attribution density; every pixel gets the density of the region that first covered it. As PAIR
/// saliency's XRAI with its "full" algorithm.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/detail/checks.hpp"
#include "smoothgrad/methods/integrated_gradients.hpp"
#include "smoothgrad/methods/segmentation.hpp"

namespace smoothgrad {

/// How XRAI segments an image: PAIR saliency's fixed choices, as parameters.
struct XraiSegmentation {
    /// Felzenszwalb scales; each gives one segmentation, and all their segments are candidate regions.
    std::vector<double> scales = {50, 100, 150, 250, 500, 1200};
    double sigma = 0.8;
    Index min_size = 150;
    /// The side the image is resized to for segmenting (values first scaled to [-1, 1]); 0 keeps its size.
    Index resize_to = 224;
    /// Each region is dilated by a disk of this radius at the input's size, to take in the edges; 0: none.
    Index dilation_radius = 5;
};

/// The candidate regions of an HWC image: boolean masks of height x width pixels, one per segment of every
/// scale, dilated (PAIR's _get_segments_felzenszwalb). Labels missing after the resize give empty masks,
/// as in PAIR.
[[nodiscard]] inline std::vector<std::vector<bool>> xrai_regions(const Eigen::Ref<const Vector>& image,
                                                                 const ImageShape& shape,
                                                                 const XraiSegmentation& params = {}) {
    constexpr std::string_view who = "xrai_regions";
    detail::require<shape_error>(image.size() == shape.size() && shape.size() > 0, who, "image has ", image.size(),
                                 " values, the shape ", shape, " needs ", shape.size());
    detail::require(params.resize_to >= 0 && params.dilation_radius >= 0 && !params.scales.empty(), who,
                    "needs scales, and resize_to and dilation_radius >= 0");
    // Values scaled to [-1, 1] over the whole image, resized with a cubic spline.
    const double low = image.minCoeff(), high = image.maxCoeff();
    detail::require<numeric_error>(high > low, who, "a constant image has no segments to rank");
    ImageD scaled{shape, std::vector<double>(static_cast<std::size_t>(shape.size()))};
    for (Index i = 0; i < shape.size(); ++i)
        scaled.values[static_cast<std::size_t>(i)] = (static_cast<double>(image[i]) - low) / (high - low) * 2.0 - 1.0;
    const ImageD segmented = params.resize_to > 0
                                 ? detail::resize_image_like_skimage(scaled, params.resize_to, params.resize_to, 3, true)
                                 : scaled;
    const Index pixels = shape.height * shape.width;
    std::vector<std::vector<bool>> regions;
    for (const double scale : params.scales) {
        const std::vector<Index> labels =
            felzenszwalb(segmented, {.scale = scale, .sigma = params.sigma, .min_size = params.min_size});
        // Back to the input's size by nearest neighbour (order 0).
        std::vector<Index> at_input(static_cast<std::size_t>(pixels));
        if (params.resize_to > 0) {
            ImageD label_image{{params.resize_to, params.resize_to, 1}, std::vector<double>(labels.begin(), labels.end())};
            const ImageD back = detail::resize_image_like_skimage(label_image, shape.height, shape.width, 0, false);
            for (Index p = 0; p < pixels; ++p)
                at_input[static_cast<std::size_t>(p)] = static_cast<Index>(back.values[static_cast<std::size_t>(p)]);
        } else {
            at_input = labels;
        }
        const Index first = *std::min_element(at_input.begin(), at_input.end());
        const Index last = *std::max_element(at_input.begin(), at_input.end());
        for (Index label = first; label <= last; ++label) {
            std::vector<bool> mask(static_cast<std::size_t>(pixels));
            for (Index p = 0; p < pixels; ++p) mask[static_cast<std::size_t>(p)] = at_input[static_cast<std::size_t>(p)] == label;
            regions.push_back(std::move(mask));
        }
    }
    if (params.dilation_radius == 0) return regions;
    // Dilation by a disk (x^2 + y^2 <= r^2); pixels outside the image add nothing.
    const Index r = params.dilation_radius;
    for (std::vector<bool>& mask : regions) {
        std::vector<bool> grown(mask.size(), false);
        for (Index y = 0; y < shape.height; ++y)
            for (Index x = 0; x < shape.width; ++x) {
                if (!mask[static_cast<std::size_t>(y * shape.width + x)]) continue;
                for (Index dy = -r; dy <= r; ++dy)
                    for (Index dx = -r; dx <= r; ++dx) {
                        const Index yy = y + dy, xx = x + dx;
                        if (dx * dx + dy * dy > r * r || yy < 0 || yy >= shape.height || xx < 0 || xx >= shape.width)
                            continue;
                        grown[static_cast<std::size_t>(yy * shape.width + xx)] = true;
                    }
            }
        mask = std::move(grown);
    }
    return regions;
}

/// PAIR's "full" XRAI ranking of `regions` by the per-pixel attribution `attribution` (height x width):
/// repeatedly add the region whose pixels not yet covered have the highest mean attribution (regions that
/// would add fewer than min_pixel_diff pixels are dropped), until the covered share exceeds area_threshold
/// or no region is left; each newly covered pixel gets that mean. Pixels never covered get the mean over them.
[[nodiscard]] inline Vector xrai_ranking(const Eigen::Ref<const Vector>& attribution,
                                         const std::vector<std::vector<bool>>& regions, double area_threshold,
                                         Index min_pixel_diff) {
    const Index pixels = attribution.size();
    constexpr double unset = -std::numeric_limits<double>::infinity();
    std::vector<double> output(static_cast<std::size_t>(pixels), unset);
    std::vector<bool> covered(static_cast<std::size_t>(pixels), false);
    // Each region as its pixel list: a pass over the remaining regions costs their sizes, not the image's.
    std::vector<std::vector<Index>> remaining;
    for (const std::vector<bool>& mask : regions) {
        detail::require<shape_error>(static_cast<Index>(mask.size()) == pixels, "xrai_ranking", "a region has ",
                                     mask.size(), " pixels, the attribution ", pixels);
        std::vector<Index> list;
        for (Index p = 0; p < pixels; ++p)
            if (mask[static_cast<std::size_t>(p)]) list.push_back(p);
        remaining.push_back(std::move(list));
    }
    std::vector<bool> alive(remaining.size(), true);
    Index covered_count = 0;
    while (static_cast<double>(covered_count) / static_cast<double>(pixels) <= area_threshold) {
        double best_gain = unset;
        std::size_t best = remaining.size();
        bool any = false;
        for (std::size_t k = 0; k < remaining.size(); ++k) {
            if (!alive[k]) continue;
            Index added = 0;
            double sum = 0.0;
            for (const Index p : remaining[k])
                if (!covered[static_cast<std::size_t>(p)]) {
                    ++added;
                    sum += static_cast<double>(attribution[p]);
                }
            if (added < min_pixel_diff) {
                alive[k] = false;
                continue;
            }
            any = true;
            const double gain = added > 0 ? sum / static_cast<double>(added) : unset;
            if (gain > best_gain) {
                best_gain = gain;
                best = k;
            }
        }
        if (!any || best == remaining.size()) break;
        for (const Index p : remaining[best])
            if (!covered[static_cast<std::size_t>(p)]) {
                covered[static_cast<std::size_t>(p)] = true;
                output[static_cast<std::size_t>(p)] = best_gain;
                ++covered_count;
            }
        alive[best] = false;
    }
    double rest_sum = 0.0;
    Index rest = 0;
    for (Index p = 0; p < pixels; ++p)
        if (output[static_cast<std::size_t>(p)] == unset) {
            rest_sum += static_cast<double>(attribution[p]);
            ++rest;
        }
    Vector result(pixels);
    for (Index p = 0; p < pixels; ++p) {
        const double v = output[static_cast<std::size_t>(p)];
        result[p] = static_cast<float>(v == unset ? rest_sum / static_cast<double>(rest) : v);
    }
    return result;
}

/// XRAI: the per-pixel map PAIR saliency's XRAI.GetMask returns, repeated over the input's channels.
///
///     Vector map = Xrai{.shape = {224, 224, 3}}(model, image, label);
///
/// The attribution it ranks regions by is integrated gradients as PAIR computes them (`steps` points
/// alpha = k / (steps - 1), equal weights) from the baselines all min(x) and all max(x) (black and white),
/// averaged, then the maximum over channels.
struct Xrai {
    static constexpr std::string_view name = "xrai";

    /// The input's height x width x channels; required.
    ImageShape shape{};
    /// Integrated-gradients steps per baseline.
    Index steps = 100;
    /// Stop adding regions once they cover more than this share of the image (1: rank them all).
    double area_threshold = 1.0;
    /// Regions that would add fewer new pixels than this are dropped.
    Index min_pixel_diff = 50;
    XraiSegmentation segmentation{};
    /// Path points per model call.
    Index batch_size = 50;

    template <DifferentiableModel M>
    [[nodiscard]] Matrix attribute_batch(const M& model, const MatrixRef& inputs, const Vector& output_weights) const {
        detail::check_call(model, inputs, output_weights, name);
        detail::require<shape_error>(shape.size() == inputs.rows(), name, "shape must be set to the input's height x ",
                                     "width x channels (", inputs.rows(), " values), got ", shape);
        detail::require(steps >= 1, name, "steps must be >= 1, got ", steps);
        detail::require(std::isfinite(area_threshold) && area_threshold >= 0.0, name,
                        "area_threshold must be finite and >= 0, got ", area_threshold);
        detail::require(min_pixel_diff >= 0, name, "min_pixel_diff must be >= 0, got ", min_pixel_diff);
        Matrix result(inputs.rows(), inputs.cols());
        for (Index j = 0; j < inputs.cols(); ++j) {
            const Vector x = inputs.col(j);
            detail::require<numeric_error>(x.maxCoeff() > x.minCoeff(), name,
                                           "input ", j, " is constant: it has no segments and no black-white path");
            result.col(j) = rank(model, x, output_weights, xrai_regions(x, shape, segmentation));
        }
        return result;
    }

    /// The map of one input `x` whose regions are given (PAIR's `segments`), e.g. kept from an earlier call of
    /// xrai_regions on the same image: the integrated-gradients attribution ranked over them, repeated over the
    /// channels.
    template <DifferentiableModel M>
    [[nodiscard]] Vector rank(const M& model, const Vector& x, const Vector& output_weights,
                              const std::vector<std::vector<bool>>& regions) const {
        detail::check_call(model, x, output_weights, name);
        detail::require<shape_error>(shape.size() == x.size(), name, "shape must be set to the input's height x ",
                                     "width x channels (", x.size(), " values), got ", shape);
        const Index pixels = shape.height * shape.width;
        Vector attribution = Vector::Zero(x.size());
        for (const float level : {x.minCoeff(), x.maxCoeff()}) {
            const IntegratedGradients ig{.steps = steps,
                                         .rule = IntegrationRule::linspace,
                                         .baseline = Vector::Constant(x.size(), level),
                                         .batch_size = batch_size};
            attribution += ig.attribute_batch(model, x, output_weights).col(0) / 2.0f;
        }
        // The largest attribution of each pixel's channels (PAIR's _attr_aggregation_max).
        const Vector per_pixel =
            Eigen::Map<const Eigen::MatrixXf>(attribution.data(), shape.channels, pixels).colwise().maxCoeff().transpose();
        const Vector ranked = xrai_ranking(per_pixel, regions, area_threshold, min_pixel_diff);
        return ranked.transpose().replicate(shape.channels, 1).reshaped();
    }

    template <DifferentiableModel M>
    [[nodiscard]] Vector operator()(const M& model, const Vector& input, const Target& target) const {
        return detail::explain_one(*this, model, input, target, name);
    }
};

}  // namespace smoothgrad
