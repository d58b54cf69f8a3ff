// Reading token replies: Entra ID's and managed identity's JSON, and the Azure CLI's.
#include "backends/azureml/service/token_reply.h"

#include <doctest/doctest.h>

#include "backends/azureml/service/azure_cli_credential.h"

namespace jobc::azureml {

TEST_SUITE("azureml") {
  TEST_CASE("a token's expiry is expires_on in any of its forms, else now plus expires_in") {
    CHECK(parse_token_reply(R"({"access_token": "t", "expires_in": 3599})", 1000)->expires_on ==
          4599);
    CHECK(parse_token_reply(R"({"access_token": "t", "expires_in": "60"})", 1000)->expires_on ==
          1060);
    CHECK(parse_token_reply(R"({"access_token": "t", "expires_on": 1700000000})", 0)->expires_on ==
          1700000000);
    CHECK(
        parse_token_reply(R"({"access_token": "t", "expires_on": "1700000000"})", 0)->expires_on ==
        1700000000);
    CHECK(
        parse_token_reply(R"({"access_token": "t", "expires_on": "06/20/2019 02:57:58 +00:00"})", 0)
            ->expires_on == 1560999478);
    CHECK(parse_token_reply(R"({"access_token": "t", "expires_on": "1/16/2020 5:24:12 AM +00:00"})",
                            0)
              ->expires_on == 1579152252);
    CHECK(parse_token_reply(R"({"access_token": "t", "expires_in": 10})", 0)->value == "t");
  }

  TEST_CASE("a token reply without a token or an expiry is an error") {
    CHECK(parse_token_reply(R"({"expires_in": 10})", 0).error().message ==
          "the token reply has no access_token");
    CHECK(parse_token_reply(R"({"access_token": "t"})", 0).error().message ==
          "the token reply says neither expires_on nor expires_in");
    CHECK_FALSE(parse_token_reply("not json", 0).ok());
  }

  TEST_CASE("a refusal reads as status, error code and the first line of its description") {
    HttpResponse refused;
    refused.status = 401;
    refused.body =
        R"({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1"})";
    CHECK(token_failure_text(refused) ==
          "HTTP 401: invalid_client: AADSTS7000215: Invalid client secret provided.");
    refused.body = "<html>";
    CHECK(token_failure_text(refused) == "HTTP 401");
  }

  TEST_CASE("a scope's resource drops /.default") {
    CHECK(scope_resource("https://management.azure.com/.default") ==
          "https://management.azure.com");
    CHECK(scope_resource("https://storage.azure.com") == "https://storage.azure.com");
  }

  TEST_CASE("the Azure CLI's expires_on wins over its local expiresOn") {
    auto token = parse_az_token(
        R"({"accessToken": "t", "expiresOn": "2000-01-01 00:00:00.000000", "expires_on": 1700000000})");
    REQUIRE(token.ok());
    CHECK(token->expires_on == 1700000000);
    auto older =
        parse_az_token(R"({"accessToken": "t", "expiresOn": "2030-01-01 00:00:00.000000"})");
    REQUIRE(older.ok());
    CHECK(older->expires_on > 1800000000);
    CHECK(parse_az_token(R"({"expiresOn": "x"})").error().message ==
          "az account get-access-token printed no accessToken");
  }
}

}  // namespace jobc::azureml
