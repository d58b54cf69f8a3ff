# What the Slurm benchmarks share (sourced): the test cluster of tests/infra/slurm_up.sh, a
# compute spec for it, and timing helpers. `require_cluster` exits 0 saying "skipped: ..."
# when there is no cluster to measure on.
cluster=${JOBC_SLURM_DIR:-/var/tmp/jobc-slurm}

require_cluster() {
  if ! { exec 3<>/dev/tcp/127.0.0.1/6820; } 2>/dev/null || [ ! -s "$cluster/token" ]; then
    echo "skipped: no Slurm cluster (start one with tests/infra/slurm_up.sh)"
    exit 0
  fi
  exec 3>&-
  command -v sbatch >/dev/null || {
    echo "skipped: no sbatch"
    exit 0
  }
}

# write_compute FILE: a compute spec of the test cluster.
write_compute() {
  cat >"$1" <<YAML
name: hpc
type: slurm
endpoint: http://127.0.0.1:6820
partition: debug
user: root
staging_dir: $cluster/staging
token_file: $cluster/token
YAML
}

now_us() { echo "${EPOCHREALTIME/./}"; }
median() { python3 -c 'import statistics,sys; print(statistics.median(float(v) for v in sys.argv[1:]))' "$@"; }
