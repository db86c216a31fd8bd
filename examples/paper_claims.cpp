// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's qualitative claims as numbers. Smilkov et al. judge maps by eye; this program measures
// them with smoothgrad's metrics module on Fashion-MNIST test images, gives every number as a mean with
// its 95 % confidence interval, and states claim by claim whether the numbers support it:
//   1. SmoothGrad maps are more coherent than vanilla and integrated-gradient maps (Sec. 3.3).
//   2. 10-20 % noise balances sharpness and structure (Sec. 3.2).
//   3. Returns diminish beyond n = 50 samples (Sec. 3.2).
//   4. Training with noise also de-noises maps, and the two effects add up (Sec. 3.5).
//   5. SmoothGrad discriminates better between two classes in one image (Sec. 3.3, Fig. 6).
//   6. Guided backprop's sharp maps fail the randomization sanity check (Adebayo et al. 2018).
// Then the same metrics and the randomization check for the other methods of PAIR saliency and Captum, each
// with and without SmoothGrad.
// It writes RESULTS.md and SVG plots (docs/results/). The full run takes about ten minutes on 2 cores:
//
//     scripts/claims.sh                                     (installs, builds, runs; the documented command)
//     build/examples/paper_claims --quick --out /tmp/claims  (16 images, under a minute: what CI runs)
//
// Run from the repository root; --help lists the options.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <smoothgrad/metrics/metrics.hpp>

#include "claims_images.hpp"
#include "claims_metrics.hpp"
#include "claims_report.hpp"
#include "claims_settings.hpp"
#include "figure_support.hpp"
#include "recording_gradient.hpp"
#include "svg_plot.hpp"
#include "two_item.hpp"

namespace {
using namespace smoothgrad;
using figures::Options;
using namespace claims;
namespace fs = std::filesystem;

constexpr std::string_view who = "paper_claims";
constexpr std::string_view usage = R"(Usage: paper_claims [OPTIONS]

Measures the paper's claims about SmoothGrad on Fashion-MNIST test images with smoothgrad's metrics
(mean and 95 % confidence interval over the images) and writes a report with a verdict per claim, plus
SVG plots. --model is the network trained on clean images (default: the shipped one); the default
--out is docs/results, and the report goes to RESULTS.md (with --quick: <out>/RESULTS.md).
  --quick               16 images and short sweeps: a check that everything runs, in under a minute
  --count N             test images to measure (default 500; --images picks them instead)
  --pairs N             two-item images for claim 5 (default 500)
  --noise-model FILE    the network trained with input noise
                        (default examples/models/fashion_mnist_cnn_noise.safetensors)
  --two-item-model FILE the network for 28x56 two-item images
                        (default examples/models/fashion_mnist_two_item_cnn.safetensors)
  --report FILE         where the report goes
)";

/// The sizes of the experiment; --quick shrinks them.
struct Settings : claims::SharedSettings {
    /// Two-item images, from random pairs of test images of different classes.
    Index pairs = 500;
    /// Images of the randomization check of the other methods (the first ones): each map is made again
    /// on four randomized networks.
    Index toolbox_randomization_images = 100;
};

Settings quick_settings() {
    Settings s;
    s.images = 16;
    s.pairs = 16;
    s.noise_levels = {0.0, 0.10, 0.20, 0.50};
    s.sample_sizes = {1, 5, 20, 50};
    s.reference_samples = 200;
    s.toolbox_randomization_images = 4;
    return s;
}

// ---------------------------------------------------------------------------------------------------
// Methods

constexpr ImageShape image_shape{28, 28, 1};
using Network = nn::Sequential;
/// A map of image `image` (its index in the experiment, which keys SmoothGrad's noise, so that every image
/// gets its own noise draws) for class c.
using Explainer = std::function<Vector(const Network&, const Vector&, Index c, std::uint64_t image)>;

struct Method {
    std::string name;
    Explainer explain;
};

/// SmoothGrad around `method` whose noise is keyed by the image's index.
template <class Inner>
Explainer smoothed(SmoothGrad<Inner> smooth) {
    return [smooth](const Network& n, const Vector& x, Index c, std::uint64_t image) mutable {
        smooth.first_input = image;
        return smooth(n, x, c);
    };
}

/// The six maps of the experiment: three methods, each alone and inside SmoothGrad.
std::vector<Method> all_methods(const Settings& s, std::uint64_t seed) {
    const IntegratedGradients ig{.steps = s.ig_steps};
    return {
        {"vanilla gradient",
         [](const Network& n, const Vector& x, Index c, std::uint64_t) { return VanillaGradient{}(n, x, c); }},
        {"integrated gradients", [ig](const Network& n, const Vector& x, Index c, std::uint64_t) { return ig(n, x, c); }},
        {"guided backprop",
         [](const Network& n, const Vector& x, Index c, std::uint64_t) { return GuidedBackprop{}(n, x, c); }},
        {"SmoothGrad + vanilla",
         smoothed(SmoothGrad<VanillaGradient>{.samples = s.samples, .noise_level = s.noise_level, .seed = seed})},
        {"SmoothGrad + IG", smoothed(SmoothGrad<IntegratedGradients>{.method = {.steps = s.ig_steps_smoothed},
                                                                     .samples = s.samples,
                                                                     .noise_level = s.noise_level,
                                                                     .seed = seed})},
        {"SmoothGrad + guided",
         smoothed(SmoothGrad<GuidedBackprop>{.samples = s.samples, .noise_level = s.noise_level, .seed = seed})},
    };
}

/// The position of the method called `name` in `list`.
std::size_t method_index(const std::vector<Method>& list, std::string_view name) {
    for (std::size_t m = 0; m < list.size(); ++m)
        if (list[m].name == name) return m;
    throw argument_error(detail::message(who, "no method named '", name, "'"));
}

/// XRAI over regions made once: every column of a batch is ranked over `regions`. Inside SmoothGrad the noisy
/// copies of an image are ranked over the clean image's regions (segmenting 50 noisy copies per image would
/// cost 50 segmentations, and PAIR saliency defines no SmoothGrad around XRAI).
struct XraiOverRegions {
    Xrai xrai;
    const std::vector<std::vector<bool>>* regions = nullptr;

    [[nodiscard]] Matrix attribute_batch(const Network& net, const MatrixRef& inputs, const Vector& weights) const {
        Matrix maps(inputs.rows(), inputs.cols());
        for (Index j = 0; j < inputs.cols(); ++j) maps.col(j) = xrai.rank(net, inputs.col(j), weights, *regions);
        return maps;
    }
};

/// The rest of the toolbox, each plain and with SmoothGrad: blur IG, guided IG, expected gradients from
/// `references`, Grad-CAM and Guided Grad-CAM at the second ReLU (layer 4), XRAI and occlusion (SmoothGrad
/// with n = 10 around occlusion, whose map costs 576 forward passes). XRAI keeps each image's regions: the
/// randomization check explains every image again on four more networks.
std::vector<Method> toolbox_methods(const Settings& s, std::uint64_t seed, const Matrix& references) {
    const BlurIntegratedGradients blur{.shape = image_shape};
    const GuidedIntegratedGradients guided_ig{.steps = s.ig_steps};
    const ExpectedGradients expected{.references = references, .samples = 200, .seed = seed};
    const GradCam cam{.layer = Index{4}, .shape = image_shape};
    const GuidedGradCam guided_cam{.grad_cam = cam};
    const auto smooth = [&](auto inner) {
        return smoothed(SmoothGrad<decltype(inner)>{.method = inner, .samples = s.samples, .noise_level = s.noise_level,
                                                    .seed = seed});
    };
    const auto plain = [](auto method) {
        return [method](const Network& n, const Vector& x, Index c, std::uint64_t) { return method(n, x, c); };
    };
    auto regions = std::make_shared<std::map<std::uint64_t, std::vector<std::vector<bool>>>>();
    const Xrai xrai{.shape = image_shape, .steps = s.ig_steps};
    const auto regions_of = [regions, xrai](const Vector& x, std::uint64_t image) -> const auto& {
        auto& kept = (*regions)[image];
        if (kept.empty()) kept = xrai_regions(x, image_shape, xrai.segmentation);
        return kept;
    };
    return {
        {"blur IG", plain(blur)},
        {"SmoothGrad + blur IG", smooth(BlurIntegratedGradients{.shape = image_shape, .steps = s.ig_steps_smoothed})},
        {"guided IG", plain(guided_ig)},
        {"SmoothGrad + guided IG", smooth(GuidedIntegratedGradients{.steps = s.ig_steps_smoothed})},
        {"expected gradients", plain(expected)},
        {"SmoothGrad + expected gradients",
         smooth(ExpectedGradients{.references = references, .samples = s.ig_steps_smoothed, .seed = seed})},
        {"Grad-CAM", plain(cam)},
        {"SmoothGrad + Grad-CAM", smooth(cam)},
        {"Guided Grad-CAM", plain(guided_cam)},
        {"SmoothGrad + Guided Grad-CAM", smooth(guided_cam)},
        {"XRAI",
         [xrai, regions_of](const Network& n, const Vector& x, Index c, std::uint64_t image) {
             return xrai.rank(n, x, Vector::Unit(n.num_classes(), c), regions_of(x, image));
         }},
        {"SmoothGrad + XRAI",
         [xrai, regions_of, s, seed](const Network& n, const Vector& x, Index c, std::uint64_t image) {
             const SmoothGrad<XraiOverRegions> smooth{.method = {.xrai = xrai, .regions = &regions_of(x, image)},
                                                      .samples = s.samples,
                                                      .noise_level = s.noise_level,
                                                      .seed = seed,
                                                      .first_input = image};
             return smooth(n, x, c);
         }},
        {"occlusion", plain(Occlusion{.shape = image_shape, .size = 5})},
        {"SmoothGrad + occlusion",
         smoothed(SmoothGrad<Occlusion>{.method = {.shape = image_shape, .size = 5},
                                        .samples = 10,
                                        .noise_level = s.noise_level,
                                        .seed = seed})},
    };
}

/// The methods without SmoothGrad + IG, whose n * steps gradients per map the two-item and
/// randomization parts cannot afford within the time budget.
std::vector<Method> affordable_methods(const Settings& s, std::uint64_t seed) {
    std::vector<Method> methods = all_methods(s, seed);
    std::erase_if(methods, [](const Method& m) { return m.name == "SmoothGrad + IG"; });
    return methods;
}

static_assert(AttributionMethodFor<RecordingGradient, Network>);

// ---------------------------------------------------------------------------------------------------
// Formatting

/// Prints progress on one line per part.
void progress(std::string_view part, Index done, Index total) {
    if (done == total || done % std::max<Index>(1, (total + 9) / 10) == 0) {
        std::printf("  %s: %lld / %lld\n", std::string(part).c_str(), static_cast<long long>(done),
                    static_cast<long long>(total));
        std::fflush(stdout);
    }
}

// ---------------------------------------------------------------------------------------------------
// The experiment's parts

/// Part A: every method on every image, for one model. Claims 1 and 4 and the main table.
struct MethodResults {
    std::vector<MetricSamples> samples;            ///< per method
    std::vector<std::array<Vector, 3>> mean_curves;  ///< per method: deletion, insertion, ROAD
};

MethodResults measure_methods(const Network& net, const Data& data, const std::vector<Method>& methods,
                              const Settings& s, std::string_view model_name) {
    MethodResults results;
    results.samples.resize(methods.size());
    results.mean_curves.resize(methods.size());
    for (std::size_t m = 0; m < methods.size(); ++m) {
        auto& curves = results.mean_curves[m];
        for (auto& c : curves) c = Vector::Zero(s.curve_steps + 1);
        const auto start = Clock::now();
        for (std::size_t k = 0; k < data.images.size(); ++k) {
            const Vector map = methods[m].explain(net, data.images[k], data.labels[k], k);
            const Evaluation e = evaluate(net, data.images[k], data.labels[k], map, data.objects[k], image_shape,
                                          s.curve_steps);
            append(results.samples[m], e);
            curves[0] += e.deletion_curve;
            curves[1] += e.insertion_curve;
            curves[2] += e.road_curve;
        }
        for (auto& c : curves) c /= static_cast<float>(data.images.size());
        std::printf("  %s, %s: %.1f s\n", std::string(model_name).c_str(), methods[m].name.c_str(),
                    seconds_since(start));
        std::fflush(stdout);
    }
    return results;
}

/// Completeness of integrated gradients (the axiomatic metric): relative gaps per image.
struct CompletenessResult {
    std::vector<double> relative_gaps;
    Index holds = 0;  ///< images within the 1 % tolerance
};

CompletenessResult measure_completeness(const Network& net, const Data& data, int steps) {
    CompletenessResult result;
    const IntegratedGradients ig{.steps = steps};
    for (std::size_t k = 0; k < data.images.size(); ++k) {
        const Vector attribution = ig(net, data.images[k], data.labels[k]);
        const Matrix inputs = (Matrix(image_shape.size(), 2) << data.images[k], Vector::Zero(image_shape.size())).finished();
        const Matrix scores = net.scores(inputs);
        const auto c = metrics::completeness(attribution, scores(data.labels[k], 0), scores(data.labels[k], 1));
        result.relative_gaps.push_back(std::abs(c.gap) / std::max(std::abs(c.score_difference), 1e-12));
        result.holds += c.holds ? 1 : 0;
    }
    return result;
}

/// Part B: SmoothGrad (vanilla) at every noise level, for one model, with the perturbation curves only
/// if `curves` (claim 2 needs them for the clean model; claim 4 needs none). Claims 2 and 4. Two levels are
/// already measured in part A and taken from there: SmoothGrad's own level (the same maps, same seed), and
/// 0 %, where SmoothGrad's mean of n identical maps is the vanilla gradient exactly (the sum of n equal
/// floats is exact in double, and so is dividing it by n).
std::vector<MetricSamples> measure_noise_levels(const Network& net, const Data& data, const Settings& s,
                                                std::uint64_t seed, const MetricSamples& vanilla_samples,
                                                const MetricSamples& smooth_samples, bool curves,
                                                std::string_view model_name) {
    std::vector<MetricSamples> results(s.noise_levels.size());
    const auto start = Clock::now();
    for (std::size_t l = 0; l < s.noise_levels.size(); ++l) {
        if (s.noise_levels[l] == 0.0 || s.noise_levels[l] == s.noise_level) {
            results[l] = s.noise_levels[l] == 0.0 ? vanilla_samples : smooth_samples;
            if (!curves)
                for (std::size_t m = deletion; m < metric_count; ++m) results[l][m].clear();
            continue;
        }
        SmoothGrad<VanillaGradient> smooth{.samples = s.samples, .noise_level = s.noise_levels[l], .seed = seed};
        for (std::size_t k = 0; k < data.images.size(); ++k) {
            smooth.first_input = k;
            const Vector map = smooth(net, data.images[k], data.labels[k]);
            append(results[l],
                   evaluate(net, data.images[k], data.labels[k], map, data.objects[k], image_shape, s.curve_steps, curves),
                   curves);
        }
    }
    std::printf("  %s, %zu noise levels: %.1f s\n", std::string(model_name).c_str(), s.noise_levels.size(),
                seconds_since(start));
    return results;
}

/// Part C: SmoothGrad (vanilla) maps for n = 1 ... max against an independent map of reference_samples
/// samples (another seed). Claim 3.
struct SampleSizeResults {
    std::vector<std::vector<double>> relative_l2, rank_distance, tv, moran, gini_index;  ///< per sample size
    /// per image: sqrt(tr Cov) / ||M_ref||, the spread of one sample's map relative to the reference
    std::vector<double> spread;

    /// The mean relative L2 distance that sampling error alone gives between an n-sample map and an
    /// independent reference of n_ref samples: E||M_n - M_ref||^2 = tr(Cov) (1/n + 1/n_ref).
    [[nodiscard]] double predicted_distance(int n, int reference_samples) const;
};

SampleSizeResults measure_sample_sizes(const Network& net, const Data& data, const Settings& s, std::uint64_t seed) {
    const std::size_t sizes = s.sample_sizes.size();
    SampleSizeResults r;
    r.relative_l2.resize(sizes);
    r.rank_distance.resize(sizes);
    r.tv.resize(sizes);
    r.moran.resize(sizes);
    r.gini_index.resize(sizes);
    const int largest = *std::max_element(s.sample_sizes.begin(), s.sample_sizes.end());
    std::vector<Vector> record;
    const auto start = Clock::now();
    for (std::size_t k = 0; k < data.images.size(); ++k) {
        record.clear();
        const SmoothGrad<RecordingGradient> recorded{
            .method = {.record = &record}, .samples = largest, .noise_level = s.noise_level, .seed = seed, .first_input = k};
        const Vector full = recorded(net, data.images[k], data.labels[k]);
        const SmoothGrad<VanillaGradient> reference_method{
            .samples = s.reference_samples, .noise_level = s.noise_level, .seed = seed + 1, .first_input = k};
        const Vector reference = reference_method(net, data.images[k], data.labels[k]);
        // Prefix means, summed in double in sample order exactly as SmoothGrad sums them.
        Eigen::VectorXd sum = Eigen::VectorXd::Zero(full.size());
        std::size_t next = 0;
        for (int n = 1; n <= largest; ++n) {
            sum += record[static_cast<std::size_t>(n - 1)].cast<double>();
            if (next < sizes && n == s.sample_sizes[next]) {
                const Vector map = (sum / n).cast<float>();
                r.relative_l2[next].push_back(metrics::relative_l2_distance(map, reference));
                r.rank_distance[next].push_back(1.0 - metrics::spearman(map.cwiseAbs(), reference.cwiseAbs()));
                r.tv[next].push_back(metrics::total_variation(map.cwiseAbs(), image_shape));
                r.moran[next].push_back(metrics::morans_i(map.cwiseAbs(), image_shape));
                r.gini_index[next].push_back(metrics::gini(map));
                ++next;
            }
        }
        // The recorded run is SmoothGrad itself: its map is the mean of all the recorded maps.
        detail::require<numeric_error>(((sum / largest).cast<float>().array() == full.array()).all(), who,
                                       "the recorded samples do not add up to SmoothGrad's map");
        // tr(Cov) of the per-sample maps, estimated from the recorded samples (see predicted_distance).
        const Eigen::VectorXd mean = sum / largest;
        double trace = 0.0;
        for (const Vector& g : record) trace += (g.cast<double>() - mean).squaredNorm();
        trace /= std::max(1, largest - 1);
        r.spread.push_back(std::sqrt(trace) / reference.cast<double>().norm());
        progress("sample sizes", static_cast<Index>(k + 1), static_cast<Index>(data.images.size()));
    }
    std::printf("  sample sizes: %.1f s\n", seconds_since(start));
    return r;
}

/// Part D: discriminativity on two-item images. Claim 5.
struct PairResults {
    std::vector<std::vector<double>> share;  ///< per method: correct-side share per pair
    std::vector<bool> both_on_top;           ///< per pair: the two classes are the model's two best scores
};

PairResults measure_pairs(const Network& net, const Dataset& test, const std::vector<Method>& methods,
                          const Settings& s, std::uint64_t seed) {
    PairResults r;
    r.share.resize(methods.size());
    const auto pairs = two_item::random_pairs(test.labels, s.pairs, seed + 2);
    const auto start = Clock::now();
    for (std::size_t p = 0; p < pairs.size(); ++p) {
        const auto [left, right] = pairs[p];
        const Vector x = two_item::side_by_side(test.images.col(left), test.images.col(right));
        const Index a = test.labels[static_cast<std::size_t>(left)], b = test.labels[static_cast<std::size_t>(right)];
        Vector scores = net.scores(Matrix(x)).col(0);
        Index first = 0, second = 0;
        scores.maxCoeff(&first);
        scores[first] = -std::numeric_limits<float>::infinity();
        scores.maxCoeff(&second);
        r.both_on_top.push_back((first == a && second == b) || (first == b && second == a));
        for (std::size_t m = 0; m < methods.size(); ++m) {
            const Image map_a = reduce_channels(methods[m].explain(net, x, a, p), two_item::pair_shape);
            const Image map_b = reduce_channels(methods[m].explain(net, x, b, p), two_item::pair_shape);
            r.share[m].push_back(two_item::correct_side_share(discriminativity(map_a, map_b).pixels));
        }
        progress("two-item images", static_cast<Index>(p + 1), static_cast<Index>(pairs.size()));
    }
    std::printf("  two-item images: %.1f s\n", seconds_since(start));
    return r;
}

/// Part E: the cascading randomization of Adebayo et al.: layers re-initialised from the top down.
struct RandomizationResults {
    std::vector<std::string> stages;  ///< "none", then the layer randomized at each step
    /// per method, per stage: Spearman(|trained map|, |randomized map|) and of the signed maps, per image
    std::vector<std::vector<std::vector<double>>> magnitude, signed_maps;
    std::vector<std::vector<Index>> undefined;  ///< per method, per stage: images whose map was constant
};

/// The layer a parameter belongs to: "3" for "3.weight".
std::string layer_of(const std::string& parameter_name) { return parameter_name.substr(0, parameter_name.find('.')); }

/// The trained network with its last `count` weight layers re-initialised as a fresh network would be.
Network randomize_top(const Network& trained, const Network& fresh, std::size_t count,
                      const std::vector<std::string>& layer_prefixes) {
    Network net = trained;
    const auto from = fresh.parameters();
    const auto to = net.parameters();
    for (std::size_t i = 0; i < to.size(); ++i) {
        const auto position = std::find(layer_prefixes.begin(), layer_prefixes.end(), layer_of(to[i].name));
        const auto from_top = static_cast<std::size_t>(layer_prefixes.end() - position);  // 1: the last layer
        if (from_top <= count) std::copy(from[i].values().begin(), from[i].values().end(), to[i].values().begin());
    }
    return net;
}

RandomizationResults measure_randomization(const Network& trained, const Data& data,
                                           const std::vector<Method>& methods, std::uint64_t seed) {
    // The weight layers, bottom up, named by their index in the network ("0", "3", ...).
    std::vector<std::string> prefixes;
    for (const auto& p : trained.parameters()) {
        if (prefixes.empty() || prefixes.back() != layer_of(p.name)) prefixes.push_back(layer_of(p.name));
    }
    // The layers' specs, to name the stages: item i + 1 of the spec is layer i.
    const std::string spec = trained.to_spec();
    const std::vector<std::string_view> items = command_line::split(spec, ';');
    std::vector<std::string> layer_names;
    for (const auto& prefix : prefixes) {
        const std::string_view item = items.at(std::stoul(prefix) + 1);
        layer_names.emplace_back(item.substr(item.find_first_not_of(' ')));
    }
    const Network fresh = nn::parse_spec(spec, seed + 3);
    RandomizationResults r;
    r.stages.push_back("none (trained)");
    for (std::size_t c = 1; c <= prefixes.size(); ++c) r.stages.push_back("+ " + layer_names[prefixes.size() - c]);
    std::vector<Network> networks;
    for (std::size_t c = 0; c <= prefixes.size(); ++c) networks.push_back(randomize_top(trained, fresh, c, prefixes));
    r.magnitude.assign(methods.size(), std::vector<std::vector<double>>(networks.size()));
    r.signed_maps = r.magnitude;
    r.undefined.assign(methods.size(), std::vector<Index>(networks.size(), 0));
    const auto start = Clock::now();
    for (std::size_t k = 0; k < data.images.size(); ++k) {
        for (std::size_t m = 0; m < methods.size(); ++m) {
            const Vector original = methods[m].explain(networks[0], data.images[k], data.labels[k], k);
            for (std::size_t stage = 0; stage < networks.size(); ++stage) {
                const Vector map =
                    stage == 0 ? original : methods[m].explain(networks[stage], data.images[k], data.labels[k], k);
                try {
                    const double magnitude = metrics::spearman(original.cwiseAbs(), map.cwiseAbs());
                    const double signed_value = metrics::spearman(original, map);
                    r.magnitude[m][stage].push_back(magnitude);
                    r.signed_maps[m][stage].push_back(signed_value);
                } catch (const numeric_error&) {
                    ++r.undefined[m][stage];  // a constant map (e.g. every ReLU dead): no ranks to compare
                }
            }
        }
        progress("randomization", static_cast<Index>(k + 1), static_cast<Index>(data.images.size()));
    }
    std::printf("  randomization: %.1f s\n", seconds_since(start));
    return r;
}

// ---------------------------------------------------------------------------------------------------
// Plots

std::vector<double> as_doubles(const Vector& v) { return {v.data(), v.data() + v.size()}; }

double mean_of(const std::vector<double>& v) {
    return v.empty() ? std::numeric_limits<double>::quiet_NaN()
                     : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double SampleSizeResults::predicted_distance(int n, int reference_samples) const {
    return mean_of(spread) * std::sqrt(1.0 / n + 1.0 / reference_samples);
}

void plot(const fs::path& path, const figures::LinePlot& p, std::vector<std::string>& written) {
    figures::write_line_plot(path, p);
    written.push_back(path.filename().string());
}

// ---------------------------------------------------------------------------------------------------
// The report

struct Models {
    fs::path clean, noisy, two_item;
};

double accuracy_on(const Network& net, const Data& data) {
    Index right = 0;
    for (std::size_t k = 0; k < data.images.size(); ++k)
        right += figures::predicted_class(net, data.images[k]) == data.labels[k] ? 1 : 0;
    return static_cast<double>(right) / static_cast<double>(data.images.size());
}




/// A table of the randomization check: per method, Spearman of |map| with the trained map at each stage
/// (the signed maps' mean in parentheses).
std::string randomization_table(const RandomizationResults& randomization, const std::vector<Method>& methods) {
    std::ostringstream md;
    std::vector<std::string> header{"method"};
    for (const auto& stage : randomization.stages) header.push_back(stage);
    md << row(header) << rule_row(header.size());
    for (std::size_t m = 0; m < methods.size(); ++m) {
        std::vector<std::string> cells{methods[m].name};
        for (std::size_t stage = 0; stage < randomization.stages.size(); ++stage) {
            const auto& v = randomization.magnitude[m][stage];
            std::string cell = v.size() >= 2 ? format(summary(v)) : "undefined";
            if (randomization.signed_maps[m][stage].size() >= 2)
                cell += " (" + fixed(mean_of(randomization.signed_maps[m][stage]), 2) + ")";
            if (randomization.undefined[m][stage] > 0)
                cell += " [" + std::to_string(randomization.undefined[m][stage]) + " constant maps left out]";
            cells.push_back(cell);
        }
        md << row(cells);
    }
    return md.str();
}



/// A table of every metric per method.
std::string metric_table(const MethodResults& results, const std::vector<Method>& methods) {
    std::ostringstream md;
    std::vector<std::string> header{"method"};
    for (const auto& info : metric_info) header.emplace_back(info.label);
    md << row(header) << rule_row(header.size());
    for (std::size_t m = 0; m < methods.size(); ++m) {
        std::vector<std::string> cells{methods[m].name};
        for (std::size_t metric = 0; metric < metric_count; ++metric)
            cells.push_back(defined_cell(results.samples[m][metric]));
        md << row(cells);
    }
    return md.str();
}

int run(const Options& options, const Settings& s, const fs::path& report_path, const Models& paths, bool quick) {
    const auto total_start = Clock::now();
    const std::string load_before = load_average();
    const Dataset test = figures::load_test_set(options);
    Network clean = figures::load_fashion_network(paths.clean, who);
    Network noisy = figures::load_fashion_network(paths.noisy, who);
    Network pair_net = nn::load_network(paths.two_item).network;
    detail::require<shape_error>(pair_net.input_size() == two_item::pair_shape.size() && pair_net.num_classes() == 10,
                                 who, "the two-item model '", paths.two_item.string(),
                                 "' must take 28x56x1 images and give 10 scores");
    const Data data = pick_images(test, options, s.images, 2, who);
    const std::uint64_t seed = options.seed;
    const auto methods = all_methods(s, seed);
    const auto cheaper = affordable_methods(s, seed);
    const std::size_t vanilla = method_index(methods, "vanilla gradient"), ig = method_index(methods, "integrated gradients"),
                      guided = method_index(methods, "guided backprop"),
                      sg = method_index(methods, "SmoothGrad + vanilla"), sg_ig = method_index(methods, "SmoothGrad + IG"),
                      sg_guided = method_index(methods, "SmoothGrad + guided");
    std::printf("%zu test images, %lld two-item images%s\n", data.images.size(), static_cast<long long>(s.pairs),
                quick ? " (--quick)" : "");

    std::map<std::string, double> seconds;
    std::printf("A. every method on every image (claims 1 and 4)\n");
    auto start = Clock::now();
    const MethodResults clean_results = measure_methods(clean, data, methods, s, "clean model");
    // Claim 4 is about the vanilla gradient and SmoothGrad; SmoothGrad + IG, the costliest map by far, is
    // measured on the clean model only.
    const MethodResults noisy_results = measure_methods(noisy, data, cheaper, s, "noise-trained model");
    const CompletenessResult completeness_plain = measure_completeness(clean, data, s.ig_steps);
    const CompletenessResult completeness_smoothed = measure_completeness(clean, data, s.ig_steps_smoothed);
    seconds["A"] = seconds_since(start);

    std::printf("B. noise levels (claims 2 and 4)\n");
    start = Clock::now();
    const auto clean_levels = measure_noise_levels(clean, data, s, seed, clean_results.samples[vanilla],
                                                   clean_results.samples[sg], true, "clean model");
    const auto noisy_levels = measure_noise_levels(noisy, data, s, seed,
                                                   noisy_results.samples[method_index(cheaper, "vanilla gradient")],
                                                   noisy_results.samples[method_index(cheaper, "SmoothGrad + vanilla")],
                                                   false, "noise-trained model");
    seconds["B"] = seconds_since(start);

    std::printf("C. sample sizes (claim 3)\n");
    start = Clock::now();
    const SampleSizeResults sizes = measure_sample_sizes(clean, data, s, seed);
    seconds["C"] = seconds_since(start);

    std::printf("D. two-item images (claim 5)\n");
    start = Clock::now();
    const PairResults pairs = measure_pairs(pair_net, test, cheaper, s, seed);
    seconds["D"] = seconds_since(start);

    std::printf("E. randomization (claim 6)\n");
    start = Clock::now();
    const RandomizationResults randomization = measure_randomization(clean, data, cheaper, seed);
    seconds["E"] = seconds_since(start);

    std::printf("F. the rest of the toolbox\n");
    start = Clock::now();
    const Dataset train = load_fashion_mnist(options.data_dir, Split::train, {.limit = 100});
    const auto toolbox = toolbox_methods(s, seed, train.images);
    const MethodResults toolbox_results = measure_methods(clean, data, toolbox, s, "clean model");
    Data first_images = data;
    const auto kept = static_cast<std::size_t>(std::min<Index>(s.toolbox_randomization_images, static_cast<Index>(data.images.size())));
    first_images.images.resize(kept);
    first_images.labels.resize(kept);
    first_images.objects.resize(kept);
    const RandomizationResults toolbox_randomization = measure_randomization(clean, first_images, toolbox, seed);
    seconds["F"] = seconds_since(start);

    // ---- plots
    fs::create_directories(options.out);
    std::vector<std::string> written;
    std::vector<double> levels_percent;
    for (const double l : s.noise_levels) levels_percent.push_back(100.0 * l);
    for (const Metric metric : {total_variation, morans, gini, localization, deletion, insertion, road}) {
        figures::LinePlot p{.title = "SmoothGrad (n = " + std::to_string(s.samples) + "): " +
                                     std::string(metric_info[metric].label) + " against the noise level",
                            .x_label = "noise level sigma / (x_max - x_min), %",
                            .y_label = std::string(metric_info[metric].label)};
        for (const auto& [name, levels] : {std::pair{"clean model", &clean_levels}, std::pair{"noise-trained model", &noisy_levels}}) {
            if ((*levels)[0][metric].empty()) continue;  // curves measured on the clean model only
            figures::Series series{.name = name, .x = levels_percent};
            for (const auto& l : *levels) series.y.push_back(mean_of(l[metric]));
            p.series.push_back(series);
        }
        plot(options.out / ("noise_" + std::string(metric_info[metric].key) + ".svg"), p, written);
    }
    {
        std::vector<double> log_n;
        for (const int n : s.sample_sizes) log_n.push_back(std::log10(static_cast<double>(n)));
        figures::LinePlot p{.title = "SmoothGrad map against an independent " + std::to_string(s.reference_samples) +
                                     "-sample map, by n",
                            .x_label = "log10 n",
                            .y_label = "distance"};
        figures::Series l2{.name = "relative L2 distance", .x = log_n}, rank{.name = "1 - Spearman of |map|", .x = log_n},
            predicted{.name = "sampling error alone (predicted)", .x = log_n};
        for (std::size_t i = 0; i < s.sample_sizes.size(); ++i) {
            l2.y.push_back(mean_of(sizes.relative_l2[i]));
            rank.y.push_back(mean_of(sizes.rank_distance[i]));
            predicted.y.push_back(sizes.predicted_distance(s.sample_sizes[i], s.reference_samples));
        }
        p.series = {l2, rank, predicted};
        plot(options.out / "sample_size_convergence.svg", p, written);
        figures::LinePlot tv{.title = "SmoothGrad: total variation of |map| by n",
                             .x_label = "log10 n",
                             .y_label = "total variation"};
        figures::Series series{.name = "clean model, noise " + percent(s.noise_level), .x = log_n};
        for (const auto& v : sizes.tv) series.y.push_back(mean_of(v));
        tv.series = {series};
        plot(options.out / "sample_size_total_variation.svg", tv, written);
    }
    for (const auto& [index, name] : {std::pair{0, "deletion"}, std::pair{1, "insertion"}, std::pair{2, "road"}}) {
        figures::LinePlot p{.title = std::string(name) + " curves (clean model, mean over images)",
                            .x_label = "fraction of pixels " + std::string(index == 1 ? "inserted" : "removed"),
                            .y_label = "logit of the true class"};
        const Vector fractions = Vector::LinSpaced(s.curve_steps + 1, 0.0f, 1.0f);
        for (std::size_t m = 0; m < methods.size(); ++m)
            p.series.push_back({methods[m].name, as_doubles(fractions),
                                as_doubles(clean_results.mean_curves[m][static_cast<std::size_t>(index)])});
        plot(options.out / (std::string(name) + "_curves.svg"), p, written);
    }
    {
        figures::LinePlot p{.title = "Cascading randomization: Spearman of |map| with the trained network's",
                            .x_label = "weight layers randomized, from the top",
                            .y_label = "Spearman rank correlation"};
        for (std::size_t m = 0; m < cheaper.size(); ++m) {
            figures::Series series{.name = cheaper[m].name};
            for (std::size_t stage = 0; stage < randomization.stages.size(); ++stage) {
                series.x.push_back(static_cast<double>(stage));
                series.y.push_back(mean_of(randomization.magnitude[m][stage]));
            }
            p.series.push_back(series);
        }
        plot(options.out / "randomization.svg", p, written);
    }

    // ---- the report
    const fs::path figures_dir = fs::relative(fs::absolute(options.out), fs::absolute(report_path).parent_path());
    const auto figure = [&](std::string_view file, std::string_view alt) {
        return "![" + std::string(alt) + "](" + (figures_dir / file).generic_string() + ")\n";
    };
    std::ostringstream md;
    md << "# The paper's claims, measured\n\n"
       << "Generated by `examples/paper_claims.cpp`" << (quick ? " with `--quick` (a smoke run: too few images for the verdicts to mean much)" : "")
       << "; do not edit by hand. Command: `scripts/claims.sh` (or `build/examples/paper_claims`"
       << (quick ? " --quick" : "") << "). "
       << "Smilkov et al. judge their maps by eye; here every claim is a number: the mean over the images with its "
          "95 % confidence interval (Student's t), and, where two methods are compared, the interval of the "
          "paired difference on the same images. A difference counts only if its whole interval lies on one "
          "side of 0.\n\n";
    md << "## Setup\n\n"
       << "- Images: " << data.images.size() << " Fashion-MNIST test images ("
       << (options.images.empty() ? "the first " + std::to_string(data.images.size()) + " of the test set" : "given by --images")
       << "), each explained for its true class.\n"
       << "- Models: `" << paths.clean.generic_string() << "` (trained on clean images; "
       << percent(accuracy_on(clean, data)) << " right on these images) and `" << paths.noisy.generic_string()
       << "` (trained with input noise sigma = 0.1; " << percent(accuracy_on(noisy, data)) << "); `"
       << paths.two_item.generic_string() << "` for the two-item images.\n"
       << "- Methods: vanilla gradient; integrated gradients (" << s.ig_steps << " Gauss-Legendre steps, black baseline); "
       << "guided backprop; each alone and inside SmoothGrad (n = " << s.samples << ", noise " << percent(s.noise_level)
       << ", seed " << seed << "; inside SmoothGrad, IG uses " << s.ig_steps_smoothed << " steps).\n"
       << "- Maps are judged as the paper shows them, by magnitude |map|. Object mask: pixels > 0 (the items lie "
          "on a black background; the mask covers "
       << percent(mean_of([&] {
              std::vector<double> share;
              for (const auto& o : data.objects) share.push_back(static_cast<double>(o.count()) / 784.0);
              return share;
          }()))
       << " of the image on average). Integrated gradients with a black baseline are the input times an average "
          "gradient, zero wherever the input is 0: their mass on object and pointing game are 1 by construction, "
          "not by merit.\n"
       << "- Metrics (`include/smoothgrad/metrics/`): Gini index and entropy of |map| (complexity); total variation "
          "of the L1-normalized |map| (coherence, the paper's \"visual noise\"; lower is smoother); mass on object "
          "(attribution localization) and pointing game; deletion, insertion and ROAD curves in "
       << s.curve_steps
       << " steps, pixels taken in order of |map|, removed pixels set to 0 (deletion) or imputed from their "
          "neighbours (ROAD), inserted into a black image (insertion); the area under the curve of the true "
          "class's logit (deletion and ROAD: lower is better, insertion: higher is better).\n\n";

    md << "## All methods, both models\n\n";
    for (const auto& [model_name, results, list] :
         {std::tuple{"clean model", &clean_results, &methods}, std::tuple{"noise-trained model", &noisy_results, &cheaper}}) {
        md << "**" << model_name << "**" << (list->size() < methods.size() ? " (SmoothGrad + IG: clean model only)" : "")
           << "\n\n";
        md << metric_table(*results, *list) << "\n";
    }
    md << figure("deletion_curves.svg", "deletion curves") << figure("insertion_curves.svg", "insertion curves")
       << figure("road_curves.svg", "ROAD curves") << "\n";
    md << "Completeness of integrated gradients (clean model; |sum of attributions - (S(x) - S(0))| / |S(x) - S(0)|): "
       << s.ig_steps << " steps: mean " << format(summary(completeness_plain.relative_gaps)) << ", within 1 % on "
       << completeness_plain.holds << " of " << data.images.size() << " images; " << s.ig_steps_smoothed
       << " steps (used inside SmoothGrad): mean " << format(summary(completeness_smoothed.relative_gaps))
       << ", within 1 % on " << completeness_smoothed.holds << " of " << data.images.size() << ".\n\n";

    // Claim 1
    {
        const auto& r = clean_results.samples;
        // (label, better, worse): "better" should be more coherent than "worse".
        const std::vector<std::tuple<std::string, std::size_t, std::size_t>> comparisons{
            {"SmoothGrad + vanilla − vanilla", sg, vanilla},
            {"SmoothGrad + vanilla − integrated gradients", sg, ig},
            {"SmoothGrad + IG − integrated gradients", sg_ig, ig}};
        int ok = 0;
        md << "## Claim 1: SmoothGrad maps are more coherent than vanilla and integrated-gradient maps (Sec. 3.3)\n\n"
           << "Two measures of coherence, on the clean model: the total variation of the normalized |map| (lower is "
              "smoother) and Moran's I, the spatial autocorrelation of |map| (higher is smoother; unlike the total "
              "variation it does not also grow when a map concentrates on fewer pixels). Paired differences:\n\n"
           << row({"comparison", "total variation (want < 0)", "Moran's I (want > 0)"}) << rule_row(3);
        for (const auto& [label, better, worse] : comparisons) {
            const auto tv = paired(r[better][total_variation], r[worse][total_variation]);
            const auto moran = paired(r[better][morans], r[worse][morans]);
            ok += (sign_of(tv) == Sign::below) + (sign_of(moran) == Sign::above);
            md << row({label, describe(tv), describe(moran)});
        }
        md << row({"(not part of the claim) SmoothGrad + guided − guided backprop",
                   describe(paired(r[sg_guided][total_variation], r[guided][total_variation])),
                   describe(paired(r[sg_guided][morans], r[guided][morans]))})
           << "\nTest: each difference has the wanted sign. " << verdict(ok, 2 * static_cast<int>(comparisons.size()))
           << "\n\n";
    }
    // Claim 2
    {
        md << "## Claim 2: 10–20 % noise balances sharpness and structure (Sec. 3.2)\n\n"
           << "SmoothGrad + vanilla, n = " << s.samples << ", clean model, by noise level (0 % is the vanilla gradient):\n\n";
        std::vector<std::string> header{"noise"};
        const std::vector<Metric> shown{total_variation, morans, gini, localization, pointing, deletion, insertion, road};
        for (const Metric m : shown) header.emplace_back(metric_info[m].label);
        md << row(header) << rule_row(header.size());
        for (std::size_t l = 0; l < s.noise_levels.size(); ++l) {
            std::vector<std::string> cells{percent(s.noise_levels[l])};
            for (const Metric m : shown) cells.push_back(format(summary(clean_levels[l][m])));
            md << row(cells);
        }
        md << "\nWhere each metric with a direction is best, and how the paper's 15 % compares with that best "
              "level (paired difference, 15 % − best):\n\n";
        const auto fifteen = static_cast<std::size_t>(
            std::min_element(s.noise_levels.begin(), s.noise_levels.end(),
                             [&](double a, double b) { return std::abs(a - s.noise_level) < std::abs(b - s.noise_level); }) -
            s.noise_levels.begin());
        int inside = 0, counted = 0;
        for (const Metric m : {localization, pointing, deletion, insertion, road}) {
            std::size_t best = 0;
            for (std::size_t l = 1; l < s.noise_levels.size(); ++l)
                if (metric_info[m].better * mean_of(clean_levels[l][m]) >
                    metric_info[m].better * mean_of(clean_levels[best][m]))
                    best = l;
            const bool in_band = s.noise_levels[best] >= 0.10 - 1e-9 && s.noise_levels[best] <= 0.20 + 1e-9;
            inside += in_band;
            ++counted;
            md << "- " << metric_info[m].label << ": best at " << percent(s.noise_levels[best])
               << (in_band ? " (inside 10–20 %)" : " (outside 10–20 %)");
            if (best != fifteen)
                md << "; " << percent(s.noise_levels[fifteen]) << " − best: "
                   << describe(paired(clean_levels[fifteen][m], clean_levels[best][m]));
            md << "\n";
        }
        md << "\nTotal variation falls monotonically as the noise grows"
           << ([&] {
                  for (std::size_t l = 1; l < s.noise_levels.size(); ++l)
                      if (mean_of(clean_levels[l][total_variation]) > mean_of(clean_levels[l - 1][total_variation]))
                          return std::string(" — except between ") + percent(s.noise_levels[l - 1]) + " and " +
                                 percent(s.noise_levels[l]);
                  return std::string();
              }())
           << ": more noise always gives a smoother map, so \"structure\" is read from the metrics that reward "
              "maps for pointing at the object and at what the model uses (localization, pointing game, "
              "deletion, insertion, ROAD).\n\n"
           << "Test: the best level of each of these " << counted << " metrics lies in 10–20 %. "
           << verdict(inside, counted) << "\n\n";
        md << "(The perturbation curves of the noise sweep are measured on the clean model only.)\n\n";
        for (const Metric m : {total_variation, morans, localization, deletion, insertion, road, gini})
            md << figure("noise_" + std::string(metric_info[m].key) + ".svg", metric_info[m].label);
        md << "\n";
    }
    // Claim 3
    {
        md << "## Claim 3: diminishing returns beyond n ≈ 50 (Sec. 3.2)\n\n"
           << "SmoothGrad + vanilla (noise " << percent(s.noise_level) << ", clean model) with n samples against an "
           << "independent map of " << s.reference_samples << " samples (another seed). The maps for all n come from one run "
           << "of " << *std::max_element(s.sample_sizes.begin(), s.sample_sizes.end())
           << " samples (sample i's noise depends only on the seed and i, so the n-sample map is the mean of the first n; the "
              "program checks this against SmoothGrad's own map). \"Predicted\" is the distance that sampling error alone gives, "
              "sqrt(tr Cov (1/n + 1/n_ref)) / ||M_ref||, with the covariance of the per-sample gradients estimated from the run.\n\n";
        md << row({"n", "relative L2 distance", "predicted", "1 − Spearman of \\|map\\|", "total variation ↓", "Moran's I ↑",
                   "Gini"})
           << rule_row(7);
        for (std::size_t i = 0; i < s.sample_sizes.size(); ++i) {
            md << row({std::to_string(s.sample_sizes[i]), format(summary(sizes.relative_l2[i])),
                       fixed(sizes.predicted_distance(s.sample_sizes[i], s.reference_samples), 3),
                       format(summary(sizes.rank_distance[i])), format(summary(sizes.tv[i])),
                       format(summary(sizes.moran[i])), format(summary(sizes.gini_index[i]))});
        }
        const auto at = [&](int n) {
            const auto it = std::find(s.sample_sizes.begin(), s.sample_sizes.end(), n);
            return it == s.sample_sizes.end() ? std::size_t{0} : static_cast<std::size_t>(it - s.sample_sizes.begin());
        };
        const std::size_t first = 0, fifty = at(50), last = s.sample_sizes.size() - 1;
        const auto share_by_50 = [&](const std::vector<std::vector<double>>& v) {
            return (mean_of(v[first]) - mean_of(v[fifty])) / (mean_of(v[first]) - mean_of(v[last]));
        };
        const double l2_share = share_by_50(sizes.relative_l2), tv_share = share_by_50(sizes.tv),
                     rank_share = share_by_50(sizes.rank_distance), moran_share = share_by_50(sizes.moran);
        const int ok = (l2_share >= 0.8) + (tv_share >= 0.8) + (rank_share >= 0.8) + (moran_share >= 0.8);
        md << "\nShare of the improvement from n = " << s.sample_sizes[first] << " to n = " << s.sample_sizes[last]
           << " already reached at n = 50: relative L2 distance " << percent(l2_share) << ", 1 − Spearman "
           << percent(rank_share) << ", total variation " << percent(tv_share) << ", Moran's I " << percent(moran_share)
           << ".\n\n"
           << "Test: at least 80 % of each improvement is reached by n = 50. " << verdict(ok, 4) << "\n\n"
           << figure("sample_size_convergence.svg", "convergence by n")
           << figure("sample_size_total_variation.svg", "total variation by n") << "\n";
    }
    // Claim 4
    {
        const auto& c = clean_results.samples;
        const auto& n = noisy_results.samples;
        const std::size_t n_vanilla = method_index(cheaper, "vanilla gradient"),
                          n_sg = method_index(cheaper, "SmoothGrad + vanilla");
        md << "## Claim 4: training with noise also de-noises maps, and the two effects add up (Sec. 3.5)\n\n"
           << "The same images under both models:\n\n"
           << row({"", "total variation ↓, vanilla", "total variation ↓, SmoothGrad", "Moran's I ↑, vanilla",
                   "Moran's I ↑, SmoothGrad", "mass on object ↑, vanilla", "mass on object ↑, SmoothGrad"})
           << rule_row(7);
        for (const auto& [name, r, v, g] : {std::tuple{"clean model", &c, vanilla, sg},
                                            std::tuple{"noise-trained model", &n, n_vanilla, n_sg}})
            md << row({name, format(summary((*r)[v][total_variation])), format(summary((*r)[g][total_variation])),
                       format(summary((*r)[v][morans])), format(summary((*r)[g][morans])),
                       format(summary((*r)[v][localization])), format(summary((*r)[g][localization]))});
        md << "\nBy SmoothGrad's noise level (n = " << s.samples << "; 0 % is the vanilla gradient):\n\n"
           << row({"noise", "total variation ↓, clean", "total variation ↓, noise-trained", "Moran's I ↑, clean",
                   "Moran's I ↑, noise-trained", "mass on object ↑, clean", "mass on object ↑, noise-trained"})
           << rule_row(7);
        for (std::size_t l = 0; l < s.noise_levels.size(); ++l)
            md << row({percent(s.noise_levels[l]), format(summary(clean_levels[l][total_variation])),
                       format(summary(noisy_levels[l][total_variation])), format(summary(clean_levels[l][morans])),
                       format(summary(noisy_levels[l][morans])), format(summary(clean_levels[l][localization])),
                       format(summary(noisy_levels[l][localization]))});
        // (label, first, second): the paired difference first - second, which should show more coherence.
        using Samples = std::vector<MetricSamples>;
        const std::vector<std::tuple<std::string, const Samples*, std::size_t, const Samples*, std::size_t>> comparisons{
            {"training noise alone (noise-trained − clean, vanilla maps)", &n, n_vanilla, &c, vanilla},
            {"training noise on top of SmoothGrad (noise-trained − clean, SmoothGrad maps)", &n, n_sg, &c, sg},
            {"SmoothGrad on top of training noise (noise-trained model, SmoothGrad − vanilla)", &n, n_sg, &n, n_vanilla}};
        std::vector<int> passed;  // per comparison: how many of the two measures have the wanted sign
        bool training_reversed = false;  // training noise alone: both measures significantly the other way
        md << "\nPaired differences:\n\n"
           << row({"comparison", "total variation (want < 0)", "Moran's I (want > 0)"}) << rule_row(3);
        for (const auto& [label, first, i, second, j] : comparisons) {
            const auto tv = paired((*first)[i][total_variation], (*second)[j][total_variation]);
            const auto moran = paired((*first)[i][morans], (*second)[j][morans]);
            passed.push_back((sign_of(tv) == Sign::below) + (sign_of(moran) == Sign::above));
            if (passed.size() == 1) training_reversed = sign_of(tv) == Sign::above && sign_of(moran) == Sign::below;
            md << row({label, describe(tv), describe(moran)});
        }
        // The claim's first half (training noise de-noises) carries the second: if it fails, the effects
        // cannot add up, whatever SmoothGrad does on its own.
        const int ok = passed[0] == 2 ? passed[0] + passed[1] + passed[2] : 0;
        md << "\nTest: training noise makes vanilla maps more coherent, and the two together are more coherent than "
              "either alone, by both measures (the second half counts only if the first holds). "
           << verdict(ok, 2 * static_cast<int>(comparisons.size()));
        if (training_reversed)
            md << " Training with noise makes the maps significantly *less* coherent here, by both measures. What it "
                  "does change is where the maps lie: the vanilla map's mass on the object is "
               << format(summary(n[n_vanilla][localization])) << " with the noise-trained model against "
               << format(summary(c[vanilla][localization])) << " with the clean one.";
        md << " The noise-level plots of claim 2 show both models side by side.\n\n"
           << figure("noise_total_variation.svg", "total variation by noise level, both models")
           << figure("noise_morans_i.svg", "Moran's I by noise level, both models")
           << figure("noise_localization.svg", "mass on object by noise level, both models") << "\n";
    }
    // Claim 5
    {
        const std::size_t pv = method_index(cheaper, "vanilla gradient"), pig = method_index(cheaper, "integrated gradients"),
                          pg = method_index(cheaper, "guided backprop"), psg = method_index(cheaper, "SmoothGrad + vanilla"),
                          psgg = method_index(cheaper, "SmoothGrad + guided");
        const auto recognised = static_cast<Index>(std::count(pairs.both_on_top.begin(), pairs.both_on_top.end(), true));
        md << "## Claim 5: SmoothGrad discriminates better between two classes in one image (Sec. 3.3, Fig. 6)\n\n"
           << s.pairs << " images of two test items of different classes side by side (28×56), explained for each class "
           << "with the two-item model; d = normalize(|M_left|) − normalize(|M_right|) (the paper's Fig. 6 map), and "
              "the metric is the share of |d| on the correct side (positive on the left item, negative on the right; "
              "0.5 is a map blind to the classes). The model has both classes as its two best scores on "
           << recognised << " of " << s.pairs << " images.\n\n"
           << row({"method", "correct-side share ↑"}) << rule_row(2);
        for (std::size_t m = 0; m < cheaper.size(); ++m) md << row({cheaper[m].name, format(summary(pairs.share[m]))});
        const auto d1 = paired(pairs.share[psg], pairs.share[pv]);
        const auto d2 = paired(pairs.share[psgg], pairs.share[pg]);
        const auto d3 = paired(pairs.share[psg], pairs.share[pig]);
        const int ok = (sign_of(d1) == Sign::above) + (sign_of(d2) == Sign::above) + (sign_of(d3) == Sign::above);
        md << "\nPaired differences:\n\n"
           << "- SmoothGrad + vanilla − vanilla: " << describe(d1) << "\n"
           << "- SmoothGrad + guided − guided backprop: " << describe(d2) << "\n"
           << "- SmoothGrad + vanilla − integrated gradients: " << describe(d3) << "\n\n"
           << "Test: SmoothGrad's share is higher in each comparison. " << verdict(ok, 3)
           << " SmoothGrad + IG is left out here: at n × steps gradients per class and image it did not fit the time "
              "budget.\n\n";
    }
    // Claim 6
    {
        const std::size_t rv = method_index(cheaper, "vanilla gradient"), rg = method_index(cheaper, "guided backprop");
        const std::size_t all = randomization.stages.size() - 1;
        md << "## Claim 6: guided backprop's sharp maps fail the randomization sanity check (Adebayo et al. 2018)\n\n"
           << "Cascading randomization of the clean model: the weight layers are re-initialized (PyTorch's default "
              "initialization) one by one from the top; each map is compared with the trained network's map of the "
              "same image by Spearman's rank correlation of |map| (signed maps in parentheses). A method that passes "
              "the check loses the correlation as the layers it explains are randomized.\n\n";
        md << randomization_table(randomization, cheaper);
        const auto guided_all = summary(randomization.magnitude[rg][all]);
        const auto guided_top = summary(randomization.magnitude[rg][1]);
        const auto d_top = paired(randomization.magnitude[rg][1], randomization.magnitude[rv][1]);
        const auto d_all = paired(randomization.magnitude[rg][all], randomization.magnitude[rv][all]);
        const int ok = (guided_top.lower() > 0.5) + (sign_of(d_top) == Sign::above);
        md << "\nAdebayo et al.'s finding is that guided backprop's map barely changes when the layers that decide the "
              "class are randomized: it does not depend on what the network learned there. The test is therefore "
              "taken after the top layer (the logits) is randomized, where a faithful map of that class's score "
              "should decorrelate.\n\n"
           << "- Guided backprop after the top layer is randomized: " << format(guided_top)
           << "; paired difference guided − vanilla there: " << describe(d_top) << "\n"
           << "- With every layer randomized: guided " << format(guided_all) << ", guided − vanilla " << describe(d_all)
           << "\n\n"
           << "Test: after the top layer is randomized, guided backprop's correlation with its trained map stays above "
              "0.5 (the whole interval) and above the vanilla gradient's. "
           << verdict(ok, 2) << " (Supported means the claim holds: guided backprop fails the check.) "
           << "Integrated gradients multiply the gradient by the input, so |map| keeps the image's shape whatever the "
              "network (its signed maps decorrelate); SmoothGrad inherits the behaviour of the method it wraps.\n\n"
           << figure("randomization.svg", "cascading randomization") << "\n";
    }
    // The rest of the toolbox
    {
        md << "## The other methods of PAIR saliency and Captum, with and without SmoothGrad\n\n"
           << "The clean model, the same images and metrics. Blur IG: max sigma 50, 100 steps (" << s.ig_steps_smoothed
           << " inside SmoothGrad). Guided IG: " << s.ig_steps << " steps (" << s.ig_steps_smoothed
           << " inside SmoothGrad), fraction 0.25, max_dist 0.02, black baseline. Expected gradients: the first 100 "
              "training images as references, 200 draws ("
           << s.ig_steps_smoothed << " inside SmoothGrad). Grad-CAM and Guided Grad-CAM: layer 4 (the second ReLU, "
              "14 x 14), resized to the input. XRAI: " << s.ig_steps
           << " steps per baseline, PAIR's segmentation (inside SmoothGrad the noisy copies are ranked over the clean "
              "image's regions). Occlusion: a 5 x 5 window, stride 1, drops summed. SmoothGrad: n = "
           << s.samples << " (10 around occlusion, whose map costs 576 forward passes), noise level "
           << fixed(100.0 * s.noise_level, 0) << " %.\n\n"
           << metric_table(toolbox_results, toolbox) << "\n";
        md << "SmoothGrad − the plain method, paired over the images (mean and 95 % interval):\n\n";
        const std::vector<Metric> compared{total_variation, morans, localization, deletion, insertion, road};
        std::vector<std::string> header{"method"};
        for (const Metric metric : compared) header.emplace_back(metric_info[metric].label);
        md << row(header) << rule_row(header.size());
        for (const std::string base :
             {"blur IG", "guided IG", "expected gradients", "Grad-CAM", "Guided Grad-CAM", "XRAI", "occlusion"}) {
            const auto& plain = toolbox_results.samples[method_index(toolbox, base)];
            const auto& smoothed_samples = toolbox_results.samples[method_index(toolbox, "SmoothGrad + " + base)];
            std::vector<std::string> cells{"SmoothGrad + " + base + " − " + base};
            for (const Metric metric : compared) cells.push_back(defined_difference(smoothed_samples[metric], plain[metric]));
            md << row(cells);
        }
        md << "\nRandomization check (as in claim 6) on the first " << kept
           << " images: Spearman of |map| with the trained network's map as the layers are re-initialized from the "
              "top.\n\n"
           << randomization_table(toolbox_randomization, toolbox) << "\n";
    }

    const double total = seconds_since(total_start);
    md << "## Run time\n\n"
       << "On this run (2 threads): every method " << fixed(seconds["A"], 0) << " s, noise levels " << fixed(seconds["B"], 0)
       << " s, sample sizes " << fixed(seconds["C"], 0) << " s, two-item images " << fixed(seconds["D"], 0)
       << " s, randomization " << fixed(seconds["E"], 0) << " s, the other methods " << fixed(seconds["F"], 0) << " s; "
       << fixed(total, 0) << " s in all. The 1-minute "
       << "load average was " << load_before << " just before the run and " << load_average()
       << " at its end, on 2 hardware threads (the run itself keeps both busy; above about 0.5 before it means "
          "other work was running).\n";

    // Claims 7-11 (paper_open_questions) follow in the same file: keep them.
    const std::string open_questions = report_part(report_path, false);
    write_report(report_path, md.str() + (open_questions.empty() ? "" : "\n" + open_questions), who);
    std::printf("wrote %s and %zu plots in %s (%.0f s)\n", report_path.string().c_str(), written.size(),
                options.out.string().c_str(), total);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    Index count = -1, pairs = -1;
    fs::path report, noise_model = figures::noise_model_path, two_item_model = two_item::model_path;
    return figures::figure_main(
        argc, argv, who, usage,
        [&](Options options) {
            Settings settings = quick ? quick_settings() : Settings{};
            if (count >= 0) settings.images = count;
            if (pairs >= 0) settings.pairs = pairs;
            detail::require(settings.images >= 2, who, "--count must be >= 2, got ", settings.images);
            detail::require(settings.pairs >= 2, who, "--pairs must be >= 2, got ", settings.pairs);
            if (!options.out_given) options.out = quick ? fs::path("claims-quick") : fs::path("docs/results");
            if (report.empty()) report = quick ? options.out / "RESULTS.md" : fs::path("RESULTS.md");
            return run(options, settings, report, {options.model, noise_model, two_item_model}, quick);
        },
        [&](std::string_view flag, const figures::ValueReader& value) {
            if (flag == "--quick") quick = true;
            else if (flag == "--count") count = command_line::parse_number<Index>(who, flag, value());
            else if (flag == "--pairs") pairs = command_line::parse_number<Index>(who, flag, value());
            else if (flag == "--report") report = value();
            else if (flag == "--noise-model") noise_model = value();
            else if (flag == "--two-item-model") two_item_model = value();
            else return false;
            return true;
        });
}
