// What every semantic check needs: the document, where to report, and how to load the
// specs it refers to.
#pragma once

#include <filesystem>
#include <string>

#include "jobc/validate.h"
#include "spec/remote_reference.h"

namespace jobc {

struct CheckContext {
  LoadedSpec& spec;
  SourceManager& sources;
  DiagnosticSink& sink;
  int depth = 0;  // nesting of referenced specs, bounded against reference cycles

  const SpecDocument& doc() const { return spec.doc; }
  const nlohmann::json* find(const std::string& pointer) const;
  Location at(const std::string& pointer) const { return doc().map.value_location(pointer); }
  Location key_at(const std::string& pointer) const { return doc().map.key_location(pointer); }
  // A path written in the spec, resolved against the spec's folder.
  std::filesystem::path resolve(const std::string& relative) const;
  // The same path as it should be shown to the user (relative to the current folder).
  std::string display(const std::string& relative) const;
};

enum class PathKind { File, Folder, Any };
// Reports E020/E021 unless `pointer` (a string value) names an existing path of `kind`.
bool check_local_path(const CheckContext& context, const std::string& pointer, PathKind kind,
                      const std::string& what);

// "< your environment name >", "<subscription-id>": text a template left for a human.
bool looks_like_placeholder(const std::string& text);
void check_placeholders(const CheckContext& context);
void check_environment(const CheckContext& context, const std::string& pointer);
void check_command_job(const CheckContext& context, const std::string& pointer);
void check_sweep_job(const CheckContext& context);
// The schema and semantic checks of `spec.kind` (the kind is already known); at depth 0 it
// builds the model too, which runs the checks that need meaning, and sets spec.model when
// the spec has no errors.
void check_spec_of_kind(LoadedSpec& spec, SourceManager& sources, DiagnosticSink& sink, int depth);
// Loads a spec named by path at `pointer` and validates it as `kind`.
void load_reference(const CheckContext& context, const std::string& pointer, SpecKind kind);

}  // namespace jobc
