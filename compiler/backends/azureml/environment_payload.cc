#include "backends/azureml/environment_payload.h"

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/asset_hashes.h"
#include "backends/azureml/asset_references.h"
#include "backends/azureml/local_uploads.h"
#include "backends/azureml/rest_values.h"
#include "support/hash.h"
#include "support/pyyaml_dump.h"

namespace jobc::azureml {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAnonymousName = "CliV2AnonymousEnvironment";

// What the body and the anonymous version need beyond the body itself.
struct Built {
  nlohmann::json properties;
  std::string context_hash;     // upload hash of a local build context (or the URL's md5)
  std::string dockerfile_path;  // build.dockerfile_path as written
  std::string conda_yaml;       // the condaFile sent, empty when none
  bool ok = true;
};

// build.contextUri: a URL as given; a local folder uploaded (with a trailing '/', which the
// service requires) to the environment's datastore.
void add_build(const AzureMlContext& context, const model::Environment& environment,
               const model::BuildContext& build, Built& built) {
  std::string path = build.path.value_or("");
  if (const std::string* dockerfile = truthy_text(build.dockerfile_path)) {
    built.dockerfile_path = *dockerfile;
  }
  nlohmann::json rest;
  if (path.find("://") != std::string::npos) {
    rest["contextUri"] = path;
    built.context_hash = md5_hex(path);  // nothing to upload; the URL stands for the content
  } else {
    std::string datastore = datastore_name(environment.datastore.value_or(""));
    auto upload = local_upload(context, environment.source.resolve(path), path, build.path.at,
                               UploadKind::Build, datastore);
    if (!upload) {
      built.ok = false;
      return;
    }
    rest["contextUri"] = blob_url(context, datastore, upload->relative_path) + "/";
    built.context_hash = upload->hash;
  }
  if (!built.dockerfile_path.empty()) rest["dockerfilePath"] = built.dockerfile_path;
  built.properties["build"] = rest;
}

// The routes an inference_config gives, by their names in the spec: {port, path} each.
std::vector<std::pair<const char*, nlohmann::json>> inference_routes(
    const model::InferenceConfig& config) {
  std::vector<std::pair<const char*, nlohmann::json>> routes;
  for (auto [key, route] : {std::pair{"liveness_route", &config.liveness_route},
                            std::pair{"readiness_route", &config.readiness_route},
                            std::pair{"scoring_route", &config.scoring_route}}) {
    if (!*route) continue;
    nlohmann::json rest = nlohmann::json::object();
    if ((*route)->port) rest["port"] = *(*route)->port;
    if ((*route)->path) rest["path"] = *(*route)->path;
    routes.emplace_back(key, std::move(rest));
  }
  return routes;
}

// {livenessRoute, readinessRoute, scoringRoute}: {port, path}, the same names in REST.
nlohmann::json inference_config(const model::InferenceConfig& config) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, route] : inference_routes(config)) {
    std::string name = key;
    out[name == "liveness_route"    ? "livenessRoute"
        : name == "readiness_route" ? "readinessRoute"
                                    : "scoringRoute"] = route;
  }
  return out;
}

// The SDK sends an inference_config only when truthy: a mapping with a route in it.
const model::InferenceConfig* truthy_inference_config(const model::Environment& environment) {
  const auto& config = environment.inference_config;
  return config && !inference_routes(*config).empty() ? &*config : nullptr;
}

// Environment._to_rest_object: every member only when truthy, plus isAnonymous/isArchived.
Built environment_properties(const AzureMlContext& context, const model::Environment& environment,
                             bool anonymous) {
  Built built;
  built.properties = nlohmann::json::object();
  if (environment.conda_file && environment.conda_file->content.truthy()) {
    built.conda_yaml = pyyaml_dump(model::to_json(environment.conda_file->content));
    built.properties["condaFile"] = built.conda_yaml;
  }
  if (const std::string* image = truthy_text(environment.image)) {
    built.properties["image"] = *image;
  }
  if (environment.build) add_build(context, environment, *environment.build, built);
  if (const std::string* os_type = truthy_text(environment.os_type)) {
    built.properties["osType"] = lower(*os_type);
  }
  if (environment.tags.truthy()) built.properties["tags"] = string_map(environment.tags);
  if (const model::InferenceConfig* config = truthy_inference_config(environment)) {
    built.properties["inferenceConfig"] = inference_config(*config);
  }
  if (const std::string* description = truthy_text(environment.description)) {
    built.properties["description"] = *description;
  }
  built.properties["isAnonymous"] = anonymous;
  built.properties["isArchived"] = false;
  return built;
}

// What the SDK hashes for an inference_config: yaml.dump() of the object its schema made of
// it (msrest models of api 2022-05-01), so PyYAML tags the mapping and each route with their
// Python classes and adds their empty additional_properties.
std::string inference_config_yaml(const model::InferenceConfig& config) {
  const std::string models =
      "!!python/object:azure.ai.ml._restclient.v2022_05_01.models._models_py3.";
  nlohmann::json plain = {{"additional_properties", nlohmann::json::object()}};
  for (const char* key : {"liveness_route", "readiness_route", "scoring_route"}) {
    plain[key] = nullptr;
  }
  std::vector<std::string> routes;
  for (const auto& [key, route] : inference_routes(config)) {
    plain[key] = route;
    plain[key]["additional_properties"] = nlohmann::json::object();
    routes.push_back(key);
  }
  std::string text = pyyaml_dump(plain);
  for (const std::string& key : routes) {
    // A top-level key (after additional_properties, never first) whose mapping follows.
    std::string line = "\n" + key + ":\n";
    if (size_t at = text.find(line); at != std::string::npos) {
      text.replace(at, line.size(), "\n" + key + ": " + models + "Route\n");
    }
  }
  return models + "InferenceContainerProperties\n" + text;
}

// Environment._generate_anonymous_name_version, on what the body holds.
std::string anonymous_version(const model::Environment& environment, const Built& built) {
  if (built.properties.contains("build")) {
    return anonymous_environment_version(
        BuildEnvironmentIdentity{built.context_hash, built.dockerfile_path});
  }
  ImageEnvironmentIdentity identity;
  identity.image = built.properties.value("image", "");
  identity.conda_yaml = built.conda_yaml;
  const model::InferenceConfig* config = truthy_inference_config(environment);
  if (!config) return anonymous_environment_version(identity);
  // asset_hashes would dump the mapping itself; the SDK hashes the object dump.
  std::string hash = python_join(md5_hex(identity.image), md5_hex(inference_config_yaml(*config)));
  if (!identity.conda_yaml.empty()) hash = python_join(hash, md5_hex(identity.conda_yaml));
  return md5_hex(hash);
}

EnvironmentAsset versioned_request(const AzureMlContext& context, const std::string& name,
                                   const std::string& version, nlohmann::json properties) {
  std::string id = versioned_resource_id(context.scope, kEnvironments, name, version);
  return {id, put_request(id, kAssetsApiVersion, {{"properties", std::move(properties)}})};
}

}  // namespace

std::optional<EnvironmentAsset> job_environment(const AzureMlContext& context,
                                                const model::CommandBody& body) {
  if (!body.environment) return std::nullopt;
  const model::EnvironmentRef& reference = *body.environment;
  if (reference.form == model::EnvironmentRef::Form::Registered || !reference.spec) {
    return EnvironmentAsset{environment_id(context.scope, reference.written.value_or("")), nullptr};
  }
  // An inline environment, or a file named by path (a jobc extension): the SDK's anonymous
  // registration, so the job never overwrites a named version and the same content maps to
  // the same version. Its name: and version: are ignored, as the SDK ignores them inline.
  Built built = environment_properties(context, *reference.spec, true);
  if (!built.ok) return std::nullopt;
  std::string version = anonymous_version(*reference.spec, built);
  return versioned_request(context, kAnonymousName, version, std::move(built.properties));
}

std::optional<EnvironmentAsset> named_environment(const AzureMlContext& context,
                                                  const model::Environment& environment) {
  Built built = environment_properties(context, environment, false);
  if (!built.ok) return std::nullopt;
  // VersionField: str() of what was given; none means the next version, "1" in a workspace
  // that has none yet.
  std::string version =
      environment.version && !environment.version->is_null() ? text_of(*environment.version) : "";
  return versioned_request(context, environment.name.value_or(""), version.empty() ? "1" : version,
                           std::move(built.properties));
}

}  // namespace jobc::azureml
