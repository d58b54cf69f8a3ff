// The names the Azure ML SDK (azure-ai-ml 1.4.0) derives from an environment's content and a
// code folder's hash, so jobc's payloads name the same anonymous environments and code assets:
//  * anonymous_environment_version: the version of CliV2AnonymousEnvironment
//    (Environment._generate_anonymous_name_version);
//  * uuid_from_md5_hex: an anonymous code asset's name as the conformance oracle fixes it.
// The hashes of the files themselves are in support/folder_hashes.h.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "support/folder_hashes.h"

namespace jobc {

// An inline `environment:` with `image:`. Empty/null members are absent (Python truthiness).
struct ImageEnvironmentIdentity {
  std::string image;
  nlohmann::json inference_config;  // hashed as PyYAML dumps it
  std::string conda_yaml;           // pyyaml_dump of the conda file: the condaFile sent
};

// An inline `environment:` with `build:`.
struct BuildEnvironmentIdentity {
  std::string context_upload_hash;  // upload_hash(build.path)
  std::string dockerfile_path;      // build.dockerfile_path as written, empty if absent
};

std::string anonymous_environment_version(const ImageEnvironmentIdentity& environment);
std::string anonymous_environment_version(const BuildEnvironmentIdentity& environment);

// Python's separator.join(text): text's characters with the separator between each pair (the
// SDK joins md5 digests so).
std::string python_join(std::string_view separator, std::string_view text);

// str(uuid.UUID(hex)): "0123abcd-...". Throws std::invalid_argument unless 32 hex digits
// (hyphens, braces and a "urn:uuid:" prefix allowed, as Python allows them).
std::string uuid_from_md5_hex(std::string_view hex);

}  // namespace jobc
