#include "backends/azureml/storage/storage_request.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "backends/azureml/storage/shared_key.h"

namespace jobc::azureml {
namespace {

// A uuid4-shaped id, so the service's logs can be matched to a request.
std::string client_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  uint64_t high = random(), low = random();
  char text[40];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                static_cast<unsigned>(high & 0xFFF), static_cast<unsigned>(0x8000 | (low >> 50)),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
  return text;
}

}  // namespace

bool is_retryable_storage_response(const HttpResult& response) {
  if (!response) {
    return response.error().kind == HttpError::Kind::Timeout ||
           response.error().kind == HttpError::Kind::Other;
  }
  long status = response->status;
  return status == 408 || (status >= 500 && status != 501 && status != 505);
}

HttpResult StorageSender::send(const std::function<HttpRequest()>& build) const {
  long backoff_ms = options.first_backoff_ms;
  for (unsigned attempt = 0;; ++attempt) {
    HttpRequest request = build();
    request.headers.emplace_back("x-ms-date", http_date_now());
    request.headers.emplace_back("x-ms-version", std::string(kStorageApiVersion));
    request.headers.emplace_back("x-ms-client-request-id", client_request_id());
    if (account) {
      if (auto signed_ = sign_shared_key(request, account->name, account->key); !signed_) {
        return HttpError(signed_.error().message, HttpError::Kind::Other);
      }
    }
    HttpResult response = transport.perform(request);
    if (attempt >= options.max_retries || !is_retryable_storage_response(response)) {
      return response;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms *= 4;
  }
}

}  // namespace jobc::azureml
