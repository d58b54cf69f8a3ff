#!/usr/bin/env bash
# Azure ML submit benchmark (issue 14), on the fake and Azurite of tests/infra/azurite_up.sh:
# a cold `jobc submit --detach JOB --compute azureml:cpu-cluster` (its code already uploaded by
# a first submit) beside the official SDK's load_job + jobs.create_or_update in a cold Python
# process (bench/azureml_sdk_submit.py), RUNS times each, alternating; prints min/median/max
# and the ratio of the medians (goal: >= 20x).
# Usage: bench/azureml_submit.sh [--check]   (JOBC=path/to/jobc, RUNS=5). Without the services
# or the SDK it prints "skipped: ..." and exits 0.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jobc=${JOBC:-$repo/build/jobc}
runs=${RUNS:-5}
state=${JOBC_AZURE_TEST_STATE:-/tmp/jobc-azure-test}
check=0
[ "${1:-}" = "--check" ] && check=1

if [ ! -s "$state/env" ]; then
  echo "skipped: no Azure test services (start them with tests/infra/azurite_up.sh)"
  exit 0
fi
# shellcheck disable=SC1091
. "$state/env"
work=$(mktemp -d /tmp/jobc-azureml-submit-bench.XXXXXX)
trap 'rm -rf "$work"; curl -sf -X POST "$JOBC_TEST_AZUREML_FAKE_URL/_fake/reset" >/dev/null || true' EXIT
export JOBC_HOME="$work/home"
export JOBC_ARM_ENDPOINT=$JOBC_TEST_AZUREML_FAKE_URL AZURE_AUTHORITY_HOST=$JOBC_TEST_AZUREML_FAKE_URL
export AZURE_TENANT_ID=$JOBC_TEST_AZURE_TENANT AZURE_CLIENT_ID=$JOBC_TEST_AZURE_CLIENT_ID
AZURE_CLIENT_SECRET=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_secret"])' \
  "$JOBC_TEST_AZUREML_FAKE_SECRETS_FILE")
export AZURE_CLIENT_SECRET # in the environment only, never an argument
unset AZURE_FEDERATED_TOKEN_FILE IDENTITY_ENDPOINT MSI_ENDPOINT

# A small training job: a code folder of 20 files and an image environment.
mkdir -p "$work/job/src"
for i in $(seq 20); do printf 'print("module %s")\n' "$i" >"$work/job/src/module_$i.py"; done
cat >"$work/job/job.yml" <<'EOF'
$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
command: python module_1.py
code: src
environment:
  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest
compute: azureml:cpu-cluster
experiment_name: jobc-bench
EOF
workspace=(--subscription "$JOBC_TEST_AZURE_SUBSCRIPTION" --resource-group "$JOBC_TEST_AZURE_RESOURCE_GROUP"
  --workspace-name "$JOBC_TEST_AZURE_WORKSPACE")
jobc_submit() { "$jobc" submit --detach "$work/job/job.yml" "${workspace[@]}" >/dev/null 2>>"$work/jobc.err"; }
sdk_submit() { /usr/bin/python3 "$repo/bench/azureml_sdk_submit.py" "$work/job/job.yml" >/dev/null 2>>"$work/sdk.err"; }

curl -sf -X POST "$JOBC_TEST_AZUREML_FAKE_URL/_fake/reset" >/dev/null
# The datastores name Azurite, which jobc reaches by itself (the SDK's URL table is patched).
curl -sf -X POST -H 'Content-Type: application/json' --data '{"azurite_datastores": true}' \
  "$JOBC_TEST_AZUREML_FAKE_URL/_fake/faults" >/dev/null
# First submits: upload the code (each reuses the other's upload from then on).
if ! jobc_submit; then
  echo "jobc submit failed:"
  tail -n 5 "$work/jobc.err"
  exit 1
fi
rc=0
sdk_submit || rc=$?
if [ "$rc" = 77 ]; then
  echo "skipped: $(tail -n 1 "$work/sdk.err")"
  exit 0
elif [ "$rc" != 0 ]; then
  echo "the SDK's submit failed:"
  tail -n 5 "$work/sdk.err"
  exit 1
fi

: >"$work/jobc.err" # from here on: the timed submits only
ms_since() { echo "$(((${EPOCHREALTIME/./} - $1) / 1000))"; }
jobc_ms=()
sdk_ms=()
echo "Azure ML submit benchmark: $runs cold submits each; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
for _ in $(seq "$runs"); do
  start=${EPOCHREALTIME/./}
  jobc_submit
  jobc_ms+=("$(ms_since "$start")")
  start=${EPOCHREALTIME/./}
  sdk_submit
  sdk_ms+=("$(ms_since "$start")")
done
job_puts=$(curl -sf "$JOBC_TEST_AZUREML_FAKE_URL/_fake/requests" | /usr/bin/python3 -c \
  'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["method"] == "PUT" and "/jobs/" in r["path"]))')
/usr/bin/python3 - "$runs" "$check" "${jobc_ms[@]}" "${sdk_ms[@]}" <<'PY'
import statistics, sys
runs, check = int(sys.argv[1]), sys.argv[2] == "1"
values = [float(v) for v in sys.argv[3:]]
jobc, sdk = values[:runs], values[runs:]
for name, v in (("jobc submit --detach", jobc), ("SDK create_or_update (cold)", sdk)):
    print(f"{name:<30} min {min(v):8.0f}  median {statistics.median(v):8.0f}  max {max(v):8.0f} ms")
ratio = statistics.median(sdk) / statistics.median(jobc)
print(f"  {'PASS' if ratio >= 20 else 'FAIL'}  SDK/jobc {ratio:.1f}x (goal >= 20x)")
sys.exit(1 if check and ratio < 20 else 0)
PY
reused=$(grep -c 'is already uploaded' "$work/jobc.err" || true)
echo "timed jobc submits that found their code uploaded (no blob sent): $reused/$runs"
echo "job PUTs the fake received: $job_puts; load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
