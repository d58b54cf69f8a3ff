// Acceptance test for the Azure ML backend: for every spec of the conformance corpus the SDK
// accepted, jobc's requests.json must hold exactly the ARM PUTs azure-ai-ml 1.4.0 sent to the
// fake workspace – same order, paths, api-versions and bodies (job, code version, anonymous
// environment, environment spec, compute). Differences are listed by JSON path.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "backends/azureml/requests.h"
#include "codegen/digest_prefetch.h"
#include "common/conformance_cases.h"
#include "common/json_diff.h"
#include "jobc/validate.h"

namespace {

using nlohmann::json;

constexpr const char* kOracleJobName = "oracle-generated-job-name";

jobc::WorkspaceScope fake_workspace() {
  jobc::WorkspaceScope scope;
  scope.subscription = "00000000-0000-0000-0000-000000000000";
  scope.resource_group = "rg";
  scope.workspace = "ws";
  scope.location = "eastus";
  return scope;
}

std::string sink_errors(const jobc::DiagnosticSink& sink) {
  std::string out;
  for (const auto& d : sink.diagnostics()) {
    if (d.severity == jobc::Severity::Error) out += d.location.file + ": " + d.message + "\n";
  }
  return out;
}

// Compiles one row and returns every difference from its expected document.
std::vector<std::string> compare_case(const jobc::testing::ConformanceCase& row) {
  std::vector<std::string> diffs;
  jobc::DiagnosticSink sink;
  jobc::ValidateOptions options;
  if (!row.set.empty()) {
    jobc::Override parsed;
    REQUIRE(jobc::parse_override(row.set, parsed, sink));
    options.overrides.push_back(parsed);
  }
  jobc::SourceManager sources;
  std::string path = (jobc::testing::conformance_dir() / "specs" / row.spec).string();
  // As `jobc compile` does: the local folders are hashed ahead while the spec is validated.
  std::unique_ptr<jobc::DigestPrefetch> prefetch;
  options.on_loaded = [&prefetch](const jobc::SpecPreview& preview) {
    prefetch = std::make_unique<jobc::DigestPrefetch>(preview.local_paths);
  };
  auto spec = jobc::load_and_validate(path, options, sources, sink);
  if (!spec || sink.has_errors() || !spec->model) {
    return {"does not validate: " + sink_errors(sink)};
  }
  const jobc::model::Spec& model = *spec->model;

  jobc::InputRecord inputs;
  jobc::WorkspaceScope scope = fake_workspace();
  std::string job_name = model.job() ? model.job()->name.value_or(kOracleJobName) : "";
  jobc::AzureMlContext context{model, scope, job_name, inputs, sink, prefetch.get()};
  context.storage_account = "wsstorage";
  context.blob_container = "azureml-blobstore-00000000-0000-0000-0000-000000000000";
  json requests = jobc::azureml_requests(context);
  if (sink.has_errors()) diffs.push_back("compile errors: " + sink_errors(sink));

  std::ifstream in(jobc::testing::conformance_dir() / row.expected);
  json expected = json::parse(in);

  // The ARM PUTs, in order (blob uploads and datastore lookups are not jobc's requests).
  json expected_puts = json::array();
  for (const json& request : expected["requests"]) {
    if (request.value("host", "") == "management.azure.com" && request["method"] == "PUT") {
      expected_puts.push_back({request["method"], request["path"], request["api_version"]});
    }
  }
  json actual_puts = json::array();
  for (const json& request : requests) {
    actual_puts.push_back({request["method"], request["path"], request["api_version"]});
  }
  for (const std::string& diff : jobc::testing::json_diff(expected_puts, actual_puts)) {
    diffs.push_back("requests" + diff);
  }
  if (requests.empty()) return diffs;

  // The main request is the last one; its body is the payload.
  const json& main = requests.back();
  for (const char* key : {"method", "path", "api_version"}) {
    if (main[key] != expected["request"][key]) {
      diffs.push_back(std::string("request/") + key + ": expected " +
                      expected["request"][key].dump() + ", got " + main[key].dump());
    }
  }
  for (const std::string& diff : jobc::testing::json_diff(expected["payload"], main["body"])) {
    diffs.push_back("payload" + diff);
  }
  auto request_for = [&](const std::string& segment) -> const json* {
    for (const json& request : requests) {
      if (request["path"].get<std::string>().find(segment) != std::string::npos) return &request;
    }
    return nullptr;
  };
  if (expected.contains("environment_payload")) {
    const json* environment = request_for("/environments/");
    if (!environment) {
      diffs.push_back("environment_payload: no environment request");
    } else {
      for (const auto& diff :
           jobc::testing::json_diff(expected["environment_payload"], (*environment)["body"])) {
        diffs.push_back("environment_payload" + diff);
      }
    }
  }
  if (expected.contains("code_payload")) {
    const json* code = request_for("/codes/");
    const json& asset = expected["code_asset"];
    std::string suffix = "/codes/" + asset["name"].get<std::string>() + "/versions/" +
                         asset["version"].get<std::string>();
    if (!code) {
      diffs.push_back("code_payload: no code request");
    } else {
      if (!(*code)["path"].get<std::string>().ends_with(suffix)) {
        diffs.push_back("code request path: expected .../" + suffix + ", got " +
                        (*code)["path"].dump());
      }
      for (const auto& diff : jobc::testing::json_diff(expected["code_payload"], (*code)["body"])) {
        diffs.push_back("code_payload" + diff);
      }
    }
  }
  return diffs;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += "  " + line + "\n";
  return out;
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE("requests.json matches what the SDK sent for every accepted conformance spec") {
    if (!jobc::testing::conformance_available()) {
      MESSAGE("skipped: ../shared/conformance is absent");
      return;
    }
    int total = 0;
    int matched = 0;
    for (const auto& row : jobc::testing::conformance_cases()) {
      if (row.verdict != "accepted") continue;
      ++total;
      std::vector<std::string> diffs = compare_case(row);
      if (diffs.empty()) {
        ++matched;
      } else {
        std::string set = row.set.empty() ? "" : " --set " + row.set;
        FAIL_CHECK(row.spec << set << ": " << diffs.size() << " difference(s)\n" << joined(diffs));
      }
    }
    MESSAGE("azureml conformance: " << matched << "/" << total << " specs match the SDK");
    CHECK(matched == total);
    CHECK(total == 38);
  }
}
