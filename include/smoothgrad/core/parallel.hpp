// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Work spread over a few threads, for the parts of the library whose results must not depend on the
/// thread count: callers give each worker a fixed share, so only the speed changes.
///
/// The threads are persistent (ThreadPool::shared()), not created per call: a call on a small batch
/// costs a wake-up, not a thread start. A caller never only waits: it runs worker 0 and then takes any
/// share no pool thread has started, so calls from the user's own threads, or from inside a share, make
/// progress even when every pool thread is busy, and never multiply the threads (cores x cores).

#include <algorithm>
#include <atomic>
#include <cfenv>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "smoothgrad/core/types.hpp"

namespace smoothgrad {

/// Persistent worker threads that run the shares of parallel calls. Threads are started on first need
/// and kept until the pool is destroyed. A share runs in the caller's floating-point environment
/// (rounding mode, and flush-to-zero where fenv_t holds it, as glibc's does on x86), whichever thread
/// takes it, so results do not depend on which thread ran what.
///
///     ThreadPool pool;
///     pool.run(4, [&](Index worker) { sum[worker] = work_on(worker); });   // 4 shares, caller runs one
class ThreadPool {
public:
    ThreadPool() = default;
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;
    ~ThreadPool() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (auto& thread : threads_) thread.join();
    }

    /// The pool the library uses: one per process, created on first use.
    [[nodiscard]] static ThreadPool& shared() {
        static ThreadPool pool;
        return pool;
    }

    /// Runs work(worker) for worker = 0 .. workers - 1 and returns when all have finished; worker 0 runs
    /// on the calling thread. The pool grows to workers - 1 threads if it has fewer. Rethrows the first
    /// exception by worker number.
    template <class Work>
    void run(Index workers, const Work& work) {
        if (workers <= 1) {
            work(Index{0});
            return;
        }
        Job job(workers, &work, [](const void* context, Index worker) { (*static_cast<const Work*>(context))(worker); });
        {
            std::unique_lock lock(mutex_);
            try {
                while (threads_.size() < static_cast<std::size_t>(workers - 1))
                    threads_.emplace_back([this] { serve(); });
            } catch (const std::system_error&) {
                // No more threads to be had: the shares run on those there are, and here.
            }
            spin_ = threads_.size() < std::thread::hardware_concurrency();
            queue_.push_back(&job);
            queued_.fetch_add(1, std::memory_order_release);
        }
        for (Index woken = 1; woken < workers; ++woken) wake_.notify_one();
        job.execute(0);
        Index ran_here = 1;
        // Help: the shares no pool thread has taken yet run here.
        for (Index worker; (worker = job.claim()) < workers; ++ran_here) job.execute(worker);
        std::unique_lock lock(mutex_);
        dequeue(&job);
        job.completed += ran_here;
        job.finished.wait(lock, [&] { return job.completed == job.workers; });
        lock.unlock();
        job.rethrow();
    }

    /// Threads started so far (the caller's thread is not counted).
    [[nodiscard]] std::size_t size() const {
        const std::lock_guard lock(mutex_);
        return threads_.size();
    }

private:
    /// One call of run(): its shares are claimed by number, so each runs exactly once.
    struct Job {
        using Call = void (*)(const void*, Index);
        Job(Index count, const void* context, Call call)
            : workers(count), context_(context), call_(call), errors_(static_cast<std::size_t>(count)) {
            std::fegetenv(&environment);
        }

        [[nodiscard]] Index claim() noexcept { return next_.fetch_add(1, std::memory_order_relaxed); }
        void execute(Index worker) noexcept {
            try {
                call_(context_, worker);
            } catch (...) {
                errors_[static_cast<std::size_t>(worker)] = std::current_exception();
            }
        }
        void rethrow() const {
            for (const auto& error : errors_)
                if (error) std::rethrow_exception(error);
        }

        const Index workers;
        std::fenv_t environment{};  ///< the caller's floating-point environment, for every share
        Index completed = 0;  ///< shares finished (by pool threads, then the caller's), under the pool's mutex
        std::condition_variable finished;

    private:
        const void* context_;
        Call call_;
        std::atomic<Index> next_{1};  ///< share 0 is the caller's
        std::vector<std::exception_ptr> errors_;
    };

    void dequeue(Job* job) {
        if (std::erase(queue_, job) > 0) queued_.fetch_sub(1, std::memory_order_relaxed);
    }

    /// Waits briefly without sleeping for a job: a sleeping thread wakes tens of microseconds after
    /// notify, by which time a caller with a short share has taken this thread's share too. Only when
    /// the pool does not oversubscribe the cores, where a spinning thread would take a core from work.
    void spin_for_work(std::unique_lock<std::mutex>& lock) {
        if (!queue_.empty() || !spin_) return;
        lock.unlock();
        for (int round = 0; round < spin_rounds && queued_.load(std::memory_order_acquire) == 0; ++round)
            std::this_thread::yield();
        lock.lock();
    }

    void serve() {
        std::unique_lock lock(mutex_);
        for (;;) {
            spin_for_work(lock);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            Job* job = queue_.front();
            const Index worker = job->claim();
            if (worker >= job->workers) {  // every share is taken: the job leaves the queue
                dequeue(job);
                continue;
            }
            lock.unlock();
            std::fenv_t own;
            std::fegetenv(&own);
            std::fesetenv(&job->environment);
            job->execute(worker);
            std::fesetenv(&own);
            lock.lock();
            if (++job->completed == job->workers) job->finished.notify_all();
        }
    }

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job*> queue_;
    std::atomic<Index> queued_{0};  ///< queue_.size(), readable without the mutex while spinning
    static constexpr int spin_rounds = 2000;
    bool spin_ = true;
    std::vector<std::thread> threads_;
    bool stopping_ = false;
};

namespace detail {

/// The number of workers for `items` independent items under a thread setting: `threads`, or one per
/// hardware thread for 0, never more than `items`, and at most one per `min_items_per_worker` items
/// (a thread must get enough work to pay for waking it); at least 1.
[[nodiscard]] inline Index worker_count(int threads, Index items, Index min_items_per_worker = 1) noexcept {
    const Index workers = threads > 0 ? threads : static_cast<Index>(std::thread::hardware_concurrency());
    const Index affordable = min_items_per_worker > 1 ? items / min_items_per_worker : items;
    return std::max<Index>(1, std::min({workers, items, affordable}));
}

/// Runs work(worker) for worker = 0 .. workers - 1 on the shared pool, worker 0 on the calling thread;
/// rethrows the first exception (by worker number) after all have finished.
template <class Work>
void run_workers(Index workers, const Work& work) {
    ThreadPool::shared().run(workers, work);
}

}  // namespace detail
}  // namespace smoothgrad
