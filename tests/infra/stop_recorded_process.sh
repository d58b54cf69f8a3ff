# Sourced by tests/infra/*_down.sh; the caller defines say().
# stop_recorded_process PIDFILE NAME SECONDS: ends the recorded process if it is still the
# program we started (its command line names NAME: a reused pid is never signalled), with
# SIGTERM, then SIGKILL after SECONDS.
stop_recorded_process() {
  local pidfile=$1 name=$2 seconds=$3 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name"; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((seconds * 4))); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name did not stop within $seconds s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}
