#include "codegen/manifest.h"

#include "codegen/environment_recipe.h"
#include "support/hash.h"
#include "support/utf8.h"

namespace jobc {
namespace {

class ManifestGenerator : public Generator {
 public:
  std::string_view name() const override { return "manifest"; }

  void generate(GeneratorContext& context) const override {
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& [shown, path] : context.inputs.files()) {
      std::error_code error;
      if (!std::filesystem::is_regular_file(path, error)) continue;
      Result<std::string> digest = sha256_file_hex(path);
      if (!digest) {
        // Read once already (the front end, the environment): it changed under the compile.
        context.sink.report(DiagCode::FileUnreadable, {printable_utf8(shown), 0, 0},
                            digest.error().message);
        continue;
      }
      inputs.push_back({{"path", shown}, {"sha256", *digest}});
    }
    nlohmann::json artifacts = nlohmann::json::array();
    for (const auto& [path, file] : context.outputs.files()) {
      artifacts.push_back({{"path", path}, {"sha256", sha256_hex(file.content)}});
    }
    nlohmann::json manifest = {
        {"jobc_version", JOBC_VERSION}, {"inputs", inputs}, {"artifacts", artifacts}};
    if (const EnvironmentRecipe* recipe = context.environment; recipe && recipe->buildable()) {
      manifest["environment"] = {{"hash", recipe->hash}, {"image", recipe->image_tag()}};
    }
    context.outputs.add("manifest.json", manifest.dump(2) + "\n");
  }
};

}  // namespace

std::unique_ptr<Generator> make_manifest_generator() {
  return std::make_unique<ManifestGenerator>();
}

}  // namespace jobc
