#!/usr/bin/env bash
# ui_memory (issue 16): `jobc ui`'s memory does not grow with the run store. The same pages
# (runs sorted by a metric, first and last page, text filter; one run's 100,000-point metric;
# a comparison) served from stores of 1,000, 100,000 and 300,000 runs; prints the server's
# peak RSS (VmHWM) for each. Goal: three times the runs (100,000 -> 300,000) costs <= 1.15x
# (SQLite's page cache and sorter are bounded; nothing holds the whole list).
#   bench/ui_memory.sh [JOBC]     (default build/jobc; needs sqlite3 and curl)
set -euo pipefail
cd "$(dirname "$0")/.."
jobc=$(realpath "${1:-build/jobc}")
[ -x "$jobc" ] || { echo "skipped: no executable jobc at $jobc (build it, or pass its path)"; exit 0; }
work=$(mktemp -d /tmp/ui-memory.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# Peak RSS in KiB of the server over one round of page loads on a store of $1 runs.
peak_for() {
  local runs=$1 home="$work/home$1"
  mkdir -p "$home" && chmod 700 "$home"
  # One real run makes runs.db and its metrics tables (its tracking endpoint makes those).
  printf 'command: echo hi\nenvironment: {image: python:3.11-slim}\n' >"$work/job.yml"
  JOBC_HOME=$home "$jobc" submit --stream -q "$work/job.yml" >/dev/null
  sqlite3 -cmd ".timeout 10000" "$home/runs.db" "
    WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < $runs - 1)
    INSERT INTO runs (id, name, experiment, status, created_ms, started_ms, ended_ms, backend)
    SELECT printf('r_%06d', x), printf('run %d', x), printf('exp-%d', x % 7), 'Completed',
           1790000000000 + x * 1000, 1790000000000 + x * 1000, 1790000060000 + x * 1000, 'local'
    FROM n;
    WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < $runs - 1)
    INSERT INTO latest_metrics SELECT printf('r_%06d', x), 'loss', 0, 0, (x % 1000) / 1000.0, 0 FROM n;
    WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < 99999)
    INSERT INTO metrics SELECT 'r_000000', 'big', x, 0, (x % 997) / 997.0, 0 FROM n;"
  JOBC_HOME=$home "$jobc" ui --port 0 >"$work/ui$runs.out" 2>&1 &
  pid=$!
  local url=""
  for _ in $(seq 100); do
    url=$(grep -o 'http://[^ ]*token=[A-Za-z0-9_-]*' "$work/ui$runs.out" || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "jobc ui did not start: $(cat "$work/ui$runs.out")" >&2; exit 1; }
  local base=${url%%/?token=*} token=${url##*token=}
  local last=$((runs - 50))
  for path in "/api/runs?sort=metric:loss&limit=50" "/api/runs?sort=metric:loss&offset=$last&limit=50" \
              "/api/runs?q=run%2099&sort=name" "/api/runs?sort=duration&order=asc" \
              "/api/runs/r_000000/metrics?key=big&points=1000" "/api/compare?runs=r_000000,r_000001"; do
    curl -sf -H "X-Jobc-Token: $token" "$base$path" >/dev/null
  done
  awk '/VmHWM/ {print $2}' "/proc/$pid/status"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=""
}

small=$(peak_for 1000)
middle=$(peak_for 100000)
large=$(peak_for 300000)
ratio=$(awk -v a="$large" -v b="$middle" 'BEGIN {printf "%.2f", a / b}')
verdict=$(awk -v r="$ratio" 'BEGIN {print (r <= 1.15) ? "met" : "NOT met"}')
echo "ui_memory: jobc ui peak RSS over the same pages: 1,000 runs ${small} KiB, 100,000 runs ${middle} KiB, 300,000 runs ${large} KiB"
echo "ui_memory: 300,000 / 100,000 runs: ${ratio}x (goal <= 1.15x: bounded whatever the store's size): ${verdict}"
