#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Trains the models of RESULTS.md's claims 7-9: the shipped small CNN's recipe (10 epochs, seed 1) with a
# penalty on the input gradient, ||g||^2 or the neighbour differences, at lambda = 0.0001, 0.001 and 0.01.
# Writes examples/models/fashion_mnist_cnn_{norm,neighbour}_penalty_<lambda>.safetensors (about 5 minutes
# each on 2 cores).
# Usage: scripts/train-penalty-models.sh [--weights "0.0001 0.001 0.01"] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

weights="0.0001 0.001 0.01"
out=examples/models
while [[ $# -gt 0 ]]; do
    case "$1" in
        --weights) weights="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) echo "train-penalty-models.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done

scripts/install-deps.sh
build_dir=${SMOOTHGRAD_TRAIN_BUILD_DIR:-build-train}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target train_fashion_mnist --parallel "$(nproc)"

for penalty in squared-norm neighbour-differences; do
    short=neighbour
    [[ $penalty == squared-norm ]] && short=norm
    for weight in $weights; do
        "$build_dir/examples/train_fashion_mnist" --epochs 10 --seed 1 --penalty "$penalty" --penalty-weight "$weight" \
            --out "$out/fashion_mnist_cnn_${short}_penalty_${weight}.safetensors"
    done
done
