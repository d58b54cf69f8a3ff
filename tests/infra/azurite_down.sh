#!/usr/bin/env bash
# Stops what tests/infra/azurite_up.sh started (the Azure ML fake, then Azurite), by the
# process ids it recorded, and removes its data folder and the generated fake secrets.
# The npm install (tests/infra/azurite/node_modules) is kept for the next run.
# Every wait is bounded: SIGTERM, up to 10 s, then SIGKILL.
set -euo pipefail

STATE="${JOBC_AZURE_TEST_STATE:-/tmp/jobc-azure-test}"

say() { echo "azurite_down: $*" >&2; }

. "$(dirname "$0")/stop_recorded_process.sh"

[ -d "$STATE" ] || exit 0
stop_recorded_process "$STATE/fake.pid" azureml_fake/fake.py 10
stop_recorded_process "$STATE/azurite.pid" azurite-blob 10
rm -rf "$STATE"/azurite-data.* "$STATE/env" "$STATE/storage-key" "$STATE/fake-secrets.json" \
  "$STATE/fake.port"
say "stopped"
