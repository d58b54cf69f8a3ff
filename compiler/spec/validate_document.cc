// The checks load_and_validate runs once it knows a document's kind, for a document that is
// already in memory. Keep in step with load_at_depth in validate.cc.
#include "jobc/validate_document.h"

#include "spec/checks/check_context.h"
#include "spec/schema_validator.h"

namespace jobc {

std::optional<LoadedSpec> validate_document(SpecDocument doc, SpecKind kind, SourceManager& sources,
                                            DiagnosticSink& sink) {
  LoadedSpec spec;
  spec.doc = std::move(doc);
  spec.kind = kind;
  validate_against_schema(spec.doc, spec.kind, sink);

  CheckContext context{spec, sources, sink, 0};
  check_placeholders(context);
  switch (spec.kind) {
    case SpecKind::Environment:
      check_environment(context, "");
      break;
    case SpecKind::Compute:
      check_compute(context);
      break;
    case SpecKind::CommandJob:
      check_command_job(context, "");
      break;
    case SpecKind::SweepJob:
      check_sweep_job(context);
      break;
  }
  return spec;
}

}  // namespace jobc
