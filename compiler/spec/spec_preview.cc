// What a command may start on before a spec is checked: the local paths it names.
#include <set>

#include "jobc/validate.h"
#include "spec/remote_reference.h"

namespace jobc {

namespace fs = std::filesystem;

SpecPreview preview_spec(const SpecDocument& doc) {
  std::vector<nlohmann::json::json_pointer> pointers;
  for (const char* at : {"/code", "/trial/code", "/build/path", "/environment/build/path",
                         "/trial/environment/build/path"}) {
    pointers.emplace_back(at);
  }
  if (auto inputs = doc.root.find("inputs"); inputs != doc.root.end() && inputs->is_object()) {
    for (const auto& [name, input] : inputs->items()) {
      if (input.is_object()) {
        pointers.push_back(nlohmann::json::json_pointer("/inputs") / name / "path");
      }
    }
  }
  std::set<fs::path> found;
  for (const auto& pointer : pointers) {
    if (!doc.root.contains(pointer)) continue;
    const nlohmann::json& value = doc.root.at(pointer);
    if (!value.is_string() || is_remote_reference(value.get<std::string>())) continue;
    fs::path path(value.get<std::string>());
    std::error_code error;
    fs::path canonical = fs::canonical(path.is_absolute() ? path : doc.dir / path, error);
    if (!error) found.insert(canonical);
  }
  SpecPreview preview;
  preview.local_paths.assign(found.begin(), found.end());
  auto compute = doc.root.find("compute");
  if (compute != doc.root.end() && compute->is_string())
    preview.compute = compute->get<std::string>();
  return preview;
}

}  // namespace jobc
