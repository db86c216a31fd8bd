#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# The README's cluster commands on a real Slurm: a private single-node cluster (tests/cluster/private_slurm.sh)
# runs scripts/slurm/explain-array.sbatch as a 4-task array over 200 Fashion-MNIST test images. One task is
# killed with SIGKILL part-way and resubmitted alone; the merged maps must equal one process's bit for bit.
# Usage: slurm_test.sh EXPLAIN MODEL WORKDIR
set -euo pipefail
explain=$1 model=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
sbatch_script=$here/../../scripts/slurm/explain-array.sbatch
rm -rf "$work"
mkdir -p "$work"
# The cluster's state in a short path of its own: munge's socket path must fit in 108 bytes.
state=$(mktemp -d /tmp/smoothgrad-slurm.XXXXXX)
started=false
fail() {
    echo "slurm_test: $*" >&2
    for f in "$work"/task-*.out; do [ -e "$f" ] && { echo "== $f" >&2; cat "$f" >&2; }; done
    if $started; then slurm_dump_logs; fi
    exit 1
}

# shellcheck source=tests/cluster/private_slurm.sh
source "$here/private_slurm.sh"
trap 'slurm_stop; rm -rf "$state"' EXIT
start=$SECONDS
slurm_start "$state" || fail "the private Slurm did not start (its logs are above)"
started=true
echo "slurm_test: private Slurm up in $((SECONDS - start)) s"

# Enough work per task (400 samples, a checkpoint per input) that a task can be killed while it works.
arguments=(--model "$model" --fashion-mnist-index 0-199 --smooth-samples 400 --checkpoint-every 1)
export SMOOTHGRAD_EXPLAIN=$explain
job=$(sbatch --parsable --array=0-3 --cpus-per-task=1 --output="$work/task-%a.out" "$sbatch_script" \
    "${arguments[@]}" --out "$work/maps") || fail "sbatch refused the array job"
job=${job%%;*}
echo "slurm_test: submitted array job $job"

# Kill task 2 with SIGKILL once it has saved a checkpoint.
partial=$work/maps/shard-00002-of-00004.partial
for _ in $(seq 1 1200); do
    ls "$partial"/chunk-*.safetensors >/dev/null 2>&1 && break
    sleep 0.05
done
ls "$partial"/chunk-*.safetensors >/dev/null 2>&1 || fail "task 2 saved no checkpoint within 60 s"
scancel --signal=KILL --full "${job}_2" || fail "scancel failed"
for _ in $(seq 1 1200); do
    [ -z "$(squeue --noheader --jobs "$job" 2>/dev/null)" ] && break
    sleep 0.1
done
[ -z "$(squeue --noheader --jobs "$job" 2>/dev/null)" ] || fail "the array job did not end within 120 s"
[ ! -e "$work/maps/shard-00002-of-00004.json" ] || fail "task 2 finished before the kill reached it: the test proves nothing"
for k in 0 1 3; do
    [ -e "$work/maps/shard-0000$k-of-00004.json" ] || fail "task $k did not finish"
done
checkpoints=$(find "$partial" -name 'chunk-*.safetensors' | wc -l)
echo "slurm_test: task 2 killed after $checkpoints checkpoints; resubmitting it alone"

# The task resubmitted alone continues from its checkpoint; --shard-count keeps it shard 2 of 4.
sbatch --wait --array=2 --cpus-per-task=2 --output="$work/task-%a-again.out" "$sbatch_script" \
    "${arguments[@]}" --out "$work/maps" --shard-count 4 >/dev/null || fail "the resubmitted task failed"
grep -q "resuming after input" "$work/task-2-again.out" || fail "the resubmitted task did not resume from its checkpoint"
grep -Eq "^shard 0/4: [0-9]+/50 inputs, [0-9.]+ inputs/s" "$work/task-0.out" || fail "task 0 printed no progress line"

"$explain" merge "$work/maps" --maps "$work/cluster.safetensors" || fail "merge failed"
"$explain" "${arguments[@]}" --quiet --out "$work/one" >/dev/null
"$explain" merge "$work/one" --maps "$work/one.safetensors" >/dev/null
cmp "$work/one.safetensors" "$work/cluster.safetensors" || fail "the cluster's maps differ from one process's"
echo "slurm_test: passed in $((SECONDS - start)) s"
