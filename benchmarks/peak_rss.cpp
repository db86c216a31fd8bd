// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Peak resident memory of one SmoothGrad map, in a process of its own so that no other case counts:
//
//     smoothgrad_peak_rss small|tf SAMPLES [THREADS]
//
// prints `{"model": ..., "samples": N, "threads": T, "peak_rss_kib": K}`.
#include <sys/resource.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "common.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"

int main(int argc, char** argv) {
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
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::cout << "{\"model\": \"" << model << "\", \"samples\": " << samples << ", \"threads\": " << threads
              << ", \"peak_rss_kib\": " << usage.ru_maxrss << ", \"map_sum\": " << map.sum() << "}\n";
    return 0;
}
