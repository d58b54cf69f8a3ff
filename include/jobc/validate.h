// The front end: load a spec file, apply --set, recognise its kind, check it against its
// JSON Schema and the rules a schema cannot express. Every problem goes to the sink.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobc/model/spec.h"
#include "jobc/overrides.h"
#include "jobc/spec_document.h"
#include "jobc/spec_kind.h"

namespace jobc {

// What a command may start on while a spec is still being checked.
struct SpecPreview {
  // The local folders and files the spec names for code, data inputs and build contexts:
  // resolved, canonical, existing, sorted, each once (URLs and assets left out).
  std::vector<std::filesystem::path> local_paths;
  std::string compute;  // a job's `compute:` as written; empty when it has none
};

// The preview of a document just loaded (--set applied), before any check.
SpecPreview preview_spec(const SpecDocument& doc);

struct ValidateOptions {
  std::string forced_kind;  // --kind; empty: recognise from the file
  std::vector<Override> overrides;
  // Called once the top-level spec is loaded and --set applied, before the schema and the
  // checks run (compile starts hashing its local folders here).
  std::function<void(const SpecPreview&)> on_loaded;
};

struct LoadedSpec {
  SpecDocument doc;
  SpecKind kind = SpecKind::CommandJob;
  // Specs this one names by path (an environment file, a compute file), keyed by the JSON
  // pointer of the value that names them ("/environment", "/trial/environment", "/compute").
  std::map<std::string, std::shared_ptr<LoadedSpec>> references;
  // Conda files named by path, read and parsed, keyed by the JSON pointer of their
  // `conda_file` value ("/conda_file", "/environment/conda_file").
  std::map<std::string, std::shared_ptr<const SpecDocument>> conda_files;
  // The typed model (jobc/build_model.h), set by load_and_validate when the spec has no
  // errors; the specs it names by path are inside it.
  std::shared_ptr<const model::Spec> model;
};

// Loads and checks one spec. Returns the spec when it could be loaded (it may still have
// errors: check the sink); nullopt when it could not be read or parsed at all.
std::optional<LoadedSpec> load_and_validate(const std::string& path, const ValidateOptions& options,
                                            SourceManager& sources, DiagnosticSink& sink);

// The files `spec` names by path (an environment file, a compute file) and the files they
// name, each once, as the user gave them (relative to where jobc runs).
std::vector<std::string> referenced_files(const LoadedSpec& spec);

// Cross-spec rule for one `jobc validate` call: a job's compute name must match one of
// the compute specs given alongside it (when any are given).
void check_compute_names(const std::vector<const LoadedSpec*>& specs, DiagnosticSink& sink);

}  // namespace jobc
