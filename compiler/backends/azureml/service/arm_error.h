// ARM's errors as jobc shows them: "(code) message" from the body (common-types'
// ErrorResponse, as the SDK prints it), the request that failed, and a note on how to fix the
// service messages that need one.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::azureml {

// "(code) message" of {"error": {"code", "message", "details": [...]}} (or of the inner object
// given directly, as an operation status's "error"), with each detail's "(code) message" after
// a "; "; nullopt when `body` is not one.
std::optional<std::string> arm_error_text(const nlohmann::json& body);

// The request part of a message: "PUT /subscriptions/.../jobs/x: 404", without the query.
std::string failed_request_text(std::string_view method, std::string_view url, long status);

// What the user should do about a service message that says too little, or "":
// "Asset paths cannot be updated." gets the reason and the fix (a new version or name).
std::string arm_error_note(std::string_view text);

// The error of a request that failed: "[what: ](code) message (PUT /path: 400)[; note]", or
// for a transport failure "[what: ]no reply from ... (PUT /path)".
Error arm_request_error(std::string_view what, std::string_view method, std::string_view url,
                        const HttpResult& response);

}  // namespace jobc::azureml
