// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad-explain: explains images with a reference network stored as safetensors or a PyTorch model
// saved as TorchScript, and writes the maps; or explains a data set, one shard per process (data_set.hpp),
// and merges the shards (merge.hpp).
//
//     smoothgrad-explain --model examples/models/fashion_mnist_cnn.safetensors --fashion-mnist-index 0,1,2
//         --method vanilla --smooth-samples 50 --gallery out/
//     smoothgrad-explain --model resnet50.pt --image dog.jpg --resize --method guided-backprop --gallery out/
//     smoothgrad-explain --model model.safetensors --idx images.gz --out maps/ --shard auto   (a Slurm array task)
//     smoothgrad-explain merge maps/
//
// Run with --help for every option. Errors are one line on stderr and a non-zero exit code.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <smoothgrad/io/detail/xml_escape.hpp>
#include <smoothgrad/io/image.hpp>
#include <smoothgrad/io/labelled_grid.hpp>
#include <smoothgrad/io/npy.hpp>

#include "../command_line.hpp"
#include "data_set.hpp"
#include "explanation.hpp"
#include "inputs.hpp"
#include "merge.hpp"
#include "options.hpp"

namespace explain {
namespace {

/// A progress bar on stderr, drawn only on a terminal and only for long work.
class ProgressBar {
public:
    ProgressBar(Index total, bool enabled) : total_(total), enabled_(enabled && isatty(fileno(stderr)) != 0) {}
    ~ProgressBar() {
        if (drawn_) std::fprintf(stderr, "\n");
    }
    void update(Index done) {
        if (!enabled_) return;
        const auto now = std::chrono::steady_clock::now();
        if (done < total_ && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        drawn_ = true;
        constexpr int width = 40;
        const int filled = static_cast<int>(width * done / std::max<Index>(total_, 1));
        std::fprintf(stderr, "\r[%s%s] %3d%% %ld/%ld samples", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                     static_cast<int>(100 * done / std::max<Index>(total_, 1)), static_cast<long>(done),
                     static_cast<long>(total_));
        std::fflush(stderr);
    }

private:
    Index total_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};
std::string class_label(const std::vector<std::string>& names, Index c) {
    return names.empty() ? std::to_string(c) : std::to_string(c) + " (" + names[static_cast<std::size_t>(c)] + ")";
}

/// "0.998": a probability for people.
std::string probability_text(double probability) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(3) << probability;
    return text.str();
}

/// `picture` with `caption` under it (--labels), enlarged to at least 112 pixels wide so the text fits
/// a small map (Fashion-MNIST's 28 x 28) without covering it.
Image captioned(const Image& picture, const std::string& caption) {
    const Index scale = std::max<Index>(1, (112 + picture.shape.width - 1) / picture.shape.width);
    return make_labelled_grid({picture}, {.columns = 1, .padding = 0, .background = 1.0f, .cell_scale = scale},
                              {.caption = caption, .pixel_height = 11.0f});
}

/// The output file for input `name`, with its folder made.
fs::path output_path(const fs::path& pattern, const std::string& name) {
    std::string text = pattern.string();
    if (const auto at = text.find("{}"); at != std::string::npos) text.replace(at, 2, name);
    const fs::path path = text;
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    return path;
}

/// One row of the gallery's table.
struct GalleryRow {
    std::string name, label, prediction, explained, input_png, map_png, overlay_png;
};

void write_gallery_page(const fs::path& dir, const std::vector<GalleryRow>& rows, const std::string& description,
                        const ImageShape& shape, bool labelled) {
    // Small images (Fashion-MNIST's 28x28) are enlarged with visible pixels, photos shown at up to 224 pixels.
    const Index side = std::clamp<Index>(shape.width, 112, 224);
    const std::string rendering = shape.width < 112 ? "image-rendering:pixelated" : "";
    std::ofstream page(dir / "index.html");
    detail::require<io_error>(page.good(), who, "cannot write '", (dir / "index.html").string(), "'");
    page << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>smoothgrad gallery</title>\n"
         << "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         << "td,th{padding:6px 10px;border-bottom:1px solid #ddd;text-align:left}"
         << "img{width:" << side << "px;" << rendering << "}"
         << "img.labelled{width:auto;image-rendering:auto}</style>\n</head>\n<body>\n"
         << "<h1>smoothgrad gallery</h1>\n<p>" << detail::xml_escaped(description) << "</p>\n"
         << "<table>\n<tr><th>input</th><th>true class</th><th>prediction</th><th>explained class</th>"
         << "<th>image</th><th>sensitivity map</th><th>overlay</th></tr>\n";
    // Captioned pictures (--labels) are shown at their own size, which fits their text.
    const std::string image_class = labelled ? " class=\"labelled\"" : "";
    for (const auto& row : rows)
        page << "<tr><td>" << detail::xml_escaped(row.name) << "</td><td>" << detail::xml_escaped(row.label) << "</td><td>"
             << detail::xml_escaped(row.prediction) << "</td><td>" << detail::xml_escaped(row.explained) << "</td>"
             << "<td><img src=\"" << row.input_png << "\" alt=\"input\"></td>"
             << "<td><img src=\"" << row.map_png << "\" alt=\"map\"" << image_class << "></td>"
             << "<td><img src=\"" << row.overlay_png << "\" alt=\"overlay\"" << image_class << "></td></tr>\n";
    page << "</table>\n</body>\n</html>\n";
    detail::require<io_error>(page.good(), who, "writing '", (dir / "index.html").string(), "' failed");
}

int run(const Options& options) {
    if (options.out) return run_data_set(options);
    const Run explainer = start_run(options);
    const Model& net = explainer.net;
    const ImageShape shape = net.shape;
    const InputCatalog inputs(options, shape);

    const Index samples_per_input = std::max(options.smooth_samples, 1);
    const Index total = inputs.size() * samples_per_input;
    ProgressBar bar(total, !options.quiet && (total >= 500 || inputs.size() >= 10));
    if (options.gallery) fs::create_directories(*options.gallery);

    std::vector<GalleryRow> rows;
    for (Index i = 0; i < inputs.size(); ++i) {
        const Input input = inputs.load(i);
        const Index done_before = i * samples_per_input;
        const Explained result = explain_input(explainer, options, input, i,
                                               [&](Index done, Index) { bar.update(done_before + done); });
        const Explanation& explanation = result.explanation;
        const Index predicted = result.predicted, explained = result.explained;
        const Vector& scores = result.scores;
        const double probability = result.probability;
        // Pictures are at the input's size: a map at a layer's is shown as --upsample would give it.
        const Vector map = explanation.shape == shape
                               ? explanation.map
                               : grad_cam_for(options, shape).to_input(explanation.map, explanation.shape);
        bar.update(done_before + samples_per_input);

        std::ostringstream line;
        line << input.name << ": predicted " << class_label(net.class_names, predicted) << ", score "
             << scores[predicted] << ", probability " << probability;
        if (input.label) line << "; true class " << class_label(net.class_names, *input.label);
        line << "; explained class " << class_label(net.class_names, explained) << "\n";
        std::cout << line.str();

        const Image magnitude = normalize_unit(reduce_channels(map, shape, ChannelReduction::sum_abs),
                                               {.clip_percentile = options.percentile});
        const Image coloured = apply_colormap(magnitude, options.colormap);
        const std::string caption = class_label(net.class_names, predicted) + ", p = " + probability_text(probability) +
                                    (explained == predicted ? "" : "; map of " + class_label(net.class_names, explained));
        if (options.png) {
            const fs::path path = output_path(*options.png, input.name);
            write_png(path, options.labels.value_or(false) ? captioned(coloured, caption) : coloured);
            std::cout << "  wrote " << path.string() << "\n";
        }
        if (options.npy) {
            const fs::path path = output_path(*options.npy, input.name);
            write_npy(path, Image{explanation.map, explanation.shape});
            std::cout << "  wrote " << path.string() << "\n";
        }
        if (options.gallery) {
            GalleryRow row{input.name,
                           input.label ? class_label(net.class_names, *input.label) : "",
                           class_label(net.class_names, predicted) + ", p = " + probability_text(probability),
                           class_label(net.class_names, explained),
                           input.name + "_input.png",
                           input.name + "_map.png",
                           input.name + "_overlay.png"};
            write_png(*options.gallery / row.input_png, input.display);
            const Image overlay = blend(apply_colormap(magnitude, Colormap::heat), input.display, 0.6f);
            const bool labels = options.labels.value_or(true);
            write_png(*options.gallery / row.map_png, labels ? captioned(coloured, caption) : coloured);
            write_png(*options.gallery / row.overlay_png, labels ? captioned(overlay, caption) : overlay);
            rows.push_back(std::move(row));
        }
    }
    if (options.gallery) {
        std::ostringstream description;
        description << "Model " << options.model.file.filename().string() << " (" << net.description << "), method " << options.method;
        if (options.method == "integrated-gradients")
            description << " (" << options.steps << " steps from a " << options.baseline << " baseline)";
        if (options.method == "grad-cam" || options.method == "guided-grad-cam")
            description << " (layer " << std::visit([](const auto& l) {
                std::ostringstream text;
                text << l;
                return text.str();
            }, *options.layer) << ")";
        if (options.method == "xrai")
            description << " (integrated gradients of " << options.steps << " steps from black and white, "
                        << "Felzenszwalb regions at six scales)";
        if (options.method == "guided-ig")
            description << " (" << options.steps << " steps from a " << options.baseline << " baseline, fraction "
                        << options.fraction << ", max_dist " << options.max_dist << ")";
        if (options.method == "expected-gradients")
            description << " (" << options.draws << " draws from " << explainer.references.cols() << " reference images"
                        << (options.draw_noise > 0.0 ? ", noise sigma " + std::to_string(options.draw_noise) : "") << ")";
        if (options.method == "blur-ig")
            description << " (" << options.steps << " steps to sigma " << options.max_sigma
                        << (options.sqrt_spacing ? ", square-root spacing" : "") << ")";
        if (options.method == "occlusion")
            description << " (" << options.occlusion_size << "x" << options.occlusion_size << " window"
                        << (options.occlusion_per_channel ? " per channel" : "") << ", stride "
                        << options.occlusion_stride << ", value " << options.occlusion_value << ", drops "
                        << (options.occlusion_combine == OcclusionCombine::sum ? "summed" : "averaged") << ")";
        if (options.smooth_samples > 0) {
            description << " with SmoothGrad (n = " << options.smooth_samples << ", ";
            if (options.noise_stddev) description << "noise sigma " << *options.noise_stddev << ")";
            else description << "noise level " << options.noise_level << ")";
        }
        description << ". Maps: |map| summed over channels, capped at the " << options.percentile
                    << "th percentile; overlays in the heat colour map.";
        write_gallery_page(*options.gallery, rows, description.str(), shape, options.labels.value_or(true));
        std::cout << "wrote " << (*options.gallery / "index.html").string() << " and " << 3 * rows.size() << " PNG files\n";
    }
    return 0;
}

}  // namespace
}  // namespace explain

int main(int argc, char** argv) {
    using namespace explain;
    if (argc >= 2 && std::string_view(argv[1]) == "merge")
        return run_merge(argc - 1, argv + 1);
    return command_line::run_program(who, usage(), argc, argv, parse_arguments, run);
}
