#!/usr/bin/env bash
# Installs what jobc needs from Debian's archive (skipped when already present) and builds
# it into build/. Used by both README commands and by .ci/run.
#   scripts/setup.sh           builds everything (jobc, the tests)
#   scripts/setup.sh TARGET... builds only those CMake targets (the quickstart needs `jobc`)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libyaml-cpp-dev nlohmann-json3-dev libfmt-dev doctest-dev libvalijson-dev
  libkainjow-mustache-dev libcli11-dev libcurl4-openssl-dev libarchive-dev libsqlite3-dev
  libssl-dev libcpp-httplib-dev libjs-chart.js libdtl-dev libboost-dev openmpi-bin libopenmpi-dev python3 python3-yaml python3-jsonschema
  sqlite3 procps clang-14 libclang-rt-14-dev
  zsh fish groff-base  # the completion scripts and man page are checked in their own tools
  chromium  # the browser test of `jobc ui` (tests/ui_browser/)
)
. scripts/lib/debian_packages.sh
mapfile -t missing < <(missing_debian_packages "${packages[@]}")
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

build_type="${JOBC_BUILD_TYPE:-Release}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build -j "$(nproc)" "${targets[@]}"
