#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages that smoothgrad's build, tests and demo need; does nothing when all are there.
# --web installs only what building the browser explorer needs (scripts/web.sh).
# Usage: scripts/install-deps.sh [--web] [extra-package ...]
set -euo pipefail

web_only=false
if [ "${1:-}" = "--web" ]; then
    web_only=true
    shift
fi

# The library, its file formats, the examples (smoothgrad-explain hashes model files with OpenSSL) and
# Fashion-MNIST.
build=(g++ cmake make pkg-config libeigen3-dev libstb-dev zlib1g-dev nlohmann-json3-dev libssl-dev dataset-fashion-mnist)
if $web_only; then
    packages=("${build[@]}" emscripten "$@")
else
    packages=(
        "${build[@]}" catch2
        fonts-dejavu-core                              # the text of labelled figures (io/text.hpp)
        clang libclang-rt-14-dev  # libFuzzer for scripts/fuzz.sh
        libtorch-dev                                   # the TorchScript adapter (smoothgrad::torch)
        python3-torch python3-torchvision python3-numpy python3-pil libopenblas0-openmp  # exporting models, torch test fixtures
        python3-skimage                                # XRAI's segmentation is checked against scikit-image
        slurm-wlm munge                                # the cluster test runs a private single-node Slurm
        emscripten chromium                            # the browser explorer (examples/web) and its tests
        "$@"
    )
fi

# Root or sudo is asked for only when something is missing.
as_root=()
updated=false
install() {
    echo "install-deps: installing $*"
    if ! $updated; then
        if [ "$(id -u)" -ne 0 ]; then
            command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install $*" >&2; exit 1; }
            as_root=(sudo)
        fi
        "${as_root[@]}" apt-get update -qq
        updated=true
    fi
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    install "${missing[@]}"
fi

# The browser tests install puppeteer-core with npm. It is looked for once Node.js is there (emscripten
# brings Debian's, unless one was installed already): NodeSource's Node.js brings its own npm and conflicts
# with Debian's, which is installed only where no npm is found.
if ! $web_only && ! command -v npm >/dev/null; then
    install npm
fi
