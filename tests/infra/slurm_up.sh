#!/usr/bin/env bash
# Starts a real two-node Slurm cluster on this machine for jobc's Slurm tests: munge,
# slurmctld, slurmd n1 and n2 (ports 17001/17002) and slurmrestd with JWT auth on
# 127.0.0.1:6820. Installs the Debian packages when missing (needs root). Idempotent: what
# already runs is left alone, so it also restarts a daemon a test stopped.
#
# Leaves behind, under $JOBC_SLURM_DIR (default /var/tmp/jobc-slurm):
#   token      a JWT for user root (mode 600; never printed), for compute specs' token_file
#   staging/   the staging folder every node sees
#   logs/      the daemons' logs
# Stop everything with tests/infra/slurm_down.sh.
set -euo pipefail

dir="${JOBC_SLURM_DIR:-/var/tmp/jobc-slurm}"
conf=/etc/slurm/slurm.conf
marker="# Written by jobc tests/infra/slurm_up.sh"
rest_user=jobc-slurmrestd
rest_pid="$dir/slurmrestd.pid"
port=6820

log() { echo "slurm_up: $*" >&2; }
fail() {
  log "$*"
  exit 1
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.2
  done
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs packages and starts daemons)"

# Packages.
packages=(slurm-wlm slurm-wlm-jwt-plugin slurmrestd munge openmpi-bin curl)
. "$(dirname "$0")/../../scripts/lib/debian_packages.sh"
mapfile -t missing < <(missing_debian_packages "${packages[@]}")
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -qq
  # No service starts from package scripts: this script starts the daemons itself.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  ((created_policy)) && rm -f "$policy"
fi

mkdir -p "$dir/staging" "$dir/logs"
chmod 755 "$dir" "$dir/staging"

# munge: it refuses to run as root.
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge
chmod 400 /etc/munge/munge.key
if ! alive /run/munge/munged.pid; then
  log "starting munged"
  rm -f /run/munge/munged.pid
  su -s /bin/sh munge -c munged
  wait_for 20 munged bash -c 'munge -n | unmunge'
fi

# slurm.conf, JWT key, spool folders.
host=$(hostname)
if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
  fail "$conf exists and was not written by this script; refusing to replace it"
fi
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd/n1 /var/spool/slurmd/n2 /var/log/slurm
cat >"$conf.new" <<EOF
$marker: a two-node test cluster on one machine.
ClusterName=jobc
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=6817
AuthType=auth/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=/var/spool/slurmctld/jwt_hs256.key
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=/var/spool/slurmctld
SlurmctldPidFile=/run/slurmctld.pid
SlurmdSpoolDir=/var/spool/slurmd/%n
SlurmdPidFile=/run/slurmd-%n.pid
SlurmdLogFile=/var/log/slurm/slurmd-%n.log
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmUser=root
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
# Bind to the nodes' own address (127.0.0.1), not to every address of the machine.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
KillWait=5
InactiveLimit=0
MinJobAge=300
NodeName=n1 NodeHostname=$host NodeAddr=127.0.0.1 Port=17001 CPUs=2 RealMemory=1000
NodeName=n2 NodeHostname=$host NodeAddr=127.0.0.1 Port=17002 CPUs=2 RealMemory=1000
PartitionName=debug Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
EOF
if ! cmp -s "$conf.new" "$conf" 2>/dev/null; then
  mv "$conf.new" "$conf"
else
  rm -f "$conf.new"
fi
key=/var/spool/slurmctld/jwt_hs256.key
if [ ! -s "$key" ]; then
  (umask 077 && dd if=/dev/urandom of="$key" bs=32 count=1 status=none)
fi
chmod 600 "$key"

if ! alive /run/slurmctld.pid; then
  log "starting slurmctld"
  rm -f /run/slurmctld.pid
  slurmctld
fi
wait_for 30 "slurmctld (scontrol ping)" bash -c 'scontrol ping | grep -q UP'
for node in n1 n2; do
  if ! alive "/run/slurmd-$node.pid"; then
    log "starting slurmd $node"
    rm -f "/run/slurmd-$node.pid"
    slurmd -N "$node"
  fi
done
# Nodes a previous run left down come back (ReturnToService=2 does so on registration).
both_idle() {
  [ "$(sinfo -h -N -p debug -o '%N %t' | grep -cE '^n[12] (idle|mix|alloc)')" = 2 ]
}
if ! both_idle; then
  for _ in $(seq 1 50); do both_idle && break; sleep 0.2; done
  both_idle || scontrol update nodename=n1,n2 state=resume >/dev/null 2>&1 || true
  wait_for 60 "n1 and n2 idle in sinfo" both_idle
fi

# slurmrestd: neither root nor SlurmUser; JWT auth; loopback only.
id "$rest_user" >/dev/null 2>&1 ||
  useradd --system --no-create-home --shell /usr/sbin/nologin "$rest_user"
if ! alive "$rest_pid"; then
  log "starting slurmrestd on 127.0.0.1:$port"
  # setpriv and env exec in place: the pid recorded is slurmrestd's own.
  setsid setpriv --reuid="$rest_user" --regid="$rest_user" --init-groups \
    env SLURM_JWT=daemon slurmrestd -s openapi/v0.0.38 -a rest_auth/jwt "127.0.0.1:$port" \
    </dev/null >>"$dir/logs/slurmrestd.log" 2>&1 &
  echo $! >"$rest_pid"
fi

# A token for root, kept in a file only root reads.
token_fresh() { [ -s "$dir/token" ] && [ -n "$(find "$dir/token" -mmin -60 2>/dev/null)" ]; }
if ! token_fresh; then
  (
    umask 077
    scontrol token username=root lifespan=7200 | sed -n 's/^SLURM_JWT=//p' >"$dir/token.new"
  )
  [ -s "$dir/token.new" ] || fail "scontrol token gave no token"
  mv "$dir/token.new" "$dir/token"
fi
chmod 600 "$dir/token"

rest_ping() {
  curl -sf --max-time 2 -H "X-SLURM-USER-NAME: root" \
    -H "X-SLURM-USER-TOKEN: $(cat "$dir/token")" "http://127.0.0.1:$port/slurm/v0.0.38/ping"
}
wait_for 30 "slurmrestd (GET /slurm/v0.0.38/ping)" rest_ping
log "cluster up: nodes n1 n2, slurmrestd http://127.0.0.1:$port, token file $dir/token"
