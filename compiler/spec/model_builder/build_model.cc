// The front end's last step: the typed model of a spec without errors.
#include "jobc/build_model.h"

#include "spec/model_builder/builders.h"

namespace jobc {

std::optional<model::Spec> build_model(const LoadedSpec& spec, const SourceManager& sources,
                                       DiagnosticSink& sink) {
  size_t errors_before = sink.error_count();
  model_builder::Reader reader(spec, sources, sink);
  model::Spec out;
  switch (spec.kind) {
    case SpecKind::Environment:
      out.body = model_builder::build_environment(reader, "");
      break;
    case SpecKind::Compute:
      out.body = model_builder::build_compute(reader);
      break;
    case SpecKind::CommandJob:
      out.body = model_builder::build_command_job(reader);
      break;
    case SpecKind::SweepJob:
      out.body = model_builder::build_sweep_job(reader);
      break;
  }
  if (sink.error_count() > errors_before) return std::nullopt;
  return out;
}

}  // namespace jobc

namespace jobc {

namespace {

void add_texts(const LoadedSpec& spec, SourceManager& sources) {
  sources.add(spec.doc.display_path, spec.doc.text);
  for (const auto& [pointer, named] : spec.references) add_texts(*named, sources);
}

}  // namespace

std::optional<model::Spec> build_model(const LoadedSpec& spec, DiagnosticSink& sink) {
  SourceManager sources;  // only to find places in the specs' own text
  add_texts(spec, sources);
  return build_model(spec, sources, sink);
}

}  // namespace jobc
