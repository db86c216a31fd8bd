#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Writes the small PNG fixtures of tests/io/image.test.cpp into tests/data/images/.

The PNGs are encoded here from the PNG specification with only zlib and struct, so that the C++ reader
is checked against an encoder that is not stb's. The pixel values are the ones the test expects:
change both together. Run from anywhere: python3 scripts/make_test_images.py
"""
import pathlib
import struct
import zlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "images"

# PNG colour types: 0 gray, 2 RGB, 4 gray + alpha, 6 RGBA.
CHANNELS_OF_COLOR_TYPE = {0: 1, 2: 3, 4: 2, 6: 4}


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, color_type: int, rows: list, bit_depth: int = 8) -> bytes:
    """rows: one list of samples per row, channels interleaved; each row gets filter type 0 (none)."""
    sample = ">H" if bit_depth == 16 else ">B"
    raw = b"".join(b"\x00" + b"".join(struct.pack(sample, v) for v in row) for row in rows)
    assert all(len(row) == width * CHANNELS_OF_COLOR_TYPE[color_type] for row in rows) and len(rows) == height
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # 3 wide, 2 high, RGB: pixel (y, x) = (10 * (3y + x), 100 + y, 255 - x).
    rgb_rows = [[v for x in range(3) for v in (10 * (3 * y + x), 100 + y, 255 - x)] for y in range(2)]
    (OUT / "rgb_3x2.png").write_bytes(png(3, 2, 2, rgb_rows))
    # 2x2 gray: 0, 64 / 128, 255.
    (OUT / "gray_2x2.png").write_bytes(png(2, 2, 0, [[0, 64], [128, 255]]))
    # 2 wide, 1 high, RGBA: (255, 0, 0, 255) and (0, 0, 255, 51).
    (OUT / "rgba_2x1.png").write_bytes(png(2, 1, 6, [[255, 0, 0, 255, 0, 0, 255, 51]]))
    # 2 wide, 1 high, 16-bit gray: 0x1234 and 0xFFFF; an 8-bit reader keeps the high byte (0x12, 0xFF).
    (OUT / "gray16_2x1.png").write_bytes(png(2, 1, 0, [[0x1234, 0xFFFF]], bit_depth=16))


if __name__ == "__main__":
    main()
