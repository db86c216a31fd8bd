#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Builds the TorchScript models and PyTorch's answers that tests/torch checks smoothgrad's adapter against.

Run at build time by CMake with Debian's PyTorch (nothing here is committed). Writes into OUT:

  small_cnn.pt, small_cnn_traced.pt   a seeded 16x16x3 CNN with nn.ReLU modules, scripted and traced
  resnet18.pt                          torchvision's ResNet-18 at 64x64x3, 10 classes, BatchNorm running
                                       statistics that are not 0/1, stride-2 convolutions, residual additions,
                                       in-place ReLUs and adaptive average pooling (scripted)
  functional_vgg.pt                    a VGG-style block calling F.relu (in place and not) in forward (scripted)
  fashion_mnist_cnn.pt                 the shipped examples/models/fashion_mnist_cnn.safetensors as TorchScript
  <model>_expected.safetensors         inputs (HWC pixels in [0, 1]), output weights w, and PyTorch's scores
                                       and maps of w^T scores: vanilla, gradient x input, guided backprop and
                                       deconvnet (by swapping the ReLUs for modules with those backward rules),
                                       integrated gradients for every quadrature rule, and SmoothGrad with
                                       smoothgrad's noise (NoiseStream, ported below: column j of a
                                       batch is input j) for every aggregation
  bad/...                              files the adapter must refuse with a clear error
  images/rgb_64.png, images/photo_90x120.png
                                       RGB test images for smoothgrad-explain (64x64, and one to --resize)
  cli_expected.safetensors             resnet18's class-3 maps of rgb_64.png (pixels / 255), as the command
                                       line's contract defines them: vanilla, guided backprop, and integrated
                                       gradients with the command line's defaults (50 Gauss-Legendre steps)

Every reference is computed by eager PyTorch on the Python modules (not on the TorchScript files), in
float32, with the normalization (x - mean) / std applied to the pixels first.

Usage: /usr/bin/python3 tests/torch/make_fixtures.py OUT
"""

import importlib.util
import json
import math
import pathlib
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("fixture", ROOT / "scripts" / "make_pytorch_fixture.py")
_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixture)
write_safetensors = _fixture.write_safetensors
read_safetensors = _fixture.read_safetensors

IG_STEPS = 8
SMOOTH = {"samples": 6, "noise_level": 0.15, "seed": 5}
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


# --- smoothgrad's noise (include/smoothgrad/core/random.hpp), ported -------------------------------------
MASK = (1 << 64) - 1


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def _fma32(a, b, c):
    """fma on float32 arrays, rounded once as std::fma: a * b is exact in float64, the sum's rounding error
    comes from TwoSum, and a float64 sum that lies exactly halfway between two float32s is moved towards
    the exact value before the rounding to float32 (the only case where rounding twice differs)."""
    p = a.astype(np.float64) * b.astype(np.float64)
    c = c.astype(np.float64)
    t = p + c
    tb = t - p
    error = (p - (t - tb)) + (c - tb)
    halfway = (t.view(np.uint64) & np.uint64((1 << 29) - 1)) == np.uint64(1 << 28)
    toward = np.where(error > 0, np.inf, -np.inf)
    t = np.where(halfway & (error != 0), np.nextafter(t, toward), t)
    return t.astype(np.float32)


def _f32(x):
    return np.float32(x)


def noise(seed, input_index, sample, count, sigma):
    """NoiseStream(seed, input_index, sample).fill_normal_float(count values, float32(sigma)), as
    include/smoothgrad/core/random.hpp spells it out: one SplitMix64 draw per pair, Box-Muller in float32 with
    its own logarithm, square root, sine and cosine."""
    seed ^= _mix((input_index * 0x9E3779B97F4A7C15) & MASK)
    state = _mix(_mix(seed) ^ ((sample * 0xD1B54A32D192ED03 + 0x632BE59BD9B4E019) & MASK))
    pairs = (count + 1) // 2
    bits = np.array([_mix((state + (k + 1) * 0x9E3779B97F4A7C15) & MASK) for k in range(pairs)], dtype=np.uint64)
    f = np.float32
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        a = ((bits >> np.uint64(40)) + np.uint64(1)).astype(f)
        a_bits = a.view(np.uint32)
        mantissa = (a_bits & np.uint32(0x007FFFFF)) | np.uint32(0x3F800000)
        above = (mantissa.view(f) > f(1.41421356)).astype(np.uint32)
        m = (mantissa - (above << np.uint32(23))).view(f)
        exponent = (a_bits >> np.uint32(23)).astype(np.int32) - 127 + above.astype(np.int32)
        t = (m - f(1)) / (m + f(1))
        t2 = t * t
        series = _fma32(t2, np.full_like(t2, f(1) / f(9)), np.full_like(t2, f(1) / f(7)))
        series = _fma32(t2, series, np.full_like(t2, f(1) / f(5)))
        series = _fma32(t2, series, np.full_like(t2, f(1) / f(3)))
        two_t = t + t
        log_m = _fma32(two_t * t2, series, two_t)
        log_u = _fma32((exponent - 24).astype(f), np.full_like(t2, f(np.log(2.0))), log_m)
        y = f(-2) * log_u
        y_or_tiny = np.maximum(y, f(1e-30))
        guess = (np.uint32(0x5F3759DF) - (y_or_tiny.view(np.uint32) >> np.uint32(1))).view(f)
        half_y = f(0.5) * y_or_tiny
        for _ in range(3):
            guess = guess * _fma32(-half_y, guess * guess, np.full_like(t2, f(1.5)))
        radius = y * guess

        angle = ((bits >> np.uint64(16)) & np.uint64(0xFFFFFF)).astype(np.int32)
        quadrant_start = (angle + (1 << 21)) >> 22
        quadrant = quadrant_start & 3
        phi = (angle - (quadrant_start << 22)).astype(f) * f(math.pi / 2.0 / 4194304.0)
        z = phi * phi
        sine = _fma32(z, np.full_like(z, f(1) / f(362880)), np.full_like(z, f(-1) / f(5040)))
        sine = _fma32(z, sine, np.full_like(z, f(1) / f(120)))
        sine = _fma32(z, sine, np.full_like(z, f(-1) / f(6)))
        sine = _fma32(phi * z, sine, phi)
        cosine = _fma32(z, np.full_like(z, f(-1) / f(3628800)), np.full_like(z, f(1) / f(40320)))
        cosine = _fma32(z, cosine, np.full_like(z, f(-1) / f(720)))
        cosine = _fma32(z, cosine, np.full_like(z, f(1) / f(24)))
        cosine = _fma32(z, cosine, np.full_like(z, f(-0.5)))
        cosine = _fma32(z, cosine, np.full_like(z, f(1)))
        swap = (quadrant & 1) == 1
        x = np.where(swap, sine, cosine)
        yy = np.where(swap, cosine, sine)
        x = np.where((quadrant == 1) | (quadrant == 2), -x, x)
        yy = np.where(quadrant >= 2, -yy, yy)
        out = np.empty(2 * pairs, f)
        out[0::2] = f(sigma) * (radius * x)
        out[1::2] = f(sigma) * (radius * yy)
    return out[:count]


# --- the models ----------------------------------------------------------------------------------------------
class SmallCNN(nn.Module):
    """16x16x3 -> 5 classes; nn.ReLU modules, one of them in place."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2)
        self.relu2 = nn.ReLU(inplace=True)
        self.fc = nn.Linear(8 * 3 * 3, 5)

    def forward(self, x):
        x = self.pool(self.relu1(self.conv1(x)))
        x = self.relu2(self.conv2(x))
        return self.fc(torch.flatten(x, 1))


class FunctionalVGG(nn.Module):
    """A VGG-style block whose ReLUs are function calls in forward, one of them in place."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.conv3 = nn.Conv2d(8, 12, 3, padding=1)
        self.fc = nn.Linear(12, 7)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x), inplace=True)
        x = F.max_pool2d(x, 2)
        x = F.relu(self.conv3(x))
        x = F.max_pool2d(x, 2)
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


def resnet18():
    model = torchvision.models.resnet18(weights=None, num_classes=10)
    # Non-trivial running statistics: a few batches in training mode move them away from 0 and 1.
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(8, 3, 64, 64) * 2.0 - 0.5)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    return model


def sequential_from_spec(spec):
    """The nn.Sequential that smoothgrad's spec describes, with PyTorch's own layer indices."""
    layers, shape = [], None
    for item in (part.strip() for part in spec.split(";")):
        words = item.split()
        if words[0] == "input":
            shape = [int(v) for v in words[1].split("x")]
        elif words[0] == "conv":
            kh, kw, out = (int(v) for v in words[1].split("x"))
            layers.append(nn.Conv2d(shape[2], out, (kh, kw), padding=(kh // 2, kw // 2) if words[2] == "same" else 0))
            shape = [shape[0] if words[2] == "same" else shape[0] - kh + 1,
                     shape[1] if words[2] == "same" else shape[1] - kw + 1, out]
        elif words[0] == "relu":
            layers.append(nn.ReLU())
        elif words[0] == "maxpool":
            k = int(words[1])
            layers.append(nn.MaxPool2d(k))
            shape = [shape[0] // k, shape[1] // k, shape[2]]
        elif words[0] == "flatten":
            layers.append(nn.Flatten())
            shape = [shape[0] * shape[1] * shape[2]]
        elif words[0] == "dense":
            layers.append(nn.Linear(shape[0], int(words[1])))
            shape = [int(words[1])]
        else:
            raise ValueError("unknown layer in spec: " + item)
    return nn.Sequential(*layers)


def fashion_mnist_cnn():
    path = ROOT / "examples" / "models" / "fashion_mnist_cnn.safetensors"
    data = path.read_bytes()
    (length,) = np.frombuffer(data[:8], "<u8")
    header = json.loads(data[8:8 + int(length)])
    metadata = header.pop("__metadata__")
    model = sequential_from_spec(metadata["spec"])
    state = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        values = np.frombuffer(data[8 + int(length) + begin:8 + int(length) + end], "<f4")
        state[name] = torch.from_numpy(values.copy()).reshape(info["shape"])
    model.load_state_dict(state)
    return model, metadata["classes"].split(",")


# --- PyTorch's answers -------------------------------------------------------------------------------------
class ReluWithRule(torch.autograd.Function):
    """ReLU whose backward pass is guided backprop's or deconvnet's (Captum's definitions)."""

    @staticmethod
    def forward(ctx, x, rule):
        y = x.clamp_min(0)
        ctx.save_for_backward(y)
        ctx.rule = rule
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        if ctx.rule == "guided":
            return g.clamp_min(0) * (y > 0).to(g.dtype), None
        return g.clamp_min(0), None


class RuleReLU(nn.Module):
    def __init__(self, rule):
        super().__init__()
        self.rule = rule

    def forward(self, x):
        return ReluWithRule.apply(x, self.rule)


def with_rule(model, rule):
    """A copy of `model` whose nn.ReLU modules apply `rule`; F.relu is swapped while it runs (see gradients)."""
    import copy
    copied = copy.deepcopy(model)
    for name, module in list(copied.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.ReLU):
                setattr(module, child_name, RuleReLU(rule))
    copied.relu_rule = rule
    return copied


def gradients(model, pixels_nhwc, weights, mean, std):
    """d(w^T scores)/d pixels for a [B, H, W, C] float32 array, as [B, H, W, C]."""
    x = torch.from_numpy(np.ascontiguousarray(pixels_nhwc)).permute(0, 3, 1, 2).contiguous().requires_grad_(True)
    mean_t = torch.tensor(mean, dtype=torch.float32).reshape(1, -1, 1, 1)
    std_t = torch.tensor(std, dtype=torch.float32).reshape(1, -1, 1, 1)
    rule = getattr(model, "relu_rule", None)
    original = F.relu
    if rule is not None:
        F.relu = lambda t, inplace=False: ReluWithRule.apply(t, rule)
    try:
        scores = model((x - mean_t) / std_t)
    finally:
        F.relu = original
    w = torch.from_numpy(weights).reshape(1, -1).expand_as(scores)
    (grad,) = torch.autograd.grad(scores, x, grad_outputs=w)
    return grad.permute(0, 2, 3, 1).contiguous().numpy(), scores.detach().numpy()


def layer_values(model, pixels_nhwc, weights, mean, std, name):
    """Submodule `name`'s output for a [B, H, W, C] batch (by a forward hook) and the gradient of w^T scores
    with respect to it, as [B, H, W, C] ([B, F] outputs stay [B, F])."""
    captured = []
    module = dict(model.named_modules())[name]
    hook = module.register_forward_hook(lambda _module, _inputs, output: captured.append(output))
    x = torch.from_numpy(np.ascontiguousarray(pixels_nhwc)).permute(0, 3, 1, 2).contiguous().requires_grad_(True)
    mean_t = torch.tensor(mean, dtype=torch.float32).reshape(1, -1, 1, 1)
    std_t = torch.tensor(std, dtype=torch.float32).reshape(1, -1, 1, 1)
    try:
        scores = model((x - mean_t) / std_t)
    finally:
        hook.remove()
    assert len(captured) == 1, name
    (activations,) = captured
    w = torch.from_numpy(weights).reshape(1, -1).expand_as(scores)
    (grad,) = torch.autograd.grad(scores, activations, grad_outputs=w)
    to_numpy = lambda t: (t.permute(0, 2, 3, 1) if t.dim() == 4 else t).detach().contiguous().numpy()
    return to_numpy(activations), to_numpy(grad)


def quadrature(rule, steps):
    m = steps
    if rule == "riemann_left":
        return [k / m for k in range(m)], [1.0 / m] * m
    if rule == "riemann_right":
        return [(k + 1) / m for k in range(m)], [1.0 / m] * m
    if rule == "riemann_middle":
        return [(k + 0.5) / m for k in range(m)], [1.0 / m] * m
    if rule == "trapezoid":
        weights = [1.0 / (m - 1)] * m
        weights[0] *= 0.5
        weights[-1] *= 0.5
        return [k / (m - 1) for k in range(m)], weights
    if rule == "gauss_legendre":
        nodes, weights = np.polynomial.legendre.leggauss(m)
        return list(0.5 * (nodes + 1.0)), list(0.5 * weights)
    raise ValueError(rule)


RULES = ["riemann_left", "riemann_right", "riemann_middle", "trapezoid", "gauss_legendre"]


# Submodules whose outputs (forward hooks) and gradients the adapter's layer_gradients must reproduce.
LAYERS = {"small_cnn": ["relu2", "pool", "fc"], "resnet18": ["layer4", "layer3.1", "layer2.0.downsample"],
          "functional_vgg": ["conv3"]}


def expected_maps(model, inputs, weights, mean, std, layers=()):
    """Every reference map of `model` for `inputs` [B, H, W, C] and output weights `weights`."""
    model.eval()
    out = {}
    for name in layers:
        out["layer_activations:" + name], out["layer_gradients:" + name] = layer_values(
            model, inputs, weights, mean, std, name)
    vanilla, scores = gradients(model, inputs, weights, mean, std)
    out["scores"] = scores
    out["vanilla"] = vanilla
    out["gradient_x_input"] = vanilla * inputs
    for rule in ("guided", "deconvnet"):
        out[rule] = gradients(with_rule(model, rule), inputs, weights, mean, std)[0]
    for rule in RULES:
        alphas, quad_weights = quadrature(rule, IG_STEPS)
        total = np.zeros(inputs.shape, np.float64)
        for alpha, weight in zip(alphas, quad_weights):
            path_point = (np.float32(alpha) * inputs).astype(np.float32)  # baseline 0
            total += weight * gradients(model, path_point, weights, mean, std)[0].astype(np.float64)
        out["ig_" + rule] = (inputs.astype(np.float64) * total).astype(np.float32)
    features = inputs[0].size
    noisy_maps = []
    for j in range(inputs.shape[0]):
        column = inputs[j].reshape(-1)
        sigma = SMOOTH["noise_level"] * float(np.float32(column.max()) - np.float32(column.min()))
        batch = np.stack([(noise(SMOOTH["seed"], j, i, features, sigma) + column).reshape(inputs[j].shape)
                          for i in range(SMOOTH["samples"])])
        noisy_maps.append(gradients(model, batch, weights, mean, std)[0].astype(np.float64))
    maps = np.stack(noisy_maps)  # [B, samples, H, W, C]
    out["smoothgrad_mean"] = maps.mean(axis=1).astype(np.float32)
    out["smoothgrad_square"] = (maps ** 2).mean(axis=1).astype(np.float32)
    out["smoothgrad_variance"] = maps.var(axis=1).astype(np.float32)
    return out


def save_torchscript(module, path, metadata):
    extra = {} if metadata is None else {"smoothgrad.json": json.dumps(metadata)}
    torch.jit.save(module, str(path), _extra_files=extra)


def metadata_for(shape, mean, std, classes, architecture, random_weights=True):
    return {"format": "smoothgrad-torchscript", "version": 1, "input_size": list(shape), "mean": mean, "std": std,
            "classes": classes, "architecture": architecture, "random_weights": random_weights}


def write_case(out, name, model, shape, mean, std, classes, batch, generator, traced=False):
    model.eval()
    scripted = torch.jit.script(model)
    save_torchscript(scripted, out / (name + ".pt"), metadata_for(shape, mean, std, classes, name))
    if traced:
        example = torch.rand(2, shape[2], shape[0], shape[1], generator=generator)
        save_torchscript(torch.jit.trace(model, example), out / (name + "_traced.pt"),
                         metadata_for(shape, mean, std, classes, name + " (traced)"))
    inputs = torch.rand(batch, *shape, generator=generator).numpy().astype(np.float32)
    weights = torch.randn(len(classes), generator=generator).numpy().astype(np.float32)
    maps = expected_maps(model, inputs, weights, mean, std, LAYERS.get(name, ()))
    tensors = {"inputs": (inputs.shape, inputs.reshape(-1).tolist()),
               "weights": (weights.shape, weights.tolist())}
    for key, value in maps.items():
        tensors[key] = (value.shape, value.reshape(-1).tolist())
    metadata = {"ig_steps": str(IG_STEPS), "layers": ",".join(LAYERS.get(name, ())),
                **{key: str(value) for key, value in SMOOTH.items()}}
    write_safetensors(out / (name + "_expected.safetensors"), tensors, metadata)


# --- files the adapter must refuse ------------------------------------------------------------------------
class TupleOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 8 * 8, 4)

    def forward(self, x):
        y = self.fc(torch.flatten(x, 1))
        return y, y


class VectorOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 8 * 8, 4)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1)).sum(0)


class FixedSize(nn.Module):
    """Accepts only 8x8x3 inputs (its linear layer has 192 inputs)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 8 * 8, 4)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1))


class NanScores(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 8 * 8, 4)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1)) * torch.log(x.sum() - x.sum() - 1.0)


class NoRelu(nn.Module):
    """Activations that are not ReLU: they keep their true gradient and give guided backprop nothing to do."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.act = nn.ReLU6()
        self.fc = nn.Linear(4 * 8 * 8, 4)

    def forward(self, x):
        return self.fc(torch.flatten(torch.tanh(self.act(self.conv(x))), 1))


def write_bad_files(out):
    bad = out / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    shape = [8, 8, 3]
    meta = metadata_for(shape, [0.0], [1.0], ["a", "b", "c", "d"], "bad")
    for name, module in [("tuple_output", TupleOutput()), ("vector_output", VectorOutput()),
                         ("fixed_size", FixedSize()), ("nan_scores", NanScores()), ("no_relu", NoRelu())]:
        save_torchscript(torch.jit.script(module.eval()), bad / (name + ".pt"),
                         {k: v for k, v in meta.items() if k != "classes"} if name == "vector_output" else meta)
    fixed = torch.jit.script(FixedSize().eval())
    save_torchscript(fixed, bad / "no_metadata.pt", None)
    torch.jit.save(fixed, str(bad / "invalid_metadata.pt"), _extra_files={"smoothgrad.json": "{\"format\": "})
    save_torchscript(fixed, bad / "wrong_class_count.pt", {**meta, "classes": ["a", "b"]})
    (bad / "not_torchscript.pt").write_bytes(b"this is a text file, not a TorchScript archive\n")
    data = (out / "small_cnn.pt").read_bytes()
    (bad / "truncated.pt").write_bytes(data[: len(data) * 3 // 5])
    with zipfile.ZipFile(bad / "zip_not_torchscript.pt", "w") as archive:
        archive.writestr("archive/readme.txt", "a zip archive with no TorchScript inside")


def write_cli_case(out, model):
    """The command-line program's inputs and resnet18's maps of them (smoothgrad-explain's contract)."""
    from PIL import Image
    images = out / "images"
    images.mkdir(parents=True, exist_ok=True)
    y, x = np.mgrid[0:64, 0:64]
    rgb = np.stack([(x * 4) % 256, (y * 4) % 256, ((x + y) * 2) % 256], axis=-1).astype(np.uint8)
    rgb[20:40, 24:44] = [250, 30, 30]  # a red square on gradients
    Image.fromarray(rgb).save(images / "rgb_64.png")
    photo = np.random.default_rng(7).integers(0, 256, (90, 120, 3), dtype=np.uint8)
    Image.fromarray(photo).save(images / "photo_90x120.png")
    pixels = (rgb.astype(np.float32) / np.float32(255.0))[None]
    weights = np.zeros(10, np.float32)
    weights[3] = 1.0
    tensors = {}
    tensors["vanilla"] = gradients(model, pixels, weights, IMAGENET_MEAN, IMAGENET_STD)[0]
    tensors["guided"] = gradients(with_rule(model, "guided"), pixels, weights, IMAGENET_MEAN, IMAGENET_STD)[0]
    # The command line evaluates the 50 path points as one batch (its --batch-size default), so PyTorch does
    # too. A ReLU network's gradient changes only where a ReLU input crosses 0, so the map is exact to the
    # bit unless a path point differs: on an AVX-512 machine, inputs of pixel * float(1/255) instead of
    # pixel / 255 (126 of the 256 values differ in the last bit) flipped one ReLU at alpha = 0.957 and moved
    # the map by 5e-4; the command line now computes pixel / 255 as this does.
    alphas, quad_weights = quadrature("gauss_legendre", 50)
    path = np.concatenate([(np.float32(alpha) * pixels).astype(np.float32) for alpha in alphas])
    path_gradients = gradients(model, path, weights, IMAGENET_MEAN, IMAGENET_STD)[0].astype(np.float64)
    total = (path_gradients * np.asarray(quad_weights, np.float64)[:, None, None, None]).sum(axis=0, keepdims=True)
    tensors["integrated-gradients"] = (pixels.astype(np.float64) * total).astype(np.float32)
    write_safetensors(out / "cli_expected.safetensors",
                      {key: (value.shape[1:], value.reshape(-1).tolist()) for key, value in tensors.items()},
                      {"image": "images/rgb_64.png", "class": "3"})


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_fixtures.py OUT")
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(20261202)
    generator = torch.Generator().manual_seed(20261203)
    torch.set_num_threads(1)

    write_case(out, "small_cnn", SmallCNN(), [16, 16, 3], [0.5, 0.4, 0.3], [0.25, 0.2, 0.3],
               ["c0", "c1", "c2", "c3", "c4"], 3, generator, traced=True)
    resnet = resnet18()
    write_case(out, "resnet18", resnet, [64, 64, 3], IMAGENET_MEAN, IMAGENET_STD,
               ["class %d" % k for k in range(10)], 2, generator)
    write_cli_case(out, resnet)
    write_case(out, "functional_vgg", FunctionalVGG(), [16, 16, 3], [0.0], [1.0],
               ["v%d" % k for k in range(7)], 3, generator)
    model, classes = fashion_mnist_cnn()
    save_torchscript(torch.jit.script(model.eval()), out / "fashion_mnist_cnn.pt",
                     metadata_for([28, 28, 1], [0.0], [1.0], classes, "fashion_mnist_cnn", random_weights=False))
    write_bad_files(out)
    print("make_fixtures: wrote", out)


if __name__ == "__main__":
    main()
