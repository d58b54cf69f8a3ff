#!/usr/bin/env bash
# Builds the libFuzzer target with clang and fuzzes the spec front end for SECONDS.
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]     (BUILD_DIR defaults to build-fuzz)
# The inputs in tests/fuzz/regressions/ are replayed first. The seed corpus is then copied into
# BUILD_DIR/fuzz-run/corpus, which libFuzzer grows: nothing under tests/fuzz/ is written.
# Exits non-zero on any crash, sanitizer report, leak, timeout or OOM and prints the path of
# the input that caused it.
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
fuzzer=$build_dir/tests/fuzz/fuzz_validate

CC=${CC:-clang-14} CXX=${CXX:-clang++-14} cmake -S . -B "$build_dir" -G Ninja \
  -DJOBC_BUILD_FUZZERS=ON -DJOBC_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target fuzz_validate

mkdir -p "$run_dir/corpus" "$run_dir/artifacts" "$run_dir/tmp"
rm -f "$run_dir"/artifacts/*
cp "$fuzz_dir"/corpus/* "$run_dir/corpus/"
shopt -s nullglob
regressions=("$fuzz_dir"/regressions/*)

export TMPDIR=$run_dir/tmp  # the fuzzer's private folder for relative paths goes here
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

limits=(-rss_limit_mb=2048 -timeout=10)

# Inputs that once failed, one by one, so a regression names its file.
failed=0
for input in "${regressions[@]}"; do
  if ! "$fuzzer" "${limits[@]}" "$input" >"$run_dir/regression.log" 2>&1; then
    grep -E "ERROR|SUMMARY|what\(\)" "$run_dir/regression.log" | head -3 >&2 || true
    echo "fuzz: regression input fails: $input" >&2
    echo "fuzz:   rerun: $fuzzer $input" >&2
    failed=1
  fi
done
((failed == 0)) || exit 1

status=0
"$fuzzer" "$run_dir/corpus" -dict="$fuzz_dir/yaml.dict" -artifact_prefix="$run_dir/artifacts/" \
  -max_total_time="$seconds" "${limits[@]}" -max_len=65536 \
  -print_final_stats=1 2>&1 | tee "$run_dir/fuzz.log" || status=$?

artifacts=("$run_dir"/artifacts/*)
if ((status != 0 || ${#artifacts[@]})); then
  echo "fuzz: FAILED (libFuzzer exit status $status); log: $run_dir/fuzz.log" >&2
  for artifact in "${artifacts[@]}"; do
    echo "fuzz: reproducer: $artifact" >&2
    echo "fuzz:   rerun:    $fuzzer $artifact" >&2
    echo "fuzz:   minimise: $fuzzer -minimize_crash=1 -runs=100000 $artifact" >&2
  done
  exit 1
fi
echo "fuzz: no findings in ${seconds}s; corpus: $run_dir/corpus ($(ls "$run_dir/corpus" | wc -l) inputs)"
