// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Felzenszwalb-Huttenlocher graph segmentation (2004) as scikit-image's `segmentation.felzenszwalb` computes
/// it, and the resampling that XRAI does around it (scikit-image's `transform.resize`, SciPy's spline zoom).
/// Debian ships no C++ library that segments the way scikit-image does, so XRAI's regions come from here.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// An image of doubles, HWC row-major, for the segmentation's arithmetic (scikit-image works in float64).
struct ImageD {
    ImageShape shape{};
    std::vector<double> values;  ///< shape.size() values, HWC

    [[nodiscard]] double& at(Index y, Index x, Index c) { return values[index(y, x, c)]; }
    [[nodiscard]] double at(Index y, Index x, Index c) const { return values[index(y, x, c)]; }

private:
    [[nodiscard]] std::size_t index(Index y, Index x, Index c) const {
        return static_cast<std::size_t>((y * shape.width + x) * shape.channels + c);
    }
};

/// Parameters of felzenszwalb(), scikit-image's names and defaults.
struct FelzenszwalbParams {
    /// Higher means larger segments (divided by 255 inside, as scikit-image does).
    double scale = 1.0;
    /// The Gaussian smoothing before segmenting, in pixels.
    double sigma = 0.8;
    /// Segments smaller than this are merged into a neighbour afterwards.
    Index min_size = 20;
};

namespace detail {

/// SciPy's Gaussian kernel: exp(-x^2 / (2 sigma^2)) for |x| <= radius = int(4 sigma + 0.5), normalized.
[[nodiscard]] inline std::vector<double> gaussian_kernel(double sigma) {
    const auto radius = static_cast<Index>(4.0 * sigma + 0.5);
    std::vector<double> kernel(static_cast<std::size_t>(2 * radius + 1));
    double sum = 0.0;
    for (Index x = -radius; x <= radius; ++x) {
        const double v = std::exp(-0.5 / (sigma * sigma) * static_cast<double>(x * x));
        kernel[static_cast<std::size_t>(x + radius)] = v;
        sum += v;
    }
    for (double& v : kernel) v /= sum;
    return kernel;
}

/// Where SciPy's boundary modes read outside [0, n): `reflect` (d c b a | a b c d) or, for `constant`,
/// nowhere (-1: the value is 0).
[[nodiscard]] inline Index boundary_index(Index i, Index n, bool reflect) {
    if (i >= 0 && i < n) return i;
    if (!reflect) return -1;
    const Index period = 2 * n;
    i = ((i % period) + period) % period;
    return i < n ? i : period - 1 - i;
}

/// scipy.ndimage.gaussian_filter with sigma `sigma_y`, `sigma_x` on the two image axes (none on channels),
/// mode "reflect" or "grid-constant" (zeros outside); rows first, as SciPy goes axis by axis.
[[nodiscard]] inline ImageD gaussian_filter(const ImageD& image, double sigma_y, double sigma_x, bool reflect) {
    ImageD out = image;
    const ImageShape& s = image.shape;
    const auto along = [&](double sigma, bool vertical) {
        if (sigma <= 1e-15) return;  // SciPy skips an axis with no smoothing
        const std::vector<double> kernel = gaussian_kernel(sigma);
        const auto radius = static_cast<Index>(kernel.size() / 2);
        const ImageD in = out;
        const Index n = vertical ? s.height : s.width;
        for (Index y = 0; y < s.height; ++y)
            for (Index x = 0; x < s.width; ++x)
                for (Index c = 0; c < s.channels; ++c) {
                    double sum = 0.0;
                    for (Index k = -radius; k <= radius; ++k) {
                        const Index i = boundary_index((vertical ? y : x) + k, n, reflect);
                        if (i < 0) continue;
                        sum += kernel[static_cast<std::size_t>(k + radius)] * (vertical ? in.at(i, x, c) : in.at(y, i, c));
                    }
                    out.at(y, x, c) = sum;
                }
    };
    along(sigma_y, true);
    along(sigma_x, false);
    return out;
}

/// SciPy's cubic B-spline prefilter of one line with mirrored ends (pole sqrt(3) - 2), in place.
inline void cubic_spline_prefilter(std::vector<double>& line) {
    const auto n = static_cast<Index>(line.size());
    if (n <= 1) return;
    const double z = std::sqrt(3.0) - 2.0;
    const double gain = (1.0 - z) * (1.0 - 1.0 / z);
    for (double& v : line) v *= gain;
    // Causal start for a mirrored signal, then the causal pass.
    const double z_n_1 = std::pow(z, static_cast<double>(n - 1));
    double z_i = z;
    line[0] = line[0] + z_n_1 * line[static_cast<std::size_t>(n - 1)];
    for (Index i = 1; i < n - 1; ++i) {
        line[0] += z_i * (line[static_cast<std::size_t>(i)] + z_n_1 * line[static_cast<std::size_t>(n - 1 - i)]);
        z_i *= z;
    }
    line[0] /= 1.0 - z_n_1 * z_n_1;
    for (Index i = 1; i < n; ++i) line[static_cast<std::size_t>(i)] += z * line[static_cast<std::size_t>(i - 1)];
    // Anti-causal start, then the anti-causal pass.
    const auto last = static_cast<std::size_t>(n - 1);
    line[last] = (z * line[last - 1] + line[last]) * z / (z * z - 1.0);
    for (Index i = n - 2; i >= 0; --i)
        line[static_cast<std::size_t>(i)] = z * (line[static_cast<std::size_t>(i + 1)] - line[static_cast<std::size_t>(i)]);
}

/// skimage.transform.resize(image, (height, width), order, mode="constant", preserve_range=True) for
/// order 0 (nearest) or 3 (cubic spline), anti-aliased with a Gaussian of sigma (factor - 1) / 2 where it
/// shrinks and `anti_aliasing`: SciPy's zoom with grid_mode=True and mode "grid-constant" (zeros outside;
/// the spline is prefiltered on the image padded with 12 zeros, as SciPy does), clipped to the input's range.
[[nodiscard]] inline ImageD resize_image_like_skimage(const ImageD& image, Index height, Index width, int order,
                                                      bool anti_aliasing) {
    const ImageShape& s = image.shape;
    const double fy = static_cast<double>(s.height) / static_cast<double>(height);
    const double fx = static_cast<double>(s.width) / static_cast<double>(width);
    ImageD source = image;
    if (anti_aliasing && (fy > 1.0 || fx > 1.0))
        source = gaussian_filter(image, std::max(0.0, (fy - 1.0) / 2.0), std::max(0.0, (fx - 1.0) / 2.0), false);
    constexpr Index pad = 12;
    // The spline coefficients of the padded image, axis by axis (the channel axis's prefilter is the identity
    // at the knots, where the zoom samples it, and is left out).
    const Index ph = s.height + 2 * pad, pw = s.width + 2 * pad;
    std::vector<double> coefficients(static_cast<std::size_t>(ph * pw * s.channels), 0.0);
    const auto coef = [&](Index y, Index x, Index c) -> double& {
        return coefficients[static_cast<std::size_t>((y * pw + x) * s.channels + c)];
    };
    for (Index y = 0; y < s.height; ++y)
        for (Index x = 0; x < s.width; ++x)
            for (Index c = 0; c < s.channels; ++c) coef(y + pad, x + pad, c) = source.at(y, x, c);
    if (order == 3) {
        // Columns first, then rows, each line through the prefilter.
        std::vector<double> line;
        const auto prefilter = [&](bool vertical) {
            const Index lines = vertical ? pw : ph, length = vertical ? ph : pw;
            line.resize(static_cast<std::size_t>(length));
            for (Index l = 0; l < lines; ++l)
                for (Index c = 0; c < s.channels; ++c) {
                    const auto at = [&](Index i) -> double& { return vertical ? coef(i, l, c) : coef(l, i, c); };
                    for (Index i = 0; i < length; ++i) line[static_cast<std::size_t>(i)] = at(i);
                    cubic_spline_prefilter(line);
                    for (Index i = 0; i < length; ++i) at(i) = line[static_cast<std::size_t>(i)];
                }
        };
        prefilter(true);
        prefilter(false);
    }
    // Taps and weights of one output coordinate along an axis of the padded coefficients.
    struct Taps {
        Index start = 0;
        double weights[4] = {0, 0, 0, 0};
        int count = 1;
    };
    const auto taps = [&](Index out, double factor, Index padded) {
        const double at = (static_cast<double>(out) + 0.5) * factor - 0.5 + static_cast<double>(pad);
        Taps t;
        if (order == 0) {
            t.start = std::clamp<Index>(static_cast<Index>(std::floor(at + 0.5)), 0, padded - 1);
            t.weights[0] = 1.0;
            return t;
        }
        const double f = std::floor(at), u = at - f;
        t.start = static_cast<Index>(f) - 1;
        t.count = 4;
        t.weights[0] = (1.0 - u) * (1.0 - u) * (1.0 - u) / 6.0;
        t.weights[1] = (4.0 - 6.0 * u * u + 3.0 * u * u * u) / 6.0;
        t.weights[2] = (1.0 + 3.0 * u + 3.0 * u * u - 3.0 * u * u * u) / 6.0;
        t.weights[3] = u * u * u / 6.0;
        return t;
    };
    double low = image.values.empty() ? 0.0 : image.values.front(), high = low;
    for (const double v : image.values) {
        low = std::min(low, v);
        high = std::max(high, v);
    }
    ImageD out{{height, width, s.channels}, std::vector<double>(static_cast<std::size_t>(height * width * s.channels))};
    for (Index y = 0; y < height; ++y) {
        const Taps ty = taps(y, fy, ph);
        for (Index x = 0; x < width; ++x) {
            const Taps tx = taps(x, fx, pw);
            for (Index c = 0; c < s.channels; ++c) {
                double sum = 0.0;
                for (int i = 0; i < ty.count; ++i) {
                    const Index yy = ty.start + i;
                    if (yy < 0 || yy >= ph) continue;
                    for (int j = 0; j < tx.count; ++j) {
                        const Index xx = tx.start + j;
                        if (xx < 0 || xx >= pw) continue;
                        sum += ty.weights[i] * tx.weights[j] * coef(yy, xx, c);
                    }
                }
                out.at(y, x, c) = std::clamp(sum, std::min(low, 0.0), std::max(high, 0.0));
            }
        }
    }
    return out;
}

}  // namespace detail

/// Felzenszwalb-Huttenlocher segmentation of an HWC image as scikit-image computes it: Gaussian smoothing
/// (sigma, reflected edges), 8-connected edges weighted by the Euclidean colour distance, merged in order
/// of weight while the weight is below both segments' internal difference plus scale / 255 / size, then
/// segments under min_size merged into a neighbour along the same order. Returns one label per pixel
/// (row-major), 0, 1, ... in order of each segment's first pixel.
///
/// Edges of equal weight are taken in scikit-image's edge order (right, down, down-right, up-right, each
/// row-major); NumPy's argsort is not stable, so where many weights tie exactly (flat areas) scikit-image's
/// segments can differ in details.
[[nodiscard]] inline std::vector<Index> felzenszwalb(const ImageD& image, const FelzenszwalbParams& params = {}) {
    constexpr std::string_view who = "felzenszwalb";
    const ImageShape& s = image.shape;
    detail::require<shape_error>(s.height > 0 && s.width > 0 && s.channels > 0 &&
                                     image.values.size() == static_cast<std::size_t>(s.size()),
                                 who, "image of shape ", s, " has ", image.values.size(), " values");
    detail::require(std::isfinite(params.scale) && params.scale > 0.0, who, "scale must be finite and > 0, got ",
                    params.scale);
    detail::require(std::isfinite(params.sigma) && params.sigma >= 0.0, who, "sigma must be finite and >= 0, got ",
                    params.sigma);
    detail::require(params.min_size >= 0, who, "min_size must be >= 0, got ", params.min_size);
    const ImageD smooth = detail::gaussian_filter(image, params.sigma, params.sigma, true);
    const Index h = s.height, w = s.width;
    struct Edge {
        Index a, b;
        double cost;
    };
    std::vector<Edge> edges;
    edges.reserve(static_cast<std::size_t>(4 * h * w));
    const auto add = [&](Index ya, Index xa, Index yb, Index xb) {
        double sum = 0.0;
        for (Index c = 0; c < s.channels; ++c) {
            const double d = smooth.at(ya, xa, c) - smooth.at(yb, xb, c);
            sum += d * d;
        }
        edges.push_back({ya * w + xa, yb * w + xb, std::sqrt(sum)});
    };
    for (Index y = 0; y < h; ++y)
        for (Index x = 0; x + 1 < w; ++x) add(y, x + 1, y, x);  // right
    for (Index y = 0; y + 1 < h; ++y)
        for (Index x = 0; x < w; ++x) add(y + 1, x, y, x);  // down
    for (Index y = 0; y + 1 < h; ++y)
        for (Index x = 0; x + 1 < w; ++x) add(y + 1, x + 1, y, x);  // down-right
    for (Index y = 0; y + 1 < h; ++y)
        for (Index x = 0; x + 1 < w; ++x) add(y, x + 1, y + 1, x);  // up-right
    std::stable_sort(edges.begin(), edges.end(), [](const Edge& l, const Edge& r) { return l.cost < r.cost; });

    // Union-find whose root is the smallest pixel index of a segment, as scikit-image's join_trees.
    std::vector<Index> parent(static_cast<std::size_t>(h * w));
    std::iota(parent.begin(), parent.end(), Index{0});
    const auto root = [&](Index n) {
        Index r = n;
        while (parent[static_cast<std::size_t>(r)] < r) r = parent[static_cast<std::size_t>(r)];
        while (parent[static_cast<std::size_t>(n)] < n) {  // path compression: the same roots, found faster
            const Index next = parent[static_cast<std::size_t>(n)];
            parent[static_cast<std::size_t>(n)] = r;
            n = next;
        }
        return r;
    };
    std::vector<Index> size(static_cast<std::size_t>(h * w), 1);
    std::vector<double> internal(static_cast<std::size_t>(h * w), 0.0);
    const double scale = params.scale / 255.0;
    const auto join = [&](Index a, Index b) {
        const Index r = std::min(a, b), other = std::max(a, b);
        parent[static_cast<std::size_t>(other)] = r;
        size[static_cast<std::size_t>(r)] = size[static_cast<std::size_t>(a)] + size[static_cast<std::size_t>(b)];
        return r;
    };
    for (const Edge& e : edges) {
        const Index a = root(e.a), b = root(e.b);
        if (a == b) continue;
        // scikit-image keeps these two in single precision.
        const auto limit_a = static_cast<float>(internal[static_cast<std::size_t>(a)] + scale / static_cast<double>(size[static_cast<std::size_t>(a)]));
        const auto limit_b = static_cast<float>(internal[static_cast<std::size_t>(b)] + scale / static_cast<double>(size[static_cast<std::size_t>(b)]));
        if (e.cost < static_cast<double>(std::min(limit_a, limit_b))) internal[static_cast<std::size_t>(join(a, b))] = e.cost;
    }
    for (const Edge& e : edges) {
        const Index a = root(e.a), b = root(e.b);
        if (a == b) continue;
        if (size[static_cast<std::size_t>(a)] < params.min_size || size[static_cast<std::size_t>(b)] < params.min_size)
            (void)join(a, b);
    }
    // Labels in order of the roots, i.e. of each segment's first pixel (np.unique's return_inverse).
    std::vector<Index> labels(static_cast<std::size_t>(h * w)), label_of_root(static_cast<std::size_t>(h * w), -1);
    Index next = 0;
    for (Index p = 0; p < h * w; ++p) {
        const Index r = root(p);
        if (label_of_root[static_cast<std::size_t>(r)] < 0) label_of_root[static_cast<std::size_t>(r)] = next++;
        labels[static_cast<std::size_t>(p)] = label_of_root[static_cast<std::size_t>(r)];
    }
    return labels;
}

}  // namespace smoothgrad
