// The compiled Azure ML artifacts read back at submit or create time, and their requests as
// ARM calls.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "backends/azureml/service/arm_client.h"
#include "jobc/compile.h"
#include "jobc/result.h"

namespace jobc::azureml {

inline constexpr const char* kRequestsFile = "azureml/requests.json";
inline constexpr const char* kUploadsFile = "azureml/uploads.json";

// The compiled JSON artifact `path`; null when it is absent and not `required`.
Result<nlohmann::json> compiled_json(const CompileResult& compiled, const char* path,
                                     bool required);

// One element of requests.json ({"method","path","api_version","body"}) as an ARM call;
// `what` names it in messages (default: "create code version NAME:V" for a version PUT).
ArmCall compiled_call(const nlohmann::json& request, std::string what = "");

}  // namespace jobc::azureml
