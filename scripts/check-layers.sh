#!/usr/bin/env bash
# Checks the layering rules of docs/architecture.md over compiler/ and include/jobc/, and prints
# FILE:LINE: RULE: WHAT for each break; exit status 1 when there is one. Tests, benchmarks,
# schemas and docs are not checked: they may name anything.
#
#   layers         a file includes only headers of its own layer or a lower one:
#                    support (compiler/support, compiler/embedded)
#                  < front end and model (compiler/spec, compiler/diagnostics; the model's
#                    types, compiler/model and include/jobc/model, which the front end builds
#                    and every later stage reads)
#                  < sweep (compiler/sweep: sampling and early termination, on the model)
#                  < codegen < backends < runs < cli and server (compiler/<layer>).
#                  A public header in include/jobc/ has the layer of what it declares (the
#                  table below); a header missing from the table is itself a break.
#   document       only the front end reads the parsed document (`.doc`, `doc.root`,
#                  SpecDocument, SourceMap, json_pointer). Allowed: the front end's own files
#                  (compiler/spec, compiler/diagnostics, its public headers) and compiler/model,
#                  whose builder is the front end's last step.
#   backend-name   no string literal that is exactly a backend's name ("local", "docker",
#                  "slurm", "amlcompute", "azureml") outside compiler/backends/<name>/ and
#                  compiler/backends/registry.cc: generic code asks the registry. Not breaks:
#                  comments; "azureml:..." and "azureml://..." (the CLI v2 asset-reference
#                  syntax is spec language, and it is not the exact literal); Azure ML's REST
#                  vocabulary ("AmlCompute": the match is case-sensitive); the exceptions in
#                  ALLOWED below, each with its reason.
#   internals      nothing outside compiler/spec includes spec/checks/* (the validator's
#                  internals), and nothing outside compiler/backends/<name>/ and the registry
#                  includes backends/<name>/*.
#
# Usage: scripts/check-layers.sh [ROOT]   (ROOT: the repository, by default this script's; the
# ALLOWED list below is this repository's, so another ROOT is checked without it)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-$here}"
cd "$root"

# "path<TAB>rule<TAB>reason": known breaks, each with why it stands. Keep it short; a break
# not listed fails the check, so none can be added unnoticed. "to do" marks one still to fix.
ALLOWED=$(
  cat <<'EOF'
compiler/spec/spec_kind.cc	backend-name	"amlcompute" is the stem of Azure ML's own $schema file (amlCompute.schema.json): spec language
EOF
)

files=$(find compiler include/jobc -type f \( -name '*.cc' -o -name '*.h' -o -name '*.def' \) \
  2>/dev/null | LC_ALL=C sort)
[ -n "$files" ] || {
  echo "check-layers: no sources under $root/compiler or $root/include/jobc" >&2
  exit 2
}

# shellcheck disable=SC2086 # one file a word: paths in this repository have no spaces
[ "$(cd "$root" && pwd)" = "$here" ] || ALLOWED=""
printf '%s\n' "$ALLOWED" | awk -v allowed_file=/dev/stdin '
BEGIN {
  split("support front-end-and-model sweep codegen backends runs cli", layer_name, " ")
  # include/jobc/: the layer of what each public header declares (1 support ... 7 cli).
  public["result.h"] = 1        # Result<T>/Status: below everything
  public["output_set.h"] = 1    # the files of a compilation: the one writer takes them
  public["artifact_writer.h"] = 1
  public["diagnostics.h"] = 2
  public["diagnostic_codes.def"] = 2
  public["diagnostic_render.h"] = 2
  public["source.h"] = 2
  public["spec_document.h"] = 2
  public["spec_kind.h"] = 2
  public["overrides.h"] = 2
  public["validate.h"] = 2
  public["validate_document.h"] = 2
  public["build_model.h"] = 2
  public["compute_rules.h"] = 2  # what the front end knows of backends, installed from above
  public["run_record.h"] = 5   # a run as the store and the backends know it
  public["compile.h"] = 4
  public["generator.h"] = 4
  public["backend.h"] = 5
  public["backend_registry.h"] = 5
  public["run_store.h"] = 6
  public["snapshot.h"] = 6
  public["submit.h"] = 6
  folder["support"] = 1; folder["embedded"] = 1
  folder["spec"] = 2; folder["diagnostics"] = 2
  folder["model"] = 2; folder["sweep"] = 3; folder["codegen"] = 4; folder["backends"] = 5
  folder["runs"] = 6; folder["cli"] = 7; folder["server"] = 7; folder["relay"] = 7
  backend_names = "^(local|docker|slurm|amlcompute|azureml)$"
  while ((getline entry < allowed_file) > 0) {
    if (entry == "") continue
    split(entry, parts, "\t")
    allowed[parts[1], parts[2]] = 1
  }
  violations = 0
}

# The layer of an include path ("support/x.h", "jobc/model/y.h", "jobc/z.h"); 0 if none.
function layer_of_include(path,    parts, n) {
  n = split(path, parts, "/")
  if (parts[1] == "jobc") {
    if (n > 2 && parts[2] == "model") return 2
    return (parts[2] in public) ? public[parts[2]] : -1
  }
  return (parts[1] in folder) ? folder[parts[1]] : 0
}

# The layer of a file of the tree; -1 when it belongs to none.
function layer_of_file(path,    parts, n) {
  n = split(path, parts, "/")
  if (parts[1] == "include") return layer_of_include(substr(path, 9))
  return (parts[2] in folder) ? folder[parts[2]] : -1
}

function report(rule, message) {
  if ((FILENAME, rule) in allowed) {
    used[FILENAME, rule] = 1
    return
  }
  printf "%s:%d: %s: %s\n", FILENAME, FNR, rule, message
  violations++
}

# The line without its // comment (a "//" inside a string or character literal stays).
function code_of(line,    i, c, quote, out) {
  quote = ""
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (quote != "") {
      if (c == "\\") { i++; continue }
      if (c == quote) quote = ""
    } else if (c == "\"" || c == "\047") {
      quote = c
    } else if (c == "/" && substr(line, i + 1, 1) == "/") {
      return substr(line, 1, i - 1)
    }
  }
  return line
}

FNR == 1 {
  seen[FILENAME] = 1
  layer = layer_of_file(FILENAME)
  if (layer < 0) report("layers", "the file belongs to no layer (add it to scripts/check-layers.sh)")
  front_end = (layer == 2)
  reads_document = front_end || FILENAME ~ /^compiler\/model\//
  in_spec = FILENAME ~ /^compiler\/spec\//
  own_backend = ""
  if (FILENAME ~ /^compiler\/backends\/[^\/]+\//) {
    split(FILENAME, parts, "/")
    own_backend = parts[3]
  }
  is_registry = FILENAME == "compiler/backends/registry.cc"
  names_allowed = is_registry || own_backend != ""
}

/^[ \t]*#[ \t]*include[ \t]*"/ {
  target = $0
  sub(/^[ \t]*#[ \t]*include[ \t]*"/, "", target)
  sub(/".*/, "", target)
  wanted = layer_of_include(target)
  if (wanted < 0) {
    report("layers", "\"" target "\" is not in the table of public headers")
  } else if (layer > 0 && wanted > layer) {
    report("layers", layer_name[layer] " includes \"" target "\" (" layer_name[wanted] ")")
  }
  if (target ~ /^spec\/checks\// && !in_spec) {
    report("internals", "includes \"" target "\" (the validator'\''s internals)")
  }
  if (target ~ /^backends\/[^\/]+\//) {
    split(target, parts, "/")
    if (!is_registry && parts[2] != own_backend) {
      report("internals", "includes \"" target "\" (backend " parts[2] "'\''s own folder)")
    }
  }
  next
}

{
  code = code_of($0)
  if (!reads_document && code ~ /(\.|->)doc([^A-Za-z0-9_]|$)|doc\.root|SpecDocument|SourceMap|json_pointer/) {
    report("document", "reads the parsed document: " code)
  }
  if (!names_allowed) {
    rest = code
    while (match(rest, /"[a-z]+"/)) {
      literal = substr(rest, RSTART + 1, RLENGTH - 2)
      rest = substr(rest, RSTART + RLENGTH)
      if (literal ~ backend_names) report("backend-name", "names backend \"" literal "\"")
    }
  }
}

END {
  for (key in allowed) {
    split(key, parts, SUBSEP)
    if (parts[1] in seen && !(key in used)) {
      printf "%s: %s: listed in ALLOWED but no longer a break: remove it\n", parts[1], parts[2]
      violations++
    }
  }
  if (violations > 0) {
    printf "check-layers: %d violation%s\n", violations, violations == 1 ? "" : "s" > "/dev/stderr"
    exit 1
  }
}
' $files
