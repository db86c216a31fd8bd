# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Compares the "maps" tensors of two safetensors files written by smoothgrad-explain's data-set mode.

    compare_maps.py same A B      the same dtype, shape and bits (the files' metadata may differ)
    compare_maps.py float16 A B   B (F16) holds A's (F32) maps rounded to nearest, as numpy rounds
Exits 1 with the reason on stderr otherwise.
"""
import json
import struct
import sys

import numpy as np


def read_maps(path):
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    entry = json.loads(data[8:8 + length])["maps"]
    begin, end = entry["data_offsets"]
    dtype = {"F32": "<f4", "F16": "<f2"}[entry["dtype"]]
    return np.frombuffer(data[8 + length + begin:8 + length + end], dtype=dtype).reshape(entry["shape"])


def main(mode, first, second):
    a, b = read_maps(first), read_maps(second)
    if mode == "same":
        if a.dtype != b.dtype or a.shape != b.shape or a.tobytes() != b.tobytes():
            sys.exit(f"{first} ({a.dtype}, {a.shape}) and {second} ({b.dtype}, {b.shape}) hold different maps")
    elif mode == "float16":
        if a.dtype != np.float32 or b.dtype != np.float16 or not np.array_equal(a.astype(np.float16), b):
            sys.exit(f"{second} does not hold {first}'s maps rounded to float16")
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(*sys.argv[1:])
