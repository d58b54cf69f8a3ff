// Validates a document already in memory (fuzzing, tests, stdin): the schema check and the
// semantic checks of one kind, without loading a file or recognising the kind.
#pragma once

#include <optional>

#include "jobc/spec_document.h"
#include "jobc/spec_kind.h"
#include "jobc/validate.h"

namespace jobc {

// Checks `doc` as a spec of `kind` against that kind's schema and the rules a schema cannot
// express, exactly as load_and_validate does once it has the kind. Specs the document names
// by path are loaded relative to `doc.dir`. Every problem goes to `sink`.
std::optional<LoadedSpec> validate_document(SpecDocument doc, SpecKind kind, SourceManager& sources,
                                            DiagnosticSink& sink);

}  // namespace jobc
