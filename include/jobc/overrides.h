// `--set key.path=value` overrides, applied to a loaded spec before validation
// (the same idea as `az ml job create --set`).
#pragma once

#include <string>
#include <vector>

#include "jobc/spec_document.h"

namespace jobc {

struct Override {
  std::vector<std::string> path;  // "inputs.data.path" -> {"inputs", "data", "path"}; "a[0]" too
  std::string value_text;         // resolved like a plain YAML scalar: 2 -> integer, "x" -> text
  std::string original;           // the argument as typed, for diagnostics; a secret value masked
};

// Parses "key.path=value". Reports E009 and returns false when malformed.
bool parse_override(const std::string& argument, Override& out, DiagnosticSink& sink);

// Applies overrides in order; creates missing mappings. Reports E009 on conflicts
// (e.g. a key below a value that is not a mapping).
void apply_overrides(SpecDocument& doc, const std::vector<Override>& overrides,
                     DiagnosticSink& sink);

}  // namespace jobc
