#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
"""Times SmoothGrad through the LibTorch adapter against the same computation in Python PyTorch.

    /usr/bin/python3 benchmarks/peer_torch_models.py --binary BUILD/benchmarks [--rounds 3] [--threads 2]
        [--models resnet50] [--rss-models resnet50,inception_v3] [--update BENCHMARKS.md] [--json RAW.json]

The models are torchvision's ResNet-50 (224x224x3) and Inception v3 (299x299x3) with RANDOM weights (seed 0;
there are no pretrained weights here), exported by scripts/export_torchscript.py into a temporary folder.
--models are timed side by side; --rss-models get our peak RSS at n = --samples and n = --rss-samples.
Both sides explain the same image (a fixed smooth pattern, written as .npy) for the class the model
predicts, with SmoothGrad n = --samples noisy copies (noise level 0.15 of the image's range) in batches of
--batch:

- ours: benchmarks/torch_smooth_grad.cpp, smoothgrad::SmoothGrad on smoothgrad::TorchScriptModel loaded
  from the file (the frozen graph run by LibTorch's interpreter, normalization inside, HWC columns in
  and out);
- PyTorch: a process of its own (`--worker`) that loads the same file with torch.jit.load and, for the
  eager model, the torchvision architecture with that file's weights; parameters have requires_grad False,
  and one batch is x + sigma * randn, normalized as (x - mean) / std, and `torch.autograd.grad` of the
  class score's sum with respect to x (the input gradient only), averaged over the samples. It times the
  eager model and the TorchScript module (the profiling graph executor) alternately, once with glibc's
  default malloc and once with malloc told to keep freed memory (MALLOC_KEEP): without it, every batch's
  activations come back as fresh pages from the kernel. The fastest of the four is PyTorch's time: the
  peer at its best.

Every process warms up (--warmup untimed maps) before --repeats timed maps; a round runs our program and
PyTorch's worker once per model, one after the other, each in a process of its own with the same thread
count (torch.set_num_threads and at::set_num_threads), and the order rotates from round to round. Our
program runs as users get it: glibc's default malloc, no GLIBC_TUNABLES (the adapter reuses LibTorch's
large blocks itself, include/smoothgrad/torch/block_cache.hpp). Then, one process each: the peak RSS of one
map at n = --samples and n = --rss-samples (ours), and of one map at n = --samples (PyTorch eager, for
reference, with --peer-rss).

Prints the markdown section; --update FILE puts it into FILE (BENCHMARKS.md) in place of the old one.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from peer_pytorch import busy_cpu_seconds, lscpu_model, own_cpu_seconds

# The section of BENCHMARKS.md that this script writes (peer_pytorch.py keeps it when it rewrites the file).
TORCH_SECTION = "## TorchScript models (ResNet-50, Inception v3)"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODELS = {  # name: (height, width, channels), what the table calls it
    "resnet50": ((224, 224, 3), "ResNet-50"),
    "inception_v3": ((299, 299, 3), "Inception v3"),
}
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
NOISE_LEVEL = 0.15
# glibc hands out every block above its mmap threshold (at most 32 MiB) as fresh pages and unmaps it on
# free, so each batch of ResNet-50 activations (many tensors of 20-160 MB) is page-faulted in again and
# zeroed by the kernel. These tunables make malloc keep such blocks in its heap: PyTorch's fastest setting.
MALLOC_KEEP = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736"
FLAGS_OF_INTEREST = ("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile")


# ----------------------------------------------------------------------------------------------------
# The PyTorch side (its own process: `peer_torch_models.py --worker FILE.pt --arch NAME --image IMAGE.npy`)

def minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def worker(args):
    import numpy as np
    import torch
    import torchvision

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    scripted = torch.jit.load(args.worker, map_location="cpu").eval()
    for parameter in scripted.parameters():
        parameter.requires_grad_(False)
    image = torch.from_numpy(np.load(args.image)).permute(2, 0, 1).unsqueeze(0).contiguous()
    channels = image.shape[1]
    mean = torch.tensor(MEAN).reshape(1, channels, 1, 1)
    std = torch.tensor(STD).reshape(1, channels, 1, 1)
    sigma = NOISE_LEVEL * float(image.max() - image.min())

    models = {}
    variants = args.peer.split(",")
    if "eager" in variants:
        kwargs = {"weights": None, "num_classes": 1000}
        if args.arch == "inception_v3":
            kwargs.update(aux_logits=False, init_weights=False)
        eager = getattr(torchvision.models, args.arch)(**kwargs).eval()
        state = {k[len("inner."):] if k.startswith("inner.") else k: v for k, v in scripted.state_dict().items()}
        eager.load_state_dict(state)
        for parameter in eager.parameters():
            parameter.requires_grad_(False)
        models["eager"] = eager
    if "torchscript" in variants:
        models["torchscript"] = scripted
    with torch.no_grad():
        reference = scripted((image - mean) / std)
        target = int(reference.argmax())
        if "eager" in models:  # the eager model must be the file's model
            difference = float((models["eager"]((image - mean) / std) - reference).abs().max() / reference.abs().max())
            assert difference < 1e-4, f"eager and TorchScript {args.arch} differ by {difference}"

    def smooth_grad(model):
        total = torch.zeros_like(image[0])
        for start in range(0, args.samples, args.batch):
            count = min(args.batch, args.samples - start)
            x = (image + sigma * torch.randn(count, *image.shape[1:])).requires_grad_(True)
            scores = model((x - mean) / std)
            (gradient,) = torch.autograd.grad(scores[:, target].sum(), x)
            total += gradient.sum(0)
        return total / args.samples

    results = {name: {"warmup_ms": [], "times_ms": [], "page_faults": []} for name in models}
    map_abs_sum = None
    for run in range(args.warmup + args.repeats):
        for name, model in models.items():  # the variants alternate, so drift hits both alike
            faults = minor_faults()
            start = time.perf_counter()
            result = smooth_grad(model)
            elapsed = (time.perf_counter() - start) * 1e3
            results[name]["warmup_ms" if run < args.warmup else "times_ms"].append(round(elapsed, 2))
            results[name]["page_faults"].append(minor_faults() - faults)
            map_abs_sum = float(result.abs().sum())
    for entry in results.values():
        entry["median_ms"] = statistics.median(entry["times_ms"])
    print(json.dumps({"results": results, "class": target, "threads": torch.get_num_threads(),
                      "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "map_abs_sum": map_abs_sum, "torch": torch.__version__,
                      "torchvision": torchvision.__version__}))


# ----------------------------------------------------------------------------------------------------
# The driver

def environment(args, malloc="default"):
    """The environment of a process: `malloc` "keep" adds MALLOC_KEEP (the peer's option only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GLIBC_TUNABLES", "MALLOC_"))}
    env["OMP_NUM_THREADS"] = str(args.threads)
    if malloc == "keep":
        env["GLIBC_TUNABLES"] = MALLOC_KEEP
    return env


def run_json(command, env):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"peer_torch_models: {' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_ours(args, model_file, image, samples, warmup, repeats, extra=()):
    command = [os.path.join(args.binary, "smoothgrad_torch_smooth_grad"), model_file, "--samples", str(samples),
               "--batch", str(args.batch), "--warmup", str(warmup), "--repeats", str(repeats),
               "--threads", str(args.threads), "--image", image, *extra]
    return run_json(command, environment(args))


def run_theirs(args, arch, model_file, image, samples, warmup, repeats, peer, malloc):
    command = [sys.executable, os.path.abspath(__file__), "--worker", model_file, "--arch", arch, "--image", image,
               "--samples", str(samples), "--batch", str(args.batch), "--warmup", str(warmup),
               "--repeats", str(repeats), "--threads", str(args.threads), "--peer", peer]
    return run_json(command, environment(args, malloc))


def write_image(path, shape):
    """The image of torch_smooth_grad.cpp's image_pattern, (height, width, channels) float32."""
    import numpy as np
    height, width, channels = shape
    y, x, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(channels), indexing="ij")
    pixels = 0.5 + 0.4 * np.sin(0.07 * x * (c + 1) + 0.05 * y) * np.cos(0.03 * (x - y))
    np.save(path, pixels.astype(np.float32))


def export(arch, shape, path):
    size = "x".join(str(s) for s in shape)
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "export_torchscript.py"), "--arch", arch,
                    "--input-size", size, "--num-classes", "1000", "--mean", ",".join(map(str, MEAN)),
                    "--std", ",".join(map(str, STD)), "--out", path], check=True, capture_output=True, text=True)


def machine():
    """CPU model, flags of interest, threads, and what oneDNN and the kernel do with them."""
    flags = set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break

    def read(path):
        try:
            with open(path) as f:
                return f.read().strip()
        except OSError:
            return "unknown"

    # oneDNN's verbose mode names the instruction set its JIT kernels are generated for.
    probe = subprocess.run([sys.executable, "-c", "import torch; torch.nn.functional.conv2d("
                            "torch.rand(4, 8, 16, 16), torch.rand(8, 8, 3, 3))"],
                           capture_output=True, text=True, env=dict(os.environ, DNNL_VERBOSE="1"))
    isa = next((line.split("isa:", 1)[1].strip() for line in probe.stdout.splitlines() if "isa:" in line), "unknown")
    return {"cpu": lscpu_model(), "threads": os.cpu_count(),
            "flags": [f for f in FLAGS_OF_INTEREST if f in flags], "missing": [f for f in FLAGS_OF_INTEREST if f not in flags],
            "onednn_isa": isa, "thp": read("/sys/kernel/mm/transparent_hugepage/enabled"),
            "glibc": " ".join(platform.libc_ver()), "kernel": platform.release()}


def git(*arguments):
    """The output of a read-only git command in the repository, or "" if it fails."""
    result = subprocess.run(["git", "-C", ROOT, *arguments], capture_output=True, text=True)
    return result.stdout.rstrip("\n") if result.returncode == 0 else ""


def splice(path, section):
    """Puts `section` into the markdown file `path` in place of its old TORCH_SECTION, or at its end."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.find(TORCH_SECTION)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(TORCH_SECTION))
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def spread(values):
    return f"{min(values) / 1e3:.2f}-{max(values) / 1e3:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="build-bench/benchmarks", help="folder of smoothgrad_torch_smooth_grad")
    parser.add_argument("--models", default="resnet50", help="timed side by side; comma-separated: resnet50, inception_v3")
    parser.add_argument("--rss-models", default="resnet50,inception_v3", help="our peak RSS at two n (comma-separated)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2, help="untimed maps per process before the timed ones")
    parser.add_argument("--repeats", type=int, default=3, help="timed maps per process (per PyTorch variant)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rss-samples", type=int, default=1000, help="the large n of the peak RSS rows (0: none)")
    parser.add_argument("--peer-rss", action="store_true",
                        help="also the peak RSS of PyTorch eager at n = --samples, for reference")
    parser.add_argument("--peer", default="eager,torchscript", help="PyTorch variants: eager, torchscript or both")
    parser.add_argument("--peer-malloc", default="default,keep",
                        help=f"PyTorch's malloc settings: default, keep (GLIBC_TUNABLES={MALLOC_KEEP}) or both")
    parser.add_argument("--update", metavar="FILE", help="put the section into FILE (e.g. BENCHMARKS.md)")
    parser.add_argument("--json", metavar="FILE", help="write every process's raw results to FILE")
    parser.add_argument("--from-json", metavar="FILE",
                        help="measure nothing: write the section of a run saved with --json (after editing why_torch.md)")
    parser.add_argument("--remeasure-rss", action="store_true",
                        help="with --from-json: measure the peak RSS rows again (with --binary), keep the timings")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--arch", help=argparse.SUPPRESS)
    parser.add_argument("--image", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.from_json:
        with open(args.from_json) as f:
            run = json.load(f)
        if args.remeasure_rss:
            saved = argparse.Namespace(**dict(run["args"], binary=args.binary))
            rss_models = [m for m in saved.rss_models.split(",") if m]
            with tempfile.TemporaryDirectory(prefix="smoothgrad-torch-peer-") as directory:
                files, images = export_all(rss_models, directory)
                run["rss"] = measure_rss(saved, rss_models, files, images)
            run["rss_measured"] = {"at": time.strftime("%Y-%m-%d %H:%M %Z"), "commit": git("log", "-1", "--format=%h"),
                                   "dirty": dirty_files()}
            if args.json:
                with open(args.json, "w") as f:
                    json.dump(run, f, indent=1)
        publish(render(run), args.update)
        return
    models = [m for m in args.models.split(",") if m]
    rss_models = [m for m in args.rss_models.split(",") if m]
    for name in models + rss_models:
        if name not in MODELS:
            parser.error(f"--models, --rss-models: unknown model {name!r}; known: {', '.join(MODELS)}")
    for malloc in args.peer_malloc.split(","):
        if malloc not in ("default", "keep"):
            parser.error(f"--peer-malloc: unknown setting {malloc!r}; known: default, keep")
    if not os.path.exists(os.path.join(args.binary, "smoothgrad_torch_smooth_grad")):
        parser.error(f"--binary {args.binary}: no smoothgrad_torch_smooth_grad there (is smoothgrad::torch built?)")

    run = measure(args, models, rss_models)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(run, f, indent=1)
    publish(render(run), args.update)


def publish(section, update):
    print(section)
    if update:
        splice(update, section)
        print(f"updated {update}", file=sys.stderr)


def measure(args, models, rss_models):
    """Runs every process; the results, with what is needed to write the section."""
    started_at = time.strftime("%Y-%m-%d %H:%M %Z")
    commit = git("log", "-1", "--format=%h")
    dirty = dirty_files()
    host = machine()
    with tempfile.TemporaryDirectory(prefix="smoothgrad-torch-peer-") as directory:
        files, images = export_all(list(dict.fromkeys(models + rss_models)), directory)

        load_before = os.getloadavg()[0]
        busy_before, own_before, started = busy_cpu_seconds(), own_cpu_seconds(), time.monotonic()
        ours = {name: [] for name in models}
        theirs = {name: [] for name in models}  # per round, {malloc setting: the worker's results}
        sides = ["smoothgrad"] + [f"PyTorch, malloc {malloc}" for malloc in args.peer_malloc.split(",")]
        for round_number in range(args.rounds):
            for name in models:
                theirs[name].append({})
                shift = round_number % len(sides)  # the order rotates, so drift hits every side alike
                for side in sides[shift:] + sides[:shift]:
                    print(f"round {round_number + 1}/{args.rounds}: {name}, {side}", file=sys.stderr, flush=True)
                    if side == "smoothgrad":
                        ours[name].append(run_ours(args, files[name], images[name], args.samples, args.warmup,
                                                   args.repeats))
                    else:
                        malloc = side.rsplit(" ", 1)[1]
                        theirs[name][-1][malloc] = run_theirs(args, name, files[name], images[name], args.samples,
                                                              args.warmup, args.repeats, args.peer, malloc)
        elapsed = time.monotonic() - started
        others = (busy_cpu_seconds() - busy_before) - (own_cpu_seconds() - own_before)
        others_share = max(0.0, others) / (elapsed * os.cpu_count())

        rss = measure_rss(args, rss_models, files, images)
        total_minutes = (time.monotonic() - started) / 60
    return {"args": vars(args), "started_at": started_at, "commit": commit, "dirty": dirty, "machine": host,
            "load_before": load_before, "others_share": others_share, "total_minutes": total_minutes,
            "ours": ours, "theirs": theirs, "rss": rss}



def dirty_files():
    return [line[3:] for line in git("status", "--porcelain", "--", "include", "benchmarks").splitlines()]


def export_all(names, directory):
    """Exports each model (random weights) and its image into `directory`: ({name: file}, {name: image})."""
    files, images = {}, {}
    for name in names:
        shape = MODELS[name][0]
        print(f"exporting {name} (random weights)", file=sys.stderr, flush=True)
        files[name] = os.path.join(directory, f"{name}.pt")
        export(name, shape, files[name])
        images[name] = os.path.join(directory, f"image_{name}.npy")
        write_image(images[name], shape)
    return files, images


def measure_rss(args, rss_models, files, images):
    """Peak RSS of one process per row: ours at n = samples and n = rss_samples, ours without block reuse at
    n = samples, and PyTorch eager at n = samples with --peer-rss."""
    rss = {}
    for name in rss_models:
        print(f"peak RSS: {name}", file=sys.stderr, flush=True)
        rss[name] = {"ours": {}, "ours_no_reuse": {}, "theirs": {}}
        for samples in [args.samples] + ([args.rss_samples] if args.rss_samples else []):
            rss[name]["ours"][str(samples)] = run_ours(args, files[name], images[name], samples, 0, 1)
        rss[name]["ours_no_reuse"][str(args.samples)] = run_ours(args, files[name], images[name], args.samples, 0, 1,
                                                                 ["--no-block-reuse"])
        if args.peer_rss:
            rss[name]["theirs"][str(args.samples)] = run_theirs(args, name, files[name], images[name],
                                                                args.samples, 0, 1, "eager", "default")
    return rss


def render(run):
    """The markdown section of a measured run."""
    args = argparse.Namespace(**run["args"])
    models = [m for m in args.models.split(",") if m]
    rss_models = list(run["rss"])
    started_at, commit, dirty, host = run["started_at"], run["commit"], run["dirty"], run["machine"]
    load_before, others_share, total_minutes = run["load_before"], run["others_share"], run["total_minutes"]
    ours, theirs, rss = run["ours"], run["theirs"], run["rss"]
    lines = []
    w = lines.append
    w(f"{TORCH_SECTION}\n")
    w("Generated by `benchmarks/peer_torch_models.py` (this section only; `peer_pytorch.py` keeps it when it "
      "rewrites the rest). **All models have random weights** (torchvision's initialization, seed 0, exported by "
      "`scripts/export_torchscript.py`): there are no pretrained weights on this machine, so the maps explain "
      "nothing; the work per map is the same as with trained weights.\n")
    w(f"Measured {started_at} at commit `{commit}`" +
      (f" (uncommitted there: {', '.join(f'`{d}`' for d in dirty)})" if dirty else "") +
      (f"; the peak RSS rows {run['rss_measured']['at']} at commit `{run['rss_measured']['commit']}`" +
       (f" (uncommitted there: {', '.join(f'`{d}`' for d in run['rss_measured']['dirty'])})"
        if run['rss_measured']['dirty'] else "") if "rss_measured" in run else "") + ".\n")
    w("What runs: SmoothGrad of one image (a fixed smooth pattern in [0, 1]) for the predicted class, "
      f"n = {args.samples} noisy copies with noise level {NOISE_LEVEL} in batches of {args.batch}, "
      "input gradient only.\n")
    w("- smoothgrad: `benchmarks/torch_smooth_grad.cpp`, `SmoothGrad{.samples = "
      f"{args.samples}, .noise_level = {NOISE_LEVEL}, .batch_size = {args.batch}}}` on `TorchScriptModel` "
      "(frozen graph run by LibTorch's interpreter; normalization, HWC/NCHW copies, noise and checks "
      "included in the time).")
    w("- PyTorch: `torch.jit.load` of the same file (`torchscript`, the profiling graph executor) and the "
      "eager torchvision model with that file's weights (`eager`), parameters frozen, one batch "
      "`x + sigma * randn`, normalized, `torch.autograd.grad` of the class score's sum; noise included. Each "
      "runs with glibc's default malloc (`default`) and with "
      f"`GLIBC_TUNABLES={MALLOC_KEEP}` (`keep`: malloc keeps freed blocks instead of unmapping them, so "
      "batches after the first do not get their activations as fresh pages). The fastest of these "
      "(by median) is PyTorch's time: the peer at its best.\n")
    w(f"Environment: `OMP_NUM_THREADS={args.threads}`, {args.threads} intra-op threads "
      "(`at::set_num_threads` / `torch.set_num_threads`); our program runs as users get it, with glibc's "
      "default malloc (the adapter reuses LibTorch's large blocks itself: "
      "`include/smoothgrad/torch/block_cache.hpp`). Each process computes "
      f"{args.warmup} untimed maps, then {args.repeats} timed ones (per PyTorch variant, the variants "
      "alternating); the timed maps' page faults are shown below, to show the steady state. "
      f"{args.rounds} rounds; a round runs our process and PyTorch's ({args.peer_malloc.replace(',', ', ')}) "
      "one after the other, the order rotating from round to round.\n")
    first = next(iter(theirs[models[0]][0].values())) if models else {"torch": "?", "torchvision": "?"}
    w(f"Machine: {host['cpu']}, {host['threads']} hardware threads (CPU flags: "
      f"{', '.join(host['flags'])}; not present: {', '.join(host['missing']) or 'none'}); oneDNN JIT ISA: "
      f"{host['onednn_isa']}; transparent huge pages: {host['thp']}; {host['glibc']}; kernel {host['kernel']}. "
      f"PyTorch {first['torch']}, torchvision {first['torchvision']} "
      "(Debian); our program links Debian's LibTorch of the same version, compiled with "
      "SMOOTHGRAD_BENCHMARK_FLAGS.\n")
    busy = load_before > 0.5 * args.threads or others_share > 0.1
    w(("**The machine was busy:** " if busy else "The machine was quiet: ") +
      f"1-minute load average {load_before:.1f} before the run; other processes took "
      f"{100 * others_share:.0f} % of its CPU time while the rounds ran. Absolute times drift on this shared "
      "machine; the side-by-side medians and the per-round ratios are what count. "
      f"The whole run took {total_minutes:.0f} minutes.\n")
    build = os.path.dirname(os.path.normpath(args.binary)) or "."
    w("Commands, from the repository's root (LibTorch translation units take about a minute to compile):\n")
    command = (f"cmake -S . -B {build} -DCMAKE_BUILD_TYPE=Release -DSMOOTHGRAD_BUILD_BENCHMARKS=ON "
               "-DSMOOTHGRAD_BUILD_TESTS=OFF -DSMOOTHGRAD_BUILD_EXAMPLES=OFF\n"
               f"cmake --build {build} -j2 --target smoothgrad_torch_smooth_grad\n"
               f"/usr/bin/python3 benchmarks/peer_torch_models.py --binary {args.binary} --models {args.models} "
               f"--rounds {args.rounds} --warmup {args.warmup} --repeats {args.repeats} --threads {args.threads} "
               f"--samples {args.samples} --batch {args.batch} --rss-models {args.rss_models} "
               f"--rss-samples {args.rss_samples} --peer {args.peer} --peer-malloc {args.peer_malloc}" +
               (" --peer-rss" if args.peer_rss else "") +
               (f" --update {args.update}" if args.update else "") + (f" --json {args.json}" if args.json else ""))
    if "rss_measured" in run:
        command += (f"\n# the peak RSS rows, again, keeping the timings of a run saved with --json:\n"
                    f"/usr/bin/python3 benchmarks/peer_torch_models.py --binary {args.binary} --from-json RUN.json "
                    "--remeasure-rss" + (f" --update {args.update}" if args.update else ""))
    w(f"```\n{command}\n```\n")

    w("ratio = PyTorch time / our time (> 1: we are faster). Medians over all timed maps of all rounds; "
      "ranges are min-max in seconds.\n")
    w("| case | ours (median ms) | PyTorch at its best (median ms) | ratio | per-round ratios | ours range (s) | "
      "PyTorch range (s) | PyTorch's other variants (median ms) |")
    w("|---|---|---|---|---|---|---|---|")
    verdicts = []
    for name in models:
        shape, title = MODELS[name]
        our_times = [t for run in ours[name] for t in run["times_ms"]]
        variants = [(malloc, v) for malloc, worker in theirs[name][0].items() for v in worker["results"]]
        pooled = {(malloc, v): [t for run in theirs[name] for t in run[malloc]["results"][v]["times_ms"]]
                  for malloc, v in variants}
        best = min(variants, key=lambda key: statistics.median(pooled[key]))
        mine, peer = statistics.median(our_times), statistics.median(pooled[best])
        per_round = [statistics.median(run[best[0]]["results"][best[1]]["times_ms"]) / statistics.median(o["times_ms"])
                     for o, run in zip(ours[name], theirs[name])]
        other = ", ".join(f"{v}, malloc {m}: {statistics.median(pooled[(m, v)]):.0f}" for m, v in variants
                          if (m, v) != best) or "-"
        w(f"| {title} {'x'.join(map(str, shape))}, SmoothGrad n = {args.samples} | {mine:.0f} | {peer:.0f} "
          f"({best[1]}, malloc {best[0]}) | "
          f"{peer / mine:.2f} | {', '.join(f'{r:.2f}' for r in per_round)} | {spread(our_times)} | "
          f"{spread(pooled[best])} | {other} |")
        verdicts.append((title, peer / mine, per_round, mine, peer))
    w("")
    faults = []
    for name in models:
        our_faults = [f for run in ours[name] for f in run["page_faults"][args.warmup:]]
        peer_faults = []
        for malloc in theirs[name][0]:
            counts = [f for run in theirs[name] for v in run[malloc]["results"].values()
                      for f in v["page_faults"][args.warmup:]]
            peer_faults.append(f"PyTorch (malloc {malloc}) {min(counts)}-{max(counts)}")
        faults.append(f"{MODELS[name][1]}: ours {min(our_faults)}-{max(our_faults)}, " + ", ".join(peer_faults))
    w("Minor page faults per timed map: " + "; ".join(faults) + ".\n")

    no_reuse = all(rss[name].get("ours_no_reuse") for name in rss_models)
    w(f"Peak RSS (getrusage ru_maxrss of a process that loads the model and computes one map, batch {args.batch}, "
      "our environment above" + ("; PyTorch's process also holds the TorchScript module its eager model's "
                                    "weights come from" if args.peer_rss else "") + ")" +
      (". Without block reuse (`TorchScriptParams::reuse_blocks = false`) every block goes back to malloc when "
       "freed, which can then serve other sizes from it; the cache serves only equal sizes, so it costs memory"
       if no_reuse else "") + ":\n")
    large = args.rss_samples
    w((f"| model | ours, n = {args.samples} | " + (f"ours, n = {large} | n = {large} / n = {args.samples} | " if large else "")
      + (f"ours without block reuse, n = {args.samples} | " if no_reuse else "")
      + (f"PyTorch eager, n = {args.samples} |" if args.peer_rss else "")).rstrip(" "))
    w("|---|---|" + ("---|---|" if large else "") + ("---|" if no_reuse else "") + ("---|" if args.peer_rss else ""))
    rss_checks = []
    for name in rss_models:
        small = rss[name]["ours"][str(args.samples)]["peak_rss_kib"]
        row = f"| {MODELS[name][1]} {'x'.join(map(str, MODELS[name][0]))} | {small / 1024:.0f} MiB | "
        if large:
            big = rss[name]["ours"][str(large)]["peak_rss_kib"]
            row += f"{big / 1024:.0f} MiB | {big / small:.3f} | "
            rss_checks.append((MODELS[name][1], big / small))
        if no_reuse:
            row += f"{rss[name]['ours_no_reuse'][str(args.samples)]['peak_rss_kib'] / 1024:.0f} MiB | "
        if args.peer_rss:
            row += f"{rss[name]['theirs'][str(args.samples)]['peak_rss_kib'] / 1024:.0f} MiB |"
        w(row.rstrip(" "))
    w("")

    w("Against the issue's targets, as measured in this run:\n")
    for title, ratio, per_round, mine, peer in verdicts:
        if ratio >= 1.0 and min(per_round) < 1.0:
            text = (f"PASS by the median ({ratio:.2f}x PyTorch's speed), but the per-round ratios straddle 1: "
                    "a tie within this machine's noise")
        elif ratio >= 1.0:
            text = f"PASS: ours is {ratio:.2f}x PyTorch's speed"
        else:
            text = f"MISS: ours takes {100 * (mine / peer - 1):.0f} % longer than PyTorch"
        w(f"- {title}, at least as fast as PyTorch: {text} (per-round ratios "
          f"{min(per_round):.2f}-{max(per_round):.2f}).")
    for title, ratio in rss_checks:
        w(f"- {title}, peak RSS at n = {large} within 10 % of n = {args.samples}: "
          f"{'PASS' if ratio <= 1.10 else 'MISS'} ({100 * (ratio - 1):+.1f} %).")
    w("")
    notes = os.path.join(HERE, "why_torch.md")
    if os.path.exists(notes):
        with open(notes, encoding="utf-8") as f:
            w(f.read().rstrip("\n") + "\n")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
