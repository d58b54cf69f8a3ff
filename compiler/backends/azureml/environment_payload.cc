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

const nlohmann::json& mapping_of(const EnvironmentRecipe& recipe) {
  return recipe.doc->root.at(nlohmann::json::json_pointer(recipe.pointer));
}

// build.contextUri: a URL as given; a local folder uploaded (with a trailing '/', which the
// service requires) to the environment's datastore.
void add_build(const AzureMlContext& context, const EnvironmentRecipe& recipe,
               const nlohmann::json& build, Built& built) {
  std::string path = build.value("path", "");
  if (const nlohmann::json* dockerfile = truthy_member(build, "dockerfile_path")) {
    built.dockerfile_path = text_of(*dockerfile);
  }
  nlohmann::json rest;
  if (path.find("://") != std::string::npos) {
    rest["contextUri"] = path;
    built.context_hash = md5_hex(path);  // nothing to upload; the URL stands for the content
  } else {
    fs::path local = fs::path(path).is_absolute() ? fs::path(path) : recipe.doc->dir / path;
    auto upload = local_upload(context, local, recipe.build_path_text, *recipe.doc,
                               pointer_append(recipe.pointer, "build"));
    if (!upload) {
      built.ok = false;
      return;
    }
    std::string datastore = datastore_name(mapping_of(recipe).value("datastore", ""));
    rest["contextUri"] = blob_url(context, datastore, upload->relative_path) + "/";
    built.context_hash = upload->hash;
  }
  if (!built.dockerfile_path.empty()) rest["dockerfilePath"] = built.dockerfile_path;
  built.properties["build"] = rest;
}

nlohmann::json inference_config(const nlohmann::json& config) {
  nlohmann::json out = nlohmann::json::object();
  for (auto [key, rest_key] : {std::pair{"liveness_route", "livenessRoute"},
                               std::pair{"readiness_route", "readinessRoute"},
                               std::pair{"scoring_route", "scoringRoute"}}) {
    if (auto route = config.find(key); route != config.end() && route->is_object()) {
      out[rest_key] = *route;  // {port, path}: the same names in REST
    }
  }
  return out;
}

// Environment._to_rest_object: every member only when truthy, plus isAnonymous/isArchived.
Built environment_properties(const AzureMlContext& context, const EnvironmentRecipe& recipe,
                             bool anonymous) {
  const nlohmann::json& env = mapping_of(recipe);
  Built built;
  built.properties = nlohmann::json::object();
  if (recipe.conda && truthy(*recipe.conda)) {
    built.conda_yaml = pyyaml_dump(*recipe.conda);
    built.properties["condaFile"] = built.conda_yaml;
  }
  if (const nlohmann::json* image = truthy_member(env, "image")) {
    built.properties["image"] = text_of(*image);
  }
  if (auto build = env.find("build"); build != env.end() && build->is_object()) {
    add_build(context, recipe, *build, built);
  }
  if (const nlohmann::json* os_type = truthy_member(env, "os_type")) {
    built.properties["osType"] = lower(text_of(*os_type));
  }
  if (const nlohmann::json* tags = truthy_member(env, "tags")) {
    built.properties["tags"] = string_map(tags);
  }
  if (const nlohmann::json* config = truthy_member(env, "inference_config")) {
    built.properties["inferenceConfig"] = inference_config(*config);
  }
  if (const nlohmann::json* description = truthy_member(env, "description")) {
    built.properties["description"] = text_of(*description);
  }
  if (const nlohmann::json* properties = truthy_member(env, "properties")) {
    built.properties["properties"] = string_map(properties);
  }
  built.properties["isAnonymous"] = anonymous;
  built.properties["isArchived"] = false;
  return built;
}

// What the SDK hashes for an inference_config: yaml.dump() of the object its schema made of
// it (msrest models of api 2022-05-01), so PyYAML tags the mapping and each route with their
// Python classes and adds their empty additional_properties.
std::string inference_config_yaml(const nlohmann::json& config) {
  const std::string models =
      "!!python/object:azure.ai.ml._restclient.v2022_05_01.models._models_py3.";
  nlohmann::json plain = {{"additional_properties", nlohmann::json::object()}};
  std::vector<std::string> routes;
  for (const char* key : {"liveness_route", "readiness_route", "scoring_route"}) {
    auto route = config.find(key);
    plain[key] = nullptr;
    if (route == config.end() || !route->is_object()) continue;
    plain[key] = *route;
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

// Python's separator.join(text): text's characters with the separator between each pair.
std::string python_join(const std::string& separator, const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0) out += separator;
    out.push_back(text[i]);
  }
  return out;
}

// Environment._generate_anonymous_name_version, on what the body holds.
std::string anonymous_version(const nlohmann::json& env, const Built& built) {
  if (built.properties.contains("build")) {
    return anonymous_environment_version(
        BuildEnvironmentIdentity{built.context_hash, built.dockerfile_path});
  }
  ImageEnvironmentIdentity identity;
  identity.image = built.properties.value("image", "");
  identity.conda_yaml = built.conda_yaml;
  const nlohmann::json* config = truthy_member(env, "inference_config");
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

std::optional<EnvironmentAsset> job_environment(const AzureMlContext& context) {
  const EnvironmentRecipe* recipe = context.environment;
  if (!recipe || !recipe->doc) return std::nullopt;
  if (!recipe->buildable())
    return EnvironmentAsset{environment_id(context.scope, recipe->reference), nullptr};
  // An inline environment, or a file named by path (a jobc extension): the SDK's anonymous
  // registration, so the job never overwrites a named version and the same content maps to
  // the same version. Its name: and version: are ignored, as the SDK ignores them inline.
  Built built = environment_properties(context, *recipe, true);
  if (!built.ok) return std::nullopt;
  std::string version = anonymous_version(mapping_of(*recipe), built);
  return versioned_request(context, kAnonymousName, version, std::move(built.properties));
}

std::optional<EnvironmentAsset> named_environment(const AzureMlContext& context) {
  const EnvironmentRecipe* recipe = context.environment;
  if (!recipe || !recipe->doc || !recipe->buildable()) return std::nullopt;
  const nlohmann::json& env = mapping_of(*recipe);
  Built built = environment_properties(context, *recipe, false);
  if (!built.ok) return std::nullopt;
  // VersionField: str() of what was given; none means the next version, "1" in a workspace
  // that has none yet.
  auto given = env.find("version");
  std::string version = given != env.end() && !given->is_null() ? text_of(*given) : "";
  return versioned_request(context, text_of(env.value("name", nlohmann::json(""))),
                           version.empty() ? "1" : version, std::move(built.properties));
}

}  // namespace jobc::azureml
