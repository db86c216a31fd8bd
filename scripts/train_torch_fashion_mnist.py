#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Trains a small CNN (or a small ResNet) on Fashion-MNIST with PyTorch and saves its state_dict, for the
TorchScript adapter.

Reads the real Fashion-MNIST from gzipped IDX files (Debian's `dataset-fashion-mnist`, installed by
scripts/install-deps.sh), trains FashionCNN with Adam on one CPU core in well under two minutes, prints the
loss, test accuracy and elapsed time of each epoch, saves the state_dict and prints the command that turns it
into a TorchScript file with scripts/export_torchscript.py.

Usage:
  /usr/bin/python3 scripts/train_torch_fashion_mnist.py [--arch cnn|resnet] [--epochs N] [--batch-size N]
                                                         [--lr LR] [--seed S] [--threads N] [--data DIR] [--out FILE]

--arch resnet trains FashionResNet, a network built unlike the reference CNN (BatchNorm, residual additions,
stride-2 convolutions, global average pooling), for RESULTS.md's claim 10:
  /usr/bin/python3 scripts/train_torch_fashion_mnist.py --arch resnet --epochs 4 --threads 2 \
      --out examples/models/fashion_mnist_resnet.pth

The model takes [N, 1, 28, 28] pixels that were first scaled to [0, 1] and then normalized as
(x - 0.2860) / 0.3530. The normalization happens here, in the data preparation, and not in the module, since
the exporter records it as metadata and smoothgrad's C++ adapter applies it before calling the module.

This file is imported by the exporter (--module scripts/train_torch_fashion_mnist.py:FashionCNN, or
:FashionResNet), so importing it must do nothing but define the models and the constants: training only runs
under `__main__`.
"""

import argparse
import ctypes
import gzip
import math
import pathlib
import shlex
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DEFAULT_DATA = pathlib.Path("/usr/share/datasets/fashion-mnist")
DEFAULT_OUT = pathlib.Path("out/torch/fashion_cnn.pth")
# Pixel statistics of the Fashion-MNIST training set, after scaling to [0, 1].
MEAN = 0.2860
STD = 0.3530
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
# IDX magic numbers: 0x08 (unsigned byte) in the third byte, the number of dimensions in the fourth.
IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
PROGRAM = "train_torch_fashion_mnist"


class FashionCNN(nn.Module):
    """conv3x3(1->16) relu pool2, conv3x3(16->32) relu pool2, flatten, linear(1568->64) relu, linear(64->K).

    Input [N, 1, 28, 28], normalized pixels; output [N, num_classes] logits. The second activation is a
    functional F.relu in forward and the other two are nn.ReLU modules, on purpose: guided backprop in the C++
    adapter must handle a ReLU whether or not it is a module.
    """

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)   # 28x28x1  -> 28x28x16
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)                  # -> 14x14x16
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)  # -> 14x14x32, then F.relu
        self.pool2 = nn.MaxPool2d(2)                  # -> 7x7x32
        self.flatten = nn.Flatten()                   # -> 1568, in CHW order
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(64, num_classes)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        return self.fc2(self.relu3(self.fc1(self.flatten(x))))


def fail(message):
    """Exits with status 1 and one line on stderr."""
    sys.exit("%s: %s" % (PROGRAM, message))


def read_idx(path, magic):
    """The array in a gzipped IDX file of unsigned bytes, after checking its magic number and size."""
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as e:
        fail("cannot read %s: %s" % (path, e))
    if len(data) < 4:
        fail("%s: %d bytes, too short for an IDX header" % (path, len(data)))
    (found,) = struct.unpack(">I", data[:4])
    if found != magic:
        fail("%s: IDX magic number %d, expected %d" % (path, found, magic))
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        fail("%s: %d bytes, too short for an IDX header of %d dimensions" % (path, len(data), ndim))
    dims = struct.unpack(">%dI" % ndim, data[4:header])
    if len(data) - header != math.prod(dims):
        fail("%s: the header's dimensions %s need %d bytes of data, the file holds %d"
             % (path, "x".join(map(str, dims)), math.prod(dims), len(data) - header))
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def load_split(data_dir, split):
    """(images [N, 28, 28] uint8, labels [N] uint8) of one split, checked against each other."""
    images_name, labels_name = FILES[split]
    images = read_idx(data_dir / images_name, IMAGES_MAGIC)
    labels = read_idx(data_dir / labels_name, LABELS_MAGIC)
    if images.shape[1:] != (28, 28):
        fail("%s: images are %s, expected 28x28" % (data_dir / images_name, "x".join(map(str, images.shape[1:]))))
    if len(images) != len(labels):
        fail("%s holds %d images but %s holds %d labels"
             % (data_dir / images_name, len(images), data_dir / labels_name, len(labels)))
    if len(labels) and labels.max() >= len(CLASS_NAMES):
        fail("%s: label %d, expected 0..%d" % (data_dir / labels_name, labels.max(), len(CLASS_NAMES) - 1))
    return images, labels


def check_data_dir(data_dir):
    missing = [name for pair in FILES.values() for name in pair if not (data_dir / name).is_file()]
    if missing:
        fail("Fashion-MNIST not found: %s has no %s; run scripts/install-deps.sh (it installs Debian's "
             "dataset-fashion-mnist) or pass --data DIR" % (data_dir, ", ".join(missing)))


def to_tensors(images, labels):
    """uint8 images -> [N, 1, 28, 28] float32 in [0, 1], normalized with MEAN and STD; labels -> int64."""
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    x = (x - MEAN) / STD
    return x, torch.from_numpy(labels.astype(np.int64))


class ResidualBlock(nn.Module):
    """conv3x3(stride) BN relu, conv3x3 BN, plus the input (through a 1x1 stride-s conv and BN where the shape
    changes), relu: the basic block of He et al. (2016)."""

    def __init__(self, channels_in, channels_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(channels_in, channels_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels_out)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(channels_out, channels_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels_out)
        self.relu2 = nn.ReLU()
        self.shortcut = nn.Sequential()
        if stride != 1 or channels_in != channels_out:
            self.shortcut = nn.Sequential(nn.Conv2d(channels_in, channels_out, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(channels_out))

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.relu2(y + self.shortcut(x))


class FashionResNet(nn.Module):
    """A small ResNet: conv3x3(1->16) BN relu, a residual block at 28x28x16, one with stride 2 to 14x14x32, one
    with stride 2 to 7x7x64, global average pooling, linear(64->K). About 78 000 parameters.

    Input [N, 1, 28, 28], normalized pixels as for FashionCNN; output [N, num_classes] logits.
    """

    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.stage1 = ResidualBlock(16, 16, 1)
        self.stage2 = ResidualBlock(16, 32, 2)
        self.stage3 = ResidualBlock(32, 64, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        x = self.stage3(self.stage2(self.stage1(self.stem(x))))
        return self.fc(self.flatten(self.pool(x)))


ARCHITECTURES = {"cnn": FashionCNN, "resnet": FashionResNet}


def keep_freed_memory():
    """Keeps the memory of freed tensors in the process instead of returning it to the kernel at once.

    glibc hands large blocks out as fresh mmap pages and unmaps them on free, so every batch page-faults all of
    its activations again; measured on this machine, that made training about three times slower. Raising the
    mmap and trim thresholds lets malloc reuse the pages. Only glibc has mallopt; elsewhere this does nothing.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 1 << 30)
        libc.mallopt(m_trim_threshold, 1 << 30)
    except (OSError, AttributeError):
        pass


def accuracy(model, x, y, batch_size=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            correct += (model(x[start:start + batch_size]).argmax(dim=1) == y[start:start + batch_size]).sum().item()
    model.train()
    return correct / len(x)


def shown_path(path):
    """path relative to the working directory when it is below it, so the printed command stays short."""
    path = pathlib.Path(path).resolve()
    try:
        return str(path.relative_to(pathlib.Path.cwd()))
    except ValueError:
        return str(path)


def export_command(weights, arch):
    here = pathlib.Path(__file__).resolve().parent
    out = pathlib.Path(weights).with_suffix(".pt")
    words = ["/usr/bin/python3", shown_path(here / "export_torchscript.py"),
             "--module", shown_path(pathlib.Path(__file__)) + ":" + ARCHITECTURES[arch].__name__,
             "--weights", shown_path(weights),
             "--input-size", "28x28x1", "--mean", "%.4f" % MEAN, "--std", "%.4f" % STD,
             "--classes", ",".join(CLASS_NAMES),
             "--out", shown_path(out)]
    return " ".join(shlex.quote(word) for word in words)


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer, got %s" % text)
    return value


def positive_float(text):
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError("must be a positive number, got %s" % text)
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="cnn",
                        help="cnn: FashionCNN (default); resnet: FashionResNet")
    parser.add_argument("--epochs", type=positive_int, default=2, help="passes over the training set (default 2)")
    parser.add_argument("--batch-size", type=positive_int, default=64, help="default 64")
    parser.add_argument("--lr", type=positive_float, default=1e-3, help="Adam's learning rate (default 1e-3)")
    parser.add_argument("--seed", type=int, default=0, help="seeds torch and numpy (default 0)")
    parser.add_argument("--threads", type=positive_int, default=1,
                        help="torch threads (default 1: this small CNN's batches are too small to gain from more, "
                             "and extra OpenMP threads slow it down several times on a busy machine)")
    parser.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA,
                        help="folder with the four gzipped IDX files (default %s)" % DEFAULT_DATA)
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT, help="default %s" % DEFAULT_OUT)
    args = parser.parse_args()

    started = time.perf_counter()
    keep_freed_memory()
    # Debian's torch starts with a single thread.
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    check_data_dir(args.data)
    x_train, y_train = to_tensors(*load_split(args.data, "train"))
    x_test, y_test = to_tensors(*load_split(args.data, "test"))
    print("fashion-mnist %s: %d training and %d test images; %s, torch %s, threads %d, seed %d"
          % (args.data, len(x_train), len(x_test), ARCHITECTURES[args.arch].__name__, torch.__version__,
             torch.get_num_threads(), args.seed))

    model = ARCHITECTURES[args.arch]()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    generator = torch.Generator().manual_seed(args.seed)
    test_accuracy = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        total_loss = 0.0
        for start in range(0, len(x_train), args.batch_size):
            batch = order[start:start + args.batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch)
        test_accuracy = accuracy(model, x_test, y_test)
        print("epoch %d/%d: loss %.4f, test accuracy %.2f %%, %.1f s"
              % (epoch, args.epochs, total_loss / len(x_train), 100 * test_accuracy, time.perf_counter() - started),
              flush=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out)
    print("saved %s (test accuracy %.1f %%)" % (args.out, 100 * test_accuracy))
    print("export it to TorchScript with:")
    print("  " + export_command(args.out, args.arch))


if __name__ == "__main__":
    main()
