#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Compares a map that smoothgrad-explain wrote (.npy, HWC float32) with PyTorch's, from a safetensors file
that tests/torch/make_fixtures.py wrote. Passes when max |a - b| / max |b| < 1e-5.

Usage: /usr/bin/python3 tests/cli/compare_map.py EXPECTED.safetensors KEY MAP.npy
"""

import pathlib
import sys
import importlib.util

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("fixture", ROOT / "scripts" / "make_pytorch_fixture.py")
_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixture)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    expected_path, key, map_path = sys.argv[1:]
    tensors = _fixture.read_safetensors(expected_path)[0]
    shape, values = tensors[key]
    expected = np.array(values, np.float32).reshape(shape)
    actual = np.load(map_path)
    if actual.dtype != np.float32 or actual.shape != expected.shape:
        sys.exit("compare_map: %s is %s %s, expected float32 %s" % (map_path, actual.dtype, actual.shape, expected.shape))
    error = float(np.abs(actual - expected).max() / np.abs(expected).max())
    print("compare_map: %s against PyTorch's %s: relative error %.3g" % (map_path, key, error))
    if not error < 1e-5:
        sys.exit("compare_map: relative error %.3g is not below 1e-5" % error)


if __name__ == "__main__":
    main()
