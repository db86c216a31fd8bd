#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# The whole test suite, in three stages:
#   1. every test and example built with warnings as errors (Release) and run with ctest (the browser
#      explorer too: compiled to WebAssembly and driven in headless Chromium); then the tests
#      that check bit-identity across batch widths and threads again, with a consumer of the umbrella
#      header, built with -march=native, x86-64-v4 (AVX-512) and x86-64-v3 (AVX2), run where the CPU can;
#   2. every test built with AddressSanitizer and UndefinedBehaviorSanitizer (-fno-sanitize-recover=all,
#      LeakSanitizer on) and run with ctest;
#   3. the libFuzzer targets, each for a bounded time (scripts/fuzz.sh).
# Usage: scripts/test.sh   (build folders: build-test/, build-arch/, build-asan/, build-fuzz/, or
#        $SMOOTHGRAD_TEST_BUILD_DIR, $SMOOTHGRAD_ARCH_BUILD_DIR, $SMOOTHGRAD_ASAN_BUILD_DIR, $SMOOTHGRAD_FUZZ_BUILD_DIR;
#        seconds per fuzz target: $SMOOTHGRAD_FUZZ_SECONDS, 60)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc)
# install-deps.sh installed Fashion-MNIST: the tests that read it must run, not skip ...
export SMOOTHGRAD_REQUIRE_FASHION_MNIST=1
# ... and scikit-image, which XRAI's segmentation is compared with ...
export SMOOTHGRAD_REQUIRE_SCIKIT_IMAGE=1
# ... and Emscripten, Node.js and Chromium: the browser explorer is built and tested, not skipped.
export SMOOTHGRAD_REQUIRE_WEB=1
stage() { echo "test.sh: stage $1 done in $((SECONDS - stage_start)) s"; stage_start=$SECONDS; }
stage_start=$SECONDS

build_dir=${SMOOTHGRAD_TEST_BUILD_DIR:-build-test}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_WERROR=ON
cmake --build "$build_dir" --parallel "$jobs"
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error --parallel "$jobs"
stage "1 (Release build and tests)"

# The bit-identity across batch widths and thread counts must also hold where the compiler may fuse
# multiply-adds and use wider vectors (-march=native, as README recommends): the kernels and the tests that
# compare results bit for bit, and a consumer of the umbrella header, built with warnings as errors for
# this CPU and for the AVX-512 and AVX2 levels (x86-64-v4, x86-64-v3) whatever this CPU is, so that code
# which breaks one instruction set's build fails here on every machine. Each is run where the CPU can.
arch_dir=${SMOOTHGRAD_ARCH_BUILD_DIR:-build-arch}
native_tests=(nn.determinism nn.layers.kernels nn.layers.conv2d nn.layers.pooling nn.layers.dense nn.sequential
              methods.smooth_grad)
native_targets=("${native_tests[@]//./_}")
mkdir -p "$arch_dir"
cpu_runs() {  # cpu_runs x86-64-v4: whether this CPU runs code built for that level, as GCC's runtime sees it
    [ "$1" = native ] && return 0
    echo "int main() { __builtin_cpu_init(); return __builtin_cpu_supports(\"$1\") ? 0 : 1; }" |
        c++ -x c++ - -o "$arch_dir/cpu_supports" || { echo "test.sh: cannot build the CPU probe" >&2; exit 1; }
    "$arch_dir/cpu_supports"
}
for arch in native x86-64-v4 x86-64-v3; do
    dir="$arch_dir/$arch"
    flags="-march=$arch"
    cmake -S . -B "$dir/library" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=$flags" -DSMOOTHGRAD_WERROR=ON \
        -DSMOOTHGRAD_BUILD_EXAMPLES=OFF
    cmake --build "$dir/library" --parallel "$jobs" --target "${native_targets[@]/#/test_}"
    # A user's program with the user's flags: -Werror applies to everything it compiles.
    cmake -S tests/package/consumer -B "$dir/consumer" -DCMAKE_BUILD_TYPE=Release -DCONSUMER_USE_SUBDIRECTORY=ON \
        "-DSMOOTHGRAD_SOURCE_DIR=$PWD" "-DCMAKE_CXX_FLAGS=$flags -Wall -Wextra -Wpedantic -Werror"
    cmake --build "$dir/consumer" --parallel "$jobs"
    if cpu_runs "$arch"; then
        # Catch2's test discovery drops the space after the prefix: the names read "nn.determinism:a column's ...".
        ctest --test-dir "$dir/library" --output-on-failure --no-tests=error --parallel "$jobs" \
            --tests-regex "^($(IFS='|'; echo "${native_tests[*]}")):"
        "$dir/consumer/consumer"
    else
        echo "test.sh: built for -march=$arch; not run, this CPU does not support it"
    fi
done
stage "1b (the bit-identity tests and a consumer built for -march=native, x86-64-v4 and x86-64-v3)"

# -O1 with minimal debug information (-g1: functions and line tables, enough for sanitizer stack traces)
# keeps the build and the run fast; NDEBUG stays undefined, so assertions (Eigen's included) are checked too.
asan_dir=${SMOOTHGRAD_ASAN_BUILD_DIR:-build-asan}
cmake -S . -B "$asan_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
    -DSMOOTHGRAD_SANITIZE=address,undefined -DSMOOTHGRAD_WERROR=ON -DSMOOTHGRAD_BUILD_EXAMPLES=OFF
cmake --build "$asan_dir" --parallel "$jobs"
# The compile-only (static:) and packaging (package:) tests build other code with other flags and ran in
# stage 1; everything that executes library code runs here.
# The TorchScript adapter's tests run here too, with LibTorch uninstrumented: tests/lsan.supp says why
# LibTorch's own allocations are exempt from leak checks.
ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$asan_dir" --output-on-failure --no-tests=error --parallel "$jobs" \
    --exclude-regex '^(static|package): '
stage "2 (ASan + UBSan build and tests)"

scripts/fuzz.sh "${SMOOTHGRAD_FUZZ_SECONDS:-60}"
stage "3 (fuzzing)"
