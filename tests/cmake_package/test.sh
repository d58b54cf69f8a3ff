#!/usr/bin/env bash
# Installs jobc into a temporary prefix, builds examples/cmake-build-step with it, and
# checks the build-step contract: artifacts appear, a second build does nothing, a change
# to an input the spec reads (its code) triggers a rebuild.
# Usage: test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cp -r "$source_dir/examples/quickstart" "$work/quickstart"
mkdir -p "$work/cmake-build-step"
cp "$source_dir/examples/cmake-build-step/CMakeLists.txt" "$work/cmake-build-step/"
cmake -S "$work/cmake-build-step" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null

cmake --build "$work/build" >"$work/first.log"
for artifact in Dockerfile launch.sh azureml/requests.json manifest.json; do
  test -f "$work/build/quickstart/$artifact" || { echo "missing $artifact"; exit 1; }
done
grep -q "jobc: compiling" "$work/first.log" || { echo "first build did not run jobc"; exit 1; }

cmake --build "$work/build" >"$work/second.log"
if grep -q "jobc: compiling" "$work/second.log"; then
  echo "second build ran jobc again although nothing changed"; exit 1
fi

sleep 1
echo "# changed" >>"$work/quickstart/src/train.py"
cmake --build "$work/build" >"$work/third.log"
grep -q "jobc: compiling" "$work/third.log" || { echo "a code change did not rerun jobc"; exit 1; }
echo "cmake package: ok"
