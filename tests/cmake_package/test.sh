#!/usr/bin/env bash
# Installs jobc into a temporary prefix, checks the shell completions and man page are in
# place, builds examples/cmake-build-step with it, and checks the build-step contract:
# artifacts appear, a second build does nothing, a change to an input the spec reads (its
# code) triggers a rebuild.
# Usage: test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
for file in share/bash-completion/completions/jobc share/zsh/site-functions/_jobc \
  share/fish/vendor_completions.d/jobc.fish share/man/man1/jobc.1 bin/jobc-server bin/jobc-relay; do
  test -s "$work/prefix/$file" || { echo "cmake --install did not install $file"; exit 1; }
done
# The installed completion is the installed jobc's: it completes `jobc va` to validate.
offered=$(bash --norc -c 'source "$1"; COMP_WORDS=(jobc va); COMP_CWORD=1; _jobc; echo "${COMPREPLY[*]}"' \
  bash "$work/prefix/share/bash-completion/completions/jobc")
test "$offered" = validate || { echo "installed bash completion offers '$offered'"; exit 1; }
grep -q '^\.SS "jobc runs list"' "$work/prefix/share/man/man1/jobc.1" ||
  { echo "installed man page lacks 'jobc runs list'"; exit 1; }
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
