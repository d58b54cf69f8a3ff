// Ports of the SDK's anonymous environment version (entities/_assets/environment.py), with
// its Python str.join quirk, and of the uuid an anonymous code asset is named with.
#include "backends/azureml/asset_hashes.h"

#include <cctype>
#include <stdexcept>

#include "support/hash.h"
#include "support/python_text.h"
#include "support/pyyaml_dump.h"

namespace jobc {

// Python's separator.join(text): text's characters with the separator between each pair.
std::string python_join(std::string_view separator, std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0) out += separator;
    out.push_back(text[i]);
  }
  return out;
}

std::string anonymous_environment_version(const ImageEnvironmentIdentity& environment) {
  std::string hash = md5_hex(environment.image);
  if (python_truthy(environment.inference_config)) {
    hash = python_join(hash, md5_hex(pyyaml_dump(environment.inference_config)));
  }
  if (!environment.conda_yaml.empty()) {
    hash = python_join(hash, md5_hex(environment.conda_yaml));
  }
  return md5_hex(hash);
}

std::string anonymous_environment_version(const BuildEnvironmentIdentity& environment) {
  std::string hash = md5_hex(environment.context_upload_hash);
  if (!environment.dockerfile_path.empty()) {
    hash = python_join(hash, md5_hex(environment.dockerfile_path));
  }
  return md5_hex(hash);
}

// jobc passes it upload_hash()'s md5 only, always 32 hex digits: the throws below are
// Python's ValueError kept as a precondition check, a caller's defect rather than a user's
// error.
std::string uuid_from_md5_hex(std::string_view hex) {
  // uuid.UUID(hex): drops "urn:" and "uuid:", outer braces, and every hyphen.
  std::string text(hex);
  for (std::string_view prefix : {"urn:", "uuid:"}) {
    for (size_t at; (at = text.find(prefix)) != std::string::npos;) text.erase(at, prefix.size());
  }
  size_t first = text.find_first_not_of("{}");
  size_t last = text.find_last_not_of("{}");
  text = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  std::string digits;
  for (char c : text) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      throw std::invalid_argument("not a uuid: " + std::string(hex));
    }
    digits.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (digits.size() != 32) throw std::invalid_argument("not a uuid: " + std::string(hex));
  return digits.substr(0, 8) + "-" + digits.substr(8, 4) + "-" + digits.substr(12, 4) + "-" +
         digits.substr(16, 4) + "-" + digits.substr(20);
}

}  // namespace jobc
