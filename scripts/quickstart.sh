#!/usr/bin/env bash
# Sets everything up and runs the quickstart example (the README's first command).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/jobc validate examples/quickstart/job.yml
