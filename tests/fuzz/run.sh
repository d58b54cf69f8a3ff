#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and fuzzes them for SECONDS in all: fuzz_validate
# (the spec front end) for half, fuzz_compile (file names, --set, the generated files) for
# the other half.
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]     (BUILD_DIR defaults to build-fuzz)
# The inputs in tests/fuzz/regressions/ are replayed first, through both targets. Each seed
# corpus (corpus/, and corpus-compile/ with it for fuzz_compile) is then copied into
# BUILD_DIR/fuzz-run/<target>/corpus, which libFuzzer grows: nothing under tests/fuzz/ is
# written. Exits non-zero on any crash, sanitizer report, leak, timeout, OOM or broken
# invariant and prints the path of the input that caused it.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS [BUILD_DIR]" >&2
  exit 2
fi
seconds=$1
build_dir=$(realpath -m "${2:-build-fuzz}")
fuzz_dir=$(pwd)/tests/fuzz
run_dir=$build_dir/fuzz-run
targets=(fuzz_validate fuzz_compile)

CC=${CC:-clang-14} CXX=${CXX:-clang++-14} cmake -S . -B "$build_dir" -G Ninja \
  -DJOBC_BUILD_FUZZERS=ON -DJOBC_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target "${targets[@]}"

mkdir -p "$run_dir/tmp"
shopt -s nullglob
regressions=("$fuzz_dir"/regressions/*)

export TMPDIR=$run_dir/tmp  # the fuzzer's private folder for relative paths goes here
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

limits=(-rss_limit_mb=2048 -timeout=10)

# Inputs that once failed, one by one through each target, so a regression names its file.
failed=0
for target in "${targets[@]}"; do
  fuzzer=$build_dir/tests/fuzz/$target
  for input in "${regressions[@]}"; do
    if ! "$fuzzer" "${limits[@]}" "$input" >"$run_dir/regression.log" 2>&1; then
      grep -E "ERROR|SUMMARY|what\(\)|fuzz_compile:" "$run_dir/regression.log" | head -3 >&2 || true
      echo "fuzz: regression input fails: $input" >&2
      echo "fuzz:   rerun: $fuzzer $input" >&2
      failed=1
    fi
  done
done
((failed == 0)) || exit 1

# fuzz TARGET SECONDS SEED_DIR...: fuzzes one target; returns non-zero on any finding.
fuzz() {
  local target=$1 time=$2
  shift 2
  local fuzzer=$build_dir/tests/fuzz/$target dir=$run_dir/$target
  mkdir -p "$dir/corpus" "$dir/artifacts"
  rm -f "$dir"/artifacts/*
  local seeds
  for seeds in "$@"; do cp "$seeds"/* "$dir/corpus/"; done
  local status=0
  "$fuzzer" "$dir/corpus" -dict="$fuzz_dir/yaml.dict" -artifact_prefix="$dir/artifacts/" \
    -max_total_time="$time" "${limits[@]}" -max_len=65536 \
    -print_final_stats=1 2>&1 | tee "$dir/fuzz.log" || status=$?
  local artifacts=("$dir"/artifacts/*)
  if ((status != 0 || ${#artifacts[@]})); then
    echo "fuzz: $target FAILED (libFuzzer exit status $status); log: $dir/fuzz.log" >&2
    local artifact
    for artifact in "${artifacts[@]}"; do
      echo "fuzz: reproducer: $artifact" >&2
      echo "fuzz:   rerun:    $fuzzer $artifact" >&2
      echo "fuzz:   minimise: $fuzzer -minimize_crash=1 -runs=100000 $artifact" >&2
    done
    return 1
  fi
  echo "fuzz: $target: no findings in ${time}s; corpus: $dir/corpus ($(ls "$dir/corpus" | wc -l) inputs)"
}

first_half=$((seconds / 2))
status=0
fuzz fuzz_validate "$first_half" "$fuzz_dir/corpus" || status=1
fuzz fuzz_compile "$((seconds - first_half))" "$fuzz_dir/corpus" "$fuzz_dir/corpus-compile" ||
  status=1
exit "$status"
