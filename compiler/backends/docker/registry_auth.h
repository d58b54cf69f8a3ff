// Credentials for private registries and pulling images through the engine. The password
// comes from the environment's `registry` (password_env: the variable's value; password_file:
// the file's content, trimmed) or from ~/.docker/config.json `auths`; it lives in memory only
// and goes to the engine only as the X-Registry-Auth (pull) or X-Registry-Config (build) header.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "backends/docker/engine_client.h"
#include "codegen/environment_recipe.h"
#include "jobc/result.h"
#include "support/base64.h"

namespace jobc::docker {

struct ImageReference {
  std::string registry;    // "docker.io" when the name has no registry host
  std::string repository;  // everything before the tag / digest, registry included
  std::string tag;         // "latest" when neither tag nor digest is given
  std::string digest;      // sha256:...
  std::string full() const;
};

ImageReference parse_image_reference(const std::string& image);

struct RegistryCredentials {
  std::string server;  // the registry address
  std::string username;
  std::string password;
  std::string source;  // where they came from, for messages: "$REGISTRY_PASSWORD", a file...
};

// Looks up an environment variable (getenv in jobc; a map in tests).
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

// The Docker client's config file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
std::filesystem::path docker_config_file(const EnvLookup& env);

// The credentials for `registry_host`: from `registry` (when its address is that host), else
// from the config file's auths. nullopt without credentials; an error when the environment
// names a source that gives none (an unset variable, an unreadable file).
Result<std::optional<RegistryCredentials>> find_credentials(
    const std::optional<RegistryRef>& registry, const std::string& registry_host,
    const EnvLookup& env, const std::filesystem::path& config_file);

// Base64 lives in support/base64.h; the registry's code and tests name it from here.
using jobc::base64_decode;
using jobc::base64_encode;
using jobc::base64url_encode;

// X-Registry-Auth: base64url of {"username","password","serveraddress"}.
std::string registry_auth_header(const RegistryCredentials& credentials);
// X-Registry-Config (builds): base64url of {"<server>": {"username","password"}}.
std::string registry_config_header(const RegistryCredentials& credentials);

// The engine's error on a pull, explained: a refused login (401), an unknown registry, an
// unreachable one, a missing image; each naming the registry and the fix.
std::string explain_pull_error(const ImageReference& image, const std::string& engine_error,
                               const std::optional<RegistryRef>& registry,
                               const std::optional<RegistryCredentials>& credentials);

// POST /images/create?fromImage=..&tag=.. with the credentials (if any), progress shown as
// one updated line on a terminal or as plain lines otherwise.
Status pull_image(const EngineClient& engine, const ImageReference& image,
                  const std::optional<RegistryCredentials>& credentials,
                  const std::optional<RegistryRef>& registry, std::ostream& progress,
                  bool terminal);

}  // namespace jobc::docker
