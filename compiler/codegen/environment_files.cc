#include "codegen/environment_files.h"

#include <fmt/format.h>

#include "codegen/comment_text.h"
#include "codegen/environment_recipe.h"
#include "codegen/template_renderer.h"
#include "support/char_scan.h"
#include "support/pyyaml_dump.h"

namespace jobc {
namespace {

// The conda file without its pip list (pip packages get their own layer).
nlohmann::json conda_without_pip(const nlohmann::json& conda) {
  nlohmann::json out = conda;
  if (out.contains("dependencies") && out["dependencies"].is_array()) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& dep : out["dependencies"]) {
      if (!(dep.is_object() && dep.contains("pip"))) kept.push_back(dep);
    }
    out["dependencies"] = kept;
  }
  return out;
}

// pip reads requirements.txt with Python's str.splitlines(), which breaks lines at each of
// these: a package holding one would become two lines, the second an option of its own.
bool has_line_break(std::string_view text) {
  static constexpr std::string_view kBreaks[] = {
      "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\xa9"};
  for (std::string_view line_break : kBreaks) {
    if (text.find(line_break) != std::string_view::npos) return true;
  }
  return false;
}

std::string requirements_text(const std::vector<std::string>& packages) {
  std::string out;
  for (const std::string& package : packages) out += package + "\n";
  return out;
}

// Reports a pip package that cannot be one line of requirements.txt.
bool pip_packages_fit_lines(const EnvironmentRecipe& recipe, DiagnosticSink& sink) {
  for (const std::string& package : recipe.pip_packages) {
    if (!has_line_break(package)) continue;
    const model::CondaFile& conda = *recipe.model->conda_file;
    sink.report(DiagCode::BadFormat, conda.path ? conda.path.at : conda.content.at,
                fmt::format("pip package {:?} holds a line break", package),
                {"requirements.txt takes one package per line"});
    return false;
  }
  return true;
}

void emit_environment_files(const EnvironmentRecipe& recipe, const std::string& source,
                            OutputSet& outputs, DiagnosticSink& sink) {
  bool from_image = !recipe.build_dir.has_value();
  if (from_image && !is_image_reference(recipe.image)) {
    sink.report(DiagCode::BadFormat, recipe.model->image.at,
                fmt::format("'{}' is not an image reference", recipe.image),
                {"an image is written like registry.example.com/team/name:tag"});
    return;
  }
  if (!pip_packages_fit_lines(recipe, sink)) return;
  bool has_conda = !recipe.conda_packages.empty();
  bool has_pip = !recipe.pip_packages.empty();
  TemplateData data;
  data.set("jobc_version", JOBC_VERSION);
  data.set("source", comment_text(source));
  data.set("environment_hash", recipe.hash);
  data.set("image_tag", recipe.image_tag());
  data.set("from_image", from_image);
  data.set("base_image", recipe.image);
  data.set("from_dockerfile", !from_image);
  data.set("dockerfile_path", comment_text(recipe.build_path_text + "/" + recipe.dockerfile_path));
  std::string user_dockerfile = recipe.dockerfile_content;
  while (!user_dockerfile.empty() && user_dockerfile.back() == '\n') user_dockerfile.pop_back();
  data.set("user_dockerfile", user_dockerfile);
  data.set("has_conda", has_conda);
  data.set("has_pip", has_pip);
  if (recipe.non_root_user.empty()) {
    data.set("non_root_user", false);
  } else {
    TemplateData user;
    user.set("name", recipe.non_root_user);
    data.set("non_root_user", user);
  }
  outputs.add("Dockerfile", render_template("Dockerfile.mustache", data));
  if (has_conda) outputs.add("conda.yaml", pyyaml_dump(conda_without_pip(*recipe.conda)));
  if (has_pip) outputs.add("requirements.txt", requirements_text(recipe.pip_packages));
}

class EnvironmentFilesGenerator : public Generator {
 public:
  std::string_view name() const override { return "environment-files"; }
  void generate(GeneratorContext& context) const override {
    const EnvironmentRecipe* recipe = context.environment;
    if (!recipe || !recipe->buildable()) return;
    std::string source =
        std::filesystem::path(context.spec.source().display_path).filename().string();
    emit_environment_files(*recipe, source, context.outputs, context.sink);
  }
};

}  // namespace

std::unique_ptr<Generator> make_environment_files_generator() {
  return std::make_unique<EnvironmentFilesGenerator>();
}

}  // namespace jobc
