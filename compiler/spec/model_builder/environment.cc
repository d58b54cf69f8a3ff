// Environments: inline in a job, in a file a job names, or a spec of their own.
#include <memory>

#include "spec/model_builder/builders.h"
#include "spec/remote_reference.h"

namespace jobc::model_builder {

namespace {

std::optional<model::InferenceRoute> route(const Reader& reader, const std::string& pointer) {
  if (!reader.has(pointer)) return std::nullopt;
  return model::InferenceRoute{reader.integer(pointer + "/port"), reader.text(pointer + "/path")};
}

std::optional<model::CondaFile> conda_file(const Reader& reader, const std::string& pointer) {
  const nlohmann::json* node = reader.find(pointer);
  if (!node || node->is_null()) return std::nullopt;
  model::CondaFile conda;
  if (node->is_string()) {
    conda.path = reader.text(pointer);
    conda.file = reader.source().resolve(*conda.path);
    // Read and parsed while the spec was validated (validate.h: LoadedSpec::conda_files).
    auto loaded = reader.spec().conda_files.find(pointer);
    if (loaded != reader.spec().conda_files.end()) {
      conda.content = make_value(loaded->second->root, loaded->second->map, "");
    }
  } else {
    conda.content = reader.value(pointer);
  }
  return conda;
}

std::optional<model::Registry> registry(const Reader& reader, const std::string& pointer) {
  if (!reader.has(pointer)) return std::nullopt;
  return model::Registry{reader.text(pointer + "/address"), reader.text(pointer + "/username"),
                         reader.text(pointer + "/password_env"),
                         reader.text(pointer + "/password_file")};
}

}  // namespace

model::Environment build_environment(const Reader& reader, const std::string& pointer) {
  model::Environment env;
  env.source = reader.source();
  env.at = reader.at(pointer);
  env.name = reader.text(pointer + "/name");
  env.version = reader.any(pointer + "/version");
  env.description = reader.text(pointer + "/description");
  env.tags = reader.value(pointer + "/tags");
  env.image = reader.text(pointer + "/image");
  env.conda_file = conda_file(reader, pointer + "/conda_file");
  if (reader.has(pointer + "/build")) {
    model::BuildContext build;
    build.path = reader.text(pointer + "/build/path");
    if (build.path && !is_remote_reference(*build.path)) {
      build.folder = env.source.resolve(*build.path);
    }
    build.dockerfile_path = reader.text(pointer + "/build/dockerfile_path");
    env.build = std::move(build);
  }
  env.os_type = reader.text(pointer + "/os_type");
  if (reader.has(pointer + "/inference_config")) {
    std::string config = pointer + "/inference_config";
    env.inference_config = model::InferenceConfig{route(reader, config + "/liveness_route"),
                                                  route(reader, config + "/readiness_route"),
                                                  route(reader, config + "/scoring_route")};
  }
  env.datastore = reader.text(pointer + "/datastore");
  env.registry = registry(reader, pointer + "/registry");
  env.non_root_user = reader.text(pointer + "/non_root_user");
  return env;
}

std::optional<model::EnvironmentRef> build_environment_ref(const Reader& reader,
                                                           const std::string& pointer) {
  const nlohmann::json* node = reader.find(pointer);
  if (!node || node->is_null()) return std::nullopt;
  model::EnvironmentRef ref;
  if (node->is_object()) {
    ref.form = model::EnvironmentRef::Form::Inline;
    ref.spec = std::make_shared<const model::Environment>(build_environment(reader, pointer));
    return ref;
  }
  ref.written = reader.text(pointer);
  auto file = reader.spec().references.find(pointer);
  if (file != reader.spec().references.end()) {
    ref.form = model::EnvironmentRef::Form::File;
    ref.spec = std::make_shared<const model::Environment>(
        build_environment(reader.for_spec(*file->second), ""));
  } else {
    ref.form = model::EnvironmentRef::Form::Registered;  // azureml:NAME:VERSION and kin
  }
  return ref;
}

}  // namespace jobc::model_builder
