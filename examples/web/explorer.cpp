// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The browser explorer's WebAssembly module (built with Emscripten by examples/web/CMakeLists.txt): the
// library's reference network, methods, SmoothGrad and visualization behind a few C functions that
// worker.js calls. A request's settings arrive as JSON; images and maps cross as arrays in the module's
// memory. Every function returns 0 on success, else -1 with the message in explorer_error().
//
// The settings mean what smoothgrad-explain's flags of the same names mean, with its defaults, so that a
// map here equals the command line's for the same image and settings (tests/web checks it).
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <smoothgrad/nn/serialization.hpp>
#include <smoothgrad/smoothgrad.hpp>

/// Hands SmoothGrad's progress to the worker's Module.onProgress, which posts it to the page.
EM_JS(void, report_progress, (double done, double total), {
    if (Module.onProgress) Module.onProgress(done, total);
});

namespace {
using namespace smoothgrad;
using nlohmann::json;

constexpr std::string_view who = "explorer";

/// What a request asks for: the fields of smoothgrad-explain's flags of the same names (given explicitly:
/// the command line's defaults differ by method, and the page sets them), with Grad-CAM always upsampled.
struct Settings {
    std::string method = "vanilla";
    bool smooth = false;                       // SmoothGrad around the method
    double noise_level = 0.15;                 // sigma / (x_max - x_min)
    Index samples = 50;                        // SmoothGrad's n
    Aggregation aggregation = Aggregation::mean;
    std::uint64_t seed = 0;
    Index steps = 50;                          // integrated gradients, blur IG, guided IG, XRAI
    Index layer = 4;                           // Grad-CAM's layer (the second ReLU of the shipped CNN)
    Index occlusion_size = 15;
    Index draws = 50;                          // expected gradients' samples
    std::optional<Index> target_class;         // the predicted class when not given
    bool signed_map = false;                   // show the sign (diverging colours) instead of |map|
    double percentile = 99.0;                  // the display's clipping percentile
};

/// Reads the request's fields strictly: a misspelt name, a fraction where a whole number belongs or a
/// number out of range is an error that names the field, not a silently different map.
class RequestReader {
public:
    explicit RequestReader(const json& request) : request_(request) {}

    void text(const char* name, std::string& value) {
        if (const json* v = find(name)) {
            detail::require(v->is_string(), who, "'", name, "' must be a string, got ", v->dump());
            value = v->get<std::string>();
        }
    }
    void boolean(const char* name, bool& value) {
        if (const json* v = find(name)) {
            detail::require(v->is_boolean(), who, "'", name, "' must be true or false, got ", v->dump());
            value = v->get<bool>();
        }
    }
    void number(const char* name, double& value) {
        if (const json* v = find(name)) {
            detail::require(v->is_number() && std::isfinite(v->get<double>()), who, "'", name,
                            "' must be a finite number, got ", v->dump());
            value = v->get<double>();
        }
    }
    /// A whole number >= `low` that fits `Int` (Index has 32 bits on wasm32).
    template <class Int>
    void whole(const char* name, Int& value, Int low) {
        if (const json* v = find(name)) {
            const bool fits = v->is_number_unsigned()  ? v->get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<Int>::max()}
                              : v->is_number_integer() ? v->get<std::int64_t>() >= std::int64_t{std::numeric_limits<Int>::min()}
                                                       : false;
            detail::require(fits && v->get<Int>() >= low, who, "'", name, "' must be a whole number in [", low, ", ",
                            std::numeric_limits<Int>::max(), "], got ", v->dump());
            value = v->get<Int>();
        }
    }
    /// Throws for a field that no reader asked for.
    void check_all_read() const {
        for (const auto& item : request_.items())
            detail::require(read_.count(item.key()) > 0, who, "unknown field '", item.key(), "' in the request");
    }

private:
    const json* find(const char* name) {
        read_.insert(name);
        const auto it = request_.find(name);
        return it == request_.end() || it->is_null() ? nullptr : &*it;
    }
    const json& request_;
    std::set<std::string> read_;
};

[[nodiscard]] Aggregation aggregation_named(const std::string& name) {
    if (name == "mean") return Aggregation::mean;
    if (name == "square") return Aggregation::mean_of_squares;
    if (name == "variance") return Aggregation::variance;
    throw argument_error(detail::message(who, "aggregation must be mean, square or variance, got '", name, "'"));
}

[[nodiscard]] Settings settings_from(const std::string& text) {
    json request;
    try {
        request = json::parse(text);
    } catch (const json::parse_error& e) {
        throw argument_error(detail::message(who, "the request is not JSON: ", e.what()));
    }
    detail::require(request.is_object(), who, "the request must be a JSON object, got ", request.dump());
    Settings s;
    std::string aggregation = "mean";
    Index target = -1;
    RequestReader read(request);
    read.text("method", s.method);
    read.boolean("smooth", s.smooth);
    read.number("noise_level", s.noise_level);
    read.whole("samples", s.samples, Index{1});
    read.text("aggregation", aggregation);
    read.whole("seed", s.seed, std::uint64_t{0});
    read.whole("steps", s.steps, Index{1});
    read.whole("layer", s.layer, Index{0});
    read.whole("occlusion_size", s.occlusion_size, Index{1});
    read.whole("draws", s.draws, Index{1});
    read.whole("class", target, Index{0});
    read.boolean("signed", s.signed_map);
    read.number("percentile", s.percentile);
    read.check_all_read();
    s.aggregation = aggregation_named(aggregation);
    detail::require(s.noise_level >= 0.0, who, "noise_level must be >= 0, got ", s.noise_level);
    if (target >= 0) s.target_class = target;
    return s;
}

/// The loaded model and the last result, which JavaScript reads through the accessors below.
struct State {
    std::optional<nn::LoadedNetwork> model;
    Matrix references;  // expected gradients' reference set, one image per column
    std::string info;  // JSON: the classes, the input shape and the layers
    Vector map;        // the last map, HWC like the input
    std::vector<std::uint8_t> map_rgba, overlay_rgba;
    std::string result;  // JSON: the prediction
    std::string error;
};

State& state() {
    static State s;
    return s;
}

const nn::Sequential& network() {
    detail::require(state().model.has_value(), who, "no model is loaded (call explorer_load_model first)");
    return state().model->network;
}

/// The map of `input` by `method`, wrapped in SmoothGrad when asked; SmoothGrad reports its progress to
/// JavaScript (Module.onProgress), and keys its noise by input index 0, as smoothgrad-explain does for
/// its first input.
template <class Method>
[[nodiscard]] Vector map_by(const Method& method, const Vector& input, Index target, const Settings& s) {
    const nn::Sequential& net = network();
    if (!s.smooth) return method(net, input, target);
    const SmoothGrad<Method> smooth{
        .method = method,
        .samples = s.samples,
        .noise_level = s.noise_level,
        .aggregation = s.aggregation,
        .batch_size = 10,  // progress every 10 samples; the maps do not depend on it
        .seed = s.seed,
        .first_input = 0,
        .progress = [](Index done, Index total) { report_progress(static_cast<double>(done), static_cast<double>(total)); },
        .threads = 1};
    return smooth(net, input, target);
}

[[nodiscard]] Vector map_of(const Vector& input, Index target, const Settings& s) {
    const ImageShape shape = network().input_shape();
    const std::string& m = s.method;
    if (m == "vanilla") return map_by(VanillaGradient{}, input, target, s);
    if (m == "gradient-x-input") return map_by(GradientTimesInput{}, input, target, s);
    if (m == "integrated-gradients") return map_by(IntegratedGradients{.steps = s.steps}, input, target, s);
    if (m == "guided-backprop") return map_by(GuidedBackprop{}, input, target, s);
    if (m == "deconvnet") return map_by(Deconvnet{}, input, target, s);
    if (m == "blur-ig") return map_by(BlurIntegratedGradients{.shape = shape, .steps = s.steps}, input, target, s);
    if (m == "guided-ig") return map_by(GuidedIntegratedGradients{.steps = s.steps}, input, target, s);
    if (m == "grad-cam") return map_by(GradCam{.layer = s.layer, .shape = shape}, input, target, s);
    if (m == "guided-grad-cam")
        return map_by(GuidedGradCam{.grad_cam = {.layer = s.layer, .shape = shape}}, input, target, s);
    if (m == "occlusion") return map_by(Occlusion{.shape = shape, .size = s.occlusion_size}, input, target, s);
    if (m == "xrai") return map_by(Xrai{.shape = shape, .steps = s.steps}, input, target, s);
    if (m == "expected-gradients") {
        const Matrix& references = state().references;
        detail::require(references.cols() > 0, who, "expected-gradients needs a reference set (explorer_set_references)");
        return map_by(ExpectedGradients{.references = references, .samples = s.draws, .seed = s.seed}, input, target, s);
    }
    throw argument_error(detail::message(who, "method must be vanilla, gradient-x-input, integrated-gradients, "
                                              "guided-backprop, deconvnet, blur-ig, guided-ig, grad-cam, "
                                              "guided-grad-cam, occlusion, xrai or expected-gradients, got '", m, "'"));
}

/// RGBA bytes of an RGB image in [0, 1], for a canvas's ImageData.
[[nodiscard]] std::vector<std::uint8_t> rgba_of(const Image& rgb) {
    const Index pixels = rgb.shape.height * rgb.shape.width;
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(4 * pixels));
    for (Index p = 0; p < pixels; ++p) {
        for (Index c = 0; c < 3; ++c)
            bytes[static_cast<std::size_t>(4 * p + c)] =
                static_cast<std::uint8_t>(std::lround(255.0f * std::clamp(rgb.pixels[3 * p + c], 0.0f, 1.0f)));
        bytes[static_cast<std::size_t>(4 * p + 3)] = 255;
    }
    return bytes;
}

/// The model's description for the page: class names, input shape, and each layer's spec and output shape
/// (Grad-CAM needs a layer with a height and width).
[[nodiscard]] std::string describe(const nn::LoadedNetwork& loaded) {
    const nn::Sequential& net = loaded.network;
    const ImageShape in = net.input_shape();
    json info = {{"classes", loaded.class_names},
                 {"input", {{"height", in.height}, {"width", in.width}, {"channels", in.channels}}},
                 {"metadata", loaded.metadata}};
    json layers = json::array();
    for (std::size_t i = 0; i < net.layers().size(); ++i) {
        const ImageShape out = net.shape(i + 1);
        layers.push_back({{"index", i}, {"spec", net.layer_spec(i)},
                          {"height", out.height}, {"width", out.width}, {"channels", out.channels}});
    }
    info["layers"] = layers;
    return info.dump();
}

/// Runs `work`, turning an exception into -1 and its message.
template <class Work>
int guarded(const Work& work) {
    try {
        work();
        state().error.clear();
        return 0;
    } catch (const std::exception& e) {
        state().error = e.what();
    } catch (...) {
        state().error = std::string(who) + ": an unknown error";
    }
    return -1;
}

}  // namespace

extern "C" {

/// Loads a reference network from the `size` bytes of a safetensors file at `bytes`.
EMSCRIPTEN_KEEPALIVE int explorer_load_model(const std::uint8_t* bytes, int size) {
    return guarded([&] {
        detail::require(bytes != nullptr && size > 0, who, "the model file is empty");
        const auto* begin = reinterpret_cast<const std::byte*>(bytes);
        nn::LoadedNetwork loaded = nn::load_network(
            read_safetensors_from_memory(std::span<const std::byte>(begin, static_cast<std::size_t>(size)), "model"));
        loaded.network.set_threads(1);  // a Web Worker without shared memory has one thread
        state().info = describe(loaded);
        state().model = std::move(loaded);
    });
}

/// Sets expected gradients' reference set: `count` images of the model's input size in the `size` values
/// at `pixels`, one after the other, each HWC in [0, 1].
EMSCRIPTEN_KEEPALIVE int explorer_set_references(const float* pixels, int size, int count) {
    return guarded([&] {
        const Index features = network().input_size();
        detail::require(pixels != nullptr && count > 0, who, "the reference set is empty");
        const Index needed = detail::checked_multiply(features, Index{count}, who);
        detail::require<shape_error>(Index{size} == needed, who, "the reference set has ", size, " values, ", count,
                                     " images of the model's input take ", needed);
        Matrix references = Eigen::Map<const Matrix>(pixels, features, count);
        detail::require(references.allFinite(), who, "the reference set has NaN or Inf values");
        state().references = std::move(references);
    });
}

/// Explains the image of `size` values at `pixels` (HWC, in [0, 1] as pixel / 255) with the settings of
/// the JSON `request`; the map, its pictures and the prediction are then read by the accessors below.
EMSCRIPTEN_KEEPALIVE int explorer_explain(const float* pixels, int size, const char* request) {
    return guarded([&] {
        const nn::Sequential& net = network();
        detail::require<shape_error>(pixels != nullptr && size == net.input_size(), who, "the image has ", size,
                                     " values, the model takes ", net.input_size());
        const Settings s = settings_from(request != nullptr ? request : "");
        const Vector input = Eigen::Map<const Vector>(pixels, size);
        detail::require(input.allFinite(), who, "the image has NaN or Inf values");

        const Vector scores = net.scores(input);
        Index predicted = 0;
        scores.maxCoeff(&predicted);
        const Index target = s.target_class.value_or(predicted);
        detail::require(target < net.num_classes(), who, "class must be in [0, ", net.num_classes(), "), got ", target);
        const Eigen::VectorXd exponentials = (scores.array() - scores[predicted]).exp().cast<double>();
        const Eigen::VectorXd probabilities = exponentials / exponentials.sum();

        State& out = state();
        out.map = map_of(input, target, s);
        const ImageShape shape = net.input_shape();
        const NormalizeParams display{.clip_percentile = s.percentile};
        const Image heat =
            apply_colormap(normalize_unit(reduce_channels(out.map, shape, ChannelReduction::sum_abs), display), Colormap::heat);
        out.map_rgba = rgba_of(s.signed_map ? apply_colormap(normalize_signed(reduce_channels(out.map, shape, ChannelReduction::sum),
                                                                              display),
                                                             Colormap::diverging)
                                            : heat);
        out.overlay_rgba = rgba_of(blend(heat, Image{input, shape}, 0.6f));
        out.result = json{{"predicted", predicted},
                          {"explained", target},
                          {"probabilities", std::vector<double>(probabilities.data(), probabilities.data() + probabilities.size())}}
                         .dump();
    });
}

/// The last error's message.
EMSCRIPTEN_KEEPALIVE const char* explorer_error() { return state().error.c_str(); }
/// The loaded model's description (JSON).
EMSCRIPTEN_KEEPALIVE const char* explorer_model_info() { return state().info.c_str(); }
/// The last prediction (JSON).
EMSCRIPTEN_KEEPALIVE const char* explorer_result() { return state().result.c_str(); }
/// The last map: explorer_map_size() floats, HWC.
EMSCRIPTEN_KEEPALIVE const float* explorer_map() { return state().map.data(); }
EMSCRIPTEN_KEEPALIVE int explorer_map_size() { return static_cast<int>(state().map.size()); }
/// The last map and its overlay on the image as RGBA bytes, height x width x 4.
EMSCRIPTEN_KEEPALIVE const std::uint8_t* explorer_map_rgba() { return state().map_rgba.data(); }
EMSCRIPTEN_KEEPALIVE const std::uint8_t* explorer_overlay_rgba() { return state().overlay_rgba.data(); }
EMSCRIPTEN_KEEPALIVE int explorer_rgba_size() { return static_cast<int>(state().map_rgba.size()); }

}  // extern "C"
