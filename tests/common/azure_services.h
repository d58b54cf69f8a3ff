// Test helper: the Azure test services tests/infra/azurite_up.sh started (Azurite and the fake
// of Azure ML's control plane), read from $JOBC_AZURE_TEST_STATE/env (default
// /tmp/jobc-azure-test/env). Tests of the `azureml_service` suite skip, saying why, without it.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/run_command.h"

namespace jobc::testing {

struct AzureServices {
  std::map<std::string, std::string> env;  // JOBC_TEST_* from the env file
  std::string value(const std::string& name) const {
    auto found = env.find(name);
    return found == env.end() ? "" : found->second;
  }
  std::string fake_url() const { return value("JOBC_TEST_AZUREML_FAKE_URL"); }
  std::string azurite_url() const { return value("JOBC_TEST_AZURITE_URL"); }
  std::string storage_account() const { return value("JOBC_TEST_AZURE_STORAGE_ACCOUNT"); }
  std::string storage_key() const {
    std::string key = slurp(value("JOBC_TEST_AZURE_STORAGE_KEY_FILE"));
    while (!key.empty() && (key.back() == '\n' || key.back() == ' ')) key.pop_back();
    return key;
  }
  // fake-secrets.json: the client secret, identity headers... the fake accepts this run.
  nlohmann::json secrets() const {
    return nlohmann::json::parse(slurp(value("JOBC_TEST_AZUREML_FAKE_SECRETS_FILE")), nullptr,
                                 false);
  }
  std::string subscription() const { return value("JOBC_TEST_AZURE_SUBSCRIPTION"); }
  std::string resource_group() const { return value("JOBC_TEST_AZURE_RESOURCE_GROUP"); }
  std::string workspace() const { return value("JOBC_TEST_AZURE_WORKSPACE"); }
  std::string tenant() const { return value("JOBC_TEST_AZURE_TENANT"); }
  std::string client_id() const { return value("JOBC_TEST_AZURE_CLIENT_ID"); }
  // POST /_fake/reset: a fresh workspace, default faults, an empty record and containers.
  void reset() const {
    auto reply = run_command("curl -sf -X POST " + shell_quote(fake_url() + "/_fake/reset"));
    REQUIRE_MESSAGE(reply.status == 0, reply.err);
  }
  // POST /_fake/faults with `faults` (see tests/infra/azureml_fake/README.md).
  void set_faults(const nlohmann::json& faults) const {
    auto reply =
        run_command("curl -sf -X POST -H 'Content-Type: application/json' --data " +
                    shell_quote(faults.dump()) + " " + shell_quote(fake_url() + "/_fake/faults"));
    REQUIRE_MESSAGE(reply.status == 0, reply.err);
  }
  // The fake's record of requests since the last reset, one JSON object each.
  nlohmann::json requests() const {
    auto reply = run_command("curl -sf " + shell_quote(fake_url() + "/_fake/requests"));
    REQUIRE_MESSAGE(reply.status == 0, reply.err);
    return nlohmann::json::parse(reply.out, nullptr, false);
  }
};

inline std::filesystem::path azure_test_state() {
  const char* state = std::getenv("JOBC_AZURE_TEST_STATE");
  return state && *state ? std::filesystem::path(state) : "/tmp/jobc-azure-test";
}

// The running services, or nullopt with a message saying the test is skipped and why.
inline std::optional<AzureServices> azure_services() {
  std::filesystem::path file = azure_test_state() / "env";
  AzureServices services;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    auto equals = line.find('=');
    if (line.empty() || line[0] == '#' || equals == std::string::npos) continue;
    services.env[line.substr(0, equals)] = line.substr(equals + 1);
  }
  bool up =
      !services.fake_url().empty() &&
      run_command("curl -sf --max-time 3 " + shell_quote(services.fake_url() + "/_fake/health"))
              .status == 0;
  if (up) return services;
  // Parenthesized: doctest's MESSAGE expands to `builder * ARG`, which binds before `+`.
  MESSAGE(("skipped: the Azure test services are not running (no answer from the fake named in " +
           file.string() + "); start them with tests/infra/azurite_up.sh"));
  return std::nullopt;
}

}  // namespace jobc::testing
