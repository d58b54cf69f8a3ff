// The image recipe of an environment, however the spec gave it (inline in a job, an
// environment file, or an environment spec): base image or Dockerfile + context, conda and
// pip packages, private registry, and the content hash that names the image. Built once per
// compilation from the model (CompileResult::environment); generators and backends read it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobc/compile.h"
#include "jobc/model/spec.h"

namespace jobc {

struct RegistryRef {
  std::string address;
  std::string username;
  std::string password_env;   // the variable's NAME, never its value
  std::string password_file;  // a path, never the file's content
};

struct ContextFile {
  std::string relative_path;  // '/'-separated, relative to the build context
  std::string sha256;         // a file's content
  std::string link_target;    // a symbolic link's target (then no sha256)
};

struct EnvironmentRecipe {
  // The environment it was made from (its fields' locations place diagnostics); null when
  // the environment is registered, not built here. Owned by the CompileResult's model.
  const model::Environment* model = nullptr;
  std::string reference;  // azureml:... when the environment is registered, not built here

  std::string image;                               // base image (image environments)
  std::optional<std::filesystem::path> build_dir;  // build environments
  std::string build_path_text;                     // build.path as written
  std::string dockerfile_path = "Dockerfile";
  std::string dockerfile_content;
  std::vector<ContextFile> context_files;
  std::optional<nlohmann::json> conda;  // the conda file (a path or inline), as JSON
  std::string conda_path_text;          // conda_file as written, when a path
  std::vector<std::string> conda_packages;
  std::vector<std::string> pip_packages;
  std::optional<RegistryRef> registry;
  std::string non_root_user;  // jobc extension: USER in the generated Dockerfile

  std::string hash;  // sha256 over everything that shapes the image (see environment_hash)
  bool buildable() const { return reference.empty(); }
  std::string image_tag() const { return "jobc-env:" + hash.substr(0, 16); }
};

// The recipe of the environment `spec` builds (an environment spec, or a job's inline or file
// environment), or of the registered one a job names. Reads the Dockerfile and the build
// context, and records them, the environment file and the conda file in `inputs`. nullopt
// when the spec has no environment.
std::optional<EnvironmentRecipe> make_environment_recipe(const model::Spec& spec,
                                                         InputRecord& inputs, DiagnosticSink& sink);

}  // namespace jobc
