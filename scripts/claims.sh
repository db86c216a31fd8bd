#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# The claims experiment: installs what is needed, builds examples/paper_claims.cpp and measures the paper's
# claims 1-6 on 500 Fashion-MNIST test images with the shipped models; writes RESULTS.md and the plots in
# docs/results/ (about 40 minutes on 2 cores, 8 of them for the six claims). With --open-questions it runs
# examples/paper_open_questions/ instead: claims 7-11, the paper's open questions, with the penalized
# models of scripts/train-claims-models.sh (about 8 minutes). Each rewrites only its own part of RESULTS.md.
# Extra arguments go to the program, e.g. --quick (16 images, under a minute, written to claims-quick/) or
# --count N.
# Usage: scripts/claims.sh [--open-questions] [program options]
set -euo pipefail
cd "$(dirname "$0")/.."

program=paper_claims
if [[ ${1:-} == --open-questions ]]; then
    program=paper_open_questions
    shift
fi

scripts/install-deps.sh

build_dir=${SMOOTHGRAD_CLAIMS_BUILD_DIR:-build-claims}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target "$program" --parallel "$(nproc)"
"$build_dir/examples/$program" "$@"
