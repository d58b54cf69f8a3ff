#!/usr/bin/env bash
# Stops what tests/infra/azurite_up.sh started (the Azure ML fake, then Azurite), by the
# process ids it recorded, and removes its data folder and the generated fake secrets.
# The npm install (tests/infra/azurite/node_modules) is kept for the next run.
# Every wait is bounded: SIGTERM, up to 10 s, then SIGKILL.
set -euo pipefail

STATE="${JOBC_AZURE_TEST_STATE:-/tmp/jobc-azure-test}"

say() { echo "azurite_down: $*" >&2; }

# stop PIDFILE NAME: ends the recorded process if it is still the program we started.
stop() {
  local pidfile=$1 name=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name"; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name did not stop within 10 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

[ -d "$STATE" ] || exit 0
stop "$STATE/fake.pid" azureml_fake/fake.py
stop "$STATE/azurite.pid" azurite-blob
rm -rf "$STATE"/azurite-data.* "$STATE/env" "$STATE/storage-key" "$STATE/fake-secrets.json" \
  "$STATE/fake.port"
say "stopped"
