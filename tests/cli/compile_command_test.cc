// `jobc compile` as a build step: writes artifacts, --check, --dry-run, --depfile and the
// workspace taken from flags or config.json.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using jobc::testing::jobc_command;
using jobc::testing::run_command;
using jobc::testing::shell_quote;
using jobc::testing::slurp;

namespace {

// A copy of the quickstart example in a temporary folder.
struct Workspace {
  jobc::testing::TempDir dir;
  fs::path spec;
  fs::path out;
  Workspace() {
    fs::copy(fs::path(JOBC_SOURCE_DIR) / "examples/quickstart", dir.path / "quickstart",
             fs::copy_options::recursive);
    spec = dir.path / "quickstart/job.yml";
    out = dir.path / "out";
  }
  std::string compile(const std::string& extra = "") const {
    return "cd " + shell_quote(dir.path.string()) + " && " +
           jobc_command("compile " + shell_quote(spec.string()) + " -o " +
                        shell_quote(out.string()) + " " + extra);
  }
};

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("compile writes the artifacts, then --check passes") {
    Workspace ws;
    auto first = run_command(ws.compile());
    REQUIRE_MESSAGE(first.status == 0, first.err);
    for (const char* artifact :
         {"Dockerfile", "launch.sh", "azureml/requests.json", "manifest.json"}) {
      CHECK(fs::is_regular_file(ws.out / artifact));
    }
    CHECK((fs::status(ws.out / "launch.sh").permissions() & fs::perms::owner_exec) !=
          fs::perms::none);
    auto check = run_command(ws.compile("--check"));
    CHECK(check.status == 0);
    CHECK(check.out.empty());
  }

  TEST_CASE("--check fails with a diff when an artifact is stale or missing") {
    Workspace ws;
    REQUIRE(run_command(ws.compile()).status == 0);
    { std::ofstream(ws.out / "launch.sh", std::ios::app) << "# edited by hand\n"; }
    fs::remove(ws.out / "Dockerfile");
    auto check = run_command(ws.compile("--check"));
    CHECK(check.status == 1);
    CHECK(check.err.find("launch.sh is stale") != std::string::npos);
    CHECK(check.err.find("Dockerfile is missing") != std::string::npos);
    CHECK(check.out.find("-# edited by hand") != std::string::npos);
    CHECK(!fs::exists(ws.out / "Dockerfile"));  // --check writes nothing
  }

  TEST_CASE("--output-format json lists every artifact with its change, for scripts") {
    Workspace ws;
    auto first = run_command(ws.compile("--output-format json"));
    REQUIRE_MESSAGE(first.status == 0, first.err);
    auto created = nlohmann::json::parse(first.out);
    CHECK(created["mode"] == "write");
    CHECK(created["changed"] == created["artifacts"].size());
    CHECK(created["artifacts"][0]["change"] == "created");

    std::ofstream(ws.out / "launch.sh", std::ios::app) << "# edited\n";
    auto check = run_command(ws.compile("--check --output-format json"));
    CHECK(check.status == 1);
    auto stale = nlohmann::json::parse(check.out);
    CHECK(stale["mode"] == "check");
    CHECK(stale["changed"] == 1);
    for (const auto& artifact : stale["artifacts"]) {
      CAPTURE(artifact.dump());
      bool edited = artifact["path"] == "launch.sh";
      CHECK(artifact["change"] == (edited ? "updated" : "unchanged"));
      CHECK(artifact.contains("diff") == edited);
    }
    CHECK(run_command(ws.compile("--output-format yaml")).status == 2);
  }

  TEST_CASE("--dry-run lists and writes nothing") {
    Workspace ws;
    auto dry = run_command(ws.compile("--dry-run"));
    CHECK(dry.status == 0);
    CHECK(dry.out.find("would create") != std::string::npos);
    CHECK(!fs::exists(ws.out));
  }

  TEST_CASE("--depfile lists every input read, the code included") {
    Workspace ws;
    fs::path depfile = ws.dir.path / "job.d";
    REQUIRE(run_command(ws.compile("--depfile " + shell_quote(depfile.string()))).status == 0);
    std::string text = slurp(depfile);
    CHECK(text.find((ws.out / "manifest.json").string() + ":") == 0);
    CHECK(text.find("quickstart/job.yml") != std::string::npos);
    CHECK(text.find("quickstart/src/train.py") != std::string::npos);
  }

  TEST_CASE("the workspace comes from flags, else config.json, else placeholders") {
    Workspace ws;
    REQUIRE(run_command(ws.compile()).status == 0);
    CHECK(slurp(ws.out / "azureml/requests.json").find("/subscriptions/{subscriptionId}/") !=
          std::string::npos);

    REQUIRE(run_command(ws.compile("--subscription s1 --resource-group g1 --workspace-name w1"))
                .status == 0);
    CHECK(slurp(ws.out / "azureml/requests.json")
              .find("/subscriptions/s1/resourceGroups/g1/providers/"
                    "Microsoft.MachineLearningServices/workspaces/w1/") != std::string::npos);

    fs::create_directories(ws.dir.path / ".azureml");
    {
      std::ofstream(ws.dir.path / ".azureml/config.json")
          << R"({"subscription_id": "s2", "resource_group": "g2", "workspace_name": "w2"})";
    }
    REQUIRE(run_command(ws.compile()).status == 0);
    CHECK(slurp(ws.out / "azureml/requests.json").find("/subscriptions/s2/resourceGroups/g2/") !=
          std::string::npos);

    CHECK(run_command(ws.compile("--subscription only-one")).status == 2);
  }

  TEST_CASE("an invalid spec writes nothing") {
    Workspace ws;
    { std::ofstream(ws.spec, std::ios::app) << "resources: {instance_count: zero}\n"; }
    auto result = run_command(ws.compile());
    CHECK(result.status == 1);
    CHECK(result.err.find("error[E011]") != std::string::npos);
    CHECK(!fs::exists(ws.out));
  }
}
