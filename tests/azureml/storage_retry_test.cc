// The blob client's retries, against a scripted transport: which answers are tried again, how
// many times, and that each attempt sends the whole body again.
#include <doctest/doctest.h>

#include <deque>
#include <fstream>

#include "backends/azureml/storage/blob_client.h"
#include "common/temp_dir.h"
#include "support/base64.h"

namespace {

using jobc::HttpError;
using jobc::HttpRequest;
using jobc::HttpResponse;
using jobc::HttpResult;
using namespace jobc::azureml;

// Answers from a script (the last answer repeats) and keeps each request with the body it
// would have sent.
class ScriptedTransport : public jobc::HttpTransport {
 public:
  explicit ScriptedTransport(std::deque<HttpResult> script) : script_(std::move(script)) {}
  HttpResult perform(const HttpRequest& request) override {
    HttpRequest kept = request;
    if (request.body_source) {
      char buffer[1000];
      for (size_t got; (got = request.body_source(buffer, sizeof buffer)) > 0;) {
        kept.body.append(buffer, got);
      }
    }
    requests.push_back(kept);
    HttpResult answer = script_.front();
    if (script_.size() > 1) script_.pop_front();
    return answer;
  }
  std::vector<HttpRequest> requests;

 private:
  std::deque<HttpResult> script_;
};

HttpResult status(long code, const std::string& error_code = "") {
  HttpResponse response;
  response.status = code;
  if (!error_code.empty()) {
    response.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + error_code +
                    "</Code><Message>It went wrong.\nRequestId:x</Message></Error>";
  }
  return response;
}

HttpResult timed_out() {
  return HttpError("http://127.0.0.1:1/acct/c/b: Operation timed out", HttpError::Kind::Timeout);
}

const std::string kKey = jobc::base64_encode("the account key, kept secret....");

BlobClientOptions quick() {
  BlobClientOptions options;
  options.first_backoff_ms = 1;
  return options;
}

BlobClient client_over(std::shared_ptr<ScriptedTransport> transport,
                       BlobClientOptions options = quick()) {
  return BlobClient(transport, {"http://127.0.0.1:1/acct", "acct", kKey}, options);
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE("storage requests are retried on 503, 500 and timeouts, then succeed") {
    auto transport = std::make_shared<ScriptedTransport>(
        std::deque<HttpResult>{status(503, "ServerBusy"), timed_out(), status(500), status(200)});
    auto client = client_over(transport);
    REQUIRE(client.set_metadata("c", "b", {{"k", "v"}}));
    CHECK(transport->requests.size() == 4);
    for (const auto& request : transport->requests) {
      CHECK(request.url == "http://127.0.0.1:1/acct/c/b?comp=metadata");
    }
  }

  TEST_CASE("retries are bounded and the last error is shown as (Code) message") {
    auto transport =
        std::make_shared<ScriptedTransport>(std::deque<HttpResult>{status(500, "InternalError")});
    auto client = client_over(transport);
    auto result = client.set_metadata("c", "b", {{"k", "v"}});
    REQUIRE_FALSE(result);
    CHECK(transport->requests.size() == 4);  // max_retries = 3
    CHECK(result.error().message ==
          "cannot set the metadata of blob 'b' in container 'c': (InternalError) It went wrong.");
    CHECK(result.error().message.find(kKey) == std::string::npos);
  }

  TEST_CASE("501, 505, 4xx and refused connections are not retried") {
    for (long code : {501L, 505L, 400L, 403L, 404L, 409L}) {
      auto transport = std::make_shared<ScriptedTransport>(std::deque<HttpResult>{status(code)});
      auto client = client_over(transport);
      CHECK_FALSE(client.set_metadata("c", "b", {}));
      CHECK(transport->requests.size() == 1);
    }
    HttpError refused("http://127.0.0.1:1/acct/c/b: Connection refused", HttpError::Kind::Refused);
    auto transport = std::make_shared<ScriptedTransport>(std::deque<HttpResult>{refused});
    auto client = client_over(transport);
    auto result = client.head("c", "b");
    REQUIRE_FALSE(result);
    CHECK(transport->requests.size() == 1);
    CHECK(result.error().message ==
          "cannot read blob 'b' in container 'c': http://127.0.0.1:1/acct/c/b: Connection refused");
  }

  TEST_CASE("408 is retried") {
    auto transport =
        std::make_shared<ScriptedTransport>(std::deque<HttpResult>{status(408), status(404)});
    auto client = client_over(transport);
    auto head = client.head("c", "b");
    REQUIRE(head);
    CHECK_FALSE(head->has_value());
    CHECK(transport->requests.size() == 2);
  }

  TEST_CASE("each attempt of a streamed put sends the whole file again, freshly signed") {
    jobc::testing::TempDir dir;
    std::string bytes(3000, 'q');
    bytes[2999] = '!';
    std::ofstream(dir.path / "f", std::ios::binary) << bytes;
    BlobClientOptions options = quick();
    options.block_size = 1024;  // over a block: streamed from the file, not held in memory
    auto transport = std::make_shared<ScriptedTransport>(
        std::deque<HttpResult>{status(503), status(502), status(201)});
    auto client = client_over(transport, options);
    REQUIRE(client.put_file("c", "b", dir.path / "f", true));
    REQUIRE(transport->requests.size() == 3);
    for (const auto& request : transport->requests) {
      CHECK(request.body == bytes);
      CHECK(request.body_size == 3000);
      size_t authorizations = 0;
      for (const auto& [name, value] : request.headers) authorizations += name == "Authorization";
      CHECK(authorizations == 1);
    }
  }
}
