#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Builds the browser explorer: installs what is needed (scripts/install-deps.sh --web, Emscripten among it),
# compiles the library to WebAssembly and puts the page together with the shipped model and the
# Fashion-MNIST test set in build-web/web/. Open it with any static web server, e.g.
#     cd build-web/web && python3 -m http.server 8000      then browse to http://localhost:8000
# (a page opened as a file:// cannot start its Web Worker). --serve does that after building.
# Usage: scripts/web.sh [--serve [PORT]]   (build folder: build-web/, or $SMOOTHGRAD_WEB_BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

serve=false
port=8000
if [ "${1:-}" = "--serve" ]; then
    serve=true
    port=${2:-8000}
elif [ $# -gt 0 ]; then
    echo "usage: scripts/web.sh [--serve [PORT]]" >&2
    exit 2
fi

scripts/install-deps.sh --web

build_dir=${SMOOTHGRAD_WEB_BUILD_DIR:-build-web}
# A missing Emscripten is an error here, not a quietly skipped page.
SMOOTHGRAD_REQUIRE_WEB=build cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target smoothgrad_web --parallel "$(nproc)"
site="$build_dir/web"
echo "web.sh: the explorer is in $site/; serve it with: cd $site && python3 -m http.server $port"
if $serve; then
    echo "web.sh: serving on http://localhost:$port (Ctrl-C stops)"
    exec /usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site"
fi
