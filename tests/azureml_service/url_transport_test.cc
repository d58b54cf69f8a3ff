// Where Azure requests may go: https anywhere, plain http only to loopback.
#include "backends/azureml/service/url_transport.h"

#include <doctest/doctest.h>

#include "backends/azureml/service/arm_client.h"
#include "backends/azureml/service/arm_endpoint.h"
#include "backends/azureml/service/credential.h"

namespace jobc::azureml {

TEST_SUITE("azureml") {
  TEST_CASE("https is accepted for any host, plain http only for loopback addresses") {
    for (const char* url : {"https://management.azure.com/x", "HTTPS://example.com",
                            "http://127.0.0.1:8080/x", "http://127.1.2.3/",
                            "http://localhost:10000", "http://LOCALHOST/x", "http://[::1]:80/x"}) {
      CHECK_MESSAGE(check_url_transport(url).ok(), url);
    }
    for (const char* url :
         {"http://example.com/x", "http://127.0.0.1.example.com/", "http://127.0.0.1@evil.example/",
          "http://10.0.0.1/", "http://169.254.169.254", "http://[::2]/", "http://127.1/",
          "ftp://127.0.0.1/", "management.azure.com", "https://", "http://0177.0.0.1/"}) {
      CHECK_MESSAGE(!check_url_transport(url).ok(), url);
    }
  }

  TEST_CASE("a refused URL is shown without its query") {
    Status refused = check_url_transport("http://acct.example/c/b?sig=SECRETSIG");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message ==
          "refusing http://acct.example/c/b: plain http is allowed only to a loopback address "
          "(127.0.0.1, ::1, localhost); use https");
  }

  TEST_CASE("the host of a URL leaves out user info, port and brackets") {
    CHECK(url_host("https://user:pw@Host.example:443/p?q") == "Host.example");
    CHECK(url_host("http://[::1]:8080/") == "::1");
    CHECK(url_host("no-scheme") == "");
  }

  TEST_CASE("JOBC_ARM_ENDPOINT names the endpoint, which must be https or loopback") {
    auto environment = [](std::optional<std::string> value) {
      return [value](const std::string& name) {
        return name == "JOBC_ARM_ENDPOINT" ? value : std::nullopt;
      };
    };
    CHECK(*arm_endpoint(environment(std::nullopt)) == "https://management.azure.com");
    CHECK(*arm_endpoint(environment("")) == "https://management.azure.com");
    CHECK(*arm_endpoint(environment("http://127.0.0.1:9000/")) == "http://127.0.0.1:9000");
    auto refused = arm_endpoint(environment("http://arm.example"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.starts_with("JOBC_ARM_ENDPOINT: refusing http://arm.example"));
  }

  TEST_CASE("tokens are asked for the public cloud unless the endpoint is a sovereign cloud's") {
    CHECK(arm_scope("https://management.azure.com") == "https://management.azure.com/.default");
    CHECK(arm_scope("http://127.0.0.1:9000") == "https://management.azure.com/.default");
    CHECK(arm_scope("https://management.chinacloudapi.cn") ==
          "https://management.chinacloudapi.cn/.default");
  }
}

}  // namespace jobc::azureml
