#include "codegen/environment_recipe.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "codegen/template_renderer.h"
#include "support/hash.h"
#include "support/tree_walk.h"
#include "support/utf8.h"

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
  // Links stay links in the Docker build context: each counts by where it points (inside the
  // context, by the tree walk's rules), a file by its content.
  try {
    auto entries = walk_tree(root);
    if (!entries) throw std::runtime_error(entries.error().message);
    for (const TreeEntry& entry : *entries) {
      if (!entry.is_link() && !S_ISREG(entry.info.st_mode)) continue;
      ContextFile file{entry.relative, "", entry.link_target};
      if (!entry.is_link()) file.sha256 = sha256_file_hex(entry.path);
      recipe.context_files.push_back(std::move(file));
      if (!entry.is_file()) continue;  // a link to a folder, or dangling: nothing to read
      inputs.add(entry.path, (fs::path(recipe.build_path_text) / entry.relative).generic_string());
    }
  } catch (const std::runtime_error& failure) {
    sink.report(DiagCode::FileUnreadable, recipe.doc->map.value_location(recipe.pointer + "/build"),
                fmt::format("cannot read the build context '{}': {}", recipe.build_path_text,
                            failure.what()));
    recipe.context_files.clear();
    return;
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
      {"conda_packages", recipe.conda_packages},
      {"pip_packages", recipe.pip_packages},
      {"conda_channels", recipe.conda ? recipe.conda->value("channels", nlohmann::json::array())
                                      : nlohmann::json::array()},
      {"non_root_user", recipe.non_root_user},
      {"template", template_hash("Dockerfile.mustache")},
  };
  nlohmann::json context = nlohmann::json::array();
  for (const ContextFile& file : recipe.context_files) {
    if (file.link_target.empty()) {
      context.push_back({file.relative_path, file.sha256});
    } else {
      context.push_back({file.relative_path, "symlink", file.link_target});
    }
  }
  identity["context"] = context;
  // JSON holds text only: a Dockerfile that is not UTF-8 counts by its bytes' digest, under
  // another key, so it can never collide with a text one.
  if (is_valid_utf8(recipe.dockerfile_content)) {
    identity["dockerfile"] = recipe.dockerfile_content;
  } else {
    identity["dockerfile_bytes_sha256"] = sha256_hex(recipe.dockerfile_content);
  }
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
