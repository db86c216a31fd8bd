#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Writes the shipped Fashion-MNIST model as a PyTorch module with named layers would save it: tensors
conv1.*, conv2.*, fc1.*, fc2.* instead of nn.Sequential's 0.*, 3.*, 7.*, 9.*, and no metadata, so that the
command line must be told the spec and the layer names.

Usage: /usr/bin/python3 tests/cli/named_layers.py MODEL.safetensors OUT.safetensors
"""

import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("fixture", ROOT / "scripts" / "make_pytorch_fixture.py")
_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixture)

NAMES = {"0": "conv1", "3": "conv2", "7": "fc1", "9": "fc2"}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tensors = _fixture.read_safetensors(sys.argv[1])[0]
    renamed = {}
    for name, value in tensors.items():
        layer, kind = name.split(".", 1)
        renamed[NAMES[layer] + "." + kind] = value
    out = pathlib.Path(sys.argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)  # the first test of a fresh build may run before the others
    _fixture.write_safetensors(out, renamed, None)


if __name__ == "__main__":
    main()
