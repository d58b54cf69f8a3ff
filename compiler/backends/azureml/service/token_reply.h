// What token endpoints answer (Microsoft Entra ID, the managed identity endpoints): the token
// and its expiry from a reply, the reason from a refusal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "backends/azureml/service/token_cache.h"
#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::azureml {

// access_token with its expiry: expires_on (epoch seconds as a number or a string, or App
// Service's "1/16/2020 5:24:12 AM +00:00"), else now + expires_in.
Result<AccessToken> parse_token_reply(std::string_view body, int64_t now);

// Why a token request failed, without the request's secrets: "HTTP 401: invalid_client:
// AADSTS7000215: Invalid client secret provided." (the first line of error_description), or
// the transport's failure.
std::string token_failure_text(const HttpResult& response);

// The resource a scope names, as managed identity and the Azure CLI want it:
// "https://management.azure.com/.default" -> "https://management.azure.com".
std::string scope_resource(std::string_view scope);

}  // namespace jobc::azureml
