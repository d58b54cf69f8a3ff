#!/usr/bin/env bash
# Stops the test cluster tests/infra/slurm_up.sh started: slurmrestd, slurmd n1 and n2,
# slurmctld, munged. Each by the pid it recorded, with a bounded wait (SIGKILL after 10 s).
# Jobs still running are canceled first. Idempotent: stopping what is not running is fine.
set -uo pipefail

dir="${JOBC_SLURM_DIR:-/var/tmp/jobc-slurm}"

log() { echo "slurm_down: $*" >&2; }

# stop NAME=PIDFILE...: SIGTERM to all of them, then SIGKILL to any alive after 10 s.
stop() {
  local item name file pid pids=()
  for item in "$@"; do
    name=${item%%=*} file=${item#*=}
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null
      pids+=("$pid")
    fi
    rm -f "$file"
  done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.2
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop; killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
  done
}

if [ -f /run/slurmctld.pid ] && command -v scancel >/dev/null; then
  timeout 10 scancel --quiet --user=root 2>/dev/null || true
  # Give the nodes up to 15 s to end the jobs before they stop.
  for _ in $(seq 1 75); do
    [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
    sleep 0.2
  done
fi
stop "slurmrestd=$dir/slurmrestd.pid" "slurmd n1=/run/slurmd-n1.pid" \
  "slurmd n2=/run/slurmd-n2.pid" "slurmctld=/run/slurmctld.pid"
stop "munged=/run/munge/munged.pid"
rm -f "$dir/token"
log "cluster stopped"
