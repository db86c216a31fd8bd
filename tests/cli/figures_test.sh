#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# The paper's figure programs write the same bytes every run, with their text: each is run twice into
# separate folders and the PNGs compared. (docs/figures holds what scripts/figures.sh wrote; their last bits
# may differ on a CPU with other vector instructions, so the committed files are not the oracle here.)
# Usage: figures_test.sh BUILD_EXAMPLES_DIR WORKDIR PROGRAM...
set -euo pipefail
bin=$1 work=$2
shift 2
rm -rf "$work"
for program in "$@"; do
    for run in first second; do
        "$bin/$program" --out "$work/$run" >/dev/null || { echo "figures_test: $program failed" >&2; exit 1; }
    done
done
for file in "$work"/first/*.png; do
    cmp "$file" "$work/second/${file##*/}" || { echo "figures_test: ${file##*/} differs between two runs" >&2; exit 1; }
done
# The figures carry their text: with titles and a colour bar, a 5 x 7 grid of 112-pixel cells is taller
# than the bare grid (5 * 116 + 4 = 584 pixels).
height=$(/usr/bin/python3 -c "from PIL import Image; print(Image.open('$work/first/fig3_noise_level.png').size[1])")
[ "$height" -gt 584 ] || { echo "figures_test: fig3_noise_level.png is $height pixels high: no titles?" >&2; exit 1; }
echo "figures_test: $(ls "$work/first" | wc -l) files identical in two runs"
