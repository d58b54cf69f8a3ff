// Building an ArmCall in one expression (GCC warns about the fields designated initializers
// leave out).
#pragma once

#include <optional>
#include <string>

#include "backends/azureml/service/arm_client.h"

namespace jobc::azureml {

inline ArmCall service_call(std::string method, std::string path, std::string api_version,
                            std::string what, std::optional<nlohmann::json> body = std::nullopt,
                            bool authenticated = true) {
  ArmCall call;
  call.method = std::move(method);
  call.path = std::move(path);
  call.api_version = std::move(api_version);
  call.body = std::move(body);
  call.authenticated = authenticated;
  call.what = std::move(what);
  return call;
}

}  // namespace jobc::azureml
