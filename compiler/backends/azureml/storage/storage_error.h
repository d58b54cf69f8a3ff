// What a failed Azure Storage request says, for a message: "(Code) message" from the XML
// error body or the x-ms-error-code header, else the HTTP status or the transport's error.
// Never the request's URL query (a SAS signature) nor its headers.
#pragma once

#include <string>

#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::azureml {

// The error code (x-ms-error-code, else the body's <Code>), or "".
std::string storage_error_code(const HttpResponse& response);

// "(BlobAlreadyExists) The specified blob already exists." / "HTTP 503" / the transport
// error with `url` replaced by `shown_url`.
std::string storage_error_text(const HttpResult& response, const std::string& url,
                               const std::string& shown_url);

// "DOING: (Code) message", with a hint when the account key was refused. `url` is the
// request's, hidden from the text but for its path.
Error storage_failure(const std::string& doing, const HttpResult& response, const std::string& url);

}  // namespace jobc::azureml
