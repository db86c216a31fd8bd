#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Exports a PyTorch image classifier to a TorchScript file that smoothgrad's LibTorch adapter can load.

The model is a torchvision architecture (--arch) or the user's own module (--module FILE.py:NAME, where NAME
is a class or a function in FILE.py called with no arguments, or with num_classes= under --num-classes). It
gets the weights of a state_dict file (--weights) or keeps random ones, is put in eval mode, checked on a
random batch, traced or scripted, written, loaded back and checked again against the eager model.

Usage:
  /usr/bin/python3 scripts/export_torchscript.py (--arch NAME | --module FILE.py:NAME) --input-size HxWxC
      --out FILE [--weights FILE] [--num-classes N] [--mean M[,M,M]] [--std S[,S,S]]
      [--classes A,B,... | --classes @FILE] [--mode trace|script]

Example, the CNN that scripts/train_torch_fashion_mnist.py trains:
  /usr/bin/python3 scripts/export_torchscript.py --module scripts/train_torch_fashion_mnist.py:FashionCNN \\
      --weights out/torch/fashion_cnn.pth --input-size 28x28x1 --mean 0.2860 --std 0.3530 \\
      --classes @classes.txt --out out/torch/fashion_cnn.pt

The written module takes float NCHW input [N, C, H, W] of the given size and returns logits [N, K]. It does
not normalize: --mean and --std describe the (x - mean) / std that the C++ adapter applies to pixels in
[0, 1] before calling it, and are stored, with the rest, as JSON in the TorchScript extra file
"smoothgrad.json":

  {"format": "smoothgrad-torchscript", "version": 1, "input_size": [H, W, C], "mean": [C floats],
   "std": [C floats], "classes": [K strings] (only with --classes), "architecture": "resnet18" or
   "FILE.py:NAME" (the file's name without its folder), "random_weights": true|false}

A model whose eager output is a tuple (or whose scripted forward returns one, as torchvision's Inception3
does) is wrapped so that the file returns the first element, the logits. Random weights and the random check
inputs come from torch's generator seeded with 0, so the same command writes the same model. --module adds the
file's folder to the front of sys.path, as running the file would, so it can import its neighbours.
"""

import argparse
import importlib.util
import inspect
import json
import math
import os
import pathlib
import re
import sys
import warnings

PROGRAM = "export_torchscript"
ARCHITECTURES = ("resnet18", "resnet50", "vgg16", "mobilenet_v2", "inception_v3")
FORMAT = "smoothgrad-torchscript"
VERSION = 1
EXTRA_FILE = "smoothgrad.json"
# Largest |exported - eager| allowed, relative to the largest |eager| output.
TOLERANCE = 1e-4
SEED = 0
# How many missing or unexpected state_dict keys an error message names.
SHOWN_KEYS = 4


def fail(message):
    """Exits with status 1 and the message, as one line, on stderr."""
    sys.exit("%s: %s" % (PROGRAM, " ".join(str(message).split())))


def first_line(error):
    """The first non-empty line of an exception's message, for one-line errors (torch's run to many lines)."""
    for line in str(error).splitlines():
        if line.strip():
            return line.strip()
    return type(error).__name__


def last_line(error):
    """The last non-empty line of an exception's message: a TorchScript error ends with the Python-level one."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def parse_input_size(text):
    match = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)\s*", text)
    sizes = tuple(int(g) for g in match.groups()) if match else ()
    if len(sizes) != 3 or 0 in sizes:
        fail("--input-size must be HxWxC with positive integers, e.g. 224x224x3; got %r" % text)
    return sizes


def parse_floats(option, text, channels):
    """One value or one per channel, comma-separated; a single value is repeated for every channel."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        fail("%s must be numbers separated by commas, e.g. 0.485,0.456,0.406; got %r" % (option, text))
    if len(values) not in (1, channels):
        expected = "1" if channels == 1 else "1 or %d (one per channel of --input-size)" % channels
        fail("%s has %d values, expected %s; got %r" % (option, len(values), expected, text))
    if not all(math.isfinite(v) for v in values):
        fail("%s values must be finite, got %r" % (option, text))
    return values * channels if len(values) == 1 else values


def parse_classes(text):
    """A comma-separated list, or @FILE with one name per line (blank lines are skipped)."""
    if text.startswith("@"):
        path = pathlib.Path(text[1:])
        try:
            names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError) as e:
            fail("--classes %s: cannot read %s: %s" % (text, path, e))
        names = [name for name in names if name]
        if not names:
            fail("--classes %s: %s holds no class names" % (text, path))
        return names
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        fail("--classes has an empty name in %r (for names with commas use @FILE, one name a line)" % text)
    return names


def import_module_file(spec_text):
    """The module and name of --module FILE.py:NAME, the file imported by path."""
    path_text, colon, name = spec_text.rpartition(":")
    if not colon or not path_text or not name:
        fail("--module must be FILE.py:NAME, e.g. scripts/train_torch_fashion_mnist.py:FashionCNN; got %r"
             % spec_text)
    path = pathlib.Path(path_text)
    if not path.is_file():
        fail("--module %s: no such file %s" % (spec_text, path))
    stem = re.sub(r"\W", "_", path.stem)
    # A file named like a module that is already loaded (torch.py, json.py) must not replace it.
    module_name = stem if stem.isidentifier() and stem not in sys.modules else "smoothgrad_user_" + stem
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        fail("--module %s: cannot import %s as Python" % (spec_text, path))
    module = importlib.util.module_from_spec(spec)
    # torch.jit.script finds a class's source through sys.modules, so the module must be registered there.
    sys.modules[module_name] = module
    sys.path.insert(0, str(path.resolve().parent))
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        fail("--module %s: importing %s failed: %s: %s" % (spec_text, path, type(e).__name__, first_line(e)))
    if not hasattr(module, name):
        fail("--module %s: %s defines no %r" % (spec_text, path, name))
    return path, name, getattr(module, name)


def accepts_num_classes(factory):
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "num_classes" and p.kind != p.POSITIONAL_ONLY or p.kind == p.VAR_KEYWORD
               for p in parameters)


def build_model(args):
    """(model, architecture name for the metadata)."""
    from torch import nn

    if args.arch:
        import torchvision

        num_classes = 1000 if args.num_classes is None else args.num_classes
        kwargs = {"weights": None, "num_classes": num_classes}
        if args.arch == "inception_v3":
            kwargs.update(aux_logits=False, init_weights=True)
        return getattr(torchvision.models, args.arch)(**kwargs), args.arch

    path, name, factory = import_module_file(args.module)
    architecture = "%s:%s" % (path.name, name)
    if not callable(factory):
        fail("--module %s: %s is of type %s, not a class or a function" % (args.module, name,
                                                                          type(factory).__name__))
    kwargs = {}
    if args.num_classes is not None:
        if not accepts_num_classes(factory):
            fail("--module %s: --num-classes given, but %s takes no num_classes= argument" % (args.module, name))
        kwargs["num_classes"] = args.num_classes
    try:
        model = factory(**kwargs)
    except Exception as e:
        fail("--module %s: %s(%s) failed: %s: %s" % (args.module, name, "".join("%s=%r" % kv for kv in kwargs.items()),
                                                     type(e).__name__, first_line(e)))
    if not isinstance(model, nn.Module):
        fail("--module %s: %s() returned a %s, expected a torch.nn.Module" % (args.module, name, type(model).__name__))
    return model, architecture


def load_weights(model, path, architecture):
    """Loads a state_dict file into model; any key or shape mismatch is a one-line error naming the file."""
    import torch

    if not path.is_file():
        fail("--weights %s: no such file" % path)
    with open(path, "rb") as f:
        magic = f.read(4)
    # torch.save writes a zip archive, or before PyTorch 1.6 a pickle (protocol 2 starts with 0x80).
    if not (magic == b"PK\x03\x04" or magic[:1] == b"\x80"):
        fail("--weights %s: not a file written by torch.save (it starts with %r)" % (path, magic))
    try:
        # weights_only: a state_dict needs no arbitrary unpickling, and a whole pickled model is refused.
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:
        message = " ".join(str(e).split())
        if "WeightsUnpickler error:" in message:
            fail("--weights %s: holds Python objects other than tensors (%s); save model.state_dict() instead"
                 % (path, message.split("WeightsUnpickler error:", 1)[1].strip()))
        fail("--weights %s: torch.load failed: %s" % (path, first_line(e)))
    if isinstance(loaded, dict):
        for key in ("state_dict", "model"):
            if isinstance(loaded.get(key), dict):
                loaded = loaded[key]
                break
    if not isinstance(loaded, dict) or not loaded or not all(isinstance(v, torch.Tensor) for v in loaded.values()):
        kind = "an empty dict" if isinstance(loaded, dict) and not loaded else type(loaded).__name__
        fail("--weights %s: expected a state_dict (names -> tensors), or a dict with one under 'state_dict' or "
             "'model'; found %s" % (path, kind))
    # Saved from a DataParallel or DistributedDataParallel wrapper.
    state = {(k[len("module."):] if k.startswith("module.") else k): v for k, v in loaded.items()}

    expected = model.state_dict()
    # BatchNorm's step counter is missing from old checkpoints and does not change an eval-mode forward.
    missing = [k for k in expected if k not in state and not k.endswith("num_batches_tracked")]
    unexpected = [k for k in state if k not in expected]
    shapes = ["%s %s vs %s" % (k, list(state[k].shape), list(expected[k].shape))
              for k in expected if k in state and state[k].shape != expected[k].shape]
    problems = []
    for one, many, keys in (("missing key", "missing keys", missing),
                            ("unexpected key", "unexpected keys", unexpected),
                            ("shape mismatch (file vs model)", "shape mismatches (file vs model)", shapes)):
        if keys:
            more = ", ..." if len(keys) > SHOWN_KEYS else ""
            problems.append("%d %s (%s%s)" % (len(keys), one if len(keys) == 1 else many,
                                              ", ".join(keys[:SHOWN_KEYS]), more))
    if problems:
        fail("--weights %s does not fit %s: %s" % (path, architecture, "; ".join(problems)))
    model.load_state_dict(state, strict=False)


def first_output(output):
    """The logits of a model that returns (logits, ...)."""
    return output[0] if isinstance(output, (tuple, list)) else output


def relative_difference(a, b):
    """Largest |a - b| relative to the largest |b|."""
    return ((a - b).abs().max() / b.abs().max().clamp(min=1e-30)).item()


def make_export(model, mode, example):
    import torch

    try:
        if mode == "trace":
            # Our own check below, on a new input and another batch size, is stricter than check_trace.
            return torch.jit.trace(model, example, check_trace=False)
        return torch.jit.script(model)
    except Exception as e:
        hint = "; try --mode trace" if mode == "script" else ""
        fail("torch.jit.%s failed: %s: %s%s" % (mode, type(e).__name__, first_line(e), hint))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--arch", choices=ARCHITECTURES, help="a torchvision architecture, built with weights=None")
    source.add_argument("--module", metavar="FILE.py:NAME", help="a class or function in FILE.py returning the model")
    parser.add_argument("--weights", type=pathlib.Path, metavar="FILE",
                        help="state_dict saved with torch.save (default: keep random weights)")
    parser.add_argument("--num-classes", type=int, metavar="N",
                        help="outputs of the model (default 1000 for --arch, the module's own default for --module)")
    parser.add_argument("--input-size", required=True, metavar="HxWxC", help="e.g. 224x224x3")
    parser.add_argument("--mean", default="0", help="one value, or one per channel, e.g. 0.485,0.456,0.406")
    parser.add_argument("--std", default="1", help="one value, or one per channel, e.g. 0.229,0.224,0.225")
    parser.add_argument("--classes", metavar="A,B,...|@FILE", help="class names, or a file with one a line")
    parser.add_argument("--mode", choices=("trace", "script"), default="trace", help="default trace")
    parser.add_argument("--out", required=True, type=pathlib.Path, metavar="FILE", help="TorchScript file to write")
    args = parser.parse_args()

    height, width, channels = parse_input_size(args.input_size)
    mean = parse_floats("--mean", args.mean, channels)
    std = parse_floats("--std", args.std, channels)
    if 0.0 in std:
        fail("--std values must be non-zero, got %r" % args.std)
    if args.num_classes is not None and args.num_classes < 1:
        fail("--num-classes must be a positive integer, got %d" % args.num_classes)
    classes = parse_classes(args.classes) if args.classes is not None else None

    import torch
    from torch import nn

    # Handled below, by the wrapper that returns the logits.
    warnings.filterwarnings("ignore", message="Scripted Inception3 always returns Inception3 Tuple")
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(SEED)
    model, architecture = build_model(args)
    if args.weights is not None:
        load_weights(model, args.weights, architecture)
    else:
        print("WARNING: no --weights given: %s has RANDOM weights; its maps explain nothing about a trained model"
              % architecture, file=sys.stderr)
    model.eval()

    mean_t = torch.tensor(mean).reshape(1, channels, 1, 1)
    std_t = torch.tensor(std).reshape(1, channels, 1, 1)

    def random_input(batch):
        """Normalized random pixels, as the adapter will feed them."""
        return (torch.rand(batch, channels, height, width) - mean_t) / std_t

    shape = [2, channels, height, width]
    example = random_input(2)
    try:
        with torch.no_grad():
            output = model(example)
    except Exception as e:
        fail("%s: the forward pass on a %s input failed: %s: %s" % (architecture, shape, type(e).__name__,
                                                                     first_line(e)))
    wrap = isinstance(output, (tuple, list))
    output = first_output(output)
    if not isinstance(output, torch.Tensor) or output.dim() != 2 or output.shape[0] != 2:
        found = list(output.shape) if isinstance(output, torch.Tensor) else type(output).__name__
        fail("%s: a %s input gives %s, expected logits [2, K]" % (architecture, shape, found))
    if not output.is_floating_point():
        fail("%s: the output is %s, expected floating point logits" % (architecture, output.dtype))
    num_classes = output.shape[1]
    if classes is not None and len(classes) != num_classes:
        fail("--classes has %d names but %s outputs %d classes" % (len(classes), architecture, num_classes))

    class FirstOutput(nn.Module):
        """Returns the first element, the logits, of a model that returns a tuple."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(x)[0]

    exported = make_export(model, args.mode, example)
    scripted_tuple = False
    if not wrap:
        # Scripting may take another branch than eager code: torchvision's Inception3 returns a tensor in eager
        # eval mode but its (logits, aux) tuple when scripted.
        try:
            with torch.no_grad():
                wrap = scripted_tuple = isinstance(exported(example), (tuple, list))
        except Exception as e:
            fail("the %s module fails on the %s input that the eager model takes: %s"
                 % ("traced" if args.mode == "trace" else "scripted", shape, last_line(e)))
    if wrap:
        print("%s returns a tuple%s: the file returns its first element (the logits)"
              % (architecture, " when scripted" if scripted_tuple else ""))
        exported = make_export(FirstOutput(model).eval(), args.mode, example)

    metadata = {"format": FORMAT, "version": VERSION, "input_size": [height, width, channels],
                "mean": mean, "std": std}
    if classes is not None:
        metadata["classes"] = classes
    metadata["architecture"] = architecture
    metadata["random_weights"] = args.weights is None
    metadata_text = json.dumps(metadata, ensure_ascii=False)

    # Written next to OUT and renamed once it checks out, so a failed export never leaves a file behind.
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_name(args.out.name + ".partial")
    try:
        torch.jit.save(exported, str(partial), _extra_files={EXTRA_FILE: metadata_text})
        extra = {EXTRA_FILE: ""}
        reloaded = torch.jit.load(str(partial), map_location="cpu", _extra_files=extra)
        if json.loads(extra[EXTRA_FILE]) != metadata:
            fail("%s: the metadata read back differs from the metadata written" % partial)
        # Another batch size than the trace example's, so a batch size frozen into the graph shows up.
        check = random_input(3)
        with torch.no_grad():
            want = first_output(model(check))
            try:
                got = reloaded(check)
            except Exception as e:
                fail("the written file fails on a %s input, where the eager model works%s: %s"
                     % ([3, channels, height, width], "; tracing may have frozen the batch size or "
                        "data-dependent code, try --mode script" if args.mode == "trace" else "",
                        last_line(e)))
        if not isinstance(got, torch.Tensor) or got.shape != want.shape:
            found = list(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__
            fail("the written file gives %s on a %s input, the eager model %s"
                 % (found, [3, channels, height, width], list(want.shape)))
        difference = relative_difference(got, want)
        if not difference <= TOLERANCE:
            fail("the written file differs from the eager model by %.3g (relative, limit %g) on a new input; "
                 "%s" % (difference, TOLERANCE,
                         "tracing froze data-dependent code, try --mode script" if args.mode == "trace"
                         else "the scripted model does not compute what the eager one does"))
        os.replace(partial, args.out)
    finally:
        if partial.exists():
            partial.unlink()

    print("wrote %s: %s, input %dx%dx%d, %d classes, %s%s"
          % (args.out, architecture, height, width, channels, num_classes, args.mode,
             ", random weights" if args.weights is None else ""))


if __name__ == "__main__":
    main()
