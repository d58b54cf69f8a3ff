#!/usr/bin/env bash
# Time to the first output line on the docker backend, with the image already built:
#   jobc:   `jobc submit --stream --compute docker job.yml` (compile, snapshot, engine checks,
#           the run monitor, container create/start, the log stream into std_log.txt, and
#           jobc's log follower printing it)
#   docker: `docker run --rm --network none IMAGE bash -c 'echo first line'`, the same image
#           (the jobc-env image jobc built) and the same command.
# Each is run N times, alternating; prints min / median / max in ms and the ratio of the
# medians (goal: jobc <= 1.2x docker run).
#
#   bench/docker_first_line.sh [--jobc PATH] [--runs N] [--base-image IMAGE] [--check]
#
# Needs a running engine (tests/infra/docker_up.sh starts one, with local/jobc-python:bookworm)
# and the docker CLI for the reference runs (jobc itself never uses it).
set -euo pipefail
cd "$(dirname "$0")/.."

jobc=build/jobc
runs=15
base_image=local/jobc-python:bookworm
check=0
while (($#)); do
  case "$1" in
    --jobc) jobc=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --base-image) base_image=$2; shift 2 ;;
    --check) check=1; shift ;;
    *) echo "usage: $0 [--jobc PATH] [--runs N] [--base-image IMAGE] [--check]" >&2; exit 2 ;;
  esac
done
jobc=$(realpath "$jobc")
[ -x "$jobc" ] || { echo "no jobc at $jobc (build it first)" >&2; exit 2; }
command -v docker >/dev/null || { echo "skipped: no docker CLI for the reference runs" >&2; exit 0; }
if [ "$(curl -s --max-time 2 --unix-socket /var/run/docker.sock http://localhost/_ping)" != OK ]; then
  echo "skipped: no Docker engine answers (start one: sudo tests/infra/docker_up.sh)" >&2
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export JOBC_HOME="$work/home"
mkdir -p "$work/src"
echo "print('unused')" >"$work/src/main.py"
cat >"$work/job.yml" <<EOF
code: src
command: echo first line
environment: {image: $base_image}
EOF

# Build the image once (not timed), and learn its tag.
"$jobc" submit --stream --compute docker "$work/job.yml" >/dev/null 2>"$work/build.log" || {
  cat "$work/build.log" >&2
  exit 1
}
"$jobc" compile "$work/job.yml" -o "$work/compiled" >/dev/null
image=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['environment']['image'])" \
  "$work/compiled/manifest.json")
docker run --rm --network none "$image" bash -c 'echo first line' >/dev/null  # warm the CLI

# first_line_ms CMD...: ms from the start of CMD to its first line on stdout; waits for CMD.
first_line_ms() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
line = process.stdout.readline()
elapsed = (time.perf_counter() - start) * 1000
process.stdout.read()
process.wait()
if process.returncode != 0 or line.strip() != b"first line":
    sys.exit(f"unexpected: exit {process.returncode}, first line {line!r}")
print(f"{elapsed:.1f}")
PY
}

jobc_times=()
docker_times=()
for _ in $(seq 1 "$runs"); do
  jobc_times+=("$(first_line_ms "$jobc" submit --stream --compute docker "$work/job.yml")")
  docker_times+=("$(first_line_ms docker run --rm --network none "$image" bash -c 'echo first line')")
done

python3 - "$check" "${jobc_times[*]}" "${docker_times[*]}" "$image" "$runs" <<'PY'
import statistics, sys
check, jobc, docker, image, runs = sys.argv[1] == "1", *sys.argv[2:]
jobc = [float(x) for x in jobc.split()]
docker = [float(x) for x in docker.split()]
print(f"time to the first output line, image {image} (cached), {runs} runs each")
for name, times in (("jobc submit --compute docker", jobc), ("docker run --rm", docker)):
    print(f"  {name:30} min {min(times):7.1f} ms  median {statistics.median(times):7.1f} ms"
          f"  max {max(times):7.1f} ms")
ratio = statistics.median(jobc) / statistics.median(docker)
verdict = "PASS" if ratio <= 1.2 else "FAIL"
print(f"  ratio of medians: {ratio:.2f}x (goal <= 1.2x): {verdict}")
sys.exit(1 if check and verdict == "FAIL" else 0)
PY
