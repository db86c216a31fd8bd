#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# The whole test suite, in three stages:
#   1. every test and example built with warnings as errors (Release) and run with ctest;
#   2. every test built with AddressSanitizer and UndefinedBehaviorSanitizer (-fno-sanitize-recover=all,
#      LeakSanitizer on) and run with ctest;
#   3. the libFuzzer targets, each for a bounded time (scripts/fuzz.sh).
# Usage: scripts/test.sh   (build folders: build-test/, build-asan/, build-fuzz/, or $SMOOTHGRAD_TEST_BUILD_DIR,
#        $SMOOTHGRAD_ASAN_BUILD_DIR, $SMOOTHGRAD_FUZZ_BUILD_DIR; seconds per fuzz target: $SMOOTHGRAD_FUZZ_SECONDS, 60)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc)
stage() { echo "test.sh: stage $1 done in $((SECONDS - stage_start)) s"; stage_start=$SECONDS; }
stage_start=$SECONDS

build_dir=${SMOOTHGRAD_TEST_BUILD_DIR:-build-test}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_WERROR=ON
cmake --build "$build_dir" --parallel "$jobs"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$jobs"
stage "1 (Release build and tests)"

# -O1 with minimal debug information (-g1: functions and line tables, enough for sanitizer stack traces)
# keeps the build and the run fast; NDEBUG stays undefined, so assertions (Eigen's included) are checked too.
asan_dir=${SMOOTHGRAD_ASAN_BUILD_DIR:-build-asan}
cmake -S . -B "$asan_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
    -DSMOOTHGRAD_SANITIZE=address,undefined -DSMOOTHGRAD_WERROR=ON -DSMOOTHGRAD_BUILD_EXAMPLES=OFF
cmake --build "$asan_dir" --parallel "$jobs"
# The compile-only (static:) and packaging (package:) tests build other code with other flags and ran in
# stage 1; everything that executes library code runs here.
ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$asan_dir" --output-on-failure --parallel "$jobs" --exclude-regex '^(static|package): '
stage "2 (ASan + UBSan build and tests)"

scripts/fuzz.sh "${SMOOTHGRAD_FUZZ_SECONDS:-60}"
stage "3 (fuzzing)"
