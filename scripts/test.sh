#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# The whole test suite: installs what is needed, builds every test and example with warnings as errors,
# and runs ctest. Usage: scripts/test.sh   (build folder: build-test/, or $SMOOTHGRAD_TEST_BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

build_dir=${SMOOTHGRAD_TEST_BUILD_DIR:-build-test}
jobs=$(nproc)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_WERROR=ON
cmake --build "$build_dir" --parallel "$jobs"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$jobs"
