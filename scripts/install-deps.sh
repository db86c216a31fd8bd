#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages that smoothgrad's build, tests and demo need; does nothing when all are there.
# Usage: scripts/install-deps.sh [extra-package ...]
set -euo pipefail

packages=(
    g++ cmake make pkg-config
    fonts-dejavu-core                              # the text of labelled figures (io/text.hpp)
    clang libclang-rt-14-dev  # libFuzzer for scripts/fuzz.sh
    libeigen3-dev catch2 libstb-dev zlib1g-dev nlohmann-json3-dev
    dataset-fashion-mnist
    libtorch-dev                                   # the TorchScript adapter (smoothgrad::torch)
    python3-torch python3-torchvision python3-numpy python3-pil libopenblas0-openmp  # exporting models, torch test fixtures
    python3-skimage                                # XRAI's segmentation is checked against scikit-image
    libssl-dev                                     # SHA-256 of model files in smoothgrad-explain's shard manifests
    slurm-wlm munge                                # the cluster test runs a private single-node Slurm
    emscripten chromium                            # the browser explorer (examples/web) and its tests
    "$@"
)
# The browser tests install puppeteer-core with npm. Node.js comes with emscripten (Debian's nodejs, or one
# already installed, such as NodeSource's, which brings its own npm); Debian's npm only where none is there.
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
fi
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
