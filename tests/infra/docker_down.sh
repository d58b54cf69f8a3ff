#!/usr/bin/env bash
# Stops what tests/infra/docker_up.sh started: the registry, then dockerd (with the
# containerd it runs), by the process ids it recorded. An engine or registry it did not start
# is left alone. The cached base images (under $CACHE, and in /var/lib/docker) are kept.
# Every wait is bounded: SIGTERM, up to 20 s, then SIGKILL.
set -euo pipefail

STATE="${JOBC_DOCKER_TEST_STATE:-/run/jobc-docker-test}"

say() { echo "docker_down: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then exec sudo -n -E "$0" "$@"; fi
  exit 0  # docker_up.sh started nothing either
fi

. "$(dirname "$0")/stop_recorded_process.sh"

if [ -f "$STATE/dockerd.pid" ] && [ -S /var/run/docker.sock ]; then
  # Containers the tests left behind (jobc labels its containers with the run id).
  ids=$(curl -s --max-time 10 --unix-socket /var/run/docker.sock \
    'http://localhost/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22org.jobc.run-id%22%5D%7D' |
    grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4 || true)
  for id in $ids; do
    say "removing leftover container ${id:0:12}"
    curl -s --max-time 30 --unix-socket /var/run/docker.sock -X DELETE \
      "http://localhost/v1.41/containers/$id?force=1" >/dev/null || true
  done
fi

stop_recorded_process "$STATE/registry/registry.pid" docker-registry 20
stop_recorded_process "$STATE/dockerd.pid" dockerd 20
rm -f "$STATE/env" "$STATE/registry/password" "$STATE/registry/htpasswd"
say "stopped"
