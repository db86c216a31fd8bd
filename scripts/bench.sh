#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Installs what the benchmarks need, builds them and writes BENCHMARKS.md: smoothgrad against PyTorch on
# the two CNNs (benchmarks/peer_pytorch.py), then SmoothGrad through the LibTorch adapter on ResNet-50
# against Python PyTorch (benchmarks/peer_torch_models.py). Run it on a quiet machine: about 55 minutes
# (the ResNet-50 part 36 of them; --no-torch-models skips it and keeps its section of BENCHMARKS.md).
#
#     scripts/bench.sh [--rounds N] [--threads T] [--no-torch-models]
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
threads=2
torch_models=1
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds|--threads)
            [ $# -ge 2 ] || { echo "bench.sh: $1 needs a value" >&2; exit 2; }
            if [ "$1" = --rounds ]; then rounds="$2"; else threads="$2"; fi
            shift 2 ;;
        --no-torch-models) torch_models=0; shift ;;
        *) echo "bench.sh: unknown option $1 (use --rounds N, --threads T, --no-torch-models)" >&2; exit 2 ;;
    esac
done

scripts/install-deps.sh libbenchmark-dev
build=build-bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_BENCHMARKS=ON \
    -DSMOOTHGRAD_BUILD_TESTS=OFF -DSMOOTHGRAD_BUILD_EXAMPLES=OFF
targets=(smoothgrad_benchmarks smoothgrad_peak_rss)
if [ "$torch_models" = 1 ]; then
    # The LibTorch program exists where CMake found LibTorch (install-deps.sh installs it).
    if cmake --build "$build" --target help | grep -q smoothgrad_torch_smooth_grad; then
        targets+=(smoothgrad_torch_smooth_grad)
    else
        echo "bench.sh: LibTorch not found: the ResNet-50 comparison is left out" >&2
        torch_models=0
    fi
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

/usr/bin/python3 benchmarks/peer_pytorch.py --binary "$build/benchmarks" --rounds "$rounds" --threads "$threads"
if [ "$torch_models" = 1 ]; then
    /usr/bin/python3 benchmarks/peer_torch_models.py --binary "$build/benchmarks" --rounds "$rounds" \
        --threads "$threads" --update BENCHMARKS.md
fi
echo "bench.sh: wrote BENCHMARKS.md"
