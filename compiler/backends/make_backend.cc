#include "backends/make_backend.h"

#include <fmt/format.h>

#include "spec/did_you_mean.h"

namespace jobc {
namespace {

using json = nlohmann::json;

std::optional<ComputeTarget> target_from_spec(const json& compute, const std::string& shown) {
  std::string type = compute.value("type", "");
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type == "local" || type == "docker" || type == "slurm")
    return ComputeTarget{type, compute, shown};
  return std::nullopt;
}

}  // namespace

std::optional<ComputeTarget> resolve_compute(const LoadedSpec& spec, const std::string& override_,
                                             SourceManager& sources, DiagnosticSink& sink) {
  std::string name = override_;
  Location where{"--compute", 0, 0};
  if (name.empty()) {
    if (auto reference = spec.references.find("/compute"); reference != spec.references.end()) {
      std::string shown = spec.doc.root.value("compute", "");
      if (auto target = target_from_spec(reference->second->doc.root, shown)) return target;
      sink.report(
          DiagCode::UnresolvedCompute, spec.doc.map.value_location("/compute"),
          fmt::format("'{}' is an Azure ML cluster; jobc cannot submit to Azure ML yet", shown),
          {"run it here with --compute local, or on a Slurm compute spec"});
      return std::nullopt;
    }
    name = spec.doc.root.value("compute", "local");
    where = spec.doc.map.value_location("/compute");
  }
  if (name == "local" || name == "docker") return ComputeTarget{name, json::object(), name};
  bool is_file =
      name.ends_with(".yml") || name.ends_with(".yaml") || name.find('/') != std::string::npos;
  if (is_file && name.rfind("azureml:", 0) != 0) {
    ValidateOptions options;
    options.forced_kind = "compute";
    auto compute = load_and_validate(name, options, sources, sink);
    if (!compute || sink.has_errors()) return std::nullopt;
    if (auto target = target_from_spec(compute->doc.root, name)) return target;
    name = compute->doc.root.value("name", name);
  }
  std::vector<std::string> notes;
  if (auto match = closest_match(name, {"local", "docker"}); match && !is_file) {
    notes.push_back(fmt::format("did you mean '{}'?", *match));
  }
  notes.push_back(
      "run it here with --compute local, or name a compute spec of type local, docker or slurm");
  sink.report(
      DiagCode::UnresolvedCompute, where,
      fmt::format("compute '{}' is an Azure ML cluster; jobc cannot submit to Azure ML yet", name),
      std::move(notes));
  return std::nullopt;
}

bool check_job_for_backend(const ComputeTarget& target, const LoadedSpec& spec,
                           DiagnosticSink& sink) {
  long long instances =
      spec.doc.root.value("resources", json::object()).value("instance_count", 1LL);
  if (target.backend != "slurm" && instances > 1) {
    sink.report(DiagCode::SchemaViolation, spec.doc.map.value_location("/resources/instance_count"),
                fmt::format("the {} backend runs one instance; instance_count is {}",
                            target.backend, instances),
                {"multi-node jobs need a cluster: a Slurm compute spec (type: slurm)"});
    return false;
  }
  return true;
}

}  // namespace jobc
