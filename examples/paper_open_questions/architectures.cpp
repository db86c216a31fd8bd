// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Claim 10: claims 1-3 measured again on a small ResNet (BatchNorm, residual additions, stride-2
// convolutions; scripts/train_torch_fashion_mnist.py --arch resnet), explained through the TorchScript
// adapter, beside the reference CNN measured by the same code. The one translation unit that needs LibTorch.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <smoothgrad/methods/integrated_gradients.hpp>
#include <smoothgrad/methods/smooth_grad.hpp>
#include <smoothgrad/methods/vanilla_gradient.hpp>
#include <smoothgrad/metrics/metrics.hpp>
#include <smoothgrad/nn/serialization.hpp>
#include <smoothgrad/torch/torchscript_model.hpp>

#include "../claims_metrics.hpp"
#include "../claims_report.hpp"
#include "../figure_support.hpp"
#include "../recording_gradient.hpp"
#include "../svg_plot.hpp"
#include "open_questions.hpp"

namespace open_questions {
namespace {

using namespace smoothgrad;
using namespace claims;

/// Claim 1's four maps.
enum CoherenceMethod : std::size_t { vanilla, ig, smooth, smooth_ig, coherence_methods };
constexpr std::array<std::string_view, coherence_methods> coherence_names{
    "vanilla gradient", "integrated gradients", "SmoothGrad + vanilla", "SmoothGrad + IG"};

/// Claim 3's measures of the n-sample map, per n: its distances to an independent reference map and its coherence.
enum SizeMeasure : std::size_t { relative_l2, rank_distance, size_tv, size_moran, size_measures };
constexpr std::array<std::string_view, size_measures> size_names{"relative L2 distance", "1 − Spearman of \\|map\\|",
                                                                  "total variation", "Moran's I"};
/// Whether each measure falls (true) or grows as the map converges.
constexpr std::array<bool, size_measures> size_falls{true, true, true, false};

struct ArchitectureResults {
    std::string name;
    std::vector<double> correct;  ///< per test image: 1 if the network is right
    std::array<MetricSamples, coherence_methods> methods;
    std::vector<MetricSamples> levels;  ///< per noise level: SmoothGrad + vanilla (0: the vanilla gradient)
    std::vector<std::array<std::vector<double>, size_measures>> sizes;  ///< per sample size
};

template <class Model>
ArchitectureResults measure(const Model& model, std::string name, const ArchitectureInputs& in) {
    const Settings& s = in.settings;
    const Data& data = in.data;
    const auto start = Clock::now();
    ArchitectureResults r{.name = std::move(name), .correct = {}, .methods = {}, .levels = {}, .sizes = {}};
    for (Index first = 0; first < in.test.images.cols(); first += 500) {
        const Index count = std::min<Index>(500, in.test.images.cols() - first);
        const Matrix scores = model.scores(in.test.images.middleCols(first, count));
        for (Index j = 0; j < count; ++j) {
            Index best = 0;
            scores.col(j).maxCoeff(&best);
            r.correct.push_back(best == in.test.labels[static_cast<std::size_t>(first + j)] ? 1.0 : 0.0);
        }
    }
    r.levels.resize(s.noise_levels.size());
    r.sizes.resize(s.sample_sizes.size());
    const int largest = *std::max_element(s.sample_sizes.begin(), s.sample_sizes.end());
    std::vector<Vector> record;
    for (std::size_t k = 0; k < data.images.size(); ++k) {
        const Vector& x = data.images[k];
        const Index label = data.labels[k];
        const auto judge = [&](const Vector& map, bool curves) {
            return evaluate(model, x, label, map, data.objects[k], image_shape, s.curve_steps, curves);
        };
        // Claim 1
        const std::array<Vector, coherence_methods> maps{
            VanillaGradient{}(model, x, label),
            IntegratedGradients{.steps = s.ig_steps}(model, x, label),
            SmoothGrad<VanillaGradient>{.samples = s.samples, .noise_level = s.noise_level, .seed = in.seed, .first_input = k}(
                model, x, label),
            SmoothGrad<IntegratedGradients>{.method = {.steps = s.ig_steps_smoothed},
                                            .samples = s.samples,
                                            .noise_level = s.noise_level,
                                            .seed = in.seed,
                                            .first_input = k}(model, x, label)};
        for (std::size_t m = 0; m < coherence_methods; ++m) append(r.methods[m], judge(maps[m], false), false);
        // Claim 2
        for (std::size_t l = 0; l < s.noise_levels.size(); ++l) {
            const Vector map = s.noise_levels[l] == 0.0 ? maps[vanilla]
                                                        : SmoothGrad<VanillaGradient>{.samples = s.samples,
                                                                                      .noise_level = s.noise_levels[l],
                                                                                      .seed = in.seed,
                                                                                      .first_input = k}(model, x, label);
            append(r.levels[l], judge(map, true));
        }
        // Claim 3: one run of the largest n gives every smaller n (its first samples); the reference is
        // independent (another seed).
        record.clear();
        (void)SmoothGrad<RecordingGradient>{.method = {.record = &record},
                                            .samples = largest,
                                            .noise_level = s.noise_level,
                                            .seed = in.seed,
                                            .first_input = k}(model, x, label);
        const Vector reference = SmoothGrad<VanillaGradient>{
            .samples = s.reference_samples, .noise_level = s.noise_level, .seed = in.seed + 1, .first_input = k}(model, x, label);
        Eigen::VectorXd sum = Eigen::VectorXd::Zero(x.size());
        std::size_t next = 0;
        for (int n = 1; n <= largest && next < s.sample_sizes.size(); ++n) {
            sum += record[static_cast<std::size_t>(n - 1)].cast<double>();
            if (n != s.sample_sizes[next]) continue;
            const Vector map = (sum / n).cast<float>();
            auto& at = r.sizes[next++];
            at[relative_l2].push_back(smoothgrad::metrics::relative_l2_distance(map, reference));
            at[rank_distance].push_back(1.0 - smoothgrad::metrics::spearman(map.cwiseAbs(), reference.cwiseAbs()));
            at[size_tv].push_back(smoothgrad::metrics::total_variation(map.cwiseAbs(), image_shape));
            at[size_moran].push_back(smoothgrad::metrics::morans_i(map.cwiseAbs(), image_shape));
        }
    }
    std::printf("  %s: %.1f s\n", r.name.c_str(), seconds_since(start));
    std::fflush(stdout);
    return r;
}


/// Claim 1's tests on one network: each SmoothGrad comparison more coherent by both measures.
struct CoherenceTests {
    std::array<std::pair<CoherenceMethod, CoherenceMethod>, 3> pairs{
        {{smooth, vanilla}, {smooth, ig}, {smooth_ig, ig}}};
};

/// The noise level (index) where `metric` is best on average.
std::size_t best_level(const ArchitectureResults& r, Metric metric) {
    std::size_t best = 0;
    for (std::size_t l = 1; l < r.levels.size(); ++l)
        if (metric_info[metric].better * defined_mean(r.levels[l][metric]) >
            metric_info[metric].better * defined_mean(r.levels[best][metric]))
            best = l;
    return best;
}

/// The share of the improvement from the smallest to the largest n that n = 50 (or the nearest size
/// below) has reached, for claim 3's measure `m`; 0 if the measure does not improve (move in its direction,
/// size_falls) from the smallest to the largest n at all.
double share_at_50(const ArchitectureResults& r, const Settings& s, SizeMeasure m) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < s.sample_sizes.size(); ++i)
        if (s.sample_sizes[i] <= 50) at = i;
    const double first = defined_mean(r.sizes.front()[m]), last = defined_mean(r.sizes.back()[m]), mid = defined_mean(r.sizes[at][m]);
    const double improvement = size_falls[m] ? first - last : last - first;
    return improvement > 0 ? (size_falls[m] ? first - mid : mid - first) / improvement : 0.0;
}

}  // namespace

std::string architectures_section(const ArchitectureInputs& in, std::vector<std::string>& written) {
    const Settings& s = in.settings;
    const nn::Sequential cnn = figures::load_fashion_network(in.reference_model, who);
    const TorchScriptModel resnet(
        in.resnet_model, {.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))});
    smoothgrad::detail::require<shape_error>(
        resnet.input_size() == image_shape.size() && resnet.num_classes() == 10, who, "the ResNet '",
        in.resnet_model.string(), "' must take 28x28x1 images and give 10 scores");
    const std::array<ArchitectureResults, 2> nets{measure(cnn, "reference CNN", in), measure(resnet, "small ResNet", in)};

    std::ostringstream md;
    const auto figure = [&](std::string_view file, std::string_view alt) {
        return "![" + std::string(alt) + "](" + (in.figures_link / file).generic_string() + ")\n";
    };
    md << "## Claim 10: the de-noising generalizes to other architectures (Sec. 4)\n\n"
       << "Claims 1-3 again on a network built unlike the reference CNN: a small ResNet (a 3x3 convolution, then "
          "three residual blocks of two 3x3 convolutions with BatchNorm, the second and third with stride 2 and a "
          "1x1 projection on the shortcut, global average pooling, one linear layer; 77 754 parameters), trained "
          "with Debian's PyTorch for 4 epochs (`scripts/train_torch_fashion_mnist.py --arch resnet`, run by "
          "`scripts/train-claims-models.sh`), exported to TorchScript (`scripts/export_torchscript.py`) and "
          "explained from C++ through the TorchScript adapter: `"
       << in.resnet_model.generic_string()
       << "`. The reference CNN is measured by the same code beside it. Test accuracy: reference CNN "
       << format(summary(nets[0].correct)) << ", ResNet " << format(summary(nets[1].correct)) << ".\n\n";

    // Claim 1 on both
    int cnn_passed = 0, resnet_passed = 0, both_passed = 0;
    const auto tally = [&](bool on_cnn, bool on_resnet) {
        cnn_passed += on_cnn;
        resnet_passed += on_resnet;
        both_passed += on_cnn && on_resnet;
    };
    md << "**Claim 1 (SmoothGrad is more coherent)**, paired differences:\n\n"
       << row({"comparison", "total variation, CNN", "total variation, ResNet", "Moran's I, CNN", "Moran's I, ResNet"})
       << rule_row(5);
    for (const auto& [a, b] : CoherenceTests{}.pairs) {
        std::vector<std::string> cells{std::string(coherence_names[a]) + " − " + std::string(coherence_names[b])};
        std::array<std::array<bool, 2>, 2> pass{};
        for (const Metric metric : {total_variation, morans}) {
            for (std::size_t n = 0; n < 2; ++n) {
                const auto d = paired_defined(nets[n].methods[a][metric], nets[n].methods[b][metric], who);
                cells.push_back(defined_difference(nets[n].methods[a][metric], nets[n].methods[b][metric]));
                pass[metric == morans][n] = sign_of(d) == (metric == morans ? Sign::above : Sign::below);
            }
        }
        tally(pass[0][0], pass[0][1]);
        tally(pass[1][0], pass[1][1]);
        md << row(cells);
    }

    // Claim 2 on both
    md << "\n**Claim 2 (10–20 % noise is best)**: the noise level where each metric is best on average "
          "(SmoothGrad + vanilla, n = "
       << s.samples << "; 0 % is the vanilla gradient):\n\n"
       << row({"metric", "CNN", "ResNet"}) << rule_row(3);
    const auto in_band = [&](std::size_t level) {
        return s.noise_levels[level] >= 0.10 - 1e-9 && s.noise_levels[level] <= 0.20 + 1e-9;
    };
    for (const Metric metric : {localization, pointing, deletion, insertion, road}) {
        const std::size_t a = best_level(nets[0], metric), b = best_level(nets[1], metric);
        md << row({std::string(metric_info[metric].label), percent(s.noise_levels[a]), percent(s.noise_levels[b])});
        tally(in_band(a), in_band(b));
    }

    // Claim 3 on both
    md << "\n**Claim 3 (diminishing returns beyond n ≈ 50)**: SmoothGrad + vanilla with n samples against an "
          "independent map of "
       << s.reference_samples << " samples:\n\n";
    std::vector<std::string> header{"n"};
    for (std::size_t m = 0; m < size_measures; ++m)
        for (const auto& net : nets) header.push_back(std::string(size_names[m]) + ", " + (&net == &nets[0] ? "CNN" : "ResNet"));
    md << row(header) << rule_row(header.size());
    for (std::size_t i = 0; i < s.sample_sizes.size(); ++i) {
        std::vector<std::string> cells{std::to_string(s.sample_sizes[i])};
        for (std::size_t m = 0; m < size_measures; ++m)
            for (const auto& net : nets) cells.push_back(defined_cell(net.sizes[i][m]));
        md << row(cells);
    }
    md << "\nShare of the improvement from n = " << s.sample_sizes.front() << " to n = " << s.sample_sizes.back()
       << " reached at n = 50:";
    for (std::size_t m = 0; m < size_measures; ++m) {
        const double a = share_at_50(nets[0], s, static_cast<SizeMeasure>(m)),
                     b = share_at_50(nets[1], s, static_cast<SizeMeasure>(m));
        md << (m ? ";" : "") << " " << size_names[m] << " " << percent(a) << " (CNN), " << percent(b) << " (ResNet)";
        tally(a >= 0.8, b >= 0.8);
    }
    md << ".\n\n";

    const int total = 3 * 2 + 5 + size_measures;
    md << "Tests: the " << total << " tests of claims 1-3 (claim 1: each of the three comparisons by both measures; "
          "claim 2: each metric best within 10–20 %; claim 3: at least 80 % of each improvement by n = 50). The "
          "reference CNN passes "
       << cnn_passed << " of " << total << " here, the ResNet " << resnet_passed << " of " << total
       << ". Test: the de-noising generalizes if every test that the reference CNN passes, the ResNet passes too. "
       << (cnn_passed > 0 ? verdict(both_passed, cnn_passed)
                          : std::string("**Not testable here**: the reference CNN passes none of them."))
       << "\n\n";

    // Plots: the noise sweep's coherence and the convergence by n, both networks.
    figures::LinePlot noise{.title = "Total variation of SmoothGrad maps by noise level, two architectures",
                            .x_label = "noise level (%)",
                            .y_label = "total variation ↓"};
    figures::LinePlot sizes{.title = "SmoothGrad's distance to a " + std::to_string(s.reference_samples) +
                                     "-sample map, two architectures",
                            .x_label = "log10 n",
                            .y_label = "relative L2 distance"};
    for (const auto& net : nets) {
        figures::Series by_level{.name = net.name}, by_size{.name = net.name};
        for (std::size_t l = 0; l < s.noise_levels.size(); ++l) {
            by_level.x.push_back(100.0 * s.noise_levels[l]);
            by_level.y.push_back(defined_mean(net.levels[l][total_variation]));
        }
        for (std::size_t i = 0; i < s.sample_sizes.size(); ++i) {
            by_size.x.push_back(std::log10(static_cast<double>(s.sample_sizes[i])));
            by_size.y.push_back(defined_mean(net.sizes[i][relative_l2]));
        }
        noise.series.push_back(by_level);
        sizes.series.push_back(by_size);
    }
    figures::write_line_plot(in.out / "architecture_noise_levels.svg", noise);
    figures::write_line_plot(in.out / "architecture_sample_sizes.svg", sizes);
    written.emplace_back("architecture_noise_levels.svg");
    written.emplace_back("architecture_sample_sizes.svg");
    md << figure("architecture_noise_levels.svg", noise.title) << figure("architecture_sample_sizes.svg", sizes.title)
       << "\n";
    return md.str();
}

}  // namespace open_questions
