#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Writes the fuzzers' seed corpora (corpus/<target>/): a few small valid files and near-valid ones.

Usage: python3 tests/fuzz/make_corpus.py   (standard library only; rewrites the generated seeds)

The image corpus also holds copies of tests/data/images/*.png and image/jpeg_8x8_rgb, an 8x8 JPEG that
stb_image_write (stbi_write_jpg, quality 90) encoded once; this script does not regenerate it, nor the
`regression_*` seeds, inputs on which a fuzzer once found a bug (kept so that the bug stays fixed). The idx and
image fuzzers read a leading mode byte before the file (see their sources), which the seeds carry.
"""
import json
import pathlib
import struct
import zlib

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
IMAGES = HERE.parent / "data" / "images"


def write(target, name, data):
    path = CORPUS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def safetensors(entries, buffer, metadata=None):
    header = dict(entries)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + buffer


def f32(values):
    return struct.pack("<%df" % len(values), *values)


def idx(sizes, data):
    return bytes([0, 0, 8, len(sizes)]) + b"".join(struct.pack(">I", s) for s in sizes) + data


def gzip_bytes(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def npy(header, data, version=1):
    text = header.encode()
    prefix_len = 10 if version == 1 else 12
    text += b" " * (-(prefix_len + len(text) + 1) % 64) + b"\n"
    length = struct.pack("<H", len(text)) if version == 1 else struct.pack("<I", len(text))
    return b"\x93NUMPY" + bytes([version, 0]) + length + text + data


def main():
    # safetensors: a network that load_network accepts, other dtypes, and near misses.
    dense = safetensors(
        {"0.weight": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, 48]},
         "0.bias": {"dtype": "F32", "shape": [3], "data_offsets": [48, 60]}},
        f32([0.5 * i for i in range(15)]), {"spec": "input 4; dense 3", "classes": "a,b,c"})
    write("safetensors", "dense_network", dense)
    write("safetensors", "conv_network", safetensors(
        {"0.weight": {"dtype": "F32", "shape": [2, 1, 3, 3], "data_offsets": [0, 72]},
         "0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [72, 80]},
         "4.weight": {"dtype": "F32", "shape": [2, 8], "data_offsets": [80, 144]},
         "4.bias": {"dtype": "F32", "shape": [2], "data_offsets": [144, 152]}},
        f32([0.1 * i for i in range(38)]),
        {"spec": "input 4x4x1; conv 3x3x2 same; relu; maxpool 2; flatten; dense 2"}))
    write("safetensors", "dtypes", safetensors(
        {"h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
         "b": {"dtype": "BF16", "shape": [2], "data_offsets": [4, 8]},
         "d": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]},
         "s": {"dtype": "F32", "shape": [], "data_offsets": [16, 20]},
         "e": {"dtype": "F32", "shape": [0, 3], "data_offsets": [20, 20]}},
        struct.pack("<2e", 1.5, -2.0) + struct.pack("<2H", 0x3F80, 0xFF80) + struct.pack("<d", 1e300) + f32([7.0])))
    write("safetensors", "overlap", safetensors(
        {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
         "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, bytes(12)))
    write("safetensors", "huge_shape", safetensors(
        {"a": {"dtype": "F32", "shape": [1000000, 1000000], "data_offsets": [0, 4]}}, bytes(4)))
    write("safetensors", "long_header_length", struct.pack("<Q", 1 << 40) + b"{}")

    # idx: mode byte 0 = as is, 1 = gzip before writing; bits 1-3 = read limit.
    labels = idx([6], bytes([0, 1, 2, 9, 4, 5]))
    images = idx([2, 3, 3], bytes(range(18)))
    write("idx", "labels_raw", b"\x00" + labels)
    write("idx", "images_raw", b"\x00" + images)
    write("idx", "images_gzip_by_harness", b"\x01" + images)
    write("idx", "images_limit_1", b"\x02" + images)
    write("idx", "labels_gzip_file", b"\x00" + gzip_bytes(labels))
    write("idx", "images_truncated", b"\x00" + images[:-5])
    write("idx", "matrix_2d_gzip_limit", b"\x05" + idx([4, 2], bytes(8)))

    # npy: versions 1.0 and 2.0, scalar, empty, and a malformed header.
    write("npy", "vector", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f32([1, 2, 3])))
    write("npy", "matrix_v2", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
                                  f32([1, -2, 3.5, 0]), version=2))
    write("npy", "scalar", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f32([4])))
    write("npy", "empty", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", b""))
    write("npy", "bad_shape", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3 }", bytes(24)))
    write("npy", "float64", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", bytes(8)))

    # image: mode byte = requested channels (0 to 4).
    for channels, png in enumerate(sorted(IMAGES.glob("*.png"))):
        write("image", png.stem, bytes([channels]) + png.read_bytes())
    write("image", "gray_pgm", b"\x00P5\n3 2\n255\n" + bytes([0, 50, 100, 150, 200, 250]))
    write("image", "rgb_ppm_to_gray", b"\x01P6\n2 1\n255\n" + bytes([255, 0, 0, 0, 0, 255]))
    row = bytes([0, 0, 255, 0, 255, 0]) + bytes(2)  # two BGR pixels, padded to 4 bytes
    bmp_pixels = row * 2
    bmp = (b"BM" + struct.pack("<IHHI", 54 + len(bmp_pixels), 0, 0, 54) +
           struct.pack("<IiiHHIIiiII", 40, 2, 2, 1, 24, 0, len(bmp_pixels), 2835, 2835, 0, 0) + bmp_pixels)
    write("image", "bmp_2x2", b"\x03" + bmp)


if __name__ == "__main__":
    main()
