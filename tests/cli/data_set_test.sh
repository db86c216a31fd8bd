#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# smoothgrad-explain's data-set mode as a cluster user runs it: shards on other thread counts and batch
# sizes, tasks killed and started again, damaged and mismatched shards given to merge.
# Usage: data_set_test.sh CASE EXPLAIN MODEL WORKDIR   (CASE: shards, float16, resume, merge-refusals, inputs, shard-auto)
set -euo pipefail
case_name=$1 explain=$2 model=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
python=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)

fail() { echo "data_set_test $case_name: $*" >&2; exit 1; }
# expect_failure REGEX COMMAND...: the command exits non-zero with one line on stderr matching REGEX.
expect_failure() {
    local regex=$1
    shift
    if "$@" >"$work/out.txt" 2>"$work/err.txt"; then cat "$work/out.txt" "$work/err.txt"; fail "succeeded: $*"; fi
    grep -Eq -- "$regex" "$work/err.txt" || { cat "$work/err.txt"; fail "expected an error matching '$regex': $*"; }
    [ "$(wc -l <"$work/err.txt")" -eq 1 ] || { cat "$work/err.txt"; fail "expected one line on stderr: $*"; }
}
# expect_output REGEX COMMAND...: the command succeeds and prints a line matching REGEX.
expect_output() {
    local regex=$1
    shift
    "$@" >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "failed: $*"; }
    grep -Eq -- "$regex" "$work/out.txt" || { cat "$work/out.txt"; fail "expected output matching '$regex': $*"; }
}
# same_maps A B: the "maps" tensors of two safetensors files hold the same bits (their metadata may differ).
same_maps() { "$python" "$here/compare_maps.py" same "$1" "$2" || fail "the maps in $1 and $2 differ"; }
explain_200() { "$explain" --model "$model" --fashion-mnist-index 0-199 --quiet "$@"; }

case $case_name in
shards)
    # The issue's test: 200 Fashion-MNIST test images, SmoothGrad n = 50; one process against four shards, each
    # with other threads and batch sizes, run out of order.
    explain_200 --out "$work/one" >/dev/null
    "$explain" merge "$work/one" --maps "$work/one.safetensors" >/dev/null
    explain_200 --out "$work/four" --shard 3/4 --threads 2 --batch-size 16 >/dev/null
    explain_200 --out "$work/four" --shard 1/4 --threads 1 --batch-size 7 >/dev/null
    explain_200 --out "$work/four" --shard 0/4 --threads 2 --batch-size 50 --checkpoint-every 3 >/dev/null
    explain_200 --out "$work/four" --shard 2/4 --threads 1 --batch-size 1 >/dev/null
    expect_output "^merged 4 shards of .*: 200 inputs, vanilla with SmoothGrad \(n = 50\), maps of shape \[28,28,1\] \(F32\); the predicted class is the label for [0-9]+ of 200" \
        "$explain" merge "$work/four" --maps "$work/four.safetensors" --summary
    grep -Eq "^  total_variation [0-9.]+ \+- [0-9.e-]+$" "$work/out.txt" || { cat "$work/out.txt"; fail "no metrics summary"; }
    grep -q '"total_variation"' "$work/four/index.json" || fail "index.json holds no summary"
    cmp "$work/one.safetensors" "$work/four.safetensors" || fail "4 shards and 1 process give different maps files"
    # More shards than inputs: the empty ones are written and merged too.
    for k in 4 0 2 1 3; do
        "$explain" --model "$model" --fashion-mnist-index 0-2 --smooth-samples 3 --quiet --out "$work/five" --shard $k/5 >/dev/null
    done
    "$explain" --model "$model" --fashion-mnist-index 0-2 --smooth-samples 3 --quiet --out "$work/five-one" >/dev/null
    expect_output "^merged 5 shards .*: 3 inputs" "$explain" merge "$work/five" --maps "$work/five.safetensors"
    "$explain" merge "$work/five-one" --maps "$work/five-one.safetensors" >/dev/null
    cmp "$work/five.safetensors" "$work/five-one.safetensors" || fail "empty shards change the merged maps"
    # Every input's record (classes, score, probability) too, apart from the shard file it is in.
    "$python" - "$work/one/index.json" "$work/four/index.json" <<'PY' || fail "the indexes differ"
import json, sys
strip = lambda path: [{k: v for k, v in e.items() if k not in ("file", "row")} for e in json.load(open(path))["inputs"]]
a, b = strip(sys.argv[1]), strip(sys.argv[2])
assert len(a) == 200 and a == b, "the inputs' records differ"
PY
    ;;
float16)
    explain_200 --out "$work/f32" --smooth-samples 5 >/dev/null
    explain_200 --out "$work/f16" --smooth-samples 5 --dtype float16 --shard 0/2 >/dev/null
    explain_200 --out "$work/f16" --smooth-samples 5 --dtype float16 --shard 1/2 >/dev/null
    "$explain" merge "$work/f32" --maps "$work/f32.safetensors" >/dev/null
    expect_output "\(F16\)" "$explain" merge "$work/f16" --maps "$work/f16.safetensors"
    "$python" "$here/compare_maps.py" float16 "$work/f32.safetensors" "$work/f16.safetensors" ||
        fail "float16 maps are not the float32 maps rounded"
    ;;
resume)
    # A task killed with SIGKILL while it works, started again, ends with the bytes of an uninterrupted run.
    explain_200 --out "$work/whole" --shard 1/2 >/dev/null
    shard=shard-00001-of-00002
    # The program itself in the background (not a function, whose subshell would take the signal instead),
    # niced: on a loaded machine this loop, not the task, gets the CPU, so the task cannot finish (it takes
    # about a third of a second alone) before it is seen to have written three checkpoints.
    nice -n 10 "$explain" --model "$model" --fashion-mnist-index 0-199 --quiet --out "$work/killed" --shard 1/2 --threads 1 \
        --batch-size 5 --checkpoint-every 4 >/dev/null &
    task=$!
    for _ in $(seq 1 3000); do
        [ "$(ls "$work/killed/$shard.partial" 2>/dev/null | grep -c '^chunk-.*safetensors$')" -ge 3 ] && break
        sleep 0.01
    done
    kill -KILL $task
    wait $task && fail "the task finished before it was killed: the test proves nothing" || true
    [ ! -e "$work/killed/$shard.json" ] || fail "a killed task left a manifest"
    chunks=$(ls "$work/killed/$shard.partial" | grep -c '^chunk-.*safetensors$')
    [ "$chunks" -ge 3 ] || fail "no checkpoints before the kill"
    # Checkpoints are not mixed with another run's.
    expect_failure "checkpoint .* was made with other parameters \(smooth_grad.seed: " \
        explain_200 --out "$work/killed" --shard 1/2 --seed 1
    # A checkpoint damaged after the kill (a disk can do that) is computed again.
    last=$(ls "$work/killed/$shard.partial"/chunk-*.safetensors | sort | tail -1)
    truncate -s 100 "$last"
    expect_output "resuming after input [0-9]+ \(" explain_200 --out "$work/killed" --shard 1/2 --checkpoint-every 4
    grep -q "is damaged" "$work/out.txt" || { cat "$work/out.txt"; fail "the damaged checkpoint was not reported"; }
    cmp "$work/whole/$shard.safetensors" "$work/killed/$shard.safetensors" || fail "the resumed shard's maps differ"
    cmp "$work/whole/$shard.json" "$work/killed/$shard.json" || fail "the resumed shard's manifest differs"
    [ ! -e "$work/killed/$shard.partial" ] || fail "the checkpoints were not removed"
    expect_output "already complete .* nothing to do" explain_200 --out "$work/killed" --shard 1/2
    # A finished shard whose maps file went missing is computed again, to the same bytes.
    cp "$work/killed/$shard.safetensors" "$work/saved.safetensors" && rm "$work/killed/$shard.safetensors"
    expect_output "is missing or changed" explain_200 --out "$work/killed" --shard 1/2
    cmp "$work/saved.safetensors" "$work/killed/$shard.safetensors" || fail "the recomputed shard differs"
    # Two processes on one shard: the second stops at once, the first is undisturbed.
    "$explain" --model "$model" --fashion-mnist-index 0-199 --quiet --out "$work/twice" --shard 1/2 --threads 1 >/dev/null &
    first=$!
    for _ in $(seq 1 1000); do [ -e "$work/twice/$shard.lock" ] && break; sleep 0.01; done
    sleep 0.2
    expect_failure "shard 1/2 is being explained by another process" explain_200 --out "$work/twice" --shard 1/2
    wait $first || fail "the first process failed"
    cmp "$work/whole/$shard.safetensors" "$work/twice/$shard.safetensors" || fail "the locked shard's maps differ"
    # A task resubmitted alone without --shard-count would start a run of another split: refused.
    expect_failure "holds 'shard-00001-of-00002.*', a shard of a run split into 00002, but this is shard 0 of 1" \
        explain_200 --out "$work/twice" --shard 0/1
    # The same task with other parameters is refused, not mixed in.
    expect_failure "is from a run with other parameters \(smooth_grad.seed: 1 here, 0 there\)" \
        explain_200 --out "$work/killed" --shard 1/2 --seed 1
    ;;
merge-refusals)
    run() { "$explain" --model "$model" --fashion-mnist-index 0-19 --smooth-samples 3 --quiet "$@" >/dev/null; }
    run --out "$work/good" --shard 0/2
    run --out "$work/good" --shard 1/2
    "$explain" merge "$work/good" >/dev/null
    cp -r "$work/good" "$work/missing" && rm "$work/missing/shard-00001-of-00002.json"
    expect_failure "merge: shard 1 of 2 is missing" "$explain" merge "$work/missing"
    cp -r "$work/good" "$work/truncated" && truncate -s 2000 "$work/truncated/shard-00001-of-00002.safetensors"
    expect_failure "shard-00001-of-00002.safetensors' is damaged or was replaced" "$explain" merge "$work/truncated"
    run --out "$work/other-seed" --shard 1/2 --seed 7
    cp -r "$work/good" "$work/mixed" && cp "$work/other-seed"/shard-00001-of-00002.* "$work/mixed/"
    expect_failure "was made with other parameters than .* \(smooth_grad.seed: 7 here, 0 there\)" "$explain" merge "$work/mixed"
    # Maps of direct convolutions differ from the default's by rounding: not mixed in either.
    run --out "$work/direct" --shard 1/2 --direct-convolutions
    cp -r "$work/good" "$work/algorithms" && cp "$work/direct"/shard-00001-of-00002.* "$work/algorithms/"
    expect_failure "other parameters than .* \(model\.convolutions: \"direct\" here, \"winograd\" there\)" \
        "$explain" merge "$work/algorithms"
    # Models are told apart by content: another model under the same file name is refused, ...
    mkdir -p "$work/renamed" && cp "${model%/*}/fashion_mnist_cnn_noise.safetensors" "$work/renamed/${model##*/}"
    run --out "$work/other-model" --shard 1/2 --model "$work/renamed/${model##*/}"
    cp -r "$work/good" "$work/models" && cp "$work/other-model"/shard-00001-of-00002.* "$work/models/"
    expect_failure "other parameters than .* \(model\.sha256: " "$explain" merge "$work/models"
    # ... and the same model under another name (staged to a node's scratch disk) is the same run.
    cp "$model" "$work/renamed/staged-copy.safetensors"
    run --out "$work/staged" --shard 1/2 --model "$work/renamed/staged-copy.safetensors"
    cp -r "$work/good" "$work/same-model" && cp "$work/staged"/shard-00001-of-00002.* "$work/same-model/"
    expect_output "^merged 2 shards" "$explain" merge "$work/same-model"
    # Hand-edited or foreign manifests are refused with their name.
    cp -r "$work/good" "$work/edited" && echo '{"format": "smoothgrad-explain shard", "format_version": 1, "shard": []}' \
        >"$work/edited/shard-00001-of-00002.json"
    expect_failure "shard-00001-of-00002.json' is malformed" "$explain" merge "$work/edited"
    run --out "$work/three" --shard 0/3
    cp -r "$work/good" "$work/split" && cp "$work/three"/shard-00000-of-00003.* "$work/split/"
    expect_failure "are shards of runs split (3 and 2|2 and 3) ways" "$explain" merge "$work/split"
    expect_failure "no shard manifests" "$explain" merge "$work/three/.."
    expect_failure "--shard and --shard-count need --out" run --shard 0/2
    expect_failure "--shard needs 0 <= K < N <= 1048576, got '2/2'" run --out "$work/x" --shard 2/2
    ;;
inputs)
    # The same images from a folder, a pattern, a list and an IDX file give the Fashion-MNIST index's maps.
    "$python" - "$work" <<'PY'
import gzip, struct, sys
import numpy as np
from PIL import Image
work = sys.argv[1]
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:12]
import os
os.makedirs(f"{work}/pngs")
for k, image in enumerate(images):
    Image.fromarray(image).save(f"{work}/pngs/img{k:02d}.png")
with open(f"{work}/list.txt", "w") as f:
    f.write("# the first twelve test images\n\n" + "".join(f"pngs/img{k:02d}.png\n" for k in range(12)))
with gzip.open(f"{work}/twelve-images-idx3-ubyte.gz", "wb") as f:
    f.write(struct.pack(">IIII", 0x803, 12, 28, 28) + images.tobytes())
PY
    run() { "$explain" --model "$model" --smooth-samples 4 --quiet "$@" >/dev/null; }
    run --fashion-mnist-index 0-11 --out "$work/index"
    run --image-dir "$work/pngs" --out "$work/dir" --shard 0/2
    run --image-dir "$work/pngs" --out "$work/dir" --shard 1/2
    run --image-glob "$work/pngs/img*.png" --out "$work/glob"
    run --image-list "$work/list.txt" --out "$work/list"
    run --idx "$work/twelve-images-idx3-ubyte.gz" --out "$work/idx"
    for kind in index dir glob list idx; do "$explain" merge "$work/$kind" --maps "$work/$kind.safetensors" >/dev/null; done
    for kind in dir glob list idx; do same_maps "$work/index.safetensors" "$work/$kind.safetensors"; done
    grep -q '"name": "img11"' "$work/dir/index.json" || fail "the folder's images are not named by their files"
    grep -q '"name": "twelve-images-idx3-ubyte-11"' "$work/idx/index.json" || fail "IDX images are not named by file and row"
    expect_failure "--image-glob '.*nothing\*.png' matches no file" run --image-glob "$work/nothing*.png" --out "$work/x"
    printf 'pngs/img00.png\npngs/gone.png\n' >"$work/bad-list.txt"
    expect_failure "--image-list: cannot open '.*gone.png'" run --image-list "$work/bad-list.txt" --out "$work/x"
    ;;
shard-auto)
    run=("$explain" --model "$model" --fashion-mnist-index 0-9 --smooth-samples 2 --quiet)
    # Slurm numbers an array's tasks from its first index, here 1 (--array=1-3).
    expect_output "^shard 1/3: 3 inputs" env SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=3 \
        SLURM_ARRAY_TASK_COUNT=3 "${run[@]}" --out "$work/slurm" --shard auto
    # A task resubmitted alone (sbatch --array=2) keeps its shard when --shard-count is given.
    expect_output "^shard 2/4: 2 inputs" env SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=2 SLURM_ARRAY_TASK_MAX=2 \
        SLURM_ARRAY_TASK_COUNT=1 "${run[@]}" --out "$work/slurm-again" --shard auto --shard-count 4
    expect_output "^shard 2/5: 2 inputs" env JOB_COMPLETION_INDEX=2 "${run[@]}" --out "$work/k8s" --shard auto --shard-count 5
    expect_failure "JOB_COMPLETION_INDEX needs --shard-count" env JOB_COMPLETION_INDEX=2 "${run[@]}" --out "$work/k8s" --shard auto
    expect_failure "must be one range without steps" env SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 \
        SLURM_ARRAY_TASK_MAX=4 SLURM_ARRAY_TASK_COUNT=3 "${run[@]}" --out "$work/slurm" --shard auto
    expect_failure "neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX" \
        env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX "$explain" --model "$model" --fashion-mnist-index 0 --out "$work/x" --shard auto
    ;;
*) fail "unknown case" ;;
esac
echo "data_set_test $case_name: passed"
