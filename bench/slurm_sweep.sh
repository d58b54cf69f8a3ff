#!/usr/bin/env bash
# Slurm sweep benchmark (issue 15), on the test cluster of tests/infra/slurm_up.sh: the time
# until every trial of a 100-trial sweep is queued in Slurm (`jobc submit --detach SWEEP`
# until `squeue -r` lists all 100 tasks of its job array), beside one `sbatch --array` of the
# same 100 tasks (until `squeue -r` lists them). Median over RUNS of each; goal: <= 2x.
# jobc queues the array before it prepares the trials (each task waits until its trial is
# ready), so `jobc submit --detach` returns once Slurm has all 100; sbatch gets a script that
# exists already, and jobc also validates and compiles the spec and records the sweep.
# Usage: bench/slurm_sweep.sh   (JOBC=path/to/jobc, RUNS=3, TRIALS=100; --check: exit 1 when
# the goal is missed). Without a cluster it prints "skipped: ..." and exits 0.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jobc=${JOBC:-$repo/build/jobc}
runs=${RUNS:-3}
trials=${TRIALS:-100}
check=0
[ "${1:-}" = "--check" ] && check=1

. "$repo/bench/slurm_bench_common.sh"
require_cluster

work=$(mktemp -d /var/tmp/jobc-slurm-sweep-bench.XXXXXX)
export JOBC_HOME="$work/home"
# Cancels what is left (the sweeps' trials, the sbatch arrays), then removes the folder.
cleanup() {
  scancel --quiet --name=jobc-bench-array 2>/dev/null || true
  local id
  for id in $("$jobc" runs list --output json 2>/dev/null | python3 -c '
import json, sys
for run in json.load(sys.stdin):
    if run["status"] in ("Queued", "Running"): print(run["id"])' 2>/dev/null); do
    "$jobc" runs cancel "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/src"
echo "code" >"$work/src/README"
write_compute "$work/hpc.yml"
cat >"$work/sweep.yml" <<YAML
\$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json
type: sweep
compute: hpc.yml
trial:
  code: src
  command: echo \${{search_space.x}}; sleep 600
  environment: {image: python:3.11-slim}
search_space:
  x: {type: uniform, min_value: 0, max_value: 1}
sampling_algorithm: {type: random, seed: 7}
objective: {goal: minimize, primary_metric: loss}
limits: {max_total_trials: $trials, max_concurrent_trials: 4}
YAML
printf '#!/bin/bash\necho "$SLURM_ARRAY_TASK_ID"; sleep 600\n' >"$work/task.sh"

ms_since() {
  local d=$(($(now_us) - $1))
  echo "$((d / 1000)).$((d % 1000 / 100))"
}
# queued NAME: how many array tasks of jobs named NAME Slurm lists, in any state.
queued() { squeue -h -r -t all -n "$1" -o %i | wc -l; }

jobc_ms=()
returned_ms=()
sbatch_ms=()
for _ in $(seq "$runs"); do
  start=$(now_us)
  id=$("$jobc" submit --detach "$work/sweep.yml" 2>/dev/null)
  returned_ms+=("$(ms_since "$start")")
  for _ in $(seq 6000); do
    [ "$(queued "$id")" -ge "$trials" ] && break
    sleep 0.01
  done
  jobc_ms+=("$(ms_since "$start")")
  [ "$(queued "$id")" -ge "$trials" ] || {
    echo "jobc's trials were not all queued within a minute" >&2
    exit 1
  }
  "$jobc" runs cancel "$id" >/dev/null 2>&1

  start=$(now_us)
  sbatch --parsable --job-name=jobc-bench-array -p debug -N1 -n1 --array="0-$((trials - 1))%4" \
    --chdir="$work" --output=/dev/null "$work/task.sh" >/dev/null
  until [ "$(queued jobc-bench-array)" -ge "$trials" ]; do sleep 0.01; done
  sbatch_ms+=("$(ms_since "$start")")
  scancel --quiet --name=jobc-bench-array
done

echo "== $trials trials queued in Slurm ($runs runs each; medians)"
echo "sbatch --array:                     $(median "${sbatch_ms[@]}") ms  (${sbatch_ms[*]})"
echo "jobc submit --detach returns:       $(median "${returned_ms[@]}") ms  (${returned_ms[*]})"
echo "jobc: until every trial is queued:  $(median "${jobc_ms[@]}") ms  (${jobc_ms[*]})"
ratio=$(python3 -c "print(round($(median "${jobc_ms[@]}") / $(median "${sbatch_ms[@]}"), 2))")
echo "ratio jobc/sbatch: ${ratio}x (goal <= 2x)"
if ((check)); then python3 -c "import sys; sys.exit(0 if $ratio <= 2 else 1)"; fi
