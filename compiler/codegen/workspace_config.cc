#include "codegen/workspace_config.h"

#include <fmt/format.h>

#include <fstream>

namespace jobc {

namespace fs = std::filesystem;

static std::optional<FoundWorkspace> read_config(const fs::path& file, DiagnosticSink& sink) {
  std::ifstream in(file);
  auto config = nlohmann::json::parse(in, nullptr, false);
  std::string shown = file.string();
  if (config.is_discarded() || !config.is_object()) {
    sink.report(DiagCode::FileUnreadable, {shown, 0, 0}, "workspace config is not valid JSON");
    return std::nullopt;
  }
  FoundWorkspace found{{}, file};
  for (auto [key, target] : {std::pair{"subscription_id", &found.scope.subscription},
                             std::pair{"resource_group", &found.scope.resource_group},
                             std::pair{"workspace_name", &found.scope.workspace}}) {
    auto it = config.find(key);
    if (it == config.end() || !it->is_string() || it->get<std::string>().empty()) {
      sink.report(DiagCode::MissingKey, {shown, 0, 0},
                  fmt::format("workspace config has no '{}'", key),
                  {"it needs subscription_id, resource_group and workspace_name"});
      return std::nullopt;
    }
    *target = it->get<std::string>();
  }
  if (auto it = config.find("location"); it != config.end() && it->is_string()) {
    found.scope.location = it->get<std::string>();
  }
  return found;
}

std::optional<FoundWorkspace> find_workspace_config(const fs::path& start, DiagnosticSink& sink) {
  std::error_code error;
  fs::path dir = fs::absolute(start, error);
  while (!dir.empty()) {
    for (const fs::path& candidate : {dir / "config.json", dir / ".azureml" / "config.json"}) {
      if (fs::is_regular_file(candidate, error)) return read_config(candidate, sink);
    }
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

}  // namespace jobc
