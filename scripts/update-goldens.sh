#!/usr/bin/env bash
# Recompiles every spec in tests/golden/specs.txt into tests/golden/. Review the diff
# (git diff tests/golden) before committing: it is exactly what users would see change.
set -euo pipefail
cd "$(dirname "$0")/.."
jobc=${JOBC:-build/jobc}
grep -v '^#' tests/golden/specs.txt | while read -r spec; do
  [ -n "$spec" ] || continue
  out="tests/golden/${spec#examples/}"
  out="${out%.yml}"
  "$jobc" compile "$spec" -o "$out" \
    --subscription '{subscriptionId}' --resource-group '{resourceGroupName}' \
    --workspace-name '{workspaceName}'
done
