#!/usr/bin/env bash
# Tests scripts/check-layers.sh on small trees: a clean one passes; one break of each rule
# fails with that file and line.
set -euo pipefail
script="$(cd "$(dirname "$0")/../.." && pwd)/scripts/check-layers.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# A tree that keeps every rule, including what each rule allows.
make_clean_tree() {
  local tree=$1
  mkdir -p "$tree"/compiler/{support,spec/checks,model,codegen,backends/docker,runs,cli}
  mkdir -p "$tree"/include/jobc/model
  printf '#pragma once\n' >"$tree/include/jobc/result.h"
  printf '#pragma once\n#include "jobc/result.h"\n' >"$tree/include/jobc/spec_document.h"
  printf '#pragma once\n#include "jobc/spec_document.h"\n' >"$tree/include/jobc/model/spec.h"
  printf '#include "jobc/result.h"\n' >"$tree/compiler/support/text.cc"
  cat >"$tree/compiler/spec/validate.cc" <<'EOF'
#include "jobc/spec_document.h"
#include "spec/checks/job_checks.h"
void f(const SpecDocument& doc) { use(doc.root); }
EOF
  printf '#pragma once\n' >"$tree/compiler/spec/checks/job_checks.h"
  printf '#include "jobc/spec_document.h"\nvoid build(const LoadedSpec& s) { s.doc.root; }\n' \
    >"$tree/compiler/model/build_model.cc"
  cat >"$tree/compiler/codegen/job.cc" <<'EOF'
#include "jobc/model/spec.h"
// A comment may say "local" or "docker", and spec.doc.root.
const char* kAsset = "azureml:cpu";  // asset-reference syntax, not a backend
const char* kRest = "AmlCompute";    // Azure ML's REST vocabulary
EOF
  printf '#include "backends/docker/engine.h"\nauto name = "docker";\n' \
    >"$tree/compiler/backends/docker/docker_backend.cc"
  printf '#pragma once\n' >"$tree/compiler/backends/docker/engine.h"
  printf '#include "backends/docker/engine.h"\nauto table = {"local", "docker"};\n' \
    >"$tree/compiler/backends/registry.cc"
  printf '#include "codegen/job.h"\n#include "support/text.h"\n' >"$tree/compiler/runs/submit.cc"
  printf '#include "runs/submit.h"\n' >"$tree/compiler/cli/main.cc"
}

# expect_failure NAME FILE LINE RULE: the tree $work/NAME fails with "FILE:LINE: RULE:".
expect_failure() {
  local name=$1 where="$2:$3: $4:"
  local output
  if output=$("$script" "$work/$name" 2>&1); then
    echo "FAIL $name: passed, expected $where"
    failures=$((failures + 1))
  elif ! grep -qF "$where" <<<"$output"; then
    echo "FAIL $name: expected $where in:"
    echo "$output"
    failures=$((failures + 1))
  fi
}

make_clean_tree "$work/clean"
if ! output=$("$script" "$work/clean" 2>&1); then
  echo "FAIL clean tree: $output"
  failures=$((failures + 1))
fi

# A "//" inside a string literal starts no comment: the "slurm" after it is code.
make_clean_tree "$work/url"
printf 'auto url = "http://x", name = "slurm";\n' >>"$work/url/compiler/codegen/job.cc"
expect_failure url compiler/codegen/job.cc 5 backend-name

make_clean_tree "$work/upward"
printf '#include "runs/submit.h"\n' >>"$work/upward/compiler/support/text.cc"
expect_failure upward compiler/support/text.cc 2 layers

make_clean_tree "$work/public"
printf '#include "jobc/unknown.h"\n' >>"$work/public/compiler/cli/main.cc"
expect_failure public compiler/cli/main.cc 2 layers

make_clean_tree "$work/document"
printf 'auto name = spec.doc.root.value("name", "");\n' >>"$work/document/compiler/runs/submit.cc"
expect_failure document compiler/runs/submit.cc 3 document

make_clean_tree "$work/name"
printf 'bool here = backend == "local";\n' >>"$work/name/compiler/runs/submit.cc"
expect_failure name compiler/runs/submit.cc 3 backend-name

make_clean_tree "$work/checks"
printf '#include "spec/checks/job_checks.h"\n' >>"$work/checks/compiler/codegen/job.cc"
expect_failure checks compiler/codegen/job.cc 5 internals

make_clean_tree "$work/backend"
printf '#include "backends/docker/engine.h"\n' >>"$work/backend/compiler/runs/submit.cc"
expect_failure backend compiler/runs/submit.cc 3 internals

if [ "$failures" -gt 0 ]; then
  echo "$failures check-layers test(s) failed"
  exit 1
fi
echo "check-layers: all tests passed"
