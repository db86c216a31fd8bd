#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Regenerates the paper's figures (Figs. 2-8 of Smilkov et al. 2017, on Fashion-MNIST) into docs/figures/:
# installs what is needed, builds the examples/paper_fig*.cpp programs and runs each of them.
# Fig. 6 uses the shipped network for 28x56 two-item images (examples/models/fashion_mnist_two_item_cnn.safetensors);
# run build-figures/examples/paper_fig6_discriminativity --retrain to train it again (about two minutes).
# Usage: scripts/figures.sh [output folder, default docs/figures]; each program's log goes to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

out=${1:-docs/figures}
build_dir=${SMOOTHGRAD_FIGURES_BUILD_DIR:-build-figures}
programs=(paper_fig2_gradient_fluctuation paper_fig3_noise_level paper_fig4_sample_size paper_fig5_methods
          paper_fig6_discriminativity paper_fig7_smoothgrad_on_methods paper_fig8_training_noise)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target "${programs[@]}" --parallel "$(nproc)"

start=$SECONDS
mkdir -p "$out"
for program in "${programs[@]}"; do
    echo "== $program"
    "$build_dir/examples/$program" --out "$out"
done
echo "figures written to $out/ in $((SECONDS - start)) s"
