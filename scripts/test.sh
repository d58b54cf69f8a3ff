#!/usr/bin/env bash
# Sets everything up and runs every test (the README's test command; .ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
# Fuzz the spec front end for 60 s (clang-14 + libFuzzer); fails on any finding.
tests/fuzz/run.sh "${JOBC_FUZZ_SECONDS:-60}" build-fuzz
