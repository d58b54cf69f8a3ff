#!/usr/bin/env bash
# Starts the Docker test infrastructure for jobc's docker tests, on this machine, as root:
#   * a Docker engine (dockerd without bridge networking: nothing here may route private
#     addresses) on unix:///var/run/docker.sock,
#   * base images built locally (no registry is reachable): local/debian:bookworm (debootstrap
#     minbase + import) and local/jobc-python:bookworm (python3 + Open MPI on top of it),
#   * a private registry with basic authentication on 127.0.0.1:5000 holding
#     127.0.0.1:5000/jobc/python:bookworm; its user and password are generated per run.
# What the tests need is written to $STATE/env (shell syntax). Idempotent: what already runs
# is reused, and the base images are cached under $CACHE between runs. Every wait is bounded.
# tests/infra/docker_down.sh stops what this script started.
set -euo pipefail

STATE="${JOBC_DOCKER_TEST_STATE:-/run/jobc-docker-test}"
CACHE="${JOBC_DOCKER_TEST_CACHE:-/var/cache/jobc-test}"
SOCKET=/var/run/docker.sock
REGISTRY=127.0.0.1:5000
BASE_IMAGE=local/debian:bookworm
PYTHON_IMAGE=local/jobc-python:bookworm
REGISTRY_REPO=$REGISTRY/jobc/python
REGISTRY_TAG=bookworm

say() { echo "docker_up: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}

if [ "$(id -u)" -ne 0 ]; then
  # It installs packages and starts dockerd: root, or sudo without a password.
  if sudo -n true 2>/dev/null; then exec sudo -n -E "$0" "$@"; fi
  say "skipped: needs root (or sudo without a password); the docker tests will skip too"
  exit 0
fi
mkdir -p "$STATE" "$CACHE"
chmod 700 "$STATE"

# ---- packages ----
packages=(docker.io docker-registry apache2-utils debootstrap curl openssl)
. "$(dirname "$0")/../../scripts/lib/debian_packages.sh"
mapfile -t missing < <(missing_debian_packages "${packages[@]}")
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  # Another infra script may be installing at the same time: wait for dpkg's lock.
  timeout 600 apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- Engine API helpers (curl on the socket; no docker CLI needed) ----
api() { # METHOD PATH [curl args...]
  local method=$1 path=$2
  shift 2
  curl -sS --max-time "${API_TIMEOUT:-60}" --unix-socket "$SOCKET" -X "$method" "$@" \
    "http://localhost/v1.41$path"
}
ping_engine() {
  [ -S "$SOCKET" ] && [ "$(curl -s --max-time 2 --unix-socket "$SOCKET" http://localhost/_ping)" = OK ]
}
image_exists() { # NAME
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --unix-socket "$SOCKET" \
    "http://localhost/v1.41/images/$1/json")" = 200 ]
}
# A JSON-lines progress stream (build, pull, push, import) fails when a line has "error".
check_stream() { # LOGFILE WHAT
  if grep -q '"error' "$1"; then
    tail -n 20 "$1" >&2
    die "$2 failed (see above)"
  fi
}

# ---- dockerd ----
if ping_engine; then
  say "a Docker engine already answers on $SOCKET: using it"
else
  say "starting dockerd (no bridge, no iptables)"
  setsid dockerd --bridge=none --iptables=false --ip-masq=false --host "unix://$SOCKET" \
    >"$STATE/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STATE/dockerd.pid"
  for _ in $(seq 1 120); do
    ping_engine && break
    kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null || {
      tail -n 20 "$STATE/dockerd.log" >&2
      die "dockerd exited"
    }
    sleep 0.5
  done
  ping_engine || die "dockerd did not answer within 60 s (log: $STATE/dockerd.log)"
  say "dockerd is up"
fi

# ---- base images ----
mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' |
    grep -v security | head -n 1 || true)
  [ -n "$uri" ] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' |
    head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

if ! image_exists "$BASE_IMAGE"; then
  rootfs_tar="$CACHE/debian-bookworm-minbase.tar"
  if [ ! -s "$rootfs_tar" ]; then
    rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    say "debootstrap bookworm minbase from $(mirror) (about 30 s)"
    timeout 900 debootstrap --variant=minbase bookworm "$rootfs" "$(mirror)" \
      >"$STATE/debootstrap.log" 2>&1 || {
      tail -n 20 "$STATE/debootstrap.log" >&2
      rm -rf "$rootfs"
      die "debootstrap failed"
    }
    tar -C "$rootfs" --numeric-owner -cf "$rootfs_tar.tmp" .
    mv "$rootfs_tar.tmp" "$rootfs_tar"
    rm -rf "$rootfs"
  fi
  say "importing $BASE_IMAGE"
  API_TIMEOUT=300 api POST "/images/create?fromSrc=-&repo=local/debian&tag=bookworm" \
    -H 'Content-Type: application/x-tar' --data-binary "@$rootfs_tar" >"$STATE/import.log"
  check_stream "$STATE/import.log" "docker import"
fi

if ! image_exists "$PYTHON_IMAGE"; then
  saved="$CACHE/jobc-python-bookworm.image.tar"
  if [ -s "$saved" ]; then
    say "loading $PYTHON_IMAGE from $saved"
    API_TIMEOUT=300 api POST "/images/load?quiet=1" -H 'Content-Type: application/x-tar' \
      --data-binary "@$saved" >"$STATE/load.log"
    check_stream "$STATE/load.log" "loading $PYTHON_IMAGE"
  fi
fi
if ! image_exists "$PYTHON_IMAGE"; then
  say "building $PYTHON_IMAGE (python3 + Open MPI) with host networking"
  context=$(mktemp -d)
  cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      python3 openmpi-bin \\
 && rm -rf /var/lib/apt/lists/*
ENV OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 PYTHONUNBUFFERED=1
EOF
  tar -C "$context" -cf "$context.tar" Dockerfile
  API_TIMEOUT=900 api POST "/build?t=$PYTHON_IMAGE&networkmode=host&rm=1&forcerm=1" \
    -H 'Content-Type: application/x-tar' --data-binary "@$context.tar" >"$STATE/build.log"
  rm -rf "$context" "$context.tar"
  check_stream "$STATE/build.log" "building $PYTHON_IMAGE"
  image_exists "$PYTHON_IMAGE" || die "$PYTHON_IMAGE missing after the build"
  API_TIMEOUT=300 api GET "/images/$PYTHON_IMAGE/get" -o "$CACHE/jobc-python-bookworm.image.tar.tmp"
  mv "$CACHE/jobc-python-bookworm.image.tar.tmp" "$CACHE/jobc-python-bookworm.image.tar"
fi
say "base images: $BASE_IMAGE $PYTHON_IMAGE"

# ---- the private registry ----
registry_dir="$STATE/registry"
registry_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$REGISTRY/v2/" || true
}
registry_running_ours() {
  [ -f "$registry_dir/registry.pid" ] && kill -0 "$(cat "$registry_dir/registry.pid")" 2>/dev/null &&
    [ -s "$registry_dir/password" ] && [ "$(registry_status)" = 401 ]
}
if registry_running_ours; then
  say "the registry on $REGISTRY is already running: using it"
else
  [ "$(registry_status)" = 000 ] || die "something else listens on $REGISTRY"
  mkdir -p "$registry_dir/data"
  chmod 700 "$registry_dir"
  user=jobc
  password=$(openssl rand -hex 16)
  (
    umask 077
    printf '%s' "$password" >"$registry_dir/password"
    printf '%s' "$user" >"$registry_dir/user"
  )
  printf '%s' "$password" | htpasswd -iBn "$user" >"$registry_dir/htpasswd"  # not in argv
  cat >"$registry_dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $registry_dir/data
http:
  addr: $REGISTRY
auth:
  htpasswd:
    realm: jobc-test
    path: $registry_dir/htpasswd
EOF
  say "starting docker-registry on $REGISTRY"
  setsid docker-registry serve "$registry_dir/config.yml" >"$registry_dir/registry.log" 2>&1 \
    </dev/null &
  echo $! >"$registry_dir/registry.pid"
  for _ in $(seq 1 60); do
    [ "$(registry_status)" = 401 ] && break
    sleep 0.5
  done
  [ "$(registry_status)" = 401 ] || die "the registry did not answer within 30 s"
fi

# Push the python image to the registry (the engine needs X-Registry-Auth), then drop the
# local registry tag so that a pull really goes to the registry.
user=$(cat "$registry_dir/user")
auth=$(printf '{"username":"%s","password":"%s","serveraddress":"%s"}' \
  "$user" "$(cat "$registry_dir/password")" "$REGISTRY" | base64 -w0 | tr '+/' '-_')
api POST "/images/$PYTHON_IMAGE/tag?repo=$REGISTRY_REPO&tag=$REGISTRY_TAG" >/dev/null
API_TIMEOUT=300 api POST "/images/$REGISTRY_REPO/push?tag=$REGISTRY_TAG" \
  -H "X-Registry-Auth: $auth" >"$registry_dir/push.log"
check_stream "$registry_dir/push.log" "pushing $REGISTRY_REPO:$REGISTRY_TAG"
api DELETE "/images/$REGISTRY_REPO:$REGISTRY_TAG" >/dev/null
say "pushed $REGISTRY_REPO:$REGISTRY_TAG"

cat >"$STATE/env" <<EOF
# Written by tests/infra/docker_up.sh; read by tests/docker/docker_e2e_test.cc.
JOBC_TEST_DOCKER_HOST=unix://$SOCKET
JOBC_TEST_BASE_IMAGE=$BASE_IMAGE
JOBC_TEST_PYTHON_IMAGE=$PYTHON_IMAGE
JOBC_TEST_REGISTRY=$REGISTRY
JOBC_TEST_REGISTRY_IMAGE=$REGISTRY_REPO:$REGISTRY_TAG
JOBC_TEST_REGISTRY_USER=$user
JOBC_TEST_REGISTRY_PASSWORD_FILE=$registry_dir/password
EOF
say "ready: $STATE/env"
