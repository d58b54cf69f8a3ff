// Validates a spec against its kind's JSON Schema and turns valijson's findings into
// located diagnostics with codes, expected types and "did you mean" suggestions.
#pragma once

#include "jobc/spec_document.h"
#include "jobc/spec_kind.h"

namespace jobc {

// Validates `doc.root` (or the value at `pointer` against the definition `definition` of
// the kind's schema file when given). Returns false when any error was reported.
bool validate_against_schema(const SpecDocument& doc, SpecKind kind, DiagnosticSink& sink);

}  // namespace jobc
