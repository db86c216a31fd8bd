// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Reuse of LibTorch's large CPU blocks across a model's calls.
///
/// LibTorch's CPU allocator hands every block back to glibc's malloc, which returns blocks above its mmap
/// threshold (at most 32 MiB) to the kernel at once and trims its heap's top. A ResNet-50 batch of 50 is made
/// of many such blocks, so each batch of SmoothGrad got its activations as fresh pages that the kernel
/// zeroes first: 3-4 million page faults per map of 50 samples, more than half its time (measured on a
/// 2-core EPYC; see BENCHMARKS.md). BlockCache keeps the blocks freed during a TorchScriptModel's calls,
/// keyed by their exact size, and hands them out again to the next call, which asks for the same sizes.
///
/// Bounds: blocks are cached only while a call runs on the thread that allocated them (the interpreter and
/// autograd's CPU work run there). A cached block that the last `stale_after_calls` calls did not use is
/// freed when the next call begins, so the cache holds the working sets of the last few calls: repeated calls
/// of one batch size (SmoothGrad's) settle on one call's set of blocks, and a call with another batch size
/// (a scores() call between two gradient calls) does not push the others' blocks out. The cache is emptied
/// when the last model that uses it is destroyed. Outside calls, and for blocks under `min_cached_bytes`,
/// every allocation goes to the allocator that was installed before, unchanged.

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace smoothgrad::detail {

/// A c10 CPU allocator that wraps the one installed before it and caches large blocks during model calls.
class BlockCache final : public c10::Allocator {
public:
    /// Blocks under this size are left to malloc, which keeps them in its heap anyway.
    static constexpr std::size_t min_cached_bytes = std::size_t{1} << 18;
    /// A cached block that this many calls in a row did not use is freed.
    static constexpr std::uint64_t stale_after_calls = 4;

    /// The process's cache, installed as LibTorch's CPU allocator on first use. Immortal: tensors made
    /// through it may outlive every static destructor.
    [[nodiscard]] static BlockCache& instance() {
        static BlockCache* const cache = [] {
            auto* created = new BlockCache(c10::GetCPUAllocator());
            c10::SetCPUAllocator(created, /*priority=*/0);
            return created;
        }();
        return *cache;
    }

    /// While alive, this thread's allocations of at least min_cached_bytes come from the cache.
    class CallScope {
    public:
        CallScope() {
            if (depth()++ == 0) instance().begin_call();
        }
        ~CallScope() { --depth(); }
        CallScope(const CallScope&) = delete;
        CallScope& operator=(const CallScope&) = delete;
    };

    /// Keeps the cache filled while alive; the last one to go empties it. Each model holds one.
    class Lease {
    public:
        Lease() { instance().add_lease(); }
        Lease(const Lease&) : Lease() {}
        Lease& operator=(const Lease&) noexcept { return *this; }
        ~Lease() { instance().remove_lease(); }
    };

    [[nodiscard]] c10::DataPtr allocate(std::size_t bytes) const override {
        if (depth() == 0 || bytes < min_cached_bytes) return fallback_->allocate(bytes);
        return take(bytes);
    }

    /// oneDNN allocates through raw_allocate, which needs the context to be the data pointer.
    [[nodiscard]] c10::DeleterFnPtr raw_deleter() const override { return &give_back; }

    /// Bytes held in the cache, not in use (for tests and diagnostics).
    [[nodiscard]] std::size_t cached_bytes() const {
        const std::lock_guard lock(mutex_);
        return cached_bytes_;
    }

    /// Whether LibTorch uses this cache: an allocator installed with a higher priority before ours wins.
    [[nodiscard]] bool installed() const { return c10::GetCPUAllocator() == this; }

private:
    explicit BlockCache(c10::Allocator* fallback) : fallback_(fallback) {}

    static int& depth() noexcept {
        thread_local int calls = 0;
        return calls;
    }

    /// A block of `bytes`: a cached one of exactly that size, or a new one.
    c10::DataPtr take(std::size_t bytes) const {
        const std::lock_guard lock(mutex_);
        c10::DataPtr block;
        if (auto found = free_blocks_.find(bytes); found != free_blocks_.end()) {
            block = std::move(found->second.back().block);
            found->second.pop_back();
            if (found->second.empty()) free_blocks_.erase(found);
            cached_bytes_ -= bytes;
        } else {
            block = fallback_->allocate(bytes);
        }
        void* const data = block.get();
        handed_out_.emplace(data, HandedOut{std::move(block), bytes});
        return {data, data, &give_back, c10::Device(c10::DeviceType::CPU)};
    }

    /// Counts a call and frees the cached blocks given back before the last stale_after_calls calls began.
    void begin_call() const {
        const std::lock_guard lock(mutex_);
        ++calls_;
        for (auto size = free_blocks_.begin(); size != free_blocks_.end();) {
            auto& blocks = size->second;  // oldest first
            const auto fresh = std::find_if(blocks.begin(), blocks.end(), [&](const Cached& cached) {
                return cached.call + stale_after_calls >= calls_;
            });
            cached_bytes_ -= size->first * static_cast<std::size_t>(fresh - blocks.begin());
            blocks.erase(blocks.begin(), fresh);
            size = blocks.empty() ? free_blocks_.erase(size) : std::next(size);
        }
    }

    /// The deleter of every block: one of ours goes back to the cache (or to the wrapped allocator when no
    /// model is left); one that raw_allocate passed through goes to the wrapped allocator's raw deleter.
    static void give_back(void* data) { instance().keep(data); }

    void keep(void* data) const {
        std::unique_lock lock(mutex_);
        const auto found = handed_out_.find(data);
        if (found == handed_out_.end()) {
            lock.unlock();
            fallback_->raw_deleter()(data);
            return;
        }
        HandedOut block = std::move(found->second);
        handed_out_.erase(found);
        if (leases_ == 0) return;  // `block` goes back to the wrapped allocator
        free_blocks_[block.bytes].push_back({std::move(block.block), calls_});
        cached_bytes_ += block.bytes;
    }

    void add_lease() const {
        const std::lock_guard lock(mutex_);
        ++leases_;
    }

    void remove_lease() const {
        std::map<std::size_t, std::vector<Cached>> released;
        {
            const std::lock_guard lock(mutex_);
            if (--leases_ > 0) return;
            released.swap(free_blocks_);
            cached_bytes_ = 0;
        }
    }  // `released` frees its blocks here, outside the lock

    /// A block in use: the wrapped allocator's DataPtr, kept to be cached or freed when the tensor goes.
    struct HandedOut {
        c10::DataPtr block;
        std::size_t bytes;
    };

    /// A block in the cache, with the call during which it was given back.
    struct Cached {
        c10::DataPtr block;
        std::uint64_t call;
    };

    c10::Allocator* fallback_;
    mutable std::mutex mutex_;
    mutable std::unordered_map<void*, HandedOut> handed_out_;
    mutable std::map<std::size_t, std::vector<Cached>> free_blocks_;  // per size, oldest first
    mutable std::size_t cached_bytes_ = 0;
    mutable std::uint64_t calls_ = 0;  // calls begun, on any thread
    mutable int leases_ = 0;
};

}  // namespace smoothgrad::detail
