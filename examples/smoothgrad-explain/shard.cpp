// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "shard.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "../command_line.hpp"

namespace explain {
namespace {

/// An environment variable as a non-negative integer; nullopt when unset.
std::optional<Index> environment_index(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr) return std::nullopt;
    const auto value = command_line::parse_number<Index>(who, std::string("--shard auto: ") + name, text);
    detail::require(value >= 0 && value < max_shards, who, "--shard auto: ", name, " must be in [0, ", max_shards,
                    "), got ", value);
    return value;
}

}  // namespace

std::string shard_stem(const Shard& shard) {
    std::array<char, 64> name{};
    std::snprintf(name.data(), name.size(), "shard-%05ld-of-%05ld", static_cast<long>(shard.index),
                  static_cast<long>(shard.count));
    return name.data();
}

std::pair<Index, Index> shard_range(const Shard& shard, Index total) {
    // index < count <= max_shards (2^20) and total < 2^31 inputs: the products fit in 64 bits.
    return {shard.index * total / shard.count, (shard.index + 1) * total / shard.count};
}

Shard resolve_shard(const Options& options) {
    if (!options.shard_auto) return options.shard.value_or(Shard{});
    if (const auto task = environment_index("SLURM_ARRAY_TASK_ID")) {
        // With --shard-count, array indices are shard indices: a failed task resubmitted alone
        // (sbatch --array=2) is still shard 2 of N.
        if (options.shard_count) {
            detail::require(*task < *options.shard_count, who, "--shard auto: SLURM_ARRAY_TASK_ID=", *task,
                            " is not below --shard-count ", *options.shard_count);
            return {*task, *options.shard_count};
        }
        const auto count = environment_index("SLURM_ARRAY_TASK_COUNT");
        const Index min = environment_index("SLURM_ARRAY_TASK_MIN").value_or(0);
        const auto max = environment_index("SLURM_ARRAY_TASK_MAX");
        detail::require(count.has_value() && *count >= 1, who,
                        "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
        detail::require(!max || *max - min + 1 == *count, who, "--shard auto: the Slurm array must be one range without ",
                        "steps, such as --array=0-3 (tasks ", min, " to ", max.value_or(0), " are ", *count,
                        " tasks), or give --shard-count N");
        detail::require(*task >= min && *task - min < *count, who, "--shard auto: SLURM_ARRAY_TASK_ID=", *task,
                        " is outside the array's ", min, " to ", min + *count - 1);
        return {*task - min, *count};
    }
    if (const auto index = environment_index("JOB_COMPLETION_INDEX")) {
        detail::require(options.shard_count.has_value(), who, "--shard auto with Kubernetes' JOB_COMPLETION_INDEX needs ",
                        "--shard-count N (the Job's completions)");
        detail::require(*index < *options.shard_count, who, "--shard auto: JOB_COMPLETION_INDEX=", *index,
                        " is not below --shard-count ", *options.shard_count);
        return {*index, *options.shard_count};
    }
    throw argument_error(detail::message(who, "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm array task) nor ",
                                         "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard K/N"));
}

}  // namespace explain
