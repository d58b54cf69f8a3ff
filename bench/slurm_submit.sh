#!/usr/bin/env bash
# Slurm benchmark, on the test cluster of tests/infra/slurm_up.sh:
#  1. submit latency: `jobc submit --detach` (compile, snapshot, staging, the POST to
#     slurmrestd, monitor start) beside `sbatch` of the same batch script, min/median/max over
#     RUNS submissions each, and the ratio of the medians (goal: <= 1.5x). Also the time until
#     Slurm has jobc's job (its job id recorded on the run): the same, unless the submit was
#     deferred to the monitor.
#  2. output delay: a job writes a timestamped line every 0.5 s; `jobc submit --stream`
#     shows each; the delay is arrival minus write time (same clock; goal: median <= 1 s).
# Usage: bench/slurm_submit.sh   (JOBC=path/to/jobc, RUNS=10, TICKS=20; --check: exit 1 when
# a goal is missed). Without a cluster it prints "skipped: ..." and exits 0.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jobc=${JOBC:-$repo/build/jobc}
runs=${RUNS:-10}
ticks=${TICKS:-20}
check=0
[ "${1:-}" = "--check" ] && check=1

. "$repo/bench/slurm_bench_common.sh"
require_cluster

work=$(mktemp -d /var/tmp/jobc-slurm-bench.XXXXXX)
stage=""
cleanup() {
  scancel --quiet --name=jobc-bench 2>/dev/null || true
  rm -rf "$work"
  [ -z "$stage" ] || rm -rf "$stage"
}
trap cleanup EXIT
export JOBC_HOME="$work/home"
mkdir -p "$work/src" "$work/sbatch"
echo "code" >"$work/src/README"
write_compute "$work/hpc.yml"
cat >"$work/job.yml" <<'EOF'
name: jobc-bench
command: "true"
code: src
compute: hpc.yml
environment: {image: python:3.11-slim}
EOF

stats() { # name, then values in ms: min/median/max
  python3 - "$@" <<'PY'
import statistics, sys
name, values = sys.argv[1], [float(v) for v in sys.argv[2:]]
print(f"{name:<34} n={len(values):<3} min {min(values):8.1f}  median {statistics.median(values):8.1f}"
      f"  max {max(values):8.1f} ms")
PY
}

# A staged copy of the job for sbatch: the first run, kept.
id=$(JOBC_KEEP_STAGING=1 "$jobc" submit --detach "$work/job.yml" 2>/dev/null)
for _ in $(seq 300); do
  "$jobc" runs show --output json "$id" | grep -qE '"status": "(Completed|Failed|Canceled)"' && break
  sleep 0.2
done
stage="$cluster/staging/$id"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["script"], end="")' \
  "$JOBC_HOME/runs/$id/artifacts/slurm/job.json" >"$work/sbatch/batch.sh"

jobc_ms=()
accepted_ms=()
sbatch_ms=()
for _ in $(seq "$runs"); do
  start=$(now_us)
  id=$("$jobc" submit --detach "$work/job.yml" 2>/dev/null)
  returned=$(now_us)
  # Slurm has the job when its id is on the run: at once since jobc submits from the
  # submitting process, else (slurmrestd was unreachable: the monitor submits) polled.
  accepted=$returned
  until "$jobc" runs show --output json "$id" | grep -q '"backend_job_id": "[0-9]'; do
    accepted=$(now_us)
  done
  jobc_ms+=("$(((returned - start) / 1000)).$(((returned - start) % 1000 / 100))")
  accepted_ms+=("$(((accepted - start) / 1000)).$(((accepted - start) % 1000 / 100))")

  start=$(now_us)
  sbatch --parsable --job-name=jobc-bench -p debug -N1 -n1 -t 1 --chdir="$stage/work" \
    --output="$work/sbatch/out.txt" \
    --export="NONE,PATH=/usr/bin:/bin,JOBC_STAGE_DIR=$stage,JOBC_CODE_DIR=$stage/work" \
    "$work/sbatch/batch.sh" >/dev/null
  done_=$(now_us)
  sbatch_ms+=("$(((done_ - start) / 1000)).$(((done_ - start) % 1000 / 100))")
done

echo "== submit latency ($runs submissions each)"
stats "sbatch" "${sbatch_ms[@]}"
stats "jobc submit --detach" "${jobc_ms[@]}"
stats "jobc: until Slurm has the job" "${accepted_ms[@]}"
ratio=$(python3 -c "print(round($(median "${jobc_ms[@]}") / $(median "${sbatch_ms[@]}"), 2))")
ratio_accepted=$(python3 -c "print(round($(median "${accepted_ms[@]}") / $(median "${sbatch_ms[@]}"), 2))")
echo "ratio of medians jobc/sbatch: ${ratio}x (goal <= 1.5x); until accepted: ${ratio_accepted}x"

# Output delay.
cat >"$work/ticks.yml" <<EOF
name: jobc-bench
command: for i in \$(seq $ticks); do echo "tick \${EPOCHREALTIME/./}"; sleep 0.5; done
code: src
compute: hpc.yml
environment: {image: python:3.11-slim}
EOF
"$jobc" submit --stream "$work/ticks.yml" 2>/dev/null | while IFS= read -r line; do
  echo "${EPOCHREALTIME/./} $line"
done >"$work/arrivals.txt"
delays=()
while read -r arrived word written; do
  [ "$word" = tick ] && delays+=("$(((arrived - written) / 1000)).$(((arrived - written) % 1000 / 100))")
done <"$work/arrivals.txt"
echo "== output delay (a line written by the job -> shown by jobc submit --stream)"
stats "delay" "${delays[@]}"
delay_median=$(median "${delays[@]}")
echo "median ${delay_median} ms (goal <= 1000 ms)"

if ((check)); then
  python3 -c "import sys; sys.exit(0 if $ratio <= 1.5 and $delay_median <= 1000 else 1)"
fi
