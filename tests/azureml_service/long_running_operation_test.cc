// ArmClient's operation polling where the fake does not go: a PUT followed by its
// provisioningState, an operation without a status, a stop request between polls, and
// connection failures.
#include <doctest/doctest.h>

#include <deque>
#include <mutex>

#include "backends/azureml/service/arm_client.h"

namespace jobc::azureml {
namespace {

using std::chrono::milliseconds;

// Answers each request with the next scripted response, recording the URLs asked.
struct ScriptedTransport : HttpTransport {
  std::deque<HttpResult> answers;
  std::vector<std::string> urls;
  std::vector<std::string> authorizations;
  void answer(long status, std::string body, HttpHeaders headers = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    answers.push_back(std::move(response));
  }
  HttpResult perform(const HttpRequest& request) override {
    urls.push_back(request.method + " " + request.url);
    for (const auto& [name, value] : request.headers) {
      if (name == "Authorization") authorizations.push_back(value);
    }
    if (answers.empty()) {
      HttpResponse none;
      none.status = 599;
      return none;
    }
    HttpResult next = answers.front();
    answers.pop_front();
    return next;
  }
};

struct FixedToken : TokenCredential {
  Result<std::string> token(const std::string&) override { return std::string("t0ken"); }
  std::string kind() const override { return "fixed"; }
};

struct Fixture {
  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
  ArmClient client{transport, std::make_shared<FixedToken>(), "https://arm.example"};
  std::vector<milliseconds> waits;
  Fixture() {
    client.set_sleep([this](milliseconds wait) { waits.push_back(wait); });
  }
};

const ArmCall kPut{.method = "PUT",
                   .path = "/subscriptions/s/computes/c",
                   .api_version = "2022-10-01-preview",
                   .body = nlohmann::json::object()};

ArmReply reply(long status, nlohmann::json body, HttpHeaders headers = {}) {
  return ArmReply{status, std::move(headers), std::move(body)};
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE("a PUT without operation headers is followed by its provisioningState") {
    Fixture f;
    f.transport->answer(200, R"({"properties": {"provisioningState": "updating"}})",
                        {{"Retry-After", "3"}});
    f.transport->answer(200, R"({"properties": {"provisioningState": "SUCCEEDED"}})");
    std::vector<std::string> seen;
    auto done = f.client.wait_for_operation(
        kPut, reply(201, {{"properties", {{"provisioningState", "Creating"}}}}),
        [&](std::string_view status) { seen.emplace_back(status); });
    REQUIRE_MESSAGE(done.ok(), done.error().message);
    CHECK(seen == std::vector<std::string>{"updating", "SUCCEEDED"});
    CHECK(f.waits == std::vector<milliseconds>{milliseconds(3000)});
    CHECK(f.transport->urls ==
          std::vector<std::string>(
              2,
              "GET https://arm.example/subscriptions/s/computes/c?api-version=2022-10-01-preview"));
    CHECK(f.transport->authorizations == std::vector<std::string>(2, "Bearer t0ken"));
  }

  TEST_CASE("a PUT whose reply is already Succeeded, or a POST with nothing to follow, is done") {
    Fixture f;
    auto put =
        f.client.wait_for_operation(kPut, reply(200, {{"properties", nlohmann::json::object()}}));
    CHECK(put.ok());
    ArmCall post{.method = "POST", .path = "/subscriptions/s/jobs/j/cancel"};
    CHECK(f.client.wait_for_operation(post, reply(200, nullptr)).ok());
    CHECK(f.transport->urls.empty());
  }

  TEST_CASE("a failed provisioningState ends the wait with an error") {
    Fixture f;
    f.transport->answer(200, R"({"properties": {"provisioningState": "Failed"}})");
    auto done = f.client.wait_for_operation(kPut, reply(201, nlohmann::json::object()));
    REQUIRE_FALSE(done.ok());
    CHECK(done.error().message ==
          "PUT /subscriptions/s/computes/c: the operation ended Failed: the service gave no reason "
          "(PUT /subscriptions/s/computes/c)");
  }

  TEST_CASE("an operation status without a status is an error, not a wait forever") {
    Fixture f;
    f.transport->answer(200, R"({"id": "op"})");
    auto done = f.client.wait_for_operation(
        kPut, reply(201, nullptr, {{"Azure-AsyncOperation", "https://arm.example/op/1"}}));
    REQUIRE_FALSE(done.ok());
    CHECK(done.error().message ==
          "PUT /subscriptions/s/computes/c: the operation's status reply has no status");
  }

  TEST_CASE("a stop request between polls ends the wait") {
    Fixture f;
    f.transport->answer(200, R"({"status": "InProgress"})", {{"Retry-After", "1"}});
    f.client.set_should_stop([] { return true; });
    auto done = f.client.wait_for_operation(
        kPut, reply(201, nullptr, {{"Azure-AsyncOperation", "https://arm.example/op/1"}}));
    REQUIRE_FALSE(done.ok());
    CHECK(done.error().message ==
          "PUT /subscriptions/s/computes/c: stopped waiting for the operation to end");
    CHECK(f.transport->urls.size() == 1);  // the first poll goes at once
  }

  TEST_CASE("an operation URL over plain http to another host is never polled") {
    Fixture f;
    auto done = f.client.wait_for_operation(
        kPut, reply(201, nullptr, {{"Azure-AsyncOperation", "http://evil.example/op/1"}}));
    REQUIRE_FALSE(done.ok());
    CHECK(f.transport->urls.empty());
  }

  TEST_CASE("a refused connection is tried three more times, then reported") {
    Fixture f;
    for (int i = 0; i < 5; ++i) {
      f.transport->answers.push_back(
          HttpError("https://arm.example/w: Connection refused", HttpError::Kind::Refused));
    }
    auto sent = f.client.send({.method = "POST", .path = "/w", .what = "read w"});
    REQUIRE_FALSE(sent.ok());
    CHECK(f.transport->urls.size() == 4);
    CHECK(f.waits ==
          std::vector<milliseconds>{milliseconds(800), milliseconds(1600), milliseconds(3200)});
    CHECK(sent.error().message ==
          "read w: no reply (POST /w): https://arm.example/w: Connection refused");
  }
}

}  // namespace jobc::azureml
