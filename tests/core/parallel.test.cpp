// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/core/parallel.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cfenv>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace smoothgrad;

TEST_CASE("a pool runs every share exactly once, the first on the caller's thread", "[core][parallel]") {
    ThreadPool pool;
    CHECK(pool.size() == 0);  // no thread before it is needed
    for (const Index workers : {Index{1}, Index{2}, Index{5}, Index{16}}) {
        std::vector<std::atomic<int>> runs(static_cast<std::size_t>(workers));
        std::thread::id first;
        pool.run(workers, [&](Index worker) {
            runs[static_cast<std::size_t>(worker)].fetch_add(1);
            if (worker == 0) first = std::this_thread::get_id();
        });
        for (const auto& count : runs) CHECK(count.load() == 1);
        CHECK(first == std::this_thread::get_id());
    }
    CHECK(pool.size() == 15);  // grown to the largest call's workers - 1, and kept
    pool.run(3, [](Index) {});
    CHECK(pool.size() == 15);
}

TEST_CASE("a pool rethrows the first exception by worker number after every share has run",
          "[core][parallel]") {
    ThreadPool pool;
    std::atomic<int> finished{0};
    const auto failing = [&](Index worker) {
        if (worker == 2 || worker == 3) throw std::runtime_error("share " + std::to_string(worker));
        finished.fetch_add(1);
    };
    CHECK_THROWS_WITH(pool.run(5, failing), "share 2");
    CHECK(finished.load() == 3);
    // The pool still works afterwards.
    std::atomic<int> runs{0};
    pool.run(4, [&](Index) { runs.fetch_add(1); });
    CHECK(runs.load() == 4);
}

TEST_CASE("calls from inside a share and from many threads at once finish without extra threads",
          "[core][parallel]") {
    ThreadPool pool;
    std::atomic<int> inner_runs{0};
    pool.run(4, [&](Index) { pool.run(4, [&](Index) { inner_runs.fetch_add(1); }); });
    CHECK(inner_runs.load() == 16);
    CHECK(pool.size() == 3);  // nested calls reuse the pool's threads (and their callers), never cores x cores

    // The caller's own threads, each asking for 3 shares: the callers help, so all finish.
    std::atomic<int> runs{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < 6; ++t)
        callers.emplace_back([&] {
            for (int call = 0; call < 50; ++call) pool.run(3, [&](Index) { runs.fetch_add(1); });
        });
    for (auto& caller : callers) caller.join();
    CHECK(runs.load() == 6 * 50 * 3);
    CHECK(pool.size() == 3);
}

TEST_CASE("every share runs in the caller's floating-point environment", "[core][parallel]") {
    ThreadPool pool;
    pool.run(4, [](Index) {});  // the threads exist before the caller changes its rounding
    const int before = std::fegetround();
    REQUIRE(std::fesetround(FE_UPWARD) == 0);
    std::vector<int> modes(4, -1);
    pool.run(4, [&](Index worker) { modes[static_cast<std::size_t>(worker)] = std::fegetround(); });
    std::fesetround(before);
    for (const int mode : modes) CHECK(mode == FE_UPWARD);
}

TEST_CASE("worker_count gives a thread at least the minimum number of items", "[core][parallel]") {
    CHECK(detail::worker_count(4, 100) == 4);
    CHECK(detail::worker_count(4, 3) == 3);
    CHECK(detail::worker_count(4, 0) == 1);
    CHECK(detail::worker_count(8, 100, 30) == 3);
    CHECK(detail::worker_count(8, 20, 30) == 1);
    CHECK(detail::worker_count(2, 1000, 30) == 2);
    CHECK(detail::worker_count(0, 1) == 1);
    CHECK(detail::worker_count(0, 1 << 20) == static_cast<Index>(std::max(1u, std::thread::hardware_concurrency())));
}
