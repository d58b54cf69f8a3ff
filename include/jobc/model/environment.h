// An environment as the model holds it: written inline in a job, in an environment spec file,
// or as a spec of its own. What an image is built from; never a secret.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "jobc/model/source.h"
#include "jobc/model/value.h"

namespace jobc::model {

// registry: a private registry the image comes from. An inline `password` is refused by the
// front end (E028); only where the password comes from is kept.
struct Registry {
  Field<std::string> address;
  Field<std::string> username;
  Field<std::string> password_env;   // the variable's name, never its value
  Field<std::string> password_file;  // a path as written, never the file's content
};

// build: a Docker build context and the Dockerfile in it.
struct BuildContext {
  Field<std::string> path;             // as written
  std::filesystem::path folder;        // resolved against the spec's folder
  Field<std::string> dockerfile_path;  // relative to the context; absent: "Dockerfile"
};

// conda_file: a path (the front end reads and parses the file) or an inline mapping.
struct CondaFile {
  Field<std::string> path;     // as written, when a path
  std::filesystem::path file;  // resolved, when a path
  Value content;               // the conda environment (a map), however it was given
};

struct InferenceRoute {
  Field<long long> port;
  Field<std::string> path;
};

struct InferenceConfig {
  std::optional<InferenceRoute> liveness_route;
  std::optional<InferenceRoute> readiness_route;
  std::optional<InferenceRoute> scoring_route;
};

struct Environment {
  SpecSource source;  // the document it was written in
  Location at;        // the environment's mapping
  Field<std::string> name;
  Field<Value> version;  // a string or a number, as written
  Field<std::string> description;
  Value tags;  // a map, or null
  Field<std::string> image;
  std::optional<CondaFile> conda_file;
  std::optional<BuildContext> build;
  Field<std::string> os_type;
  std::optional<InferenceConfig> inference_config;
  Field<std::string> datastore;
  std::optional<Registry> registry;
  Field<std::string> non_root_user;  // jobc extension: USER in the generated Dockerfile
};

// A job's `environment:`: an inline mapping, the path of an environment spec, or a registered
// environment (azureml:name:version, azureml:name@latest, azureml://registries/...).
struct EnvironmentRef {
  enum class Form { Inline, File, Registered };
  Form form = Form::Inline;
  Field<std::string> written;               // the reference or path as written (Registered, File)
  std::shared_ptr<const Environment> spec;  // Inline and File
};

}  // namespace jobc::model
