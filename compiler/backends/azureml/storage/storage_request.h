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
  // A response of any status, or why none came (the last attempt's transport failure, or
  // the request could not be signed).
  HttpResult send(const std::function<HttpRequest()>& build) const;
};

// Whether a response, or a transport failure, is worth another attempt.
bool is_retryable_storage_response(const HttpResult& response);

}  // namespace jobc::azureml
