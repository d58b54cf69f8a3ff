#include "codegen/environment_recipe.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "codegen/template_renderer.h"
#include "support/hash.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

std::string string_at(const nlohmann::json& node, const char* key) {
  auto it = node.find(key);
  if (it == node.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool read_file(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

// Conda dependencies are strings; a `{pip: [...]}` entry lists pip packages.
void split_conda_dependencies(EnvironmentRecipe& recipe) {
  const nlohmann::json& conda = *recipe.conda;
  auto deps = conda.find("dependencies");
  if (deps == conda.end() || !deps->is_array()) return;
  for (const nlohmann::json& dep : *deps) {
    if (dep.is_object() && dep.contains("pip") && dep["pip"].is_array()) {
      for (const nlohmann::json& pip : dep["pip"]) {
        recipe.pip_packages.push_back(pip.is_string() ? pip.get<std::string>() : pip.dump());
      }
    } else if (!dep.is_object()) {
      recipe.conda_packages.push_back(dep.is_string() ? dep.get<std::string>() : dep.dump());
    }
  }
}

void load_conda(EnvironmentRecipe& recipe, const nlohmann::json& env, const fs::path& dir,
                InputRecord& inputs, DiagnosticSink& sink) {
  auto conda = env.find("conda_file");
  if (conda == env.end() || conda->is_null()) return;
  if (conda->is_object()) {
    recipe.conda = *conda;
  } else if (conda->is_string()) {
    recipe.conda_path_text = conda->get<std::string>();
    fs::path path = dir / recipe.conda_path_text;
    SourceManager sources;
    auto doc = load_spec_file(path, path.lexically_normal().string(), sources, sink);
    if (!doc) return;
    inputs.add(path, recipe.conda_path_text);
    recipe.conda = doc->root;
  }
  if (recipe.conda) split_conda_dependencies(recipe);
}

void load_build_context(EnvironmentRecipe& recipe, InputRecord& inputs, DiagnosticSink& sink) {
  const fs::path& root = *recipe.build_dir;
  fs::path dockerfile = root / recipe.dockerfile_path;
  if (!read_file(dockerfile, recipe.dockerfile_content)) {
    sink.report(DiagCode::FileUnreadable, recipe.doc->map.value_location(recipe.pointer + "/build"),
                fmt::format("cannot read the Dockerfile '{}'", dockerfile.string()));
    return;
  }
  std::error_code error;
  for (fs::recursive_directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    if (!it->is_regular_file()) continue;
    std::string relative = it->path().lexically_relative(root).generic_string();
    recipe.context_files.push_back({relative, sha256_file_hex(it->path())});
    inputs.add(it->path(), (fs::path(recipe.build_path_text) / relative).generic_string());
  }
  std::sort(
      recipe.context_files.begin(), recipe.context_files.end(),
      [](const ContextFile& a, const ContextFile& b) { return a.relative_path < b.relative_path; });
}

// The identity of an image: everything that shapes it, and the template that writes its
// Dockerfile. Same inputs, same hash, on any machine.
std::string environment_hash(const EnvironmentRecipe& recipe) {
  nlohmann::json identity = {
      {"image", recipe.image},
      {"dockerfile", recipe.dockerfile_content},
      {"conda_packages", recipe.conda_packages},
      {"pip_packages", recipe.pip_packages},
      {"conda_channels", recipe.conda ? recipe.conda->value("channels", nlohmann::json::array())
                                      : nlohmann::json::array()},
      {"non_root_user", recipe.non_root_user},
      {"template", template_hash("Dockerfile.mustache")},
  };
  nlohmann::json context = nlohmann::json::array();
  for (const ContextFile& file : recipe.context_files) {
    context.push_back({file.relative_path, file.sha256});
  }
  identity["context"] = context;
  return sha256_hex(identity.dump());
}

}  // namespace

std::optional<EnvironmentRecipe> make_environment_recipe(const LoadedSpec& spec,
                                                         const std::string& pointer,
                                                         InputRecord& inputs,
                                                         DiagnosticSink& sink) {
  EnvironmentRecipe recipe;
  const SpecDocument* doc = &spec.doc;
  std::string env_pointer = pointer;
  nlohmann::json::json_pointer json_ptr(pointer);
  if (!doc->root.contains(json_ptr)) return std::nullopt;
  const nlohmann::json* env = &doc->root.at(json_ptr);
  if (env->is_string()) {
    auto reference = spec.references.find(pointer);
    if (reference == spec.references.end()) {
      recipe.reference = env->get<std::string>();  // azureml:...: registered, not built here
      recipe.doc = doc;
      recipe.pointer = pointer;
      return recipe;
    }
    std::string file = env->get<std::string>();
    inputs.add(spec.doc.dir / file, file);
    doc = &reference->second->doc;
    env = &doc->root;
    env_pointer = "";
  }
  if (!env->is_object()) return std::nullopt;
  recipe.doc = doc;
  recipe.pointer = env_pointer;
  recipe.name = string_at(*env, "name");
  recipe.version = string_at(*env, "version");
  recipe.image = string_at(*env, "image");
  recipe.non_root_user = string_at(*env, "non_root_user");
  if (auto build = env->find("build"); build != env->end() && build->is_object()) {
    recipe.build_path_text = string_at(*build, "path");
    recipe.build_dir = doc->dir / recipe.build_path_text;
    if (std::string dockerfile = string_at(*build, "dockerfile_path"); !dockerfile.empty()) {
      recipe.dockerfile_path = dockerfile;
    }
    load_build_context(recipe, inputs, sink);
  }
  load_conda(recipe, *env, doc->dir, inputs, sink);
  if (auto registry = env->find("registry"); registry != env->end() && registry->is_object()) {
    recipe.registry =
        RegistryRef{string_at(*registry, "address"), string_at(*registry, "username"),
                    string_at(*registry, "password_env"), string_at(*registry, "password_file")};
  }
  recipe.hash = environment_hash(recipe);
  return recipe;
}

}  // namespace jobc
