#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Sourced by cluster tests: slurm_start DIR runs a private single-node Slurm (own munged, slurmctld, slurmd,
# ports, config and state, all inside DIR) and exports SLURM_CONF; slurm_stop stops exactly those daemons.
# Needs root (SlurmUser=root, jobs run as root) and Debian's slurm-wlm + munge (Slurm 22.05, munge 0.5.15).

# State shared between slurm_start and slurm_stop (the library is sourced, so these live in the caller's shell).
_slurm_private_dir=""
_slurm_private_pids=()     # started daemons, in start order: munged, slurmctld, slurmd
_slurm_private_names=()    # their names, for messages
_slurm_private_exes=()     # their resolved executables, to check a pid still is that daemon before signalling it
_slurm_private_old_conf="" # the caller's SLURM_CONF, restored by slurm_stop
_slurm_private_had_conf=0

# Prints a TCP port in 20000-40000 that nothing listens on and that is not in "$@".
_slurm_free_port() {
    local port taken
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 20001))
        for taken in "$@"; do
            [ "$port" != "$taken" ] || continue 2
        done
        # ss sees listeners on every address; a connect to 127.0.0.1 is the fallback when ss is missing.
        if command -v ss >/dev/null; then
            [ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ] || continue
        elif (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            continue
        fi
        echo "$port"
        return 0
    done
    echo "private_slurm: no free TCP port found in 20000-40000" >&2
    return 1
}

# True while PID exists and is not a zombie (an exited child the shell has not reaped yet).
_slurm_pid_running() {
    local state
    state=$(sed -E 's/^[0-9]+ \(.*\) (.) .*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != "Z" ]
}

# True while PID is running executable EXE (a resolved path); guards against pid reuse.
_slurm_pid_is() {
    local pid=$1 want=$2 exe
    _slurm_pid_running "$pid" || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    [ "${exe% (deleted)}" = "$want" ] # " (deleted)": still the daemon after an upgrade replaced its binary
}

# Starts daemon NAME (running in the foreground) in the background with its output in DIR/NAME.stderr.
# Debian's slurmctld/slurmd are alternatives symlinks to *-wlm, hence the resolved path for identity checks.
_slurm_spawn() {
    local name=$1
    shift
    _slurm_private_exes+=("$(readlink -f "$(command -v "$1")")")
    "$@" </dev/null >>"$_slurm_private_dir/$name.stderr" 2>&1 &
    _slurm_private_pids+=("$!")
    _slurm_private_names+=("$name")
    # Until the forked shell has exec'd, the pid does not look like the daemon yet; wait so checks are exact.
    for _ in $(seq 1 50); do
        _slurm_pid_is "$!" "${_slurm_private_exes[-1]}" || ! _slurm_pid_running "$!" && break
        sleep 0.1
    done
}

# slurm_dump_logs: prints every daemon's log and output to stderr, to show why a test failed (before slurm_stop).
slurm_dump_logs() {
    local log
    for log in "$_slurm_private_dir"/*.log "$_slurm_private_dir"/*.stderr; do
        [ -s "$log" ] || continue
        echo "===== $log =====" >&2
        tail -n 200 "$log" >&2
    done
}

# True when every started daemon is still running; otherwise names the dead one on stderr.
_slurm_daemons_alive() {
    local i
    for i in "${!_slurm_private_pids[@]}"; do
        if ! _slurm_pid_is "${_slurm_private_pids[$i]}" "${_slurm_private_exes[$i]}"; then
            echo "private_slurm: ${_slurm_private_names[$i]} (pid ${_slurm_private_pids[$i]}) exited" >&2
            return 1
        fi
    done
}

# Reports a start failure: logs to stderr, everything started so far stopped, non-zero status.
_slurm_start_failed() {
    echo "private_slurm: $*" >&2
    slurm_dump_logs
    slurm_stop
    return 1
}

# slurm_start DIR: starts munged, slurmctld and slurmd with everything in DIR (an empty directory the caller
# made) and waits until the node is idle. Exports SLURM_CONF=DIR/slurm.conf. Returns non-zero, with the logs
# on stderr, when any daemon fails or the node does not come up within 60 s.
slurm_start() {
    local dir=${1:?usage: slurm_start DIR}
    if [ -n "$_slurm_private_dir" ]; then
        echo "private_slurm: a cluster is already running in $_slurm_private_dir" >&2
        return 1
    fi
    dir=$(cd "$dir" && pwd) || return 1
    # Unix socket paths (munge's, slurmstepd's in the spool dir) are limited to 108 bytes.
    if [ "${#dir}" -gt 80 ]; then
        echo "private_slurm: $dir is too long for the Unix sockets inside it (max 80 characters)" >&2
        return 1
    fi
    local cmd
    for cmd in munged munge slurmctld slurmd sinfo; do
        if ! command -v "$cmd" >/dev/null; then
            echo "private_slurm: $cmd not found (scripts/install-deps.sh installs it)" >&2
            return 1
        fi
    done
    if [ "$(id -u)" -ne 0 ]; then
        echo "private_slurm: must run as root (SlurmUser=root)" >&2
        return 1
    fi
    _slurm_private_dir=$dir
    mkdir -p "$dir/state" "$dir/spool"

    # munge: own key, socket and seed. munged refuses a socket whose directory is not world-searchable
    # (mktemp -d makes 0700); --force turns that into a warning. Root itself is fine for munge 0.5.15.
    # In the foreground it logs to stderr (kept in munged.stderr) and writes no pid or log file.
    local socket=$dir/munge.socket
    dd if=/dev/urandom of="$dir/munge.key" bs=1 count=1024 status=none
    chmod 600 "$dir/munge.key"
    _slurm_spawn munged munged --foreground --force --key-file="$dir/munge.key" --socket="$socket" \
        --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munged.seed"
    local i
    for i in $(seq 1 100); do
        munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 && break
        _slurm_daemons_alive || { _slurm_start_failed "munged failed to start"; return 1; }
        [ "$i" -lt 100 ] || { _slurm_start_failed "munged socket not usable after 10 s"; return 1; }
        sleep 0.1
    done

    local ctld_port slurmd_port
    if ! ctld_port=$(_slurm_free_port) || ! slurmd_port=$(_slurm_free_port "$ctld_port"); then
        _slurm_start_failed "no free TCP ports"
        return 1
    fi

    # Slurm 22.05 reads AuthInfo=socket=PATH for both auth/munge and cred/munge. An empty plugstack.conf
    # keeps Debian's /etc/slurm/plugstack.conf out; cgroup.conf is not read with linuxproc + task/none.
    # batch_sched_delay=0 starts queued array tasks without the default 3 s delay; MinJobAge<=5 keeps
    # `sbatch --wait` polling every 2 s (it backs off to 8 s and 32 s when MinJobAge allows).
    : >"$dir/plugstack.conf"
    cat >"$dir/slurm.conf" <<EOF
ClusterName=private
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
PlugStackConfig=$dir/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MinJobAge=5
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

    # Client-side SBATCH_*/SQUEUE_*/... settings from the caller (or an enclosing real Slurm job) would be
    # applied to the private cluster's commands, so they are dropped.
    local var
    for var in $(compgen -e | grep -E '^(SBATCH|SALLOC|SRUN|SQUEUE|SINFO|SCANCEL|SCONTROL)_' || true); do
        unset "$var"
    done
    if [ -n "${SLURM_CONF+set}" ]; then
        _slurm_private_had_conf=1
        _slurm_private_old_conf=$SLURM_CONF
    fi
    export SLURM_CONF=$dir/slurm.conf

    # -D keeps them in the foreground, so $! is the daemon itself; -i: ignore (absent) saved state.
    _slurm_spawn slurmctld slurmctld -D -i -f "$dir/slurm.conf"
    _slurm_spawn slurmd slurmd -D -f "$dir/slurm.conf" -N localhost

    local state=""
    for i in $(seq 1 120); do
        _slurm_daemons_alive || { _slurm_start_failed "a Slurm daemon failed to start"; return 1; }
        state=$(sinfo -h -N -n localhost -o %T 2>/dev/null || true)
        [ "$state" != "idle" ] || return 0
        sleep 0.5
    done
    _slurm_start_failed "node localhost not idle after 60 s (state: '${state:-no answer}')"
    return 1
}

# slurm_stop: cancels the private cluster's jobs, then stops its daemons by pid (TERM, up to 10 s, then KILL),
# newest first. Never touches other Slurm or munge processes. Safe to call twice and from an EXIT trap.
slurm_stop() {
    local i pid name exe
    [ "${#_slurm_private_pids[@]}" -gt 0 ] || { _slurm_private_dir=""; return 0; }
    # Jobs left by a failed test would outlive slurmd (slurmstepd runs on its own), so cancel them first.
    if [ "${#_slurm_private_pids[@]}" -ge 2 ] \
        && _slurm_pid_is "${_slurm_private_pids[1]}" "${_slurm_private_exes[1]}"; then
        local jobs
        jobs=$(timeout 10 squeue -h -o %A 2>/dev/null || true)
        if [ -n "$jobs" ]; then
            # shellcheck disable=SC2086  # one job id per word
            timeout 10 scancel $jobs 2>/dev/null || true
            for _ in $(seq 1 50); do
                [ -n "$(timeout 5 squeue -h -o %A 2>/dev/null || true)" ] || break
                sleep 0.2
            done
        fi
    fi
    for ((i = ${#_slurm_private_pids[@]} - 1; i >= 0; i--)); do
        pid=${_slurm_private_pids[$i]}
        name=${_slurm_private_names[$i]}
        exe=${_slurm_private_exes[$i]}
        if _slurm_pid_is "$pid" "$exe"; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 100); do
                _slurm_pid_is "$pid" "$exe" || break
                sleep 0.1
            done
            if _slurm_pid_is "$pid" "$exe"; then
                echo "private_slurm: $name (pid $pid) ignored TERM for 10 s, killing" >&2
                kill -KILL "$pid" 2>/dev/null || true
                for _ in $(seq 1 50); do
                    _slurm_pid_running "$pid" || break
                    sleep 0.1
                done
            fi
        fi
        # Reap our exited child; a pid now used by some other live process is left alone (wait would block).
        _slurm_pid_running "$pid" || wait "$pid" 2>/dev/null || true
    done
    _slurm_private_pids=()
    _slurm_private_names=()
    _slurm_private_exes=()
    _slurm_private_dir=""
    if [ "$_slurm_private_had_conf" -eq 1 ]; then
        export SLURM_CONF=$_slurm_private_old_conf
    else
        unset SLURM_CONF
    fi
    _slurm_private_had_conf=0
    return 0
}
