// This backend's name in the registry (compiler/backends/registry.cc).
#pragma once

#include <string_view>

namespace jobc::azureml {

inline constexpr std::string_view kBackendName = "azureml";

}  // namespace jobc::azureml
