#!/usr/bin/env bash
# Starts the Azure test infrastructure for jobc's Azure ML tests, on loopback only:
#   * Azurite 3.35.0 (blob service only), installed with `npm ci` from the pinned
#     tests/infra/azurite/package-lock.json into tests/infra/azurite/node_modules (never
#     globally), on a free port, with one storage account `wsstorage` whose key is generated
#     per run, its data in a temporary folder under $STATE;
#   * the fake of Azure ML's control plane (tests/infra/azureml_fake/, ARM + discovery + run
#     history + token endpoints) on a free port, pointed at that Azurite;
#   * Debian's python3-azure (the official SDK the cross-check test runs), when root.
# What the tests need is written to $STATE/env (shell syntax). Idempotent: what already runs
# is reused. Every wait is bounded; on failure it prints the log and exits non-zero.
# tests/infra/azurite_down.sh stops what this script started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE="${JOBC_AZURE_TEST_STATE:-/tmp/jobc-azure-test}"
AZURITE_DIR="$ROOT/tests/infra/azurite"
FAKE="$ROOT/tests/infra/azureml_fake/fake.py"
PYTHON=/usr/bin/python3  # Debian's: the fake needs only its standard library
ACCOUNT=wsstorage

say() { echo "azurite_up: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}
show_log_and_die() { # LOG MESSAGE
  [ -f "$1" ] && tail -n 30 "$1" >&2
  die "$2 (log: $1)"
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

mkdir -p "$STATE"
chmod 700 "$STATE"

# ---- packages (root only; without them the SDK cross-check skips and says why) ----
packages=(python3 python3-azure python3-yaml curl)
command -v npm >/dev/null || packages+=(nodejs npm)
. "$(dirname "$0")/../../scripts/lib/debian_packages.sh"
mapfile -t missing < <(missing_debian_packages "${packages[@]}")
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing ${missing[*]}"
    timeout 600 apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "not root: cannot install ${missing[*]}"
  fi
fi
command -v npm >/dev/null || die "npm is missing (install nodejs and npm)"
[ -x "$PYTHON" ] || die "$PYTHON is missing (install python3)"

# ---- Azurite, pinned by package-lock.json, installed into the project ----
lock_sum=$(sha256sum "$AZURITE_DIR/package-lock.json" | cut -d' ' -f1)
stamp="$AZURITE_DIR/node_modules/.jobc-lock-sha256"
if [ ! -x "$AZURITE_DIR/node_modules/.bin/azurite-blob" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  say "npm ci (azurite 3.35.0) in $AZURITE_DIR"
  started=$SECONDS
  (cd "$AZURITE_DIR" && timeout 900 npm ci --no-audit --no-fund --prefer-offline --ignore-scripts \
    >"$STATE/npm.log" 2>&1) || show_log_and_die "$STATE/npm.log" "npm ci failed"
  echo "$lock_sum" >"$stamp"
  say "npm ci took $((SECONDS - started)) s"
fi

azurite_port() { grep -o 'successfully listens on http://127.0.0.1:[0-9]*' "$STATE/azurite.log" 2>/dev/null |
  head -n 1 | grep -o '[0-9]*$'; }
azurite_answers() { # any HTTP answer at all (400 for a bare GET) means it serves
  local port
  port=$(azurite_port) || return 1
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/" || true)" != 000 ]
}
if alive "$STATE/azurite.pid" && azurite_answers && [ -s "$STATE/storage-key" ]; then
  say "Azurite already runs on port $(azurite_port): using it"
else
  [ -f "$STATE/azurite.pid" ] && "$ROOT/tests/infra/azurite_down.sh"
  rm -rf "$STATE/azurite-data"
  data=$(mktemp -d "$STATE/azurite-data.XXXXXX")
  (
    umask 077
    head -c 64 /dev/urandom | base64 -w0 >"$STATE/storage-key"  # a fake key, new every run
  )
  # JOBC_AZURITE_IN_MEMORY=1 keeps blobs in memory (benchmarks compare its cost with disk).
  storage=(--location "$data")
  [ "${JOBC_AZURITE_IN_MEMORY:-}" = 1 ] && storage=(--inMemoryPersistence)
  say "starting Azurite (blob service, 127.0.0.1, a free port, ${storage[*]})"
  # The key goes through the environment, never the command line.
  AZURITE_ACCOUNTS="$ACCOUNT:$(cat "$STATE/storage-key")" setsid \
    "$AZURITE_DIR/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort 0 \
    "${storage[@]}" --disableTelemetry --silent >"$STATE/azurite.log" 2>&1 </dev/null &
  echo $! >"$STATE/azurite.pid"
  for _ in $(seq 1 120); do
    azurite_answers && break
    alive "$STATE/azurite.pid" || show_log_and_die "$STATE/azurite.log" "Azurite exited"
    sleep 0.25
  done
  azurite_answers || show_log_and_die "$STATE/azurite.log" "Azurite did not answer within 30 s"
  say "Azurite is up on port $(azurite_port)"
fi
AZURITE_URL="http://127.0.0.1:$(azurite_port)"

# ---- the Azure ML fake ----
fake_port() { cat "$STATE/fake.port" 2>/dev/null; }
fake_answers() {
  [ -s "$STATE/fake.port" ] &&
    [ "$(curl -s --max-time 3 "http://127.0.0.1:$(fake_port)/_fake/health" || true)" = ok ]
}
# A running fake is reused only while its sources are those it was started from.
fake_sources=$(cat "$ROOT"/tests/infra/azureml_fake/*.py | sha256sum | cut -d' ' -f1)
if alive "$STATE/fake.pid" && fake_answers && [ "$(cat "$STATE/fake.sources" 2>/dev/null)" = "$fake_sources" ]; then
  say "the Azure ML fake already runs on port $(fake_port): using it"
else
  if alive "$STATE/fake.pid"; then
    say "the fake's sources changed: restarting it"
    kill -TERM "$(cat "$STATE/fake.pid")"
    for _ in $(seq 1 40); do alive "$STATE/fake.pid" || break; sleep 0.25; done
  fi
  echo "$fake_sources" >"$STATE/fake.sources"
  rm -f "$STATE/fake.port"
  if [ ! -s "$STATE/fake-secrets.json" ]; then
    (
      umask 077
      "$PYTHON" -c 'import json, secrets; print(json.dumps({
        "client_secret": "fake-client-secret-" + secrets.token_hex(16),
        "identity_header": "fake-identity-header-" + secrets.token_hex(16),
        "msi_secret": "fake-msi-secret-" + secrets.token_hex(16),
        "federated_token": "fake-federated-token-" + secrets.token_hex(16)}))' >"$STATE/fake-secrets.json"
    )
  fi
  say "starting the Azure ML fake"
  setsid "$PYTHON" "$FAKE" --port 0 --port-file "$STATE/fake.port" --azurite "$AZURITE_URL" \
    --account "$ACCOUNT" --key-file "$STATE/storage-key" --secrets-file "$STATE/fake-secrets.json" \
    --requests-log "$STATE/requests.jsonl" >"$STATE/fake.log" 2>&1 </dev/null &
  echo $! >"$STATE/fake.pid"
  for _ in $(seq 1 80); do
    fake_answers && break
    alive "$STATE/fake.pid" || show_log_and_die "$STATE/fake.log" "the Azure ML fake exited"
    sleep 0.25
  done
  fake_answers || show_log_and_die "$STATE/fake.log" "the Azure ML fake did not answer within 20 s"
  say "the Azure ML fake is up on port $(fake_port)"
fi

cat >"$STATE/env" <<EOF
# Written by tests/infra/azurite_up.sh; read by the Azure ML tests.
JOBC_TEST_AZURITE_URL=$AZURITE_URL
JOBC_TEST_AZURE_STORAGE_ACCOUNT=$ACCOUNT
JOBC_TEST_AZURE_STORAGE_KEY_FILE=$STATE/storage-key
JOBC_TEST_AZUREML_FAKE_URL=http://127.0.0.1:$(fake_port)
JOBC_TEST_AZUREML_FAKE_SECRETS_FILE=$STATE/fake-secrets.json
JOBC_TEST_AZUREML_REQUESTS_LOG=$STATE/requests.jsonl
JOBC_TEST_AZURE_SUBSCRIPTION=00000000-0000-0000-0000-000000000000
JOBC_TEST_AZURE_RESOURCE_GROUP=rg
JOBC_TEST_AZURE_WORKSPACE=ws
JOBC_TEST_AZURE_TENANT=00000000-0000-0000-0000-00000000000a
JOBC_TEST_AZURE_CLIENT_ID=00000000-0000-0000-0000-00000000000c
EOF
say "ready: $STATE/env"
