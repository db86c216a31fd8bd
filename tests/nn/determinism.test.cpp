// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Results of a Sequential, and of the methods on it, are bit-identical whatever the batch width, the
// position of a sample in its batch and the number of threads (issue "Performance").
#include <catch2/catch.hpp>

#include <vector>

#include "nn_test_support.hpp"
#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/integrated_gradients.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"
#include "smoothgrad/nn/spec.hpp"

using namespace smoothgrad;
using nn::Sequential;

namespace {

constexpr std::string_view small_cnn =
    "input 28x28x1; conv 3x3x16 same; relu; maxpool 2; conv 3x3x32 same; relu; maxpool 2; flatten; dense 128; "
    "relu; dense 10";
// Sizes that are multiples of no SIMD width, so that every remainder path of the kernels runs.
constexpr std::string_view odd_cnn =
    "input 9x7x3; conv 3x3x5 valid; relu; maxpool 2; conv 3x3x11 same; flatten; dense 13; relu; dense 3";

/// `net` on `threads` threads, every column worth a thread: these networks are far smaller than the
/// work a thread needs by default, and the point is to run the shares on several threads.
Sequential with_threads(Sequential net, int threads) {
    net.set_threads(threads);
    net.set_min_work_per_thread(0);
    return net;
}

}  // namespace

TEST_CASE("a column's scores and gradients do not depend on its batch or the thread count",
          "[nn][determinism]") {
    for (const auto spec : {odd_cnn, small_cnn}) {
        const Sequential net = nn::parse_spec(spec, 5);
        const Index n = 37;
        const Matrix x = nn_test::random_matrix(net.input_size(), n, 6);
        const Vector w = nn_test::random_vector(net.num_classes(), 7);
        const Matrix scores = with_threads(net, 1).scores(x);
        const Matrix gradients = with_threads(net, 1).gradients(x, w);
        const Matrix guided = with_threads(net, 1).gradients(x, w, ReluRule::guided);
        for (const int threads : {2, 3, 8}) {
            const Sequential parallel = with_threads(net, threads);
            CHECK(parallel.scores(x) == scores);
            CHECK(parallel.gradients(x, w) == gradients);
            CHECK(parallel.gradients(x, w, ReluRule::guided) == guided);
        }
        for (const Index j : {Index{0}, Index{1}, Index{17}, n - 1}) {
            INFO(spec << ", column " << j);
            CHECK(net.scores(x.col(j)) == scores.col(j));
            CHECK(net.gradients(x.col(j), w) == gradients.col(j));
            CHECK(net.gradients(x.middleCols(j, n - j), w).col(0) == gradients.col(j));
        }
    }
}

TEST_CASE("the thread setting is checked and a network with no explicit setting uses the hardware",
          "[nn][determinism]") {
    Sequential net = nn::parse_spec(odd_cnn, 1);
    CHECK(net.threads() == 0);
    CHECK(net.worker_count(1) == 1);
    CHECK(net.worker_count(1000) >= 1);
    net.set_threads(3);
    net.set_min_work_per_thread(0);
    CHECK(net.worker_count(2) == 2);
    CHECK(net.worker_count(100) == 3);
    CHECK_THROWS_WITH(net.set_threads(-1), Catch::Contains("threads") && Catch::Contains("-1"));
}

TEST_CASE("a thread gets at least the minimum work", "[nn][determinism]") {
    // 784 -> 10: 7840 multiply-adds a column and 784 for the Flatten, so the default minimum (2^20) needs
    // 122 columns a thread.
    Sequential net = nn::parse_spec("input 28x28x1; flatten; dense 10", 1);
    net.set_threads(8);
    CHECK(net.work_per_column() == 784 + 7840);
    const std::int64_t per_thread = (Sequential::default_min_work_per_thread + net.work_per_column() - 1) /
                                    net.work_per_column();
    CHECK(net.worker_count(50) == 1);  // the outside review's 784 x 50 batch: one thread, not eight
    CHECK(net.worker_count(per_thread * 3) == 3);
    CHECK(net.worker_count(per_thread * 100) == 8);
    CHECK(net.worker_count(3, per_thread) == 3);  // three groups of per_thread columns each
    net.set_min_work_per_thread(1);
    CHECK(net.worker_count(50) == 8);
    CHECK_THROWS_WITH(net.set_min_work_per_thread(-1),
                      Catch::Contains("set_min_work_per_thread") && Catch::Contains("-1"));
}

TEST_CASE("the same seed gives bit-identical SmoothGrad maps for any batch size and thread count",
          "[nn][determinism][smooth_grad]") {
    const Sequential net = nn::parse_spec(small_cnn, 11);
    const Vector image = nn_test::random_matrix(net.input_size(), 1, 12, 0.0f, 1.0f).col(0);
    const Target target{Index{3}};

    SmoothGrad reference_method{.samples = 50, .noise_level = 0.15, .batch_size = 50, .seed = 9, .threads = 1};
    const Vector reference = reference_method(with_threads(net, 1), image, target);
    REQUIRE(reference.allFinite());
    REQUIRE(reference.cwiseAbs().maxCoeff() > 0.0f);
    for (const int batch_size : {1, 7, 50}) {
        for (const int threads : {1, 2, 3}) {
            INFO("batch_size " << batch_size << ", threads " << threads);
            SmoothGrad method{
                .samples = 50, .noise_level = 0.15, .batch_size = batch_size, .seed = 9, .threads = threads};
            CHECK(method(with_threads(net, threads), image, target) == reference);
        }
    }
    // Another seed gives another map: the test above compares maps that could differ.
    SmoothGrad other{.samples = 50, .noise_level = 0.15, .batch_size = 50, .seed = 10};
    CHECK(other(net, image, target) != reference);

    SmoothGrad<GuidedBackprop> guided_reference{.samples = 20, .batch_size = 20, .seed = 4};
    const Vector guided = guided_reference(with_threads(net, 1), image, target);
    SmoothGrad<GuidedBackprop> guided_small{.samples = 20, .batch_size = 3, .seed = 4};
    CHECK(guided_small(with_threads(net, 2), image, target) == guided);
}

TEST_CASE("SmoothGrad's noise drawn on several threads gives the same maps", "[nn][determinism][smooth_grad]") {
    // 30 000 features: a thread draws at least 2^16 values, three samples, so 50 samples go to every thread.
    const Sequential net = with_threads(nn::parse_spec("input 100x100x3; flatten; dense 3", 21), 1);
    const Vector image = nn_test::random_matrix(net.input_size(), 1, 22, 0.0f, 1.0f).col(0);
    const SmoothGrad reference{.samples = 50, .noise_level = 0.2, .seed = 3, .threads = 1};
    const Vector map = reference(net, image, Target{Index{2}});
    for (const int threads : {2, 3, 8}) {
        SmoothGrad parallel = reference;
        parallel.threads = threads;
        CHECK(parallel(net, image, Target{Index{2}}) == map);
    }
}

TEST_CASE("integrated gradients do not depend on the batch size or the thread count", "[nn][determinism]") {
    const Sequential net = nn::parse_spec(small_cnn, 13);
    const Vector image = nn_test::random_matrix(net.input_size(), 1, 14, 0.0f, 1.0f).col(0);
    const Vector reference = IntegratedGradients{.steps = 50}(with_threads(net, 1), image, Target{Index{1}});
    for (const int batch_size : {1, 7, 50}) {
        INFO("batch_size " << batch_size);
        const IntegratedGradients ig{.steps = 50, .batch_size = batch_size};
        CHECK(ig(with_threads(net, 2), image, Target{Index{1}}) == reference);
    }
}
