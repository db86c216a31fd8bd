// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Work spread over a few threads, for the parts of the library whose results must not depend on the
/// thread count: callers give each worker a fixed share, so only the speed changes.

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

#include "smoothgrad/core/types.hpp"

namespace smoothgrad::detail {

/// The number of workers for `items` independent items under a thread setting: `threads`, or one per
/// hardware thread for 0, and never more than `items` (at least 1).
[[nodiscard]] inline Index worker_count(int threads, Index items) noexcept {
    const Index workers = threads > 0 ? threads : static_cast<Index>(std::thread::hardware_concurrency());
    return std::max<Index>(1, std::min(workers, items));
}

/// Runs work(worker) for worker = 0 .. workers - 1, worker 0 on the calling thread, the others on new
/// threads; rethrows the first exception (by worker number) after all have finished.
template <class Work>
void run_workers(Index workers, const Work& work) {
    if (workers <= 1) {
        work(Index{0});
        return;
    }
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(workers));
    const auto guarded = [&](Index worker) {
        try {
            work(worker);
        } catch (...) {
            errors[static_cast<std::size_t>(worker)] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(workers - 1));
    for (Index worker = 1; worker < workers; ++worker) threads.emplace_back(guarded, worker);
    guarded(0);
    for (auto& thread : threads) thread.join();
    for (const auto& error : errors)
        if (error) std::rethrow_exception(error);
}

}  // namespace smoothgrad::detail
