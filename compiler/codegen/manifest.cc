#include "codegen/manifest.h"

#include "support/hash.h"

namespace jobc {

void emit_manifest(const CompileResult& result, const std::string& image_tag, OutputSet& outputs) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& [shown, path] : result.inputs.files()) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) continue;
    inputs.push_back({{"path", shown}, {"sha256", sha256_file_hex(path)}});
  }
  nlohmann::json artifacts = nlohmann::json::array();
  for (const auto& [path, file] : outputs.files()) {
    artifacts.push_back({{"path", path}, {"sha256", sha256_hex(file.content)}});
  }
  nlohmann::json manifest = {
      {"jobc_version", JOBC_VERSION}, {"inputs", inputs}, {"artifacts", artifacts}};
  if (!result.environment_hash.empty()) {
    manifest["environment"] = {{"hash", result.environment_hash}, {"image", image_tag}};
  }
  outputs.add("manifest.json", manifest.dump(2) + "\n");
}

}  // namespace jobc
