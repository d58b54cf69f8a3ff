// Validation of a document already in memory: the checks load_and_validate runs once it
// knows a document's kind.
#include "jobc/validate_document.h"

#include "spec/checks/check_context.h"

namespace jobc {

std::optional<LoadedSpec> validate_document(SpecDocument doc, SpecKind kind, SourceManager& sources,
                                            DiagnosticSink& sink) {
  LoadedSpec spec;
  spec.doc = std::move(doc);
  spec.kind = kind;
  check_spec_of_kind(spec, sources, sink, 0);
  return spec;
}

}  // namespace jobc
