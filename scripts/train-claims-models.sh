#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Trains the models of RESULTS.md's claims 7-10 into examples/models/:
# - claims 7-9: the shipped small CNN's recipe (10 epochs, seed 1) with a penalty on the input gradient,
#   ||g||^2 or the neighbour differences, at lambda = 0.0001, 0.001 and 0.01:
#   fashion_mnist_cnn_{norm,neighbour}_penalty_<lambda>.safetensors (about 5 minutes each on 2 cores);
# - claim 10: a small ResNet trained with PyTorch and exported to TorchScript, fashion_mnist_resnet.pt
#   (about 15 minutes).
# Usage: scripts/train-claims-models.sh [--weights "0.0001 0.001 0.01"] [--no-penalties] [--no-resnet] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

weights="0.0001 0.001 0.01"
out=examples/models
penalties=1
resnet=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --weights) weights="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --no-penalties) penalties=0; shift ;;
        --no-resnet) resnet=0; shift ;;
        *) echo "train-claims-models.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done

scripts/install-deps.sh
mkdir -p "$out"

if [[ $penalties == 1 ]]; then
    build_dir=${SMOOTHGRAD_TRAIN_BUILD_DIR:-build-train}
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_TESTS=OFF >/dev/null
    cmake --build "$build_dir" --target train_fashion_mnist --parallel "$(nproc)"
    for penalty in squared-norm neighbour-differences; do
        short=neighbour
        [[ $penalty == squared-norm ]] && short=norm
        for weight in $weights; do
            "$build_dir/examples/train_fashion_mnist" --epochs 10 --seed 1 --penalty "$penalty" \
                --penalty-weight "$weight" --out "$out/fashion_mnist_cnn_${short}_penalty_${weight}.safetensors"
        done
    done
fi

if [[ $resnet == 1 ]]; then
    weights_file=$(mktemp --suffix .pth)
    trap 'rm -f "$weights_file"' EXIT
    /usr/bin/python3 scripts/train_torch_fashion_mnist.py --arch resnet --epochs 4 --threads "$(nproc)" --seed 1 \
        --out "$weights_file"
    /usr/bin/python3 scripts/export_torchscript.py --module scripts/train_torch_fashion_mnist.py:FashionResNet \
        --weights "$weights_file" --input-size 28x28x1 --mean 0.2860 --std 0.3530 \
        --classes 'T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot' \
        --out "$out/fashion_mnist_resnet.pt"
fi
