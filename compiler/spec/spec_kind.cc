#include "jobc/spec_kind.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "jobc/compute_rules.h"
#include "support/text.h"

namespace jobc {
namespace {

// "https://azuremlschemas.azureedge.net/latest/commandJob.schema.json" -> "commandjob";
// "../schemas/command_job.schema.json" -> "commandjob".
std::string schema_stem(std::string_view url) {
  std::string name(url.substr(url.find_last_of('/') + 1));
  if (size_t dot = name.find(".schema.json"); dot != std::string::npos) name.resize(dot);
  std::erase(name, '_');
  return lower(name);
}

std::optional<SpecKind> kind_from_schema_stem(const std::string& stem) {
  if (stem == "commandjob") return SpecKind::CommandJob;
  if (stem == "sweepjob") return SpecKind::SweepJob;
  if (stem == "environment") return SpecKind::Environment;
  if (stem == "amlcompute" || stem == "compute") return SpecKind::Compute;
  return std::nullopt;
}

std::optional<SpecKind> kind_from_type(const nlohmann::json& root) {
  auto it = root.find("type");
  if (it == root.end() || !it->is_string()) return std::nullopt;
  std::string type = lower(it->get<std::string>());
  if (type == "command") return SpecKind::CommandJob;
  if (type == "sweep") return SpecKind::SweepJob;
  if (compute_kind_of_type(type)) return SpecKind::Compute;  // a type some backend runs
  return std::nullopt;
}

std::optional<SpecKind> kind_from_keys(const nlohmann::json& root) {
  if (root.contains("trial")) return SpecKind::SweepJob;
  if (root.contains("command")) return SpecKind::CommandJob;
  if (root.contains("image") || root.contains("build") || root.contains("conda_file")) {
    return SpecKind::Environment;
  }
  return std::nullopt;
}

}  // namespace

std::string_view kind_name(SpecKind kind) {
  switch (kind) {
    case SpecKind::Environment:
      return "environment";
    case SpecKind::Compute:
      return "compute";
    case SpecKind::CommandJob:
      return "command job";
    case SpecKind::SweepJob:
      return "sweep job";
  }
  return "spec";
}

std::string_view kind_schema_file(SpecKind kind) {
  switch (kind) {
    case SpecKind::Environment:
      return "environment.schema.json";
    case SpecKind::Compute:
      return "compute.schema.json";
    case SpecKind::CommandJob:
      return "command_job.schema.json";
    case SpecKind::SweepJob:
      return "sweep_job.schema.json";
  }
  return "";
}

std::optional<SpecKind> parse_schema_name(std::string_view text) {
  std::string name = lower(text);
  if (name == "job" || name == "command") return SpecKind::CommandJob;
  if (name == "sweep") return SpecKind::SweepJob;
  return kind_from_schema_stem(schema_stem(name));
}

std::optional<SpecKind> parse_kind_option(std::string_view text, const nlohmann::json& root) {
  if (lower(text) == "job") {
    return kind_from_type(root) == SpecKind::SweepJob || root.contains("trial")
               ? SpecKind::SweepJob
               : SpecKind::CommandJob;
  }
  return parse_schema_name(text);
}

std::optional<SpecKind> detect_kind(const SpecDocument& doc, DiagnosticSink& sink) {
  auto schema = doc.root.find("$schema");
  if (schema != doc.root.end() && schema->is_string()) {
    std::string stem = schema_stem(schema->get<std::string>());
    if (auto kind = kind_from_schema_stem(stem)) return kind;
    sink.report(DiagCode::UnknownKind, doc.map.value_location("/$schema"),
                fmt::format("jobc does not support '{}' specs", stem),
                {"supported: commandJob, sweepJob, environment, amlCompute (or jobc's compute)"});
    return std::nullopt;
  }
  if (auto kind = kind_from_type(doc.root)) return kind;
  if (auto kind = kind_from_keys(doc.root)) return kind;
  sink.report(DiagCode::UnknownKind, {doc.display_path, 1, 1},
              "cannot tell what kind of spec this is",
              {"add `$schema:` (e.g. "
               "https://azuremlschemas.azureedge.net/latest/commandJob.schema.json), a `type:`, "
               "or pass --kind job|environment|compute"});
  return std::nullopt;
}

}  // namespace jobc
