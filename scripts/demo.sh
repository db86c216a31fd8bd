#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# The main demo: installs what is needed, builds smoothgrad-explain, explains real Fashion-MNIST test images
# with the shipped model by several methods with and without SmoothGrad, and writes a gallery to out/
# (out/index.html shows every method side by side; out/<method>/ holds each run's PNGs and page).
# Usage: scripts/demo.sh [first-last test images, default 0-11]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

images=${1:-0-11}
build_dir=${SMOOTHGRAD_DEMO_BUILD_DIR:-build-demo}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target smoothgrad-explain --parallel "$(nproc)"
explain="$build_dir/examples/smoothgrad-explain"
model=examples/models/fashion_mnist_cnn.safetensors
out=out
rm -rf "$out"
mkdir -p "$out"

# name | options: the plain methods and their SmoothGrad versions (n = 50, noise level 15 %); Grad-CAM at the
# second ReLU (layer 4, 14 x 14), expected gradients from the first 100 training images; XRAI and occlusion
# alone.
runs=(
    "vanilla|--method vanilla --smooth-samples 0"
    "smoothgrad|--method vanilla --smooth-samples 50 --noise-level 0.15"
    "integrated-gradients|--method integrated-gradients --smooth-samples 0"
    "smoothgrad-integrated-gradients|--method integrated-gradients --smooth-samples 50 --steps 20"
    "guided-backprop|--method guided-backprop --smooth-samples 0"
    "smoothgrad-guided-backprop|--method guided-backprop --smooth-samples 50"
    "blur-ig|--method blur-ig --smooth-samples 0"
    "smoothgrad-blur-ig|--method blur-ig --smooth-samples 50 --steps 20"
    "guided-ig|--method guided-ig --smooth-samples 0"
    "smoothgrad-guided-ig|--method guided-ig --smooth-samples 50 --steps 20"
    "expected-gradients|--method expected-gradients --baselines fashion-mnist-train:0-99 --draws 200"
    "smoothgrad-expected-gradients|--method expected-gradients --baselines fashion-mnist-train:0-99 --draws 10 --smooth-samples 50"
    "grad-cam|--method grad-cam --layer 4 --upsample"
    "smoothgrad-grad-cam|--method grad-cam --layer 4 --upsample --smooth-samples 50"
    "guided-grad-cam|--method guided-grad-cam --layer 4 --smooth-samples 0"
    "smoothgrad-guided-grad-cam|--method guided-grad-cam --layer 4 --smooth-samples 50"
    "xrai|--method xrai"
    "occlusion|--method occlusion --occlusion-size 5"
)
for run in "${runs[@]}"; do
    name=${run%%|*}
    read -r -a options <<<"${run#*|}"
    echo "== $name"
    mkdir -p "$out/$name"
    # --no-labels: the maps stay 28 x 28 for the side-by-side page below, whose table names the classes.
    "$explain" --model "$model" --fashion-mnist-index "$images" "${options[@]}" --gallery "$out/$name" --quiet \
        --no-labels >"$out/$name/log.txt"
    cat "$out/$name/log.txt"
done

# One page with every method side by side: a row per image, its predicted and true classes from the log.
{
    echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>smoothgrad demo</title>'
    echo '<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 8px;text-align:center;font-size:13px}'
    echo 'img{width:112px;height:112px;image-rendering:pixelated}</style></head><body>'
    echo "<h1>smoothgrad on Fashion-MNIST</h1><p>Model <code>$model</code>. Sensitivity maps of the predicted class:"
    echo 'each plain method beside its SmoothGrad version (n = 50, noise level 15 %), as in the paper&#39;s Fig. 5,'
    echo 'then XRAI and occlusion (5 x 5 window).'
    echo 'Maps show |map| capped at its 99th percentile; each column links to that run&#39;s own page.</p><table><tr><th>image</th>'
    for run in "${runs[@]}"; do name=${run%%|*}; echo "<th><a href=\"$name/index.html\">$name</a></th>"; done
    echo '</tr>'
    grep -E '^fashion-mnist-test-[0-9]+:' "$out/smoothgrad/log.txt" | while IFS= read -r line; do
        input=${line%%:*}
        predicted=$(sed -E 's/.*predicted [0-9]+ \(([^)]*)\).*/\1/' <<<"$line")
        truth=$(sed -E 's/.*true class [0-9]+ \(([^)]*)\).*/\1/' <<<"$line")
        echo "<tr><td><img src=\"smoothgrad/${input}_input.png\" alt=\"$input\"><br>true: $truth<br>predicted: $predicted</td>"
        for run in "${runs[@]}"; do
            name=${run%%|*}
            echo "<td><img src=\"$name/${input}_map.png\" alt=\"$name\"></td>"
        done
        echo '</tr>'
    done
    echo '</table></body></html>'
} >"$out/index.html"
echo "wrote $out/index.html ($(find "$out" -name '*.png' | wc -l) PNG files)"
