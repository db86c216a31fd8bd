#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""XRAI's segmentation as scikit-image computes it, for tests/methods/segmentation.test.cpp: for each test
image, the image scaled to [-1, 1] and resized to 224 x 224 (transform.resize, cubic spline, anti-aliased),
Felzenszwalb's labels at PAIR saliency's six scales (sigma 0.8, min_size 150), and, for the small images,
the regions PAIR's XRAI ranks (labels brought back to the image's size by nearest neighbour, one mask per
label, dilated by a disk of radius 5). Written as float32 .npy files.

Usage: /usr/bin/python3 tests/methods/make_segmentation_fixtures.py OUT_DIR
"""

import pathlib
import sys

import numpy as np
from skimage import segmentation
from skimage.morphology import dilation, disk
from skimage.transform import resize

SCALES = [50, 100, 150, 250, 500, 1200]


def test_image(seed, height, width, channels):
    """Random 4 x 4 blocks with a little noise: segments of many sizes, few exact ties."""
    rng = np.random.default_rng(seed)
    blocks = np.kron(rng.random((height // 4 + 1, width // 4 + 1, channels)), np.ones((4, 4, 1)))[:height, :width]
    return (blocks + 0.05 * rng.random((height, width, channels))).astype(np.float32)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    # Enlarged (gray and colour) and shrunk with anti-aliasing.
    for name, (seed, h, w, c) in {"gray_28": (1, 28, 28, 1), "colour_40x30": (2, 40, 30, 3),
                                  "colour_300x260": (3, 300, 260, 3)}.items():
        image = test_image(seed, h, w, c)
        x = image.astype(np.float64)
        scaled = (x - x.min()) / (x.max() - x.min()) * 2.0 - 1.0
        resized = resize(scaled, (224, 224), order=3, mode="constant", preserve_range=True, anti_aliasing=True)
        labels, masks = [], []
        for scale in SCALES:
            seg = segmentation.felzenszwalb(resized, scale=scale, sigma=0.8, min_size=150)
            labels.append(seg)
            back = resize(seg, (h, w), order=0, preserve_range=True, mode="constant", anti_aliasing=False).astype(int)
            for label in range(back.min(), back.max() + 1):
                masks.append(dilation(back == label, footprint=disk(5)))
        np.save(out / (name + "_image.npy"), image)
        np.save(out / (name + "_resized.npy"), resized.astype(np.float32))
        np.save(out / (name + "_labels.npy"), np.stack(labels).astype(np.float32))
        if h * w <= 2000:  # the dilated masks of the small images; a large image's would take 100 MB
            np.save(out / (name + "_regions.npy"), np.stack(masks).astype(np.float32))
    print("make_segmentation_fixtures: wrote", out)


if __name__ == "__main__":
    main()
