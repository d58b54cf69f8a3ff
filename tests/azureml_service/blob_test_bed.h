// Test helper for the blob client against Azurite: the account from the Azure test services'
// env file, a fresh container per test, and a transport that records (and may alter) what
// is sent.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "backends/azureml/storage/blob_client.h"
#include "backends/azureml/storage/blob_url.h"
#include "backends/azureml/storage/storage_request.h"
#include "common/azure_services.h"

namespace jobc::testing {

// Records every request sent through it (method, URL and headers, no body), then passes it
// on, after `alter` if set.
class RecordingTransport : public HttpTransport {
 public:
  struct Sent {
    std::string method, url;
    HttpHeaders headers;
    long status = 0;
    std::string header(std::string_view name) const {
      for (const auto& [key, value] : headers) {
        if (key.size() == name.size() &&
            std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
              return std::tolower(static_cast<unsigned char>(a)) ==
                     std::tolower(static_cast<unsigned char>(b));
            })) {
          return value;
        }
      }
      return "";
    }
  };
  explicit RecordingTransport(std::shared_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}
  HttpResult perform(const HttpRequest& request) override {
    HttpRequest copy = request;
    if (alter) alter(copy);
    HttpResult response = inner_->perform(copy);
    std::lock_guard lock(mutex_);
    sent_.push_back({copy.method, copy.url, copy.headers, response ? response->status : 0});
    return response;
  }
  std::vector<Sent> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    sent_.clear();
  }
  std::function<void(HttpRequest&)> alter;

 private:
  std::shared_ptr<HttpTransport> inner_;
  mutable std::mutex mutex_;
  std::vector<Sent> sent_;
};

struct BlobTestBed {
  AzureServices services;
  azureml::BlobAccount account;
  std::shared_ptr<RecordingTransport> transport;
  std::string container;

  azureml::BlobClient client(azureml::BlobClientOptions options = {}) const {
    return azureml::BlobClient(transport, account, options);
  }
};

inline std::string fresh_container_name() {
  static std::atomic<int> counter{0};
  std::mt19937_64 random{std::random_device{}()};
  return "jobc-test-" + std::to_string(random() % 1000000000) + "-" + std::to_string(counter++);
}

// Creates container `name` in the account (Create Container, signed).
inline void create_container(HttpTransport& transport, const azureml::BlobAccount& account,
                             const std::string& name) {
  azureml::BlobClientOptions options;
  azureml::StorageSender sender{transport, &account, options};
  auto response = sender.send([&] {
    HttpRequest request;
    request.method = "PUT";
    request.url = azureml::blob_url(account.service_url, name, "") + "?restype=container";
    return request;
  });
  REQUIRE(response);
  REQUIRE_MESSAGE(response->status == 201, response->status, " ", response->body);
}

// The services, an account on Azurite and a new empty container; nullopt (the test skips)
// without the services.
inline std::optional<BlobTestBed> blob_test_bed() {
  auto services = azure_services();
  if (!services) return std::nullopt;
  std::string url = services->azurite_url();
  std::string endpoint = url.substr(url.find("://") + 3);
  auto service_url = azureml::blob_service_url(services->storage_account(), endpoint, "http");
  REQUIRE_MESSAGE(service_url, service_url.error().message);
  BlobTestBed bed{*services,
                  {*service_url, services->storage_account(), services->storage_key()},
                  std::make_shared<RecordingTransport>(make_keep_alive_curl_transport()),
                  fresh_container_name()};
  create_container(*bed.transport, bed.account, bed.container);
  bed.transport->clear();
  return bed;
}

}  // namespace jobc::testing
