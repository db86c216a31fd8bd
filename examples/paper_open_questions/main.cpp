// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The paper's open questions (Sec. 4, and the conjecture of Sec. 3.1) as numbers, claims 7-11 of RESULTS.md:
//   7. Training with a penalty on the size of the input gradient, ||dS_y/dx||^2, de-noises the maps.
//   8. So does a penalty on differences of the input gradient between neighbouring pixels.
//   9. How the two compare with training noise (claim 4) and SmoothGrad (claim 1), at what cost in
//      accuracy, and whether they add up with SmoothGrad.
//  11. The noisy-gradient conjecture: the gradient fluctuates sharply at small scales, images whose gradient
//      fluctuates more gain more from SmoothGrad, and so do images with large near-constant regions.
//  10. Claims 1-3 hold on a differently built network too: a small ResNet trained with PyTorch and explained
//      through the TorchScript adapter, beside the reference CNN.
// Every number is a mean over the test images with
// its 95 % interval, differences are paired on the same images, correlations are Spearman's with Fisher's
// interval. The penalized models are trained by scripts/train-claims-models.sh.
//
//     scripts/claims.sh --open-questions                            (installs, builds, runs: about 8 minutes)
//     build/examples/paper_open_questions --quick --out /tmp/oq      (16 images: what CI runs)
//
// Claim 10 needs LibTorch (architectures.cpp); built without it, its section says so.
//
// It rewrites only its own part of the report (from the claims 7-11 marker on), and paper_claims keeps it.
// Run from the repository root; --help lists the options.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <sstream>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <smoothgrad/metrics/metrics.hpp>

#include "../claims_metrics.hpp"
#include "../claims_report.hpp"
#include "../figure_support.hpp"
#include "../svg_plot.hpp"
#include "open_questions.hpp"

namespace {
using namespace smoothgrad;
using namespace claims;
using namespace open_questions;
using figures::Options;
using Network = nn::Sequential;

constexpr std::string_view usage = R"(Usage: paper_open_questions [OPTIONS]

Measures the paper's open questions on Fashion-MNIST (claims 7-11 of RESULTS.md): gradient penalties in
training, compared with training noise and SmoothGrad, and the noisy-gradient conjecture. Writes its part
of the report (keeping what precedes it) and SVG plots. --model is the network trained on clean images; the
default --out is docs/results and the report RESULTS.md (with --quick: <out>/RESULTS.md).
  --quick               16 images and short paths: a check that everything runs, in under a minute
  --count N             test images to measure (default 500; --images picks them instead)
  --noise-model FILE    the network trained with input noise (claim 4's)
  --penalty-models DIR  where fashion_mnist_cnn_{norm,neighbour}_penalty_<lambda>.safetensors are
                        (default examples/models)
  --resnet-model FILE   claim 10's small ResNet, TorchScript (default examples/models/fashion_mnist_resnet.pt)
  --report FILE         where the report goes
)";


Settings quick_settings() {
    // A smoke run: every part on few images with few samples (the ResNet's maps cost most).
    Settings s;
    s.images = 16;
    s.samples = 10;
    s.ig_steps = 10;
    s.ig_steps_smoothed = 4;
    s.noise_levels = {0.0, 0.10, 0.20, 0.50};
    s.sample_sizes = {1, 5, 10};
    s.reference_samples = 20;
    s.path_steps = 20;
    return s;
}

// ---------------------------------------------------------------------------------------------------
// The models

/// A model trained with a gradient penalty, found by its file name.
struct PenaltyModel {
    std::string key;  ///< "norm" or "neighbour"
    double weight = 0.0;
    std::string weight_text;  ///< as the file name writes it
    fs::path path;
};

constexpr std::string_view penalty_prefix = "fashion_mnist_cnn_";
constexpr std::string_view penalty_infix = "_penalty_";

std::string penalty_label(std::string_view key) {
    return key == "norm" ? "‖g‖² penalty" : "neighbour-difference penalty";
}

/// Every fashion_mnist_cnn_{norm,neighbour}_penalty_<lambda>.safetensors in `dir`, by kind, then lambda.
std::vector<PenaltyModel> find_penalty_models(const fs::path& dir) {
    std::vector<PenaltyModel> models;
    detail::require<io_error>(fs::is_directory(dir), who, "--penalty-models: '", dir.string(), "' is not a folder");
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".safetensors") continue;
        const std::string stem = entry.path().stem().string();
        if (!stem.starts_with(penalty_prefix)) continue;
        const std::size_t infix = stem.find(penalty_infix);
        if (infix == std::string::npos) continue;
        const std::string key = stem.substr(penalty_prefix.size(), infix - penalty_prefix.size());
        if (key != "norm" && key != "neighbour") continue;
        const std::string weight = stem.substr(infix + penalty_infix.size());
        const double lambda =
            command_line::parse_number<double>(who, "the weight in '" + entry.path().filename().string() + "'", weight);
        detail::require(lambda > 0.0 && std::isfinite(lambda), who, "the weight in '", entry.path().filename().string(),
                        "' must be > 0, got ", weight);
        models.push_back({key, lambda, weight, entry.path()});
    }
    std::sort(models.begin(), models.end(), [](const PenaltyModel& a, const PenaltyModel& b) {
        return a.key != b.key ? a.key == "norm" : a.weight < b.weight;
    });
    detail::require<io_error>(!models.empty(), who, "no penalty models in '", dir.string(),
                              "' (train them with scripts/train-claims-models.sh)");
    return models;
}

// ---------------------------------------------------------------------------------------------------
// Measurements

/// One model's accuracy (per test image: 1 if right) and its vanilla and SmoothGrad maps' metrics.
struct ModelResults {
    std::string name = {};
    std::vector<double> correct = {};
    MetricSamples vanilla = {}, smooth = {};
};

ModelResults measure_model(const Network& net, std::string name, const Data& data, const Dataset& test,
                           const Settings& s, std::uint64_t seed) {
    const auto start = Clock::now();
    ModelResults r{.name = std::move(name)};
    const std::vector<int> predicted = nn::predict(net, test.images);
    for (std::size_t k = 0; k < predicted.size(); ++k) r.correct.push_back(predicted[k] == test.labels[k] ? 1.0 : 0.0);
    for (std::size_t k = 0; k < data.images.size(); ++k) {
        const Vector& x = data.images[k];
        const Index label = data.labels[k];
        const Vector vanilla = VanillaGradient{}(net, x, label);
        const Vector smooth = SmoothGrad<VanillaGradient>{.samples = s.samples,
                                                          .noise_level = s.noise_level,
                                                          .seed = seed,
                                                          .first_input = k}(net, x, label);
        append(r.vanilla, evaluate(net, x, label, vanilla, data.objects[k], image_shape, s.curve_steps));
        append(r.smooth, evaluate(net, x, label, smooth, data.objects[k], image_shape, s.curve_steps));
    }
    std::printf("  %s: %.1f s\n", r.name.c_str(), seconds_since(start));
    std::fflush(stdout);
    return r;
}

/// Claim 11's per-image measures on the clean model.
struct Fluctuation {
    /// sum_t ||g(t) - g(t - 1)||_1 / mean_t ||g(t)||_1 along x + t * eps: how much the gradient moves
    /// along a short line, relative to its size.
    std::vector<double> path_variation;
    /// log10(path_variation / (||eps||_1 / ||x||_1)): against the relative change of the input.
    std::vector<double> log_ratio;
    /// Share of the path's steps where the gradient changed at all (a ReLU or a pooling winner switched).
    std::vector<double> changed_steps;
    /// Share of the pixels in near-constant regions, of the whole image and of the object alone.
    std::vector<double> flat_share, flat_object_share;
};

/// Whether each pixel's 3x3 neighbourhood (cut at the border) spans less than `range`.
std::vector<bool> flat_pixels(const Vector& x, double range) {
    std::vector<bool> flat(static_cast<std::size_t>(x.size()));
    for (Index y = 0; y < image_shape.height; ++y) {
        for (Index c = 0; c < image_shape.width; ++c) {
            float low = x[image_shape.offset(y, c)], high = low;
            for (Index dy = -1; dy <= 1; ++dy)
                for (Index dx = -1; dx <= 1; ++dx) {
                    const Index yy = y + dy, xx = c + dx;
                    if (yy < 0 || xx < 0 || yy >= image_shape.height || xx >= image_shape.width) continue;
                    low = std::min(low, x[image_shape.offset(yy, xx)]);
                    high = std::max(high, x[image_shape.offset(yy, xx)]);
                }
            flat[static_cast<std::size_t>(image_shape.offset(y, c))] = static_cast<double>(high - low) < range;
        }
    }
    return flat;
}

Fluctuation measure_fluctuation(const Network& net, const Data& data, const Settings& s, std::uint64_t seed) {
    const auto start = Clock::now();
    Fluctuation f;
    const int steps = s.path_steps;
    for (std::size_t k = 0; k < data.images.size(); ++k) {
        const Vector& x = data.images[k];
        Vector eps(x.size());
        // Its own stream, apart from SmoothGrad's (seed, image, sample) streams.
        NoiseStream(seed ^ 0x5041544846ULL, static_cast<std::uint64_t>(k)).fill_normal(eps, s.path_stddev);
        Matrix path(x.size(), steps + 1);
        for (int t = 0; t <= steps; ++t) path.col(t) = x + (static_cast<float>(t) / static_cast<float>(steps)) * eps;
        const Matrix g = net.gradients(path, Vector::Unit(net.num_classes(), data.labels[k]));
        double variation = 0.0, size = 0.0;
        int changed = 0;
        for (int t = 0; t <= steps; ++t) {
            size += g.col(t).cwiseAbs().cast<double>().sum();
            if (t == 0) continue;
            const double step = (g.col(t) - g.col(t - 1)).cwiseAbs().cast<double>().sum();
            variation += step;
            changed += step > 0 ? 1 : 0;
        }
        size /= steps + 1;
        // A gradient that is 0 all along the line (or never moves) has no relative variation or ratio.
        const double undefined = std::numeric_limits<double>::quiet_NaN();
        const double relative = size > 0 ? variation / size : undefined;
        const double input_change = eps.cwiseAbs().cast<double>().sum() / x.cwiseAbs().cast<double>().sum();
        f.path_variation.push_back(relative);
        f.log_ratio.push_back(relative > 0 ? std::log10(relative / input_change) : undefined);
        f.changed_steps.push_back(static_cast<double>(changed) / steps);
        const std::vector<bool> flat = flat_pixels(x, s.flat_range);
        double all = 0.0, on_object = 0.0, object = 0.0;
        for (std::size_t p = 0; p < flat.size(); ++p) {
            all += flat[p] ? 1.0 : 0.0;
            if (data.objects[k][static_cast<Index>(p)]) {
                object += 1.0;
                on_object += flat[p] ? 1.0 : 0.0;
            }
        }
        f.flat_share.push_back(all / static_cast<double>(flat.size()));
        f.flat_object_share.push_back(object > 0 ? on_object / object : 0.0);
    }
    std::printf("  gradient along short lines: %.1f s\n", seconds_since(start));
    return f;
}

// ---------------------------------------------------------------------------------------------------
// The report

std::string correlation(const smoothgrad::metrics::Correlation& c) {
    const std::string where = c.lower > 0 ? " (above 0)" : c.upper < 0 ? " (below 0)" : " (interval holds 0)";
    return fixed(c.value, 3) + " [" + fixed(c.lower, 3) + ", " + fixed(c.upper, 3) + "]" + where;
}

std::vector<double> difference(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
    return d;
}

/// Total variation below 0 and Moran's I above 0 for the paired difference a - b: the two tests of "a is
/// more coherent than b" used since claim 1; returns how many pass and appends the two cells.
int coherence_tests(const MetricSamples& a, const MetricSamples& b, std::vector<std::string>& cells) {
    const auto tv = paired_defined(a[total_variation], b[total_variation], who);
    const auto moran = paired_defined(a[morans], b[morans], who);
    cells.push_back(defined_difference(a[total_variation], b[total_variation]));
    cells.push_back(defined_difference(a[morans], b[morans]));
    return (sign_of(tv) == Sign::below) + (sign_of(moran) == Sign::above);
}

struct Report {
    std::ostringstream md;
    std::vector<std::string> written;
};

void plot(const fs::path& out, std::string_view file, const figures::LinePlot& p, Report& report) {
    figures::write_line_plot(out / file, p);
    report.written.emplace_back(file);
}

int run(const Options& options, const Settings& s, const fs::path& report_path, const fs::path& noise_model,
        const fs::path& penalty_dir, const fs::path& resnet_model, bool quick) {
    const auto total_start = Clock::now();
    const std::string load_before = load_average();
    const Dataset test = figures::load_test_set(options);
    const Data data = pick_images(test, options, s.images, 4, who);  // 4: the correlations' minimum
    const std::uint64_t seed = options.seed;
    const std::vector<PenaltyModel> penalized = find_penalty_models(penalty_dir);

    std::printf("G. gradient penalties (claims 7-9): %zu models, %zu images%s\n", penalized.size() + 2,
                data.images.size(), quick ? " (--quick)" : "");
    auto start = Clock::now();
    const ModelResults clean =
        measure_model(figures::load_fashion_network(options.model, who), "clean model", data, test, s, seed);
    const ModelResults noisy =
        measure_model(figures::load_fashion_network(noise_model, who), "noise-trained model", data, test, s, seed);
    std::vector<ModelResults> penalty_results;
    for (const PenaltyModel& m : penalized) {
        penalty_results.push_back(measure_model(figures::load_fashion_network(m.path, who),
                                                penalty_label(m.key) + ", λ = " + m.weight_text,
                                                data, test, s, seed));
    }
    const double penalty_seconds = seconds_since(start);

    std::printf("H. the noisy-gradient conjecture (claim 11)\n");
    start = Clock::now();
    const Fluctuation fluctuation = measure_fluctuation(figures::load_fashion_network(options.model, who), data, s, seed);
    const double fluctuation_seconds = seconds_since(start);

    fs::create_directories(options.out);
    const fs::path figures_dir = fs::relative(fs::absolute(options.out), fs::absolute(report_path).parent_path());
    const auto figure = [&](std::string_view file, std::string_view alt) {
        return "![" + std::string(alt) + "](" + (figures_dir / file).generic_string() + ")\n";
    };
    Report report;
    auto& md = report.md;
    md << open_questions_marker << "\n\n"
       << "# The paper's open questions, measured (claims 7-11)\n\n"
       << "Generated by `examples/paper_open_questions/`"
       << (quick ? " with `--quick` (a smoke run: too few images for the verdicts to mean much)" : "")
       << "; do not edit by hand. Command: `scripts/claims.sh --open-questions` (or "
          "`build/examples/paper_open_questions`). The same "
       << data.images.size()
       << " test images, metrics and statistics as claims 1-6; each map explains the true class. SmoothGrad: n = "
       << s.samples << ", noise " << percent(s.noise_level) << ", seed " << seed
       << ". Test accuracy is over all " << test.images.cols()
       << " test images, and a difference in accuracy is paired on them. The intervals cover the choice of test "
          "images only: each model was trained once (seed 1), so they leave out how much another training run "
          "would differ.\n\n";

    // Claims 7 and 8
    const auto penalty_claim = [&](std::string_view key, int number, std::string_view title, std::string_view what) {
        md << "## Claim " << number << ": " << title << " (Sec. 4)\n\n" << what << "\n\n";
        if (std::none_of(penalized.begin(), penalized.end(), [&](const PenaltyModel& m) { return m.key == key; })) {
            md << "Not measured: there are no models trained with this penalty in `" << penalty_dir.generic_string()
               << "`.\n\n";
            return;
        }
        std::vector<std::string> header{"model", "test accuracy"};
        for (const Metric m : {total_variation, morans, localization, deletion, road})
            header.push_back(std::string(metric_info[m].label) + ", vanilla");
        header.emplace_back("total variation ↓, SmoothGrad");
        header.emplace_back("Moran's I ↑, SmoothGrad");
        md << row(header) << rule_row(header.size());
        const auto model_row = [&](const ModelResults& r) {
            std::vector<std::string> cells{r.name, format(summary(r.correct))};
            for (const Metric m : {total_variation, morans, localization, deletion, road})
                cells.push_back(defined_cell(r.vanilla[m]));
            cells.push_back(defined_cell(r.smooth[total_variation]));
            cells.push_back(defined_cell(r.smooth[morans]));
            md << row(cells);
        };
        model_row(clean);
        for (std::size_t i = 0; i < penalized.size(); ++i)
            if (penalized[i].key == key) model_row(penalty_results[i]);
        md << "\nPaired differences, penalized − clean model, vanilla maps:\n\n"
           << row({"λ", "total variation (want < 0)", "Moran's I (want > 0)", "mass on object", "test accuracy"})
           << rule_row(5);
        int ok = 0, tests = 0;
        for (std::size_t i = 0; i < penalized.size(); ++i) {
            if (penalized[i].key != key) continue;
            std::vector<std::string> cells{penalized[i].weight_text};
            ok += coherence_tests(penalty_results[i].vanilla, clean.vanilla, cells);
            tests += 2;
            cells.push_back(defined_difference(penalty_results[i].vanilla[localization], clean.vanilla[localization]));
            cells.push_back(describe(paired(penalty_results[i].correct, clean.correct)));
            md << row(cells);
        }
        md << "\nTest: at each λ, the penalized model's vanilla maps are more coherent than the clean model's by both "
              "measures. "
           << verdict(ok, tests) << "\n\n";
    };
    penalty_claim("norm", 7, "a penalty on the size of the input gradient de-noises the maps",
                  "The loss is cross-entropy + λ · mean ‖∂S_y/∂x‖² over the batch (double backpropagation, Drucker & "
                  "LeCun 1992; `--penalty squared-norm`). Its weight gradient is a Hessian-vector product, computed "
                  "exactly with every ReLU and pooling winner held as at x, as PyTorch's double backward does "
                  "(`include/smoothgrad/nn/gradient_penalty.hpp`; tested against PyTorch's and against the exact "
                  "gradient of ReLU MLPs to 1e-5). Otherwise "
                  "the clean model's recipe: 10 epochs of Adam, seed 1.");
    penalty_claim("neighbour", 8, "a penalty on differences between neighbouring pixels' gradients de-noises the maps",
                  "The loss is cross-entropy + λ · mean Σ (∂S_y/∂x_p − ∂S_y/∂x_q)² over 4-neighbouring pixel pairs p, q "
                  "(`--penalty neighbour-differences`), the paper's \"penalty for large differences in partial "
                  "derivatives of the class score with respect to neighboring pixels\"; trained as for claim 7.");

    // Claim 9
    {
        md << "## Claim 9: the penalties against training noise and SmoothGrad, their cost, and SmoothGrad on top\n\n"
           << "Each penalized model's maps against claim 4's noise-trained model (vanilla maps) and claim 1's "
              "SmoothGrad on the clean model; then whether SmoothGrad and the penalty add up: SmoothGrad on the "
              "penalized model against its vanilla maps, and against SmoothGrad on the clean model. Paired "
              "differences of total variation (want < 0) / Moran's I (want > 0):\n\n";
        md << row({"model", "vanilla − noise-trained vanilla", "", "vanilla − clean SmoothGrad", "",
                   "SmoothGrad − its vanilla", "", "SmoothGrad − clean SmoothGrad", "", "accuracy − clean"})
           << rule_row(10);
        md << row({"", "TV", "Moran's I", "TV", "Moran's I", "TV", "Moran's I", "TV", "Moran's I", ""});
        int vs_noise = 0, vs_smooth = 0, add_up = 0;
        for (const ModelResults& r : penalty_results) {
            std::vector<std::string> cells{r.name};
            vs_noise += coherence_tests(r.vanilla, noisy.vanilla, cells);
            vs_smooth += coherence_tests(r.vanilla, clean.smooth, cells);
            add_up += coherence_tests(r.smooth, r.vanilla, cells);
            add_up += coherence_tests(r.smooth, clean.smooth, cells);
            cells.push_back(describe(paired(r.correct, clean.correct)));
            md << row(cells);
        }
        const int models = static_cast<int>(penalty_results.size());
        md << "\nFor reference, training noise (claim 4): noise-trained − clean test accuracy "
           << describe(paired(noisy.correct, clean.correct)) << ".\n\n"
           << "- Test 9a: the penalized model's vanilla maps are more coherent than the noise-trained model's, by both "
              "measures. "
           << verdict(vs_noise, 2 * models) << "\n"
           << "- Test 9b: they are more coherent than SmoothGrad's maps of the clean model. " << verdict(vs_smooth, 2 * models)
           << "\n"
           << "- Test 9c: the two add up: SmoothGrad makes the penalized model's maps more coherent, and they are "
              "more coherent than SmoothGrad's on the clean model. "
           << verdict(add_up, 4 * models) << "\n\n";
        // Plots by lambda, with the unpenalized models as flat lines.
        std::vector<std::string> keys;  // the kinds of penalty there are models of, in order
        for (const PenaltyModel& m : penalized)
            if (std::find(keys.begin(), keys.end(), m.key) == keys.end()) keys.push_back(m.key);
        const auto by_weight = [&](Metric metric, bool smooth_maps, std::string_view key) {
            figures::Series series{.name = penalty_label(key) + (smooth_maps ? ", SmoothGrad" : ", vanilla")};
            for (std::size_t i = 0; i < penalized.size(); ++i) {
                if (penalized[i].key != key) continue;
                series.x.push_back(std::log10(penalized[i].weight));
                series.y.push_back(defined_mean((smooth_maps ? penalty_results[i].smooth : penalty_results[i].vanilla)[metric]));
            }
            return series;
        };
        const auto [lightest, heaviest] = std::minmax_element(
            penalized.begin(), penalized.end(), [](const auto& a, const auto& b) { return a.weight < b.weight; });
        const double low = std::log10(lightest->weight), high = std::log10(heaviest->weight);
        const auto flat = [&](std::string name, double y) {
            return figures::Series{.name = std::move(name), .x = {low, high}, .y = {y, y}};
        };
        for (const auto& [metric, file, alt] : {std::tuple{total_variation, "penalty_total_variation.svg", "total variation ↓"},
                                                std::tuple{morans, "penalty_morans_i.svg", "Moran's I ↑"}}) {
            figures::LinePlot p{.title = std::string(alt) + " of the maps by penalty weight",
                                .x_label = "log10 λ",
                                .y_label = std::string(metric_info[metric].label)};
            for (const std::string& key : keys)
                for (const bool smooth_maps : {false, true}) p.series.push_back(by_weight(metric, smooth_maps, key));
            p.series.push_back(flat("clean model, vanilla", defined_mean(clean.vanilla[metric])));
            p.series.push_back(flat("clean model, SmoothGrad", defined_mean(clean.smooth[metric])));
            p.series.push_back(flat("noise-trained model, vanilla", defined_mean(noisy.vanilla[metric])));
            plot(options.out, file, p, report);
            md << figure(file, alt);
        }
        figures::LinePlot accuracy{.title = "Test accuracy by penalty weight", .x_label = "log10 λ", .y_label = "test accuracy"};
        for (const std::string& key : keys) {
            figures::Series series{.name = penalty_label(key)};
            for (std::size_t i = 0; i < penalized.size(); ++i)
                if (penalized[i].key == key)
                    series.x.push_back(std::log10(penalized[i].weight)), series.y.push_back(defined_mean(penalty_results[i].correct));
            accuracy.series.push_back(series);
        }
        accuracy.series.push_back(flat("clean model", defined_mean(clean.correct)));
        accuracy.series.push_back(flat("noise-trained model", defined_mean(noisy.correct)));
        plot(options.out, "penalty_accuracy.svg", accuracy, report);
        md << figure("penalty_accuracy.svg", "test accuracy by penalty weight") << "\n";
    }

    std::printf("I. other architectures (claim 10)\n");
    start = Clock::now();
    md << architectures_section({.settings = s,
                                 .data = data,
                                 .test = test,
                                 .reference_model = options.model,
                                 .resnet_model = resnet_model,
                                 .out = options.out,
                                 .figures_link = figures_dir,
                                 .seed = seed},
                                report.written);
    const double architecture_seconds = seconds_since(start);

    // Claim 11
    {
        const std::vector<double> tv_gain = difference(clean.vanilla[total_variation], clean.smooth[total_variation]);
        const std::vector<double> moran_gain = difference(clean.smooth[morans], clean.vanilla[morans]);
        const auto log_ratio = summary(defined_values(fluctuation.log_ratio));
        // Over the images where both measures are defined (see defined_pairs).
        const auto spearman = [](const std::vector<double>& a, const std::vector<double>& b) {
            const auto [kept_a, kept_b] = defined_pairs(a, b);
            return smoothgrad::metrics::spearman_interval(kept_a, kept_b);
        };
        const auto f_tv = spearman(fluctuation.path_variation, tv_gain);
        const auto f_moran = spearman(fluctuation.path_variation, moran_gain);
        const auto flat_tv = spearman(fluctuation.flat_share, tv_gain);
        const auto flat_moran = spearman(fluctuation.flat_share, moran_gain);
        const auto object_tv = spearman(fluctuation.flat_object_share, tv_gain);
        const auto object_moran = spearman(fluctuation.flat_object_share, moran_gain);
        md << "## Claim 11: the noisy-gradient conjecture (Sec. 3.1, Fig. 2)\n\n"
           << "The paper conjectures that the gradient fluctuates sharply at small scales, and that SmoothGrad works "
              "by averaging the fluctuation away. Per image of the clean model, along the line x + t · ε, t in [0, 1] ("
           << s.path_steps + 1 << " points), ε ~ N(0, " << s.path_stddev
           << "²) (the paper's Fig. 2, a change invisible to the eye): the gradient's path variation "
              "F = Σ_t ‖g(t) − g(t−1)‖₁ / mean_t ‖g(t)‖₁, and the same against the input's own relative change, "
              "log10(F / (‖ε‖₁ / ‖x‖₁)). SmoothGrad's gain per image is the clean model's vanilla total "
              "variation minus SmoothGrad's (higher: more smoothing), or SmoothGrad's Moran's I minus vanilla's. A "
              "pixel is in a near-constant region when its 3 × 3 neighbourhood spans less than "
           << s.flat_range << " (of the [0, 1] range).\n\n"
           << "- F: " << defined_cell(fluctuation.path_variation) << "; the gradient changed at "
           << format(summary(fluctuation.changed_steps)) << " of the steps\n"
           << "- log10(F / relative input change): " << format(log_ratio)
           << " (the gradient moves about " << fixed(std::pow(10.0, log_ratio.mean), 0)
           << " times more, relatively, than the input)\n"
           << "- SmoothGrad's gain: total variation " << defined_cell(tv_gain) << ", Moran's I "
           << defined_cell(moran_gain) << "\n"
           << "- Near-constant share of the image " << format(summary(fluctuation.flat_share)) << ", of the object "
           << format(summary(fluctuation.flat_object_share)) << "\n\n"
           << "Spearman's rank correlation over the images (95 % interval, Fisher's z):\n\n"
           << row({"per-image measure", "with the gain in total variation", "with the gain in Moran's I"}) << rule_row(3)
           << row({"path variation F", correlation(f_tv), correlation(f_moran)})
           << row({"near-constant share of the image", correlation(flat_tv), correlation(flat_moran)})
           << row({"near-constant share of the object", correlation(object_tv), correlation(object_moran)}) << "\n";
        const int sharp = log_ratio.lower() > 1.0 ? 1 : 0;
        const int follows = (f_tv.lower > 0) + (f_moran.lower > 0);
        const int flat_helps = (flat_tv.lower > 0) + (flat_moran.lower > 0);
        md << "- Test 11a (the gradient fluctuates sharply at small scales): its relative change along the line is "
              "more than 10 times the input's (the interval of the log ratio lies above 1). "
           << verdict(sharp, 1) << "\n"
           << "- Test 11b (SmoothGrad gains most where the gradient fluctuates most): F correlates positively with both "
              "gains. "
           << verdict(follows, 2) << "\n"
           << "- Test 11c (smoothing helps most on images with large near-constant regions): the image's "
              "near-constant share correlates positively with both gains. "
           << verdict(flat_helps, 2) << "\n\n";
        const auto scatter = [&](std::string_view file, std::string title, std::string x_label,
                                 const std::vector<double>& x) {
            figures::LinePlot p{.title = std::move(title),
                                .x_label = std::move(x_label),
                                .y_label = "SmoothGrad's gain in total variation",
                                .series = {{.name = "one test image", .x = x, .y = tv_gain, .line = false, .markers = true}}};
            plot(options.out, file, p, report);
            md << figure(file, p.title);
        };
        scatter("fluctuation_gain.svg", "SmoothGrad's gain by the gradient's path variation", "path variation F",
                fluctuation.path_variation);
        scatter("flat_regions_gain.svg", "SmoothGrad's gain by the near-constant share", "near-constant share of the image",
                fluctuation.flat_share);
        md << "\n";
    }

    const double total = seconds_since(total_start);
    md << "## Run time of claims 7-11\n\n"
       << "On this run (" << std::max(1u, std::thread::hardware_concurrency()) << " hardware threads): the " << penalty_results.size() + 2 << " models of claims 7-9 " << fixed(penalty_seconds, 0)
       << " s, claim 10 " << fixed(architecture_seconds, 0) << " s, claim 11 " << fixed(fluctuation_seconds, 0) << " s; " << fixed(total, 0)
       << " s in all. The 1-minute load average was " << load_before << " just before the run and " << load_average()
       << " at its end. Training the models (`scripts/train-claims-models.sh`) is not counted; README's table of "
          "shipped models says how long it took.\n";

    // Claims 1-6 (paper_claims) precede this part in the same file: keep them, one blank line apart.
    std::string claims_1_to_6 = report_part(report_path, true);
    claims_1_to_6.erase(claims_1_to_6.find_last_not_of('\n') + 1);
    write_report(report_path, claims_1_to_6 + (claims_1_to_6.empty() ? "" : "\n\n") + md.str(), who);
    std::printf("wrote %s and %zu plots in %s (%.0f s)\n", report_path.string().c_str(), report.written.size(),
                options.out.string().c_str(), total);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    std::optional<Index> count;
    fs::path report, noise_model = figures::noise_model_path, penalty_dir = "examples/models",
                     resnet_model = "examples/models/fashion_mnist_resnet.pt";
    return figures::figure_main(
        argc, argv, who, usage,
        [&](Options options) {
            Settings settings = quick ? quick_settings() : Settings{};
            if (count) settings.images = *count;
            detail::require(settings.images >= 4, who, "--count must be >= 4, got ", settings.images);
            if (!options.out_given) options.out = quick ? fs::path("claims-quick") : fs::path("docs/results");
            if (report.empty()) report = quick ? options.out / "RESULTS.md" : fs::path("RESULTS.md");
            return run(options, settings, report, noise_model, penalty_dir, resnet_model, quick);
        },
        [&](std::string_view flag, const figures::ValueReader& value) {
            if (flag == "--quick") quick = true;
            else if (flag == "--count") count = command_line::parse_number<Index>(who, flag, value());
            else if (flag == "--report") report = value();
            else if (flag == "--noise-model") noise_model = value();
            else if (flag == "--penalty-models") penalty_dir = value();
            else if (flag == "--resnet-model") resnet_model = value();
            else return false;
            return true;
        });
}
