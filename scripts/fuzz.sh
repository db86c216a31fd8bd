#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and runs each for a bounded time,
# starting from its checked-in seed corpus. Fails on any crash, leak, timeout (> 10 s for one input) or
# memory use above 2 GB, leaving the input that caused it in <build>/fuzz-artifacts/; prints for each target
# how many inputs it ran.
# Usage: scripts/fuzz.sh [seconds-per-target]   (default 60; build folder: build-fuzz/, or $SMOOTHGRAD_FUZZ_BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
build_dir=${SMOOTHGRAD_FUZZ_BUILD_DIR:-build-fuzz}
cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSMOOTHGRAD_BUILD_FUZZERS=ON -DSMOOTHGRAD_BUILD_EXAMPLES=OFF -DSMOOTHGRAD_WERROR=ON >/dev/null
cmake --build "$build_dir" --target smoothgrad_fuzzers --parallel "$(nproc)"

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build_dir/fuzz-artifacts" "$build_dir/fuzz-logs"
summary=()
status=0
for source in tests/fuzz/*.fuzz.cpp; do
    name=$(basename "$source" .fuzz.cpp)
    # New inputs go to the first folder (in the build tree); the checked-in seeds are only read.
    corpus="$build_dir/fuzz-corpus/$name"
    log="$build_dir/fuzz-logs/$name.log"
    mkdir -p "$corpus"
    echo "fuzz.sh: running fuzz_$name for ${seconds} s"
    if "$build_dir/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$build_dir/fuzz-artifacts/$name-" \
        "$corpus" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
        result="ok"
    else
        result="FAILED (see $log)"
        status=1
        tail -n 40 "$log" >&2
    fi
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    summary+=("$(printf '%-12s %12s executions  %s' "$name" "${executions:-?}" "$result")")
done

echo "fuzz.sh: ${seconds} s per target"
printf '  %s\n' "${summary[@]}"
exit "$status"
