#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Checks that two maps smoothgrad-explain wrote (.npy) are close but not the same bits: passes when
0 < max |a - b| / max |b| < TOLERANCE, as for a map computed another way (--direct-convolutions) against the default.

Usage: /usr/bin/python3 tests/cli/near_maps.py A.npy B.npy TOLERANCE
"""

import sys

import numpy as np


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
    tolerance = float(sys.argv[3])
    if a.shape != b.shape or a.dtype != b.dtype:
        sys.exit(f"shapes or types differ: {a.shape} {a.dtype} against {b.shape} {b.dtype}")
    difference = float(np.abs(a - b).max() / np.abs(b).max())
    print(f"max |a - b| / max |b| = {difference:.3g}")
    if not 0 < difference < tolerance:
        sys.exit(f"expected a difference in (0, {tolerance}), got {difference:.3g}")


if __name__ == "__main__":
    main()
