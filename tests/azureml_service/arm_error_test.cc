// ARM errors as jobc shows them: "(code) message", the request that failed, the fix for
// "Asset paths cannot be updated.", and nothing of a URL's query.
#include "backends/azureml/service/arm_error.h"

#include <doctest/doctest.h>

namespace jobc::azureml {
namespace {

HttpResponse reply(long status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE("an ARM error body reads as (code) message, then each detail") {
    auto body = nlohmann::json::parse(R"({"error": {"code": "BadRequest", "message": "Invalid.",
        "details": [{"code": "InvalidField", "message": "vmSize is wrong."}, {"x": 1}]}})");
    CHECK(arm_error_text(body) == "(BadRequest) Invalid.; (InvalidField) vmSize is wrong.");
    CHECK(arm_error_text(nlohmann::json{{"code", "QuotaExceeded"}, {"message", "No quota."}}) ==
          "(QuotaExceeded) No quota.");
    CHECK_FALSE(arm_error_text(nlohmann::json{{"value", 1}}).has_value());
    CHECK_FALSE(arm_error_text(nlohmann::json("text")).has_value());
  }

  TEST_CASE("a failed request names what it was for, the request and the status") {
    Error error = arm_request_error(
        "submit job x", "PUT", "/subscriptions/s/jobs/x?api-version=2022-10-01-preview",
        reply(404, R"({"error": {"code": "UserError", "message": "Job x not found"}})"));
    CHECK(error.message ==
          "submit job x: (UserError) Job x not found (PUT /subscriptions/s/jobs/x: 404)");
    CHECK(arm_request_error("", "GET", "/w", reply(404, R"({"error": {"code": "NotFound"}})"))
              .message == "(NotFound) (GET /w: 404)");
  }

  TEST_CASE("a reply that is not an ARM error shows the start of its body on one line") {
    CHECK(arm_request_error("", "GET", "/w", reply(502, "<html>\nBad gateway\n</html>")).message ==
          "<html> Bad gateway </html> (GET /w: 502)");
    CHECK(arm_request_error("", "GET", "/w", reply(503, "")).message == "HTTP 503 (GET /w: 503)");
    std::string long_body(1000, 'x');
    CHECK(arm_request_error("", "GET", "/w", reply(500, long_body)).message.size() < 250);
  }

  TEST_CASE("a transport failure says there was no reply, and to which request") {
    HttpResult failed =
        HttpError("https://management.azure.com/w: Could not resolve host", HttpError::Kind::Other);
    CHECK(arm_request_error("read workspace", "GET", "/w", failed).message ==
          "read workspace: no reply (GET /w): https://management.azure.com/w: Could not resolve "
          "host");
  }

  TEST_CASE("Asset paths cannot be updated gets the reason and the fix") {
    Error error = arm_request_error(
        "", "PUT", "/codes/src/versions/1",
        reply(400,
              R"({"error": {"code": "UserError", "message": "Asset paths cannot be updated."}})"));
    CHECK(error.message ==
          "(UserError) Asset paths cannot be updated. (PUT /codes/src/versions/1: 400): this name "
          "and version already belong to a code asset uploaded from other files, and a version's "
          "files never change: give the code a new version or another name");
    CHECK(arm_error_note("(UserError) Job x not found").empty());
  }

  TEST_CASE("a request's query, which may hold a signature, is never shown") {
    CHECK(failed_request_text("GET", "https://acct.blob/c/b?sv=1&sig=SECRETSIG", 403) ==
          "GET https://acct.blob/c/b: 403");
  }
}

}  // namespace jobc::azureml
