// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// TorchScriptModel against PyTorch's own answers. The fixtures come from tests/torch/make_fixtures.py,
// run at build time with Debian's PyTorch: TorchScript files and, for each, the scores and maps that eager
// PyTorch computes on the same Python module (guided backprop and deconvnet by swapping its ReLUs).
// LibTorch translation units compile slowly, so every adapter test lives in this one file.
#include "smoothgrad/torch/torchscript_model.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include "smoothgrad/io/idx.hpp"
#include "smoothgrad/io/safetensors.hpp"
#include "smoothgrad/methods/grad_cam.hpp"
#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/integrated_gradients.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"
#include "smoothgrad/metrics/faithfulness.hpp"
#include "smoothgrad/nn/serialization.hpp"

using namespace smoothgrad;
using Catch::Matchers::Contains;

namespace {
const std::filesystem::path fixtures = SMOOTHGRAD_TORCH_FIXTURES_DIR;
const std::filesystem::path bad = fixtures / "bad";

/// A [batch, ...] row-major tensor as a matrix with one sample per column (HWC samples stay HWC).
Matrix as_batch(const Tensor& tensor) {
    const auto batch = static_cast<Index>(tensor.shape.front());
    const auto features = static_cast<Index>(tensor.values.size()) / batch;
    return Eigen::Map<const Matrix>(tensor.values.data(), features, batch);
}

/// Largest |a - b| relative to the largest |b|.
double relative_error(const Matrix& actual, const Matrix& expected) {
    REQUIRE(actual.rows() == expected.rows());
    REQUIRE(actual.cols() == expected.cols());
    REQUIRE(expected.cwiseAbs().maxCoeff() > 0.0f);
    return (actual - expected).cwiseAbs().maxCoeff() / expected.cwiseAbs().maxCoeff();
}

/// Checks `actual` against the fixture's map `key` to 1e-5 relative.
void check_map(const SafetensorsFile& expected, const std::string& key, const Matrix& actual) {
    const double error = relative_error(actual, as_batch(expected.tensors.at(key)));
    INFO(key << ": relative error " << error);
    CHECK(error < 1e-5);
}

/// The number of nodes of `kind` in `graph`, sub-blocks included.
int count_nodes(const ::torch::jit::Graph& graph, const char* kind) {
    std::vector<::torch::jit::Node*> found;
    smoothgrad::detail::collect_nodes(const_cast<::torch::jit::Graph&>(graph).block(), {c10::Symbol::fromQualString(kind)}, found);
    return static_cast<int>(found.size());
}

template <class Error>
void check_load_error(const std::filesystem::path& file, const std::string& expected, TorchScriptParams params = {}) {
    INFO(file.string());
    CHECK_THROWS_AS(TorchScriptModel(file, params), Error);
    CHECK_THROWS_WITH(TorchScriptModel(file, params), Contains("TorchScriptModel: '" + file.string() + "'") &&
                                                          Contains(expected));
}

struct Case {
    const char* file;
    const char* expected;
    ImageShape shape;
    Index classes;
    int relus;
};
}  // namespace

TEST_CASE("TorchScript models agree with PyTorch autograd for every method", "[torch][pytorch]") {
    const Case cases[] = {
        {"small_cnn.pt", "small_cnn_expected.safetensors", {16, 16, 3}, 5, 2},
        {"small_cnn_traced.pt", "small_cnn_expected.safetensors", {16, 16, 3}, 5, 2},
        {"resnet18.pt", "resnet18_expected.safetensors", {64, 64, 3}, 10, 17},
        {"functional_vgg.pt", "functional_vgg_expected.safetensors", {16, 16, 3}, 7, 3},
    };
    for (const Case& c : cases) {
        SECTION(c.file) {
            const TorchScriptModel model(fixtures / c.file);
            const SafetensorsFile expected = read_safetensors(fixtures / c.expected);
            REQUIRE(model.input_shape() == c.shape);
            REQUIRE(model.num_classes() == c.classes);
            CHECK(model.class_names().size() == static_cast<std::size_t>(c.classes));
            CHECK(model.relu_count() == c.relus);
            // Every ReLU of the graph, nn.ReLU modules and F.relu calls, in place or not, is rewritten.
            CHECK(count_nodes(*model.graph(ReluRule::guided), "smoothgrad::relu_rule") == c.relus);
            CHECK(count_nodes(*model.graph(ReluRule::guided), "aten::relu") == 0);
            CHECK(count_nodes(*model.graph(ReluRule::guided), "aten::relu_") == 0);

            const Matrix inputs = as_batch(expected.tensors.at("inputs"));
            const std::vector<float>& w_values = expected.tensors.at("weights").values;
            const Vector w = Eigen::Map<const Vector>(w_values.data(), static_cast<Index>(w_values.size()));
            check_map(expected, "scores", model.scores(inputs));
            check_map(expected, "vanilla", VanillaGradient{}.attribute_batch(model, inputs, w));
            check_map(expected, "gradient_x_input", GradientTimesInput{}.attribute_batch(model, inputs, w));
            check_map(expected, "guided", GuidedBackprop{}.attribute_batch(model, inputs, w));
            check_map(expected, "deconvnet", Deconvnet{}.attribute_batch(model, inputs, w));
            const std::pair<IntegrationRule, const char*> rules[] = {
                {IntegrationRule::riemann_left, "ig_riemann_left"},
                {IntegrationRule::riemann_right, "ig_riemann_right"},
                {IntegrationRule::riemann_middle, "ig_riemann_middle"},
                {IntegrationRule::trapezoid, "ig_trapezoid"},
                {IntegrationRule::gauss_legendre, "ig_gauss_legendre"}};
            const int steps = std::stoi(expected.metadata.at("ig_steps"));
            for (const auto& [rule, key] : rules)
                check_map(expected, key,
                          IntegratedGradients{.steps = steps, .rule = rule, .batch_size = 5}.attribute_batch(model, inputs, w));
            // A submodule's output and the score's gradient there, as PyTorch's forward hooks see them.
            std::stringstream layer_list(expected.metadata.at("layers"));
            for (std::string name; std::getline(layer_list, name, ',');) {
                INFO("layer " << name);
                const LayerGradients g = model.layer_gradients(inputs, w, name);
                const std::vector<std::size_t>& shape = expected.tensors.at("layer_activations:" + name).shape;
                CHECK(g.shape == (shape.size() == 4 ? ImageShape{static_cast<Index>(shape[1]), static_cast<Index>(shape[2]),
                                                                 static_cast<Index>(shape[3])}
                                                    : ImageShape{1, 1, static_cast<Index>(shape[1])}));
                check_map(expected, "layer_activations:" + name, g.activations);
                check_map(expected, "layer_gradients:" + name, g.gradients);
            }
            // SmoothGrad with the library's noise; the fixture drew the same noise with a port of NoiseStream.
            const std::pair<Aggregation, const char*> aggregations[] = {{Aggregation::mean, "smoothgrad_mean"},
                                                                       {Aggregation::mean_of_squares, "smoothgrad_square"},
                                                                       {Aggregation::variance, "smoothgrad_variance"}};
            for (const auto& [aggregation, key] : aggregations) {
                const SmoothGrad smooth{.samples = std::stoi(expected.metadata.at("samples")),
                                        .noise_level = std::stod(expected.metadata.at("noise_level")),
                                        .aggregation = aggregation,
                                        .batch_size = 4,
                                        .seed = std::stoull(expected.metadata.at("seed"))};
                check_map(expected, key, smooth.attribute_batch(model, inputs, w));
            }
        }
    }
}

TEST_CASE("the ReLU rule operator's forward pass is relu bit for bit and its backward passes are the rules",
          "[torch]") {
    smoothgrad::detail::register_relu_rule_op();
    const auto op = c10::Dispatcher::singleton()
                        .findSchemaOrThrow("smoothgrad::relu_rule", "")
                        .typed<::torch::Tensor(const ::torch::Tensor&, std::int64_t)>();
    const ::torch::Tensor x = ::torch::tensor({-2.0f, -0.5f, 0.0f, 0.5f, 3.0f});
    const ::torch::Tensor g = ::torch::tensor({1.0f, -1.0f, 2.0f, -3.0f, 4.0f});
    // By hand: the gradient passes where x > 0; guided also needs g > 0; deconvnet passes g > 0 anywhere.
    const std::pair<ReluRule, std::vector<float>> rules[] = {{ReluRule::gradient, {0, 0, 0, -3, 4}},
                                                            {ReluRule::guided, {0, 0, 0, 0, 4}},
                                                            {ReluRule::deconvnet, {1, 0, 2, 0, 4}}};
    for (const auto& [rule, expected] : rules) {
        const ::torch::Tensor input = x.clone().requires_grad_(true);
        const ::torch::Tensor y = op.call(input, static_cast<std::int64_t>(rule));
        CHECK(::torch::equal(y, at::relu(x)));
        const ::torch::Tensor gradient = ::torch::autograd::grad({y}, {input}, {g})[0];
        CHECK(::torch::equal(gradient, ::torch::tensor(expected)));
    }
}

TEST_CASE("rewriting the ReLUs leaves the scores bit-identical", "[torch]") {
    const TorchScriptModel model(fixtures / "resnet18.pt");
    const ::torch::Tensor input = ::torch::rand({3, 3, 64, 64});
    const ::torch::NoGradGuard no_gradients;
    const auto run = [&](ReluRule rule) {
        ::torch::jit::Code code(std::const_pointer_cast<::torch::jit::Graph>(model.graph(rule)), "forward");
        ::torch::jit::Stack stack{c10::IValue(), input};
        ::torch::jit::InterpreterState(code).run(stack);
        return stack.back().toTensor();
    };
    const ::torch::Tensor plain = run(ReluRule::gradient);
    CHECK(::torch::equal(plain, run(ReluRule::guided)));
    CHECK(::torch::equal(plain, run(ReluRule::deconvnet)));
}

TEST_CASE("the shipped safetensors model and the same weights as TorchScript give the same maps",
          "[torch][pytorch]") {
    const auto loaded = nn::load_network(SMOOTHGRAD_MODELS_DIR "/fashion_mnist_cnn.safetensors");
    const TorchScriptModel model(fixtures / "fashion_mnist_cnn.pt");
    REQUIRE(model.input_shape() == loaded.network.input_shape());
    CHECK(model.class_names() == loaded.class_names);
    const Dataset test = load_fashion_mnist(default_fashion_mnist_dir(), Split::test, {.limit = 4});
    // Real images have flat regions, so max-pool windows whose values are equal in exact arithmetic; which
    // element wins such a tie depends on how each implementation rounds its convolution sums. A jitter of
    // 1e-2 (about 2.5 grey levels) makes every window's maximum unique, as SmoothGrad's noise does.
    const Matrix images = test.images.leftCols(4) + 0.01f * Matrix::Random(test.images.rows(), 4);
    CHECK(relative_error(model.scores(images), loaded.network.scores(images)) < 1e-5);
    for (Index j = 0; j < images.cols(); ++j) {
        const Vector image = images.col(j);
        const Index label = test.labels[static_cast<std::size_t>(j)];
        INFO("test image " << j);
        CHECK(relative_error(VanillaGradient{}(model, image, label), VanillaGradient{}(loaded.network, image, label)) <
              1e-5);
        CHECK(relative_error(GuidedBackprop{}(model, image, label), GuidedBackprop{}(loaded.network, image, label)) <
              1e-5);
        const SmoothGrad smooth{.samples = 10, .seed = 3};
        CHECK(relative_error(smooth(model, image, label), smooth(loaded.network, image, label)) < 1e-5);
        // The metrics run on it too: the deletion curve of a map is the same through both models.
        const Vector map = smooth(loaded.network, image, label);
        const metrics::Curve torch_curve = metrics::deletion_curve(model, image, map, label, {.steps = 8});
        const metrics::Curve nn_curve = metrics::deletion_curve(loaded.network, image, map, label, {.steps = 8});
        CHECK(relative_error(torch_curve.scores, nn_curve.scores) < 1e-5);
    }
}

TEST_CASE("a TorchScriptModel wraps a module the caller loaded, with explicit parameters over the file's",
          "[torch]") {
    const TorchScriptModel from_file(fixtures / "small_cnn.pt");
    CHECK(from_file.mean() == std::vector<float>{0.5f, 0.4f, 0.3f});
    CHECK(from_file.stddev() == std::vector<float>{0.25f, 0.2f, 0.3f});
    const TorchScriptModel wrapped(::torch::jit::load((fixtures / "small_cnn.pt").string()),
                                   {.input_shape = ImageShape{16, 16, 3}, .mean = {0.5f, 0.4f, 0.3f},
                                    .stddev = {0.25f, 0.2f, 0.3f}});
    CHECK(wrapped.class_names().empty());
    const Matrix inputs = Matrix::Random(16 * 16 * 3, 2).array().abs();
    CHECK(wrapped.scores(inputs) == from_file.scores(inputs));
    // One value stands for every channel; it overrides the file's.
    const TorchScriptModel unnormalized(fixtures / "small_cnn.pt", {.mean = {0.0f}, .stddev = {1.0f}});
    CHECK(unnormalized.mean() == std::vector<float>(3, 0.0f));
    CHECK(unnormalized.scores(inputs) != from_file.scores(inputs));
    // The normalization is inside the model: the pixel gradient is the normalized input's gradient / std.
    const Vector w = Vector::Unit(5, 2);
    const Matrix pixels_gradient = from_file.gradients(inputs, w);
    Matrix shifted = inputs;
    for (Index k = 0; k < shifted.rows(); ++k) {
        const float mean = from_file.mean()[static_cast<std::size_t>(k % 3)];
        const float stddev = from_file.stddev()[static_cast<std::size_t>(k % 3)];
        shifted.row(k) = (inputs.row(k).array() - mean) / stddev;
    }
    Matrix scaled = unnormalized.gradients(shifted, w);
    for (Index k = 0; k < scaled.rows(); ++k) scaled.row(k) /= from_file.stddev()[static_cast<std::size_t>(k % 3)];
    CHECK(relative_error(pixels_gradient, scaled) < 1e-5);
}

TEST_CASE("concurrent const calls give the same maps as one after the other", "[torch]") {
    const TorchScriptModel model(fixtures / "resnet18.pt");
    const Matrix inputs = Matrix::Random(64 * 64 * 3, 2).array().abs();
    const Vector w = Vector::Unit(10, 4);
    const Matrix serial = model.gradients(inputs, w, ReluRule::guided);
    auto first = std::async(std::launch::async, [&] { return model.gradients(inputs, w, ReluRule::guided); });
    auto second = std::async(std::launch::async, [&] { return model.gradients(inputs, w, ReluRule::guided); });
    CHECK(relative_error(first.get(), serial) < 1e-6);
    CHECK(relative_error(second.get(), serial) < 1e-6);
}

TEST_CASE("large blocks are reused from call to call, dropped when unused, and freed with the last model",
          "[torch][memory]") {
    const auto& cache = smoothgrad::detail::BlockCache::instance();
    const Matrix inputs = Matrix::Random(64 * 64 * 3, 8).array().abs();
    const Vector w = Vector::Unit(10, 4);
    {
        const TorchScriptModel model(fixtures / "resnet18.pt");
        REQUIRE(cache.installed());
        const Matrix first = model.gradients(inputs, w, ReluRule::guided);
        const std::size_t after_first = cache.cached_bytes();
        CHECK(after_first > 0);  // a batch of 8 at 64x64 has activations of 2 MiB
        // Reused blocks hold the last call's values: a kernel that relied on fresh memory would differ here.
        CHECK(model.gradients(inputs, w, ReluRule::guided) == first);
        CHECK(model.gradients(inputs, w) == model.gradients(inputs, w));
        CHECK(cache.cached_bytes() >= after_first);

        // Calls with one column need none of the batch of 8's blocks: after stale_after_calls such calls
        // those blocks are gone, and the cache holds what a one-column call gives back.
        const Matrix one = inputs.leftCols(1);
        const Matrix single = model.gradients(one, w);
        const std::size_t after_single = cache.cached_bytes();
        for (std::uint64_t call = 0; call < smoothgrad::detail::BlockCache::stale_after_calls; ++call)
            CHECK(model.gradients(one, w) == single);
        CHECK(cache.cached_bytes() < after_single);
        CHECK(cache.cached_bytes() > 0);
    }
    CHECK(cache.cached_bytes() == 0);  // the last model is gone

    const TorchScriptModel without_reuse(fixtures / "resnet18.pt", {.reuse_blocks = false});
    const Matrix expected = without_reuse.gradients(inputs, w);
    CHECK(cache.cached_bytes() == 0);  // its calls' blocks went back to malloc
    const TorchScriptModel with_reuse(fixtures / "resnet18.pt");
    CHECK(with_reuse.gradients(inputs, w) == expected);
    CHECK(cache.cached_bytes() > 0);
}

TEST_CASE("the threads setting is LibTorch's intra-op thread count", "[torch]") {
    const int before = at::get_num_threads();
    const TorchScriptModel model(fixtures / "small_cnn.pt", {.threads = 1});
    CHECK(at::get_num_threads() == 1);
    const TorchScriptModel other(fixtures / "small_cnn.pt", {.threads = 2});
    CHECK(at::get_num_threads() == 2);
    const TorchScriptModel unchanged(fixtures / "small_cnn.pt");
    CHECK(at::get_num_threads() == 2);
    at::set_num_threads(before);
    CHECK_THROWS_WITH(TorchScriptModel(fixtures / "small_cnn.pt", {.threads = -1}),
                      Contains("threads must be >= 0, got -1"));
}

TEST_CASE("a CUDA device runs where LibTorch has one and is refused clearly where it has none", "[torch]") {
    if (!::torch::cuda::is_available()) {
        CHECK_THROWS_AS(TorchScriptModel(fixtures / "small_cnn.pt", {.device = "cuda"}), argument_error);
        CHECK_THROWS_WITH(TorchScriptModel(fixtures / "small_cnn.pt", {.device = "cuda"}),
                          Contains("device 'cuda' asked for, but LibTorch has no CUDA device here"));
        WARN("skipped the CPU-against-CUDA comparison: LibTorch has no CUDA device here");
        return;
    }
    const TorchScriptModel cpu(fixtures / "resnet18.pt");
    const TorchScriptModel cuda(fixtures / "resnet18.pt", {.device = "cuda"});
    const Matrix inputs = Matrix::Random(64 * 64 * 3, 2).array().abs();
    const Vector w = Vector::Unit(10, 1);
    CHECK(relative_error(cuda.scores(inputs), cpu.scores(inputs)) < 1e-4);
    CHECK(relative_error(cuda.gradients(inputs, w, ReluRule::guided), cpu.gradients(inputs, w, ReluRule::guided)) <
          1e-4);
}

TEST_CASE("Grad-CAM on a TorchScript model by submodule name; a layer that is not one submodule's output is named",
          "[torch][layer]") {
    const TorchScriptModel model(fixtures / "resnet18.pt");
    const Matrix inputs = Matrix::Constant(model.input_size(), 2, 0.5f) + Matrix::Random(model.input_size(), 2) * 0.4f;
    const Vector w = Vector::Unit(10, 3);
    const GradCam cam{.layer = std::string("layer4"), .shape = model.input_shape()};
    const LayerMaps low = cam.layer_maps(model, inputs, w);
    CHECK(low.shape == ImageShape{2, 2, 1});  // 64 / 32
    const Matrix maps = cam.attribute_batch(model, inputs, w);
    CHECK(maps.rows() == model.input_size());
    CHECK(maps.minCoeff() >= 0.0f);
    CHECK(maps.maxCoeff() <= 1.0f);
    const Matrix guided = GuidedGradCam{.grad_cam = cam}.attribute_batch(model, inputs, w);
    CHECK(guided == GuidedBackprop{}.attribute_batch(model, inputs, w).cwiseProduct(maps));
    CHECK(SmoothGrad<GradCam>{.method = cam, .samples = 2}.attribute_batch(model, inputs, w).allFinite());
    // The scores of the plain program are untouched by the layer programs.
    CHECK(model.scores(inputs) == TorchScriptModel(fixtures / "resnet18.pt").scores(inputs));

    CHECK_THROWS_WITH(model.layer_gradients(inputs, w, Index{3}),
                      Contains("a TorchScript model's layers are its submodules, by name (e.g. 'layer4'), not by "
                               "position; got index 3"));
    CHECK_THROWS_AS(model.layer_gradients(inputs, w, std::string("layer9")), argument_error);
    CHECK_THROWS_WITH(model.layer_gradients(inputs, w, std::string("layer9")),
                      Contains("no submodule named 'layer9' runs in forward(); submodules: avgpool, bn1, conv1, fc, "
                               "layer1, layer1.0"));
    // torchvision's BasicBlock calls its one ReLU module twice.
    CHECK_THROWS_WITH(model.layer_gradients(inputs, w, std::string("layer1.0.relu")),
                      Contains("submodule 'layer1.0.relu' hands 2 tensors to the rest of forward()"));
}

TEST_CASE("bad TorchScript files and parameters give one clear exception each", "[torch][errors]") {
    check_load_error<io_error>(bad / "missing.pt", "cannot open the file (no such file)");
    check_load_error<io_error>(bad, "cannot open the file (not a regular file)");
    check_load_error<format_error>(bad / "not_torchscript.pt", "not a readable TorchScript archive");
    check_load_error<format_error>(bad / "truncated.pt", "not a readable TorchScript archive");
    check_load_error<format_error>(bad / "zip_not_torchscript.pt", "not a readable TorchScript archive");
    check_load_error<shape_error>(bad / "tuple_output.pt", "forward() returns Tuple, expected a [batch, classes] tensor");
    check_load_error<shape_error>(bad / "vector_output.pt", "returns a tensor of shape [4] for a batch of 2");
    check_load_error<shape_error>(bad / "fixed_size.pt", "the model rejects input size 16x16x3",
                                  {.input_shape = ImageShape{16, 16, 3}});
    check_load_error<argument_error>(bad / "no_metadata.pt", "the input size is unknown");
    check_load_error<format_error>(bad / "invalid_metadata.pt", "smoothgrad.json: is not valid JSON");
    check_load_error<format_error>(bad / "wrong_class_count.pt", "smoothgrad.json names 2 classes, the model has 4");
    check_load_error<argument_error>(fixtures / "small_cnn.pt", "mean has 2 values; give one, or one per channel (3)",
                                     {.mean = {0.1f, 0.2f}});
    check_load_error<argument_error>(fixtures / "small_cnn.pt", "std must be finite and non-zero, got 0",
                                     {.stddev = {0.0f}});
    check_load_error<argument_error>(fixtures / "small_cnn.pt", "device 'tpu9'", {.device = "tpu9"});

    // Without metadata, an explicit input size is enough.
    const TorchScriptModel fixed(bad / "no_metadata.pt", {.input_shape = ImageShape{8, 8, 3}});
    CHECK(fixed.num_classes() == 4);
    const Matrix inputs = Matrix::Constant(8 * 8 * 3, 2, 0.5f);
    CHECK_THROWS_AS(fixed.scores(Matrix::Zero(10, 2)), shape_error);
    CHECK_THROWS_WITH(fixed.scores(Matrix::Zero(10, 2)), Contains("batch is 10x2, expected 192 rows (8x8x3)"));
    CHECK_THROWS_AS(fixed.gradients(inputs, Vector::Zero(3)), shape_error);
    CHECK_THROWS_WITH(fixed.gradients(inputs, Vector::Zero(3)), Contains("output weights have 3 entries, the model has 4"));

    // A model with no ReLU explains with its true gradient, and says why guided backprop cannot run.
    const TorchScriptModel no_relu(bad / "no_relu.pt");
    CHECK(no_relu.relu_count() == 0);
    CHECK(VanillaGradient{}(no_relu, inputs.col(0), 1).allFinite());
    CHECK_THROWS_AS(GuidedBackprop{}(no_relu, inputs.col(0), 1), argument_error);
    CHECK_THROWS_WITH(GuidedBackprop{}(no_relu, inputs.col(0), 1),
                      Contains("no_relu.pt'") && Contains("has no ReLU (aten::relu or aten::relu_)"));

    // NaN scores are refused when they appear.
    const TorchScriptModel nan_scores(bad / "nan_scores.pt");
    CHECK_THROWS_AS(nan_scores.scores(inputs), numeric_error);
    CHECK_THROWS_WITH(nan_scores.scores(inputs), Contains("nan_scores.pt': the model's scores contain NaN or Inf"));
    CHECK_THROWS_AS(SmoothGrad{.samples = 2}(nan_scores, inputs.col(0), 0), numeric_error);
}

TEST_CASE("the metadata parser names the key that is wrong", "[torch][errors]") {
    const auto parse = [](std::string_view text) { return parse_torchscript_metadata(text, "m.pt"); };
    const TorchScriptMetadata metadata =
        parse(R"({"format": "smoothgrad-torchscript", "version": 1, "input_size": [4, 5, 3], "mean": [0.5],
                  "std": [0.2, 0.3, 0.4], "classes": ["a", "b"], "architecture": "resnet18", "random_weights": true})");
    CHECK(metadata.input_shape == ImageShape{4, 5, 3});
    CHECK(metadata.mean == std::vector<float>{0.5f});
    CHECK(metadata.stddev == std::vector<float>{0.2f, 0.3f, 0.4f});
    CHECK(metadata.class_names == std::vector<std::string>{"a", "b"});
    CHECK(metadata.architecture == "resnet18");
    CHECK(metadata.random_weights);
    const std::pair<const char*, const char*> bad_texts[] = {
        {R"([1, 2])", "must hold a JSON object"},
        {R"({"format": "other", "version": 1})", "must say \"format\": \"smoothgrad-torchscript\""},
        {R"({"format": "smoothgrad-torchscript", "version": 2})", "\"version\": 1"},
        {R"({"format": "smoothgrad-torchscript", "version": 1, "input_size": [4, 5]})", "\"input_size\" must be"},
        {R"({"format": "smoothgrad-torchscript", "version": 1, "input_size": [4, 0, 3]})", "\"input_size\" must be"},
        {R"({"format": "smoothgrad-torchscript", "version": 1, "mean": "0.5"})", "\"mean\" must be a list"},
        {R"({"format": "smoothgrad-torchscript", "version": 1, "std": [1, null]})", "\"std\" must be a list of finite"},
        {R"({"format": "smoothgrad-torchscript", "version": 1, "classes": [1, 2]})", "\"classes\" must be a list of names"},
    };
    for (const auto& [text, expected] : bad_texts) {
        INFO(text);
        CHECK_THROWS_AS(parse(text), format_error);
        CHECK_THROWS_WITH(parse(text), Contains("TorchScriptModel: 'm.pt': smoothgrad.json: ") && Contains(expected));
    }
}

TEST_CASE("HWC columns and NCHW tensors convert both ways without mixing channels", "[torch][layout]") {
    const ImageShape shape{2, 3, 4};
    Matrix columns(shape.size(), 2);
    for (Index j = 0; j < 2; ++j)
        for (Index y = 0; y < 2; ++y)
            for (Index x = 0; x < 3; ++x)
                for (Index c = 0; c < 4; ++c)
                    columns(shape.offset(y, x, c), j) = static_cast<float>(1000 * j + 100 * c + 10 * y + x);
    const ::torch::Tensor nchw = nchw_from_columns(columns, shape);
    REQUIRE(nchw.sizes() == ::torch::IntArrayRef({2, 4, 2, 3}));
    CHECK(nchw.index({1, 3, 1, 2}).item<float>() == 1312.0f);
    CHECK(nchw.index({0, 2, 0, 1}).item<float>() == 201.0f);
    CHECK(columns_from_nchw(nchw) == columns);
    CHECK_THROWS_AS(nchw_from_columns(columns, ImageShape{2, 3, 3}), shape_error);
    CHECK_THROWS_AS(columns_from_nchw(::torch::zeros({2, 3})), shape_error);
}
