#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Builds the PyTorch oracle that smoothgrad's network and methods are checked against.

Writes two safetensors files (by hand, with struct + json, so the `safetensors` package is not needed
and the writer is an implementation independent of smoothgrad's):

  tests/data/safetensors/tiny_cnn.safetensors           the weights of a tiny seeded CNN, PyTorch layout
  tests/data/safetensors/tiny_cnn_expected.safetensors  inputs (HWC) and PyTorch's scores and input
                                                         gradients (vanilla, guided backprop, deconvnet)
  tests/data/safetensors/rgb_named_cnn.safetensors      the weights of a seeded 3-channel CNN whose layers are
                                                         named attributes (conv1, conv2, fc), saved as a
                                                         PyTorch user would: no metadata, so no spec
  tests/data/safetensors/rgb_named_cnn_expected.safetensors
                                                         its inputs (HWC), scores, vanilla and guided
                                                         gradients, and the spec under "spec"; with 3
                                                         channels it catches a channel-layout mix-up that
                                                         the 1-channel tiny_cnn cannot

Usage:
  /usr/bin/python3 scripts/make_pytorch_fixture.py [--out DIR]   regenerate the fixture (needs torch)
  /usr/bin/python3 scripts/make_pytorch_fixture.py --verify FILE check a safetensors file (no torch needed)

Layouts, so the C++ side can map the weights:
  conv weight [out, in, kh, kw], conv bias [out]; dense weight [out, in], dense bias [out];
  PyTorch's Flatten sees NCHW, so the dense layer's inputs are ordered (channel, row, column).
  Images are stored HWC ([batch, height, width, channels]), as smoothgrad stores them.

The outputs are evaluated in float64 from the float32 weights and inputs that the files hold, then rounded
to float32, so they are the exact answer for those float32 numbers up to one final rounding.
"""

import argparse
import json
import math
import pathlib
import struct
import sys

SEED = 20260125
SPEC = "input 8x8x1; conv 3x3x4 same; relu; maxpool 2; conv 3x3x6 valid; relu; flatten; dense 5"
LAYOUT = ("pytorch: conv weight [out,in,kh,kw]; dense weight [out,in] over inputs flattened in CHW order; "
          "images HWC")
# Smallest distance a ReLU input may have from 0, and the runner-up of a max-pool window from its maximum,
# so that float32 rounding in another implementation cannot flip which side of a kink a value is on.
MARGIN = 1e-4
# Windows whose ReLU outputs are all 0 tie; PyTorch (CPU) routes the gradient to the first of them. Only
# deconvnet sees the difference, since it ignores the forward ReLU mask.
TIES = "max-pool ties: the first maximum in row-major window order takes the gradient (PyTorch CPU)"

RGB_SEED = 20260126
RGB_SPEC = "input 6x6x3; conv 3x3x5 same; relu; maxpool 2; conv 3x3x4 valid; relu; flatten; dense 3"
RGB_LAYER_NAMES = ("conv1", "conv2", "fc")
# A wrong layout (input rows and columns swapped, channels rotated, kernels flipped or transposed) must move
# the scores or the gradients by at least this much relative to their size, or the fixture cannot catch it.
LAYOUT_SENSITIVITY = 1e-2


def write_safetensors(path, tensors, metadata):
    """Writes {name: (shape, list of floats)} as F32 little-endian, sorted by name, header padded to 8.

    With metadata None the header has no "__metadata__" key, as safetensors.torch.save_file(tensors) writes it.
    """
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        shape, values = tensors[name]
        assert math.prod(shape) == len(values), name
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


def read_safetensors(path):
    """Reads an F32 safetensors file with json + struct, checking what the format requires."""
    data = pathlib.Path(path).read_bytes()
    if len(data) < 8:
        raise ValueError("shorter than 8 bytes")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise ValueError("header length %d exceeds the file" % length)
    header = json.loads(data[8:8 + length].decode("utf-8"))
    buffer = data[8 + length:]
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError("metadata values must be strings")
    ranges = []
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError("%s: dtype %s, only F32 is checked here" % (name, info["dtype"]))
        begin, end = info["data_offsets"]
        count = math.prod(info["shape"])
        if end - begin != 4 * count or end > len(buffer):
            raise ValueError("%s: offsets %s do not hold shape %s" % (name, [begin, end], info["shape"]))
        ranges.append((begin, end, name))
        tensors[name] = (info["shape"], list(struct.unpack_from("<%df" % count, buffer, begin)))
    position = 0
    for begin, end, name in sorted(ranges):
        if begin != position:
            raise ValueError("%s: starts at %d, expected %d (gap or overlap)" % (name, begin, position))
        position = end
    if position != len(buffer):
        raise ValueError("buffer has %d bytes, tensors cover %d" % (len(buffer), position))
    return tensors, metadata


def verify(path):
    tensors, metadata = read_safetensors(path)
    for name, (shape, values) in sorted(tensors.items()):
        print("%s %s first=%s" % (name, shape, values[:3]))
    print("metadata", json.dumps(metadata, sort_keys=True))
    print("OK")


def make_rule_relu():
    """The ReLU module both fixtures use: its backward step follows RuleRelu.rule (plain, guided, deconvnet)."""
    import torch
    from torch import nn

    class ReluRule(torch.autograd.Function):
        """ReLU whose backward step follows `rule`: plain, guided or deconvnet."""

        @staticmethod
        def forward(ctx, x, rule):
            ctx.save_for_backward(x)
            ctx.rule = rule
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            if ctx.rule == "plain":
                return grad * (x > 0).to(grad.dtype), None
            if ctx.rule == "guided":
                return grad * ((x > 0) & (grad > 0)).to(grad.dtype), None
            if ctx.rule == "deconvnet":
                return grad.clamp(min=0), None
            raise ValueError(ctx.rule)

    class RuleRelu(nn.Module):
        """A parameterless ReLU module, so the Sequential's indices (and weight names) stay PyTorch's."""

        rule = "plain"

        def forward(self, x):
            return ReluRule.apply(x, RuleRelu.rule)

    return RuleRelu


def hwc(t):
    """NCHW -> NHWC, the layout smoothgrad stores images in."""
    return t.permute(0, 2, 3, 1).contiguous()


def entry(t):
    """A tensor as (shape, float32 values in row-major order) for write_safetensors."""
    import torch

    t = t.to(torch.float32)
    return list(t.shape), t.reshape(-1).tolist()


def build_fixture(out_dir):
    import torch
    from torch import nn

    RuleRelu = make_rule_relu()

    torch.manual_seed(SEED)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),  # 8x8x1 -> 8x8x4
        RuleRelu(),
        nn.MaxPool2d(2),                # -> 4x4x4
        nn.Conv2d(4, 6, 3, padding=0),  # -> 2x2x6
        RuleRelu(),
        nn.Flatten(),                   # -> 24, in CHW order
        nn.Linear(6 * 2 * 2, 5),
    )
    inputs = torch.rand(3, 1, 8, 8)  # NCHW, float32 in [0, 1)

    weights = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
    model64 = model.double()
    x64 = inputs.double()

    # Kinks: every ReLU input away from 0, every max-pool maximum clear of its runner-up.
    with torch.no_grad():
        pre1 = model64[0](x64)
        windows = pre1.clamp(min=0).unfold(2, 2, 2).unfold(3, 2, 2).reshape(3, 4, 4, 4, 4)
        top2 = windows.topk(2, dim=-1).values
        positive = top2[..., 0] > 0
        pool_gap = (top2[..., 0] - top2[..., 1])[positive].min().item()
        pre2 = model64[3](model64[2](pre1.clamp(min=0)))
        relu_gap = min(pre1.abs().min().item(), pre2.abs().min().item())
        zero_windows = int((top2[..., 0] == 0).sum().item())
    if relu_gap < MARGIN or pool_gap < MARGIN:
        sys.exit("seed %d puts a value near a kink (relu %.3g, pool %.3g); pick another seed"
                 % (SEED, relu_gap, pool_gap))

    def input_gradient(rule, output_weights):
        RuleRelu.rule = rule
        x = x64.clone().requires_grad_(True)
        scores = model64(x)
        (scores * torch.tensor(output_weights, dtype=torch.float64)).sum().backward()
        RuleRelu.rule = "plain"
        return scores.detach(), x.grad.detach()

    class2 = [0, 0, 1, 0, 0]
    diff13 = [0, 1, 0, -1, 0]
    scores, grad2 = input_gradient("plain", class2)
    _, grad_diff = input_gradient("plain", diff13)
    _, guided2 = input_gradient("guided", class2)
    _, deconv2 = input_gradient("deconvnet", class2)

    # The gradient penalties of include/smoothgrad/nn/gradient_penalty.hpp: the exact weight gradient of
    # mean_j P(d score[label_j] / dx_j), by PyTorch's double backward (the ReLUs' second derivative is 0).
    penalty_labels = [2, 0, 4]

    def penalty_gradients(kind):
        x = x64.clone().requires_grad_(True)
        scores = model64(x)
        selected = scores[torch.arange(len(penalty_labels)), torch.tensor(penalty_labels)].sum()
        (g,) = torch.autograd.grad(selected, x, create_graph=True)
        if kind == "norm":
            penalty = (g ** 2).sum()
        else:  # the squared differences of 4-neighbouring pixels of one channel
            penalty = ((g[..., :, 1:] - g[..., :, :-1]) ** 2).sum() + ((g[..., 1:, :] - g[..., :-1, :]) ** 2).sum()
        mean = penalty / len(penalty_labels)
        names = [name for name, _ in model64.named_parameters()]
        parameters = list(model64.parameters())
        # The biases do not enter g (they only move the kinks): their gradients are 0.
        grads = torch.autograd.grad(mean, parameters, allow_unused=True)
        grads = [torch.zeros_like(p) if g is None else g for p, g in zip(parameters, grads)]
        return mean.detach(), {"penalty_%s/%s" % (kind, name): entry(grad) for name, grad in zip(names, grads)}

    penalty_entries = {"penalty_labels": entry(torch.tensor(penalty_labels, dtype=torch.float64))}
    for kind in ("norm", "neighbour"):
        mean, grads = penalty_gradients(kind)
        penalty_entries["penalty_%s_mean" % kind] = entry(mean.reshape(1))
        penalty_entries.update(grads)

    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    weights_path = out_dir / "tiny_cnn.safetensors"
    expected_path = out_dir / "tiny_cnn_expected.safetensors"
    write_safetensors(weights_path, {name: entry(t) for name, t in weights.items()},
                      {"spec": SPEC, "layout": LAYOUT, "seed": str(SEED)})
    expected = {
        "inputs": entry(hwc(inputs)),
        "scores": entry(scores),
        "gradients_class2": entry(hwc(grad2)),
        "gradients_diff": entry(hwc(grad_diff)),
        "guided_class2": entry(hwc(guided2)),
        "deconvnet_class2": entry(hwc(deconv2)),
        **penalty_entries,
    }
    write_safetensors(expected_path, expected,
                      {"spec": SPEC, "torch": torch.__version__, "seed": str(SEED),
                       "targets": "class2 = d score[2]; diff = d (score[1] - score[3])",
                       "penalties": "penalty_<kind>/<parameter>: d/dtheta of mean_j P(d score[label_j] / dx_j), "
                                    "P = sum g^2 (norm) or sum over 4-neighbour pairs of (g_p - g_q)^2 "
                                    "(neighbour), labels in penalty_labels",
                       "maxpool_ties": TIES})

    print("torch", torch.__version__, "seed", SEED, "relu margin %.4g pool margin %.4g" % (relu_gap, pool_gap),
          "all-zero pool windows %d of %d" % (zero_windows, top2[..., 0].numel()))
    print_files((weights_path, expected_path))


def relative_difference(a, b):
    """Largest |a - b| relative to the largest |b|, the error measure the C++ tests use."""
    return ((a - b).abs().max() / b.abs().max()).item()


def print_files(paths):
    for path in paths:
        tensors, metadata = read_safetensors(path)
        print("==", path.name, "bytes", path.stat().st_size, "metadata", json.dumps(metadata, sort_keys=True))
        for name, (shape, values) in sorted(tensors.items()):
            print("  %-18s %-14s first %s last %r sum %r" % (
                name, shape, ["%.9g" % v for v in values[:3]], values[-1], math.fsum(values)))


def build_rgb_fixture(out_dir):
    """A 3-channel CNN with named layers, saved without metadata, and PyTorch's answers for it.

    Checks, besides the kink margins, that the fixture can tell layouts apart: reading the HWC input with
    rows and columns swapped or channels permuted, or the conv kernels flipped, transposed or read in
    another axis order, must change the scores or the gradients by more than LAYOUT_SENSITIVITY.
    """
    import copy

    import torch
    from torch import nn

    RuleRelu = make_rule_relu()

    class RgbNamedCnn(nn.Module):
        """Layers as named attributes, as most PyTorch code writes a model (state-dict names conv1.weight...)."""

        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 5, 3, padding=1)  # 6x6x3 -> 6x6x5
            self.relu1 = RuleRelu()
            self.pool = nn.MaxPool2d(2)                 # -> 3x3x5
            self.conv2 = nn.Conv2d(5, 4, 3, padding=0)  # -> 1x1x4
            self.relu2 = RuleRelu()
            self.flatten = nn.Flatten()                 # -> 4
            self.fc = nn.Linear(4 * 1 * 1, 3)

        def forward(self, x):
            x = self.pool(self.relu1(self.conv1(x)))
            return self.fc(self.flatten(self.relu2(self.conv2(x))))

    torch.manual_seed(RGB_SEED)
    model = RgbNamedCnn()
    batch = 4
    inputs = torch.rand(batch, 3, 6, 6)  # NCHW, float32 in [0, 1)

    weights = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
    names = sorted("%s.%s" % (layer, kind) for layer in RGB_LAYER_NAMES for kind in ("weight", "bias"))
    assert sorted(weights) == names, sorted(weights)
    model64 = model.double()
    x64 = inputs.double()

    # Kinks: every ReLU input away from 0, every max-pool maximum clear of its runner-up.
    with torch.no_grad():
        pre1 = model64.conv1(x64)
        assert tuple(pre1.shape) == (batch, 5, 6, 6)
        windows = pre1.clamp(min=0).unfold(2, 2, 2).unfold(3, 2, 2).reshape(batch, 5, 3, 3, 4)
        top2 = windows.topk(2, dim=-1).values
        positive = top2[..., 0] > 0
        pool_gap = (top2[..., 0] - top2[..., 1])[positive].min().item()
        pre2 = model64.conv2(model64.pool(pre1.clamp(min=0)))
        assert tuple(pre2.shape) == (batch, 4, 1, 1)
        relu_gap = min(pre1.abs().min().item(), pre2.abs().min().item())
        zero_windows = int((top2[..., 0] == 0).sum().item())
        active2 = (pre2 > 0).reshape(batch, 4).sum(dim=1)
    if relu_gap < MARGIN or pool_gap < MARGIN:
        sys.exit("seed %d puts a value near a kink (relu %.3g, pool %.3g); pick another seed"
                 % (RGB_SEED, relu_gap, pool_gap))
    # With a 1x1x4 second conv, an image whose 4 units are all off would have a zero gradient: no test.
    if int(active2.min().item()) == 0:
        sys.exit("seed %d leaves an image with no active conv2 unit (%s); pick another seed"
                 % (RGB_SEED, active2.tolist()))

    class1 = torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)

    def input_gradient(net, rule, transform=lambda x: x):
        """Scores and d(score[1])/d(input); `transform` maps the input first, as a layout bug would."""
        RuleRelu.rule = rule
        x = x64.clone().requires_grad_(True)
        scores = net(transform(x))
        (scores * class1).sum().backward()
        RuleRelu.rule = "plain"
        return scores.detach(), x.grad.detach()

    scores, grad1 = input_gradient(model64, "plain")
    _, guided1 = input_gradient(model64, "guided")
    if min(grad1.abs().reshape(batch, -1).max(dim=1).values.tolist()) == 0:
        sys.exit("seed %d gives an image a zero gradient; pick another seed" % RGB_SEED)
    guided_effect = relative_difference(guided1, grad1)
    if guided_effect < LAYOUT_SENSITIVITY:
        sys.exit("seed %d: guided backprop equals the plain gradient (%.3g); pick another seed"
                 % (RGB_SEED, guided_effect))

    def with_weights(change):
        net = copy.deepcopy(model64)
        with torch.no_grad():
            change(net)
        return net

    def conv1_as(order):
        """conv1's buffer read as if it were stored in axis order `order` of (out, in, kh, kw)."""
        def change(net):
            w = net.conv1.weight
            stored = w.reshape(-1).reshape([w.shape[i] for i in order])
            inverse = [order.index(i) for i in range(4)]
            net.conv1.weight.copy_(stored.permute(*inverse).clone())
        return change

    def set_weight(layer, value):
        def change(net):
            getattr(net, layer).weight.copy_(value(getattr(net, layer).weight).clone())
        return change

    wrong_layouts = {
        "input rows and columns swapped": (model64, lambda x: x.transpose(2, 3)),
        "input channels rotated": (model64, lambda x: x[:, [1, 2, 0]]),
        "input channels reversed (BGR)": (model64, lambda x: x[:, [2, 1, 0]]),
        "input read as CHW": (model64, lambda x: hwc(x).reshape(x.shape)),
        "conv kernels flipped (convolution)": (
            with_weights(lambda n: (n.conv1.weight.copy_(n.conv1.weight.flip(2, 3)),
                                    n.conv2.weight.copy_(n.conv2.weight.flip(2, 3)))), lambda x: x),
        "conv kernels transposed (kh<->kw)": (
            with_weights(lambda n: (n.conv1.weight.copy_(n.conv1.weight.transpose(2, 3).clone()),
                                    n.conv2.weight.copy_(n.conv2.weight.transpose(2, 3).clone()))), lambda x: x),
        "conv1 buffer read as [kh,kw,in,out]": (with_weights(conv1_as([2, 3, 1, 0])), lambda x: x),
        "conv1 buffer read as [out,kh,kw,in]": (with_weights(conv1_as([0, 2, 3, 1])), lambda x: x),
        "conv1 buffer read as [in,out,kh,kw]": (with_weights(conv1_as([1, 0, 2, 3])), lambda x: x),
        "fc buffer read as [in,out]": (
            with_weights(set_weight("fc", lambda w: w.reshape(-1).reshape(4, 3).t())), lambda x: x),
    }
    print("torch", torch.__version__, "seed", RGB_SEED, "relu margin %.4g pool margin %.4g" % (relu_gap, pool_gap),
          "all-zero pool windows %d of %d" % (zero_windows, top2[..., 0].numel()),
          "active conv2 units per image %s" % active2.tolist(), "guided vs plain %.3g" % guided_effect)
    for label, (net, transform) in wrong_layouts.items():
        wrong_scores, wrong_grad = input_gradient(net, "plain", transform)
        score_change = relative_difference(wrong_scores, scores)
        grad_change = relative_difference(wrong_grad, grad1)
        print("  wrong layout %-38s changes scores by %.3g, gradients by %.3g" % (label, score_change, grad_change))
        if max(score_change, grad_change) < LAYOUT_SENSITIVITY:
            sys.exit("seed %d cannot tell the layout apart from %s; pick another seed" % (RGB_SEED, label))

    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    weights_path = out_dir / "rgb_named_cnn.safetensors"
    expected_path = out_dir / "rgb_named_cnn_expected.safetensors"
    # No metadata at all, as safetensors.torch.save_file(model.state_dict(), path) writes it.
    write_safetensors(weights_path, {name: entry(t) for name, t in weights.items()}, None)
    expected = {
        "inputs": entry(hwc(inputs)),
        "scores": entry(scores),
        "gradients_class1": entry(hwc(grad1)),
        "guided_class1": entry(hwc(guided1)),
    }
    write_safetensors(expected_path, expected,
                      {"spec": RGB_SPEC, "layer_names": ",".join(RGB_LAYER_NAMES), "torch": torch.__version__,
                       "seed": str(RGB_SEED), "targets": "class1 = d score[1]", "maxpool_ties": TIES})
    print_files((weights_path, expected_path))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent
                                             / "tests" / "data" / "safetensors"))
    parser.add_argument("--verify", metavar="FILE", help="check a safetensors file and print OK")
    args = parser.parse_args()
    if args.verify:
        verify(args.verify)
    else:
        build_fixture(args.out)
        build_rgb_fixture(args.out)


if __name__ == "__main__":
    main()
