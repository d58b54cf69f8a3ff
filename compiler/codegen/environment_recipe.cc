#include "codegen/environment_recipe.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "codegen/template_renderer.h"
#include "jobc/result.h"
#include "model/value_json.h"
#include "support/hash.h"
#include "support/tree_walk.h"
#include "support/utf8.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// Conda dependencies are strings; a `{pip: [...]}` entry lists pip packages.
void split_conda_dependencies(EnvironmentRecipe& recipe) {
  const nlohmann::json& conda = *recipe.conda;
  auto deps = conda.find("dependencies");
  if (deps == conda.end() || !deps->is_array()) return;
  for (const nlohmann::json& dep : *deps) {
    if (dep.is_object() && dep.contains("pip") && dep["pip"].is_array()) {
      for (const nlohmann::json& pip : dep["pip"]) recipe.pip_packages.push_back(text_of(pip));
    } else if (!dep.is_object()) {
      recipe.conda_packages.push_back(text_of(dep));
    }
  }
}

// The front end read and parsed the conda file; only its record for the manifest is made here.
void load_conda(EnvironmentRecipe& recipe, const model::CondaFile& conda, InputRecord& inputs) {
  if (conda.content.is_null()) return;
  recipe.conda = model::to_json(conda.content);
  if (conda.path) {
    recipe.conda_path_text = *conda.path;
    inputs.add(conda.file, recipe.conda_path_text);
  }
  split_conda_dependencies(recipe);
}

void load_build_context(EnvironmentRecipe& recipe, const model::BuildContext& build,
                        InputRecord& inputs, DiagnosticSink& sink) {
  const fs::path& root = *recipe.build_dir;
  fs::path dockerfile = root / recipe.dockerfile_path;
  Result<std::string> content = read_file(dockerfile);
  if (!content) {
    // dockerfile_path's value, or (when it is not written) the build mapping.
    sink.report(DiagCode::FileUnreadable, build.dockerfile_path.at,
                fmt::format("cannot read the Dockerfile '{}'", dockerfile.string()));
    return;
  }
  recipe.dockerfile_content = std::move(*content);
  // Links stay links in the Docker build context: each counts by where it points (inside the
  // context, by the tree walk's rules), a file by its content.
  auto unreadable = [&](const Error& failure) {
    sink.report(DiagCode::FileUnreadable, build.path.at,
                fmt::format("cannot read the build context '{}': {}", recipe.build_path_text,
                            failure.message));
    recipe.context_files.clear();
  };
  auto entries = walk_tree(root);
  if (!entries) return unreadable(entries.error());
  for (const TreeEntry& entry : *entries) {
    if (!entry.is_link() && !S_ISREG(entry.info.st_mode)) continue;
    ContextFile file{entry.relative, "", entry.link_target};
    if (!entry.is_link()) {
      Result<std::string> digest = sha256_file_hex(entry.path);
      if (!digest) return unreadable(digest.error());
      file.sha256 = std::move(*digest);
    }
    recipe.context_files.push_back(std::move(file));
    if (!entry.is_file()) continue;  // a link to a folder, or dangling: nothing to read
    inputs.add(entry.path, (fs::path(recipe.build_path_text) / entry.relative).generic_string());
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

EnvironmentRecipe recipe_of(const model::Environment& environment, InputRecord& inputs,
                            DiagnosticSink& sink) {
  EnvironmentRecipe recipe;
  recipe.model = &environment;
  recipe.image = environment.image.value_or("");
  recipe.non_root_user = environment.non_root_user.value_or("");
  if (const auto& build = environment.build) {
    recipe.build_path_text = build->path.value_or("");
    recipe.build_dir = build->folder;
    if (std::string dockerfile = build->dockerfile_path.value_or(""); !dockerfile.empty()) {
      recipe.dockerfile_path = dockerfile;
    }
    load_build_context(recipe, *build, inputs, sink);
  }
  if (environment.conda_file) load_conda(recipe, *environment.conda_file, inputs);
  if (const auto& registry = environment.registry) {
    recipe.registry =
        RegistryRef{registry->address.value_or(""), registry->username.value_or(""),
                    registry->password_env.value_or(""), registry->password_file.value_or("")};
  }
  recipe.hash = environment_hash(recipe);
  return recipe;
}

}  // namespace

std::optional<EnvironmentRecipe> make_environment_recipe(const model::Spec& spec,
                                                         InputRecord& inputs,
                                                         DiagnosticSink& sink) {
  const model::CommandBody* body = spec.command_body();
  const model::EnvironmentRef* ref = body && body->environment ? &*body->environment : nullptr;
  if (ref && ref->form == model::EnvironmentRef::Form::Registered) {
    EnvironmentRecipe recipe;
    recipe.reference = ref->written.value_or("");  // azureml:...: registered, not built here
    return recipe;
  }
  const model::Environment* environment = spec.environment();
  if (!environment) return std::nullopt;
  if (ref && ref->form == model::EnvironmentRef::Form::File) {
    std::string file = ref->written.value_or("");
    inputs.add(spec.source().resolve(file), file);
  }
  return recipe_of(*environment, inputs, sink);
}

}  // namespace jobc
