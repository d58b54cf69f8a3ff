// The process's environment as an EnvironmentLookup (credential.h).
#include <cstdlib>

#include "backends/azureml/service/credential.h"

namespace jobc::azureml {

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

}  // namespace jobc::azureml
