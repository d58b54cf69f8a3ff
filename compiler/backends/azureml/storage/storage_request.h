// Sending one Azure Storage request: x-ms-date, x-ms-version and a client request id on each
// attempt, a SharedKey signature when an account is given (a SAS URL carries its own), and
// bounded retries with backoff on 408, 5xx other than 501/505, and timeouts or broken
// connections (the storage SDK's policy, with shorter waits).
#pragma once

#include <functional>

#include "backends/azureml/storage/blob_client.h"
#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::azureml {

struct StorageSender {
  HttpTransport& transport;
  const BlobAccount* account;  // nullptr: send unsigned (a SAS URL)
  const BlobClientOptions& options;

  // `build` makes each attempt's request afresh (a body source restarts from the start).
  // An error only when the request cannot be signed; a failed response is returned as is.
  Result<HttpResponse> send(const std::function<HttpRequest()>& build) const;
};

// Whether a response is worth another attempt.
bool is_retryable_storage_response(const HttpResponse& response);

}  // namespace jobc::azureml
