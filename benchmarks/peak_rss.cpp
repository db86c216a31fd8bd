// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Peak resident memory of one SmoothGrad map, in a process of its own so that no other case counts:
//
//     smoothgrad_peak_rss small|tf SAMPLES [THREADS]
//
// prints `{"model": ..., "samples": N, "threads": T, "peak_rss_kib": K}`. And the memory of one large
// call (the input gradients of COLUMNS images), what the network keeps after it, and after
// release_workspaces():
//
//     smoothgrad_peak_rss --columns small|tf COLUMNS THREADS
//
// prints `{"model": ..., "columns": C, "threads": T, "seconds": s, "peak_rss_kib": K, "before_kib": B,
// "kept_kib": A, "released_kib": R, "finite": true}` (kept and released: resident memory after the call,
// less the result).
#include <sys/resource.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <string>

#include "common.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"

namespace {

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/// Resident memory now, from /proc/self/statm.
long rss_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * sysconf(_SC_PAGESIZE) / 1024;
}

int large_call(const std::string& model, smoothgrad::Index columns, int threads) {
    bench::Sequential net = bench::load_model(model);
    net.set_threads(threads);
    const smoothgrad::Dataset data = bench::images(smoothgrad::Split::test, 100);
    smoothgrad::Matrix batch(net.input_size(), columns);
    for (smoothgrad::Index j = 0; j < columns; ++j) batch.col(j) = data.images.col(j % 100);
    smoothgrad::Vector weights = smoothgrad::Vector::Zero(net.num_classes());
    weights[0] = 1.0f;
    const long before = rss_kib();
    const auto start = std::chrono::steady_clock::now();
    smoothgrad::Matrix gradients = net.gradients(batch, weights);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const long result_kib = static_cast<long>(gradients.size() * sizeof(float) / 1024);
    malloc_trim(0);  // what the allocator holds but nothing uses is not the network's
    const long kept = rss_kib() - before - result_kib;
    net.release_workspaces();
    malloc_trim(0);
    const long released = rss_kib() - before - result_kib;
    std::cout << "{\"model\": \"" << model << "\", \"columns\": " << columns << ", \"threads\": " << threads
              << ", \"seconds\": " << seconds << ", \"peak_rss_kib\": " << peak_rss_kib()
              << ", \"before_kib\": " << before << ", \"kept_kib\": " << kept << ", \"released_kib\": " << released
              << ", \"finite\": " << (gradients.allFinite() ? "true" : "false") << "}\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 5 && std::string(argv[1]) == "--columns")
        return large_call(argv[2], std::atoll(argv[3]), std::atoi(argv[4]));
    if (argc < 3) {
        std::cerr << "usage: smoothgrad_peak_rss small|tf SAMPLES [THREADS]\n";
        return 2;
    }
    const std::string model = argv[1];
    const int samples = std::atoi(argv[2]);
    const int threads = argc > 3 ? std::atoi(argv[3]) : 2;
    bench::Sequential net = bench::load_model(model);
    net.set_threads(threads);
    const smoothgrad::Dataset data = bench::images(smoothgrad::Split::test, 1);
    const smoothgrad::SmoothGrad method{.samples = samples, .noise_level = 0.15, .batch_size = 50};
    const smoothgrad::Vector map = method(net, data.images.col(0), data.labels[0]);
    std::cout << "{\"model\": \"" << model << "\", \"samples\": " << samples << ", \"threads\": " << threads
              << ", \"peak_rss_kib\": " << peak_rss_kib() << ", \"finite\": " << (map.allFinite() ? "true" : "false") << "}\n";
    return 0;
}
