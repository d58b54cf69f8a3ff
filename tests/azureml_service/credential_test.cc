// The credential chain against the fake's token endpoints (tests/infra/azureml_fake/tokens.py):
// each kind signs in and its token opens the workspace; the chain's order; refusals carry the
// service's reason and never a secret; tokens are reused until 300 s before they expire.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "azureml_service/azure_test_support.h"
#include "backends/azureml/service/azure_cli_credential.h"
#include "common/temp_dir.h"

namespace jobc::testing {
namespace {

using azureml::default_credential;

// Gets a token from `variables`' credential and reads the workspace with it.
std::string sign_in_and_read_workspace(const AzureServices& services, const Variables& variables,
                                       const std::string& expected_kind) {
  auto transport = make_curl_transport();
  auto credential = default_credential(transport, lookup(variables));
  REQUIRE_MESSAGE(credential.ok(), credential.error().message);
  CHECK((*credential)->kind() == expected_kind);
  azureml::ArmClient client(transport, std::move(*credential), services.fake_url());
  auto reply = client.send({.path = workspace_path(services), .api_version = "2022-10-01"});
  REQUIRE_MESSAGE(reply.ok(), reply.error().message);
  CHECK(reply->status == 200);
  return reply->body.value("location", "");
}

Variables without(Variables variables, std::initializer_list<const char*> names) {
  for (const char* name : names) variables.erase(name);
  return variables;
}

// Every secret the fake accepts this run: none may appear in a message.
void check_no_secret(const AzureServices& services, const std::string& text) {
  nlohmann::json secrets = services.secrets();
  for (const auto& item : secrets.items()) {
    CHECK_MESSAGE(text.find(item.value().get<std::string>()) == std::string::npos,
                  (item.key() + " leaked into: " + text));
  }
}

// A stand-in for the Azure CLI (az is not installed here): records its arguments and prints
// what `az account get-access-token --output json` prints, with a token the fake issued
// (fetched with the client secret) and an expiresOn in the past, so using it instead of
// expires_on would show.
std::filesystem::path write_fake_az(const AzureServices& services,
                                    const std::filesystem::path& folder) {
  std::filesystem::path script = folder / "az";
  std::ofstream out(script);
  out << "#!/bin/sh\n"
      << "printf '%s\\n' \"$*\" >> " << shell_quote((folder / "calls").string()) << "\n"
      << "token=$(curl -sf --data grant_type=client_credentials --data client_id="
      << services.client_id() << " --data-urlencode client_secret="
      << shell_quote(services.secrets()["client_secret"].get<std::string>())
      << " --data-urlencode scope=\"$6/.default\" " << services.fake_url() << "/"
      << services.tenant() << "/oauth2/v2.0/token"
      << " | /usr/bin/python3 -c 'import json,sys; "
         "print(json.load(sys.stdin)[\"access_token\"])')\n"
      << "echo \"{\\\"accessToken\\\": \\\"$token\\\", \\\"expiresOn\\\": \\\"2000-01-01 "
         "00:00:00.000000\\\", \\\"expires_on\\\": $(($(date +%s) + 3600)), "
         "\\\"tokenType\\\": \\\"Bearer\\\"}\"\n";
  out.close();
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  return script;
}

void write_script(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE("a client secret from the environment signs in with one direct token POST") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    CHECK(sign_in_and_read_workspace(*services, client_secret_variables(*services),
                                     "environment (client secret)") == "eastus");
    auto posts = requests_to(*services, "/oauth2/v2.0/token");
    REQUIRE(posts.size() == 1);
    CHECK(posts[0]["path"] == "/" + services->tenant() + "/oauth2/v2.0/token");
    CHECK(posts[0]["body"]["grant_type"] == "client_credentials");
    CHECK(posts[0]["body"]["client_id"] == services->client_id());
    CHECK(posts[0]["body"]["scope"] == "https://management.azure.com/.default");
    CHECK(posts[0]["body"].contains("client_secret"));
  }

  TEST_CASE("a federated token file signs in as workload identity, read when the token is due") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    TempDir folder;
    std::ofstream(folder.path / "token")
        << services->secrets()["federated_token"].get<std::string>();
    Variables variables = without(client_secret_variables(*services), {"AZURE_CLIENT_SECRET"});
    variables["AZURE_FEDERATED_TOKEN_FILE"] = (folder.path / "token").string();
    CHECK(sign_in_and_read_workspace(*services, variables, "environment (workload identity)") ==
          "eastus");
    auto posts = requests_to(*services, "/oauth2/v2.0/token");
    REQUIRE(posts.size() == 1);
    CHECK(posts[0]["body"]["client_assertion_type"] ==
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    CHECK_FALSE(posts[0]["body"].contains("client_secret"));
  }

  TEST_CASE("App Service's identity endpoint is asked with its header") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    Variables variables = {
        {"IDENTITY_ENDPOINT", services->fake_url() + "/msi/token"},
        {"IDENTITY_HEADER", services->secrets()["identity_header"].get<std::string>()},
        {"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:1"}};
    CHECK(sign_in_and_read_workspace(*services, variables,
                                     "managed identity (App Service, IDENTITY_ENDPOINT)") ==
          "eastus");
    auto asked = requests_to(*services, "/msi/token");
    REQUIRE(asked.size() == 1);
    CHECK(asked[0]["api_version"] == "2019-08-01");
    CHECK(asked[0]["query"]["resource"] == "https://management.azure.com");
  }

  TEST_CASE("Azure ML compute's MSI endpoint is asked with its secret and an integer expiry") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    Variables variables = {{"MSI_ENDPOINT", services->fake_url() + "/msi/token"},
                           {"MSI_SECRET", services->secrets()["msi_secret"].get<std::string>()},
                           {"AZURE_CLIENT_ID", services->client_id()},
                           {"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:1"}};
    CHECK(sign_in_and_read_workspace(*services, variables,
                                     "managed identity (Azure ML compute, MSI_ENDPOINT)") ==
          "eastus");
    auto asked = requests_to(*services, "/msi/token");
    REQUIRE(asked.size() == 1);
    CHECK(asked[0]["api_version"] == "2017-09-01");
    CHECK(asked[0]["query"]["clientid"] == services->client_id());
  }

  TEST_CASE(
      "the instance metadata service is probed, then asked, at AZURE_POD_IDENTITY_AUTHORITY_HOST") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    Variables variables = {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", services->fake_url() + "/"}};
    CHECK(sign_in_and_read_workspace(*services, variables,
                                     "managed identity (instance metadata service)") == "eastus");
    auto asked = requests_to(*services, "/metadata/identity/oauth2/token");
    REQUIRE(asked.size() == 2);
    CHECK(asked[0]["status"] == 400);  // the probe has no Metadata header: any answer will do
    CHECK(asked[1]["status"] == 200);
    CHECK(asked[1]["api_version"] == "2018-02-01");
  }

  TEST_CASE("the Azure CLI's token is used, with expires_on preferred to expiresOn") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    TempDir bin;
    write_fake_az(*services, bin.path);
    Variables variables = {{"PATH", bin.path.string()},
                           {"AZURE_TENANT_ID", services->tenant()},
                           {"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:1"}};
    auto transport = make_curl_transport();
    auto credential = default_credential(transport, lookup(variables));
    REQUIRE_MESSAGE(credential.ok(), credential.error().message);
    CHECK((*credential)->kind() == "Azure CLI");
    auto first = (*credential)->token(azureml::kArmScope);
    auto second = (*credential)->token(azureml::kArmScope);
    REQUIRE_MESSAGE(first.ok(), first.error().message);
    REQUIRE(second.ok());
    CHECK(*first == *second);  // expiresOn (2000) would have made it fetch again
    CHECK(slurp(bin.path / "calls") ==
          "account get-access-token --output json --resource https://management.azure.com "
          "--tenant " +
              services->tenant() + "\n");
    azureml::ArmClient client(transport, std::move(*credential), services->fake_url());
    auto reply = client.send({.path = workspace_path(*services), .api_version = "2022-10-01"});
    CHECK_MESSAGE(reply.ok(), reply.error().message);
  }

  TEST_CASE("the chain takes the environment, then managed identity, then the Azure CLI") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    TempDir bin;
    write_fake_az(*services, bin.path);
    Variables all = client_secret_variables(*services);
    all["IDENTITY_ENDPOINT"] = services->fake_url() + "/msi/token";
    all["IDENTITY_HEADER"] = services->secrets()["identity_header"].get<std::string>();
    all["MSI_ENDPOINT"] = services->fake_url() + "/msi/token";
    all["MSI_SECRET"] = services->secrets()["msi_secret"].get<std::string>();
    all["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = services->fake_url();
    all["PATH"] = bin.path.string();
    auto kind_of = [&](const Variables& variables) {
      auto credential = default_credential(make_curl_transport(), lookup(variables));
      REQUIRE_MESSAGE(credential.ok(), credential.error().message);
      return (*credential)->kind();
    };
    CHECK(kind_of(all) == "environment (client secret)");
    Variables no_secret = without(all, {"AZURE_CLIENT_SECRET"});
    CHECK(kind_of(no_secret) == "managed identity (App Service, IDENTITY_ENDPOINT)");
    Variables no_app_service = without(no_secret, {"IDENTITY_HEADER"});
    CHECK(kind_of(no_app_service) == "managed identity (Azure ML compute, MSI_ENDPOINT)");
    Variables no_msi = without(no_app_service, {"MSI_SECRET"});
    CHECK(kind_of(no_msi) == "managed identity (instance metadata service)");
    no_msi["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = "http://127.0.0.1:1";
    CHECK(kind_of(no_msi) == "Azure CLI");
  }

  TEST_CASE("a wrong client secret is refused with the service's reason and no secret") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    Variables variables = client_secret_variables(*services);
    variables["AZURE_CLIENT_SECRET"] = "wrong-secret-value";
    auto credential = default_credential(make_curl_transport(), lookup(variables));
    REQUIRE(credential.ok());
    auto token = (*credential)->token(azureml::kArmScope);
    REQUIRE_FALSE(token.ok());
    CHECK(token.error().message ==
          "cannot sign in to Microsoft Entra ID as application " + services->client_id() +
              " in tenant " + services->tenant() +
              " (environment (client secret)): HTTP 401: invalid_client: AADSTS7000215: Invalid "
              "client secret provided.");
    CHECK(token.error().message.find("wrong-secret-value") == std::string::npos);
    check_no_secret(*services, token.error().message);
  }

  TEST_CASE("a wrong identity header is refused without showing the header") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    std::string header = "wrong-identity-header";
    auto credential = default_credential(
        make_curl_transport(), lookup({{"IDENTITY_ENDPOINT", services->fake_url() + "/msi/token"},
                                       {"IDENTITY_HEADER", header}}));
    REQUIRE(credential.ok());
    auto token = (*credential)->token(azureml::kArmScope);
    REQUIRE_FALSE(token.ok());
    CHECK(token.error().message.find("HTTP 401: invalid_request") != std::string::npos);
    CHECK(token.error().message.find(header) == std::string::npos);
    check_no_secret(*services, token.error().message);
  }

  TEST_CASE("a token is reused while more than 300 s are left, and fetched again after") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    auto credential =
        default_credential(make_curl_transport(), lookup(client_secret_variables(*services)));
    REQUIRE(credential.ok());
    auto first = (*credential)->token(azureml::kArmScope);
    auto again = (*credential)->token(azureml::kArmScope);
    REQUIRE(first.ok());
    REQUIRE(again.ok());
    CHECK(*first == *again);
    CHECK(requests_to(*services, "/oauth2/v2.0/token").size() == 1);

    services->set_faults({{"token_lifetime_seconds", 200}});
    auto fresh =
        default_credential(make_curl_transport(), lookup(client_secret_variables(*services)));
    REQUIRE(fresh.ok());
    auto short_lived = (*fresh)->token(azureml::kArmScope);
    auto renewed = (*fresh)->token(azureml::kArmScope);
    REQUIRE(short_lived.ok());
    REQUIRE(renewed.ok());
    CHECK(*short_lived != *renewed);
    CHECK(requests_to(*services, "/oauth2/v2.0/token").size() == 3);
    services->reset();
  }
}

// Without the services: nothing here talks to the fake.
TEST_SUITE("azureml") {
  TEST_CASE("an Azure CLI that is not signed in says to run az login") {
    TempDir bin;
    write_script(
        bin.path / "az",
        "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n");
    auto credential =
        default_credential(make_curl_transport(),
                           lookup({{"PATH", bin.path.string()},
                                   {"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:1"}}));
    REQUIRE(credential.ok());
    auto token = (*credential)->token(azureml::kArmScope);
    REQUIRE_FALSE(token.ok());
    CHECK(token.error().message ==
          "the Azure CLI is not signed in: run az login (ERROR: Please run 'az login' to setup "
          "account.)");
  }

  TEST_CASE("an Azure CLI that hangs is stopped after the time limit") {
    TempDir bin;
    write_script(bin.path / "az", "#!/bin/sh\nsleep 30\n");
    azureml::AzureCliSettings settings;
    settings.az_path = (bin.path / "az").string();
    settings.timeout = std::chrono::milliseconds(300);
    azureml::AzureCliCredential credential(settings);
    auto started = std::chrono::steady_clock::now();
    auto token = credential.token(azureml::kArmScope);
    REQUIRE_FALSE(token.ok());
    CHECK(token.error().message == "az account get-access-token did not answer within 300 ms");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  }

  TEST_CASE(
      "with nothing configured the error says what each credential lacked and how to sign in") {
    TempDir empty;
    auto credential =
        default_credential(make_curl_transport(),
                           lookup({{"PATH", empty.path.string()},
                                   {"AZURE_CLIENT_ID", "someone"},
                                   {"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:1"}}));
    REQUIRE_FALSE(credential.ok());
    CHECK(credential.error().message ==
          "no Azure credentials: environment: AZURE_TENANT_ID, AZURE_CLIENT_SECRET not set (nor "
          "AZURE_FEDERATED_TOKEN_FILE); managed identity: IDENTITY_ENDPOINT and MSI_ENDPOINT not "
          "set, and no instance metadata service answered at http://127.0.0.1:1; Azure CLI: az is "
          "not on PATH; sign in with az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
          "AZURE_CLIENT_SECRET for a service principal");
  }

  TEST_CASE("credential_variables names every variable that holds or points to a secret") {
    auto names = azureml::credential_variables();
    for (const char* secret :
         {"AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_HEADER", "MSI_SECRET"}) {
      CHECK(std::find(names.begin(), names.end(), secret) != names.end());
    }
  }
}

}  // namespace jobc::testing
