// The front-end pipeline: load -> --set -> kind -> schema -> semantic checks.
#include "jobc/validate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "jobc/build_model.h"
#include "jobc/compute_rules.h"
#include "spec/checks/check_context.h"
#include "spec/schema_validator.h"
#include "support/did_you_mean.h"

namespace jobc {
namespace {

constexpr int kMaxReferenceDepth = 4;

std::optional<LoadedSpec> load_at_depth(const std::filesystem::path& path,
                                        const std::string& display, const ValidateOptions& options,
                                        std::optional<SpecKind> expected, Location used_at,
                                        SourceManager& sources, DiagnosticSink& sink, int depth) {
  auto doc = load_spec_file(path, display, sources, sink);
  if (!doc) return std::nullopt;
  apply_overrides(*doc, options.overrides, sink);
  if (options.on_loaded) options.on_loaded(preview_spec(*doc));
  LoadedSpec spec;
  std::optional<SpecKind> kind;
  if (!options.forced_kind.empty()) {
    kind = parse_kind_option(options.forced_kind, doc->root);
  } else if (expected) {
    DiagnosticSink ignored;
    std::optional<SpecKind> declared = detect_kind(*doc, ignored);
    bool is_job = [](auto k) {
      return k == SpecKind::CommandJob || k == SpecKind::SweepJob;
    }(declared.value_or(*expected));
    if (declared && *declared != *expected && !(is_job && *expected == SpecKind::CommandJob)) {
      sink.report(DiagCode::BadReference, used_at,
                  fmt::format("'{}' is a {} spec, but it is used as {}", display,
                              kind_name(*declared), kind_name(*expected)));
      return std::nullopt;
    }
    kind = expected;
  } else {
    kind = detect_kind(*doc, sink);
  }
  if (!kind) return std::nullopt;
  spec.doc = std::move(*doc);
  spec.kind = *kind;
  check_spec_of_kind(spec, sources, sink, depth);
  return spec;
}

}  // namespace

void check_spec_of_kind(LoadedSpec& spec, SourceManager& sources, DiagnosticSink& sink, int depth) {
  size_t errors_before = sink.error_count();
  validate_against_schema(spec.doc, spec.kind, sink);
  CheckContext context{spec, sources, sink, depth};
  check_placeholders(context);
  switch (spec.kind) {
    case SpecKind::Environment:
      check_environment(context, "");
      break;
    case SpecKind::Compute:
      break;  // its type's backend checks it as its model is built
    case SpecKind::CommandJob:
      check_command_job(context, "");
      break;
    case SpecKind::SweepJob:
      check_sweep_job(context);
      break;
  }
  // A spec named by path is built, and checked, as part of the spec naming it. The model is
  // built even when the spec has errors: building it runs the checks that need meaning.
  if (depth > 0) return;
  auto built = build_model(spec, sources, sink);
  if (built && sink.error_count() == errors_before) {
    spec.model = std::make_shared<const model::Spec>(std::move(*built));
  }
}

void load_reference(const CheckContext& context, const std::string& pointer, SpecKind kind) {
  if (!check_local_path(context, pointer, PathKind::File, std::string(kind_name(kind)) + " file")) {
    return;
  }
  if (context.depth >= kMaxReferenceDepth) {
    context.sink.report(DiagCode::BadReference, context.at(pointer),
                        "specs refer to each other too deeply (a reference cycle?)");
    return;
  }
  std::string relative = context.find(pointer)->get<std::string>();
  auto loaded =
      load_at_depth(context.resolve(relative), context.display(relative), {}, kind,
                    context.at(pointer), context.sources, context.sink, context.depth + 1);
  if (loaded) context.spec.references[pointer] = std::make_shared<LoadedSpec>(std::move(*loaded));
}

std::optional<LoadedSpec> load_and_validate(const std::string& path, const ValidateOptions& options,
                                            SourceManager& sources, DiagnosticSink& sink) {
  return load_at_depth(path, path, options, std::nullopt, {}, sources, sink, 0);
}

static std::string compute_name(const nlohmann::json& value) {
  std::string name = value.is_string() ? value.get<std::string>() : "";
  if (name.rfind("azureml:", 0) == 0) name = name.substr(8);
  return name;
}

std::vector<std::string> referenced_files(const LoadedSpec& spec) {
  std::vector<std::string> files;
  for (const auto& [pointer, reference] : spec.references) {
    if (!reference) continue;
    files.push_back(reference->doc.display_path);
    for (std::string& file : referenced_files(*reference)) files.push_back(std::move(file));
  }
  return files;
}

void check_compute_names(const std::vector<const LoadedSpec*>& specs, DiagnosticSink& sink) {
  std::vector<std::string> names;  // the built-in names first, then the specs'
  for (const ComputeKind& kind : compute_kinds()) {
    names.insert(names.end(), kind.builtin_names.begin(), kind.builtin_names.end());
  }
  size_t builtin_count = names.size();
  bool any_compute = false;
  for (const LoadedSpec* spec : specs) {
    if (spec->kind == SpecKind::Compute && spec->doc.root.contains("name")) {
      names.push_back(compute_name(spec->doc.root["name"]));
      any_compute = true;
    }
  }
  if (!any_compute) return;
  for (const LoadedSpec* spec : specs) {
    if (spec->kind != SpecKind::CommandJob && spec->kind != SpecKind::SweepJob) continue;
    if (spec->references.count("/compute")) continue;  // a compute spec file: checked already
    auto it = spec->doc.root.find("compute");
    if (it == spec->doc.root.end() || !it->is_string()) continue;
    std::string name = compute_name(*it);
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::vector<std::string> notes;
    if (auto suggestion = closest_match(name, names)) {
      notes.push_back(fmt::format("did you mean '{}'?", *suggestion));
    }
    notes.push_back(fmt::format("compute specs given: {}",
                                fmt::join(names.begin() + builtin_count, names.end(), ", ")));
    sink.report(DiagCode::UnresolvedCompute, spec->doc.map.value_location("/compute"),
                fmt::format("compute '{}' matches none of the compute specs given", name),
                std::move(notes));
  }
}

}  // namespace jobc
