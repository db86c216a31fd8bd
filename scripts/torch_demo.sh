#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# A real PyTorch model explained from C++, in the three steps of README's "Explaining your PyTorch model":
# trains a small CNN on Fashion-MNIST with Debian's PyTorch, exports it as TorchScript with its metadata,
# and explains test images with smoothgrad-explain (guided backprop and vanilla gradients, each with
# SmoothGrad) into galleries under out/torch/.
# Usage: scripts/torch_demo.sh [first-last test images, default 0-11]   (a trained model is reused; delete
#        out/torch/fashion_cnn.pth to train again)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

images=${1:-0-11}
out=out/torch
build_dir=${SMOOTHGRAD_DEMO_BUILD_DIR:-build-demo}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target smoothgrad-explain --parallel "$(nproc)"
mkdir -p "$out"

# 1. Train (or bring your own state_dict).
if [ ! -f "$out/fashion_cnn.pth" ]; then
    /usr/bin/python3 scripts/train_torch_fashion_mnist.py --out "$out/fashion_cnn.pth"
fi
# 2. Export: TorchScript with the input size, normalization and class names in its smoothgrad.json.
/usr/bin/python3 scripts/export_torchscript.py --module scripts/train_torch_fashion_mnist.py:FashionCNN \
    --weights "$out/fashion_cnn.pth" --input-size 28x28x1 --mean 0.2860 --std 0.3530 \
    --classes 'T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot' --out "$out/fashion_cnn.pt"
# 3. Explain.
for method in guided-backprop vanilla; do
    "$build_dir/examples/smoothgrad-explain" --model "$out/fashion_cnn.pt" --fashion-mnist-index "$images" \
        --method "$method" --smooth-samples 50 --gallery "$out/$method" --quiet | tee "$out/$method.log"
done
echo "torch_demo: wrote $out/guided-backprop/index.html and $out/vanilla/index.html"
