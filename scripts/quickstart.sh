#!/usr/bin/env bash
# Sets everything up and runs the quickstart example on the local backend (the README's
# first command), ending with its output and final status.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh jobc jobc-server jobc-relay  # the test binary is not needed to run a job
build/jobc validate examples/quickstart/job.yml
exec build/jobc submit --stream examples/quickstart/job.yml
