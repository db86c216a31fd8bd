// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad's benchmark suite (Google Benchmark): every method on the two CNNs, SmoothGrad at
// n = 50 and 1000, 100-image throughput, training steps, and an FMA-ceiling probe so that results read
// as a fraction of the machine's peak. benchmarks/peer_pytorch.py runs it beside PyTorch.
//
//     smoothgrad_benchmarks [--threads N] [--export DIR] [Google Benchmark flags]
//
// --threads sets the threads of every network (default 2, the machine of the issue); --export DIR
// writes the networks' weights (safetensors) and the images (.npy) that the peer script loads, then exits.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "common.hpp"
#include "smoothgrad/io/npy.hpp"
#include "smoothgrad/smoothgrad.hpp"

namespace {

using namespace smoothgrad;
using bench::Sequential;

int g_threads = 2;  // set once from the command line before any benchmark runs

/// FLOPs of `iterations` of a tight loop of independent packet FMAs, on one thread.
double fma_loop(std::int64_t iterations) {
    using Packet = Eigen::internal::packet_traits<float>::type;
    constexpr int chains = 12;  // independent accumulators: enough to hide the FMA latency
    Packet acc[chains];
    for (int c = 0; c < chains; ++c) acc[c] = Eigen::internal::pset1<Packet>(static_cast<float>(c) * 1e-3f);
    const Packet a = Eigen::internal::pset1<Packet>(0.999999f);
    const Packet b = Eigen::internal::pset1<Packet>(1e-7f);
    for (std::int64_t i = 0; i < iterations; ++i) {
        for (int c = 0; c < chains; ++c) acc[c] = Eigen::internal::pmadd(acc[c], a, b);
    }
    float sum = 0.0f;
    for (int c = 0; c < chains; ++c) sum += Eigen::internal::predux(acc[c]);
    benchmark::DoNotOptimize(sum);
    return 2.0 * chains * static_cast<double>(Eigen::internal::packet_traits<float>::size) *
           static_cast<double>(iterations);
}

/// The FMA ceiling: state.range(0) threads each running fma_loop. Counter GFLOPs: all threads together.
void fma_ceiling(benchmark::State& state) {
    const auto threads = static_cast<int>(state.range(0));
    constexpr std::int64_t iterations = 20'000'000;
    double flops = 0.0;
    for (auto _ : state) {
        std::vector<std::thread> pool;
        for (int t = 1; t < threads; ++t) pool.emplace_back([] { fma_loop(iterations); });
        flops += fma_loop(iterations) * threads;
        for (auto& thread : pool) thread.join();
    }
    state.counters["GFLOPs"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsRate);
    state.counters["GFLOPs_per_core"] = benchmark::Counter(flops / 1e9 / threads, benchmark::Counter::kIsRate);
}
BENCHMARK(fma_ceiling)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);

/// The networks and images, loaded once.
struct Fixture {
    Sequential small = bench::load_model("small");
    Sequential tf = bench::load_model("tf");
    Dataset test = bench::images(Split::test, 100);
    Dataset train = bench::images(Split::train, 640);
    Fixture() {
        small.set_threads(g_threads);
        tf.set_threads(g_threads);
    }
    Sequential& model(std::int64_t which) { return which == 0 ? small : tf; }
};

Fixture& fixture() {
    static Fixture instance;
    return instance;
}

const char* model_name(std::int64_t which) { return which == 0 ? "small" : "tf_tutorial"; }

/// Minor page faults of the whole process so far, every thread's.
long minor_faults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

/// Counter faults_per_call: the page faults of a case's calls after its first (which may make the buffers
/// that the network and the optimizer keep), per call. A call that took large blocks from malloc anew
/// would fault on their pages each time under glibc's default settings, which hand such blocks back to the
/// kernel when they are freed; the count shows, without timing noise, whether the default malloc costs a
/// call anything. Call next_call() at the start of every iteration.
class SteadyFaults {
public:
    void next_call() {
        if (calls_++ == 1) after_first_ = minor_faults();
    }
    void report(benchmark::State& state) const {
        if (calls_ > 1)
            state.counters["faults_per_call"] =
                static_cast<double>(minor_faults() - after_first_) / static_cast<double>(calls_ - 1);
    }

private:
    long calls_ = 0;
    long after_first_ = 0;
};

/// Counters common to the explanation cases: GFLOP/s over 2 x forward FLOPs per gradient evaluation.
void set_flops(benchmark::State& state, const Sequential& net, double evaluations_per_iteration) {
    const double flops = 2.0 * 2.0 * bench::forward_macs(net) * evaluations_per_iteration;
    state.counters["GFLOPs"] =
        benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
    state.SetLabel(model_name(state.range(0)));
}

/// SmoothGrad (vanilla gradient) of one image, n = state.range(1) samples in batches of 50.
void smooth_grad(benchmark::State& state) {
    Fixture& f = fixture();
    const Sequential& net = f.model(state.range(0));
    const Vector image = f.test.images.col(0);
    const SmoothGrad method{.samples = static_cast<int>(state.range(1)), .noise_level = 0.15, .batch_size = 50};
    SteadyFaults faults;
    for (auto _ : state) {
        faults.next_call();
        benchmark::DoNotOptimize(method(net, image, f.test.labels[0]));
    }
    faults.report(state);
    set_flops(state, net, static_cast<double>(state.range(1)));
}
BENCHMARK(smooth_grad)->ArgsProduct({{0, 1}, {50, 1000}})->UseRealTime()->Unit(benchmark::kMillisecond);

/// Integrated gradients, 50 steps in one batch.
void integrated_gradients(benchmark::State& state) {
    Fixture& f = fixture();
    const Sequential& net = f.model(state.range(0));
    const Vector image = f.test.images.col(0);
    const IntegratedGradients method{.steps = 50, .rule = IntegrationRule::riemann_right};
    SteadyFaults faults;
    for (auto _ : state) {
        faults.next_call();
        benchmark::DoNotOptimize(method(net, image, f.test.labels[0]));
    }
    faults.report(state);
    set_flops(state, net, 50.0);
}
BENCHMARK(integrated_gradients)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

/// Guided backprop of one image.
void guided_backprop(benchmark::State& state) {
    Fixture& f = fixture();
    const Sequential& net = f.model(state.range(0));
    const Vector image = f.test.images.col(0);
    SteadyFaults faults;
    for (auto _ : state) {
        faults.next_call();
        benchmark::DoNotOptimize(GuidedBackprop{}(net, image, f.test.labels[0]));
    }
    faults.report(state);
    set_flops(state, net, 1.0);
}
BENCHMARK(guided_backprop)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

/// The vanilla gradient of one image.
void vanilla_gradient(benchmark::State& state) {
    Fixture& f = fixture();
    const Sequential& net = f.model(state.range(0));
    const Vector image = f.test.images.col(0);
    for (auto _ : state) benchmark::DoNotOptimize(VanillaGradient{}(net, image, f.test.labels[0]));
    set_flops(state, net, 1.0);
}
BENCHMARK(vanilla_gradient)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

/// SmoothGrad n = 50 with `net` over 100 images, each image's 50 samples in one batch. Counter images_per_s.
void explain_images(benchmark::State& state, const Sequential& net) {
    const Fixture& f = fixture();
    const SmoothGrad method{.samples = 50, .noise_level = 0.15, .batch_size = 50};
    Vector weights = Vector::Zero(net.num_classes());
    SteadyFaults faults;
    for (auto _ : state) {
        faults.next_call();
        for (Index j = 0; j < f.test.images.cols(); ++j) {
            weights.setZero();
            weights[f.test.labels[static_cast<std::size_t>(j)]] = 1.0f;
            benchmark::DoNotOptimize(method.attribute_batch(net, f.test.images.col(j), weights));
        }
    }
    faults.report(state);
    set_flops(state, net, 50.0 * static_cast<double>(f.test.images.cols()));
    state.counters["images_per_s"] = benchmark::Counter(
        static_cast<double>(f.test.images.cols() * state.iterations()), benchmark::Counter::kIsRate);
}

void smooth_grad_throughput(benchmark::State& state) { explain_images(state, fixture().model(state.range(0))); }
BENCHMARK(smooth_grad_throughput)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(2);

/// The fixture's network `which` with every convolution direct (ConvolutionAlgorithm::direct, the opt-out
/// of Winograd's transform).
const Sequential& direct_model(std::int64_t which) {
    static const std::array<Sequential, 2> models = [] {
        std::array<Sequential, 2> copies{fixture().model(0), fixture().model(1)};
        for (Sequential& net : copies) net.set_convolution_algorithm(nn::ConvolutionAlgorithm::direct);
        return copies;
    }();
    return models[static_cast<std::size_t>(which)];
}

/// max |a - b| / max |b|: how far the default (Winograd) maps are from the direct ones.
double relative_difference(const Vector& a, const Vector& b) {
    return static_cast<double>((a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff());
}

/// `method` on the fixture's first image with direct convolutions (50 gradient evaluations); counter
/// map_difference: the default's map against this one.
template <class Method>
void explain_with_direct(benchmark::State& state, const Method& method) {
    Fixture& f = fixture();
    const Sequential& net = direct_model(state.range(0));
    const Vector image = f.test.images.col(0);
    for (auto _ : state) benchmark::DoNotOptimize(method(net, image, f.test.labels[0]));
    set_flops(state, net, 50.0);
    state.counters["map_difference"] = relative_difference(method(f.model(state.range(0)), image, f.test.labels[0]),
                                                           method(net, image, f.test.labels[0]));
}

void smooth_grad_direct(benchmark::State& state) {
    explain_with_direct(state, SmoothGrad{.samples = 50, .noise_level = 0.15, .batch_size = 50});
}
BENCHMARK(smooth_grad_direct)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void integrated_gradients_direct(benchmark::State& state) {
    explain_with_direct(state, IntegratedGradients{.steps = 50, .rule = IntegrationRule::riemann_right});
}
BENCHMARK(integrated_gradients_direct)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

/// smooth_grad_throughput with direct convolutions.
void smooth_grad_throughput_direct(benchmark::State& state) { explain_images(state, direct_model(state.range(0))); }
BENCHMARK(smooth_grad_throughput_direct)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(2);

/// One Adam epoch over a slice of state.range(1) training images in batches of 64 (forward, loss,
/// parameter gradients, step: 3 x forward FLOPs per image). The network is a copy, trained anew.
void train_slice(benchmark::State& state) {
    Fixture& f = fixture();
    const auto images = static_cast<Index>(state.range(1));
    const Matrix x = f.train.images.leftCols(images);
    const std::vector<int> labels(f.train.labels.begin(), f.train.labels.begin() + images);
    Sequential net = f.model(state.range(0));
    nn::Adam adam;
    std::uint64_t epoch = 0;
    SteadyFaults faults;
    for (auto _ : state) {
        faults.next_call();
        benchmark::DoNotOptimize(
            nn::train_epoch(net, x, labels, {.batch_size = 64, .seed = 1, .epoch = epoch++}, adam));
    }
    faults.report(state);
    const double flops = 3.0 * 2.0 * bench::forward_macs(net) * static_cast<double>(images);
    state.counters["GFLOPs"] =
        benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
    state.counters["images_per_s"] =
        benchmark::Counter(static_cast<double>(images * state.iterations()), benchmark::Counter::kIsRate);
    state.SetLabel(model_name(state.range(0)));
}
BENCHMARK(train_slice)->ArgsProduct({{0, 1}, {64, 640}})->UseRealTime()->Unit(benchmark::kMillisecond);

/// Threads and their cost on small work: the outside review's 784 -> 10 Dense batch (50 columns, input
/// gradients) on state.range(0) threads. Few multiply-adds per column: one thread should do it all.
void dense_batch(benchmark::State& state) {
    Sequential net = nn::parse_spec("input 28x28x1; flatten; dense 10", 1);
    net.set_threads(static_cast<int>(state.range(0)));
    const Matrix batch = fixture().test.images.leftCols(50);
    Vector weights = Vector::Zero(10);
    weights[0] = 1.0f;
    for (auto _ : state) benchmark::DoNotOptimize(net.gradients(batch, weights));
    state.counters["threads_used"] = static_cast<double>(net.worker_count(50));
}
BENCHMARK(dense_batch)->Arg(1)->Arg(2)->Arg(8)->UseRealTime()->Unit(benchmark::kMicrosecond);

/// SmoothGrad n = 50 on the 784 -> 10 model: the noise's cost, since the model's gradients are cheap.
void smooth_grad_linear(benchmark::State& state) {
    Sequential net = nn::parse_spec("input 28x28x1; flatten; dense 10", 1);
    net.set_threads(g_threads);
    const Vector image = fixture().test.images.col(0);
    const SmoothGrad method{.samples = 50, .noise_level = 0.15, .batch_size = 50, .threads = g_threads};
    for (auto _ : state) benchmark::DoNotOptimize(method(net, image, fixture().test.labels[0]));
}
BENCHMARK(smooth_grad_linear)->UseRealTime()->Unit(benchmark::kMicrosecond);

/// The noise alone: 50 x 784 normals (one SmoothGrad batch) on one thread, by fill_normal_float
/// (SmoothGrad's, state.range(0) = 0) or by fill_normal (Box-Muller in double, 1).
void noise_batch(benchmark::State& state) {
    Eigen::VectorXf values(784);
    std::uint64_t sample = 0;
    const bool in_float = state.range(0) == 0;
    for (auto _ : state) {
        for (int p = 0; p < 50; ++p) {
            NoiseStream stream(0, 0, sample++);
            if (in_float)
                stream.fill_normal_float(values, 1.0f);
            else
                stream.fill_normal(values, 1.0);
        }
        benchmark::DoNotOptimize(values.data());
    }
    state.counters["ns_per_value"] = benchmark::Counter(
        50.0 * 784.0 * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.SetLabel(in_float ? "fill_normal_float" : "fill_normal");
}
BENCHMARK(noise_batch)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

/// SmoothGrad n = 50 of one image with every network on state.range(1) threads (noise too).
void smooth_grad_threads(benchmark::State& state) {
    Fixture& f = fixture();
    Sequential net = f.model(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    net.set_threads(threads);
    const Vector image = f.test.images.col(0);
    const SmoothGrad method{.samples = 50, .noise_level = 0.15, .batch_size = 50, .threads = threads};
    for (auto _ : state) benchmark::DoNotOptimize(method(net, image, f.test.labels[0]));
    set_flops(state, net, 50.0);
}
BENCHMARK(smooth_grad_threads)->ArgsProduct({{0, 1}, {1, 2, 8}})->UseRealTime()->Unit(benchmark::kMillisecond);

/// Writes what the peer script needs: both networks and the 100 test images, HWC, as N x 784.
void export_fixture(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    Fixture& f = fixture();
    nn::save_network(dir / "small_cnn.safetensors", f.small);
    nn::save_network(dir / "tf_tutorial_cnn.safetensors", f.tf);
    write_npy(dir / "test_images.npy", Matrix(f.test.images.transpose()));
    write_npy(dir / "train_images.npy", Matrix(f.train.images.transpose()));
    Matrix labels(2, 640);
    labels.setZero();
    for (Index j = 0; j < 100; ++j) labels(0, j) = static_cast<float>(f.test.labels[static_cast<std::size_t>(j)]);
    for (Index j = 0; j < 640; ++j) labels(1, j) = static_cast<float>(f.train.labels[static_cast<std::size_t>(j)]);
    write_npy(dir / "labels.npy", labels);
    std::cout << "forward MACs: small " << bench::forward_macs(f.small) << ", tf_tutorial "
              << bench::forward_macs(f.tf) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<char*> rest{argv[0]};
    std::string export_dir;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            g_threads = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--export") == 0 && i + 1 < argc) {
            export_dir = argv[++i];
        } else {
            rest.push_back(argv[i]);
        }
    }
    if (!export_dir.empty()) {
        export_fixture(export_dir);
        return 0;
    }
    int rest_count = static_cast<int>(rest.size());
    benchmark::Initialize(&rest_count, rest.data());
    benchmark::AddCustomContext("smoothgrad_threads", std::to_string(g_threads));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
