// The credentials jobc reads for a run (the environment registry's password_env, a Slurm
// compute's token_env) never reach the job: the local job and the monitor are checked with
// real processes in tests/cli/submit_local_test.cc; here, which variables a run withholds,
// the container's environment, and the Slurm job's.
#include "runs/run_credentials.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "backends/docker/container_config.h"
#include "backends/slurm/slurm_job.h"
#include "common/compiled_spec.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const char* kRegistry =
    "  registry: {address: registry.example.com, username: u, password_env: "
    "JOBC_TEST_REGISTRY_PASSWORD}\n";

// A Slurm compute spec as the model holds it, with `settings` (token_env, token_file).
jobc::model::Compute slurm_compute(const std::map<std::string, std::string>& settings) {
  jobc::model::Compute compute;
  compute.type.value = "slurm";
  compute.settings.kind = jobc::model::Value::Kind::Map;
  for (const auto& [key, text] : settings) {
    jobc::model::Value value;
    value.kind = jobc::model::Value::Kind::String;
    value.text = text;
    compute.settings.members.emplace_back(key, value);
  }
  return compute;
}

const jobc::BackendEntry& backend(const char* name) {
  const jobc::BackendEntry* entry = jobc::find_backend(name);
  REQUIRE(entry);
  return *entry;
}

const char* kSlurmCompute =
    "name: hpc\ntype: slurm\nendpoint: http://127.0.0.1:6820\nuser: alice\n"
    "staging_dir: /shared/stage/\ntoken_env: MY_JWT\n";

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE(
      "a run withholds its registry password_env and Slurm token_env; the monitor keeps "
      "only the token") {
    jobc::testing::TempDir dir;
    std::string environment = std::string("environment:\n  image: python:3.11-slim\n") + kRegistry;
    auto inline_env = jobc::testing::compile_spec_text(dir.path, "command: env\n" + environment);
    REQUIRE(inline_env.spec.model);
    const jobc::model::Spec& spec = *inline_env.spec.model;
    auto with_token_env = slurm_compute({{"token_env", "MY_JWT"}});
    auto slurm = jobc::run_credentials(spec, backend("slurm"), &with_token_env);
    CHECK(slurm.submitter_only == std::vector<std::string>{"JOBC_TEST_REGISTRY_PASSWORD"});
    CHECK(slurm.monitor_uses == std::vector<std::string>{"MY_JWT"});
    CHECK(slurm.all().size() == 2);
    // The default token variable; none with a token file; none off Slurm.
    auto bare = slurm_compute({});
    CHECK(jobc::run_credentials(spec, backend("slurm"), &bare).monitor_uses ==
          std::vector<std::string>{"SLURM_JWT"});
    auto with_token_file = slurm_compute({{"token_file", "/t"}});
    CHECK(jobc::run_credentials(spec, backend("slurm"), &with_token_file).monitor_uses.empty());
    CHECK(jobc::run_credentials(spec, backend("local"), nullptr).monitor_uses.empty());
    // An environment in a file of its own.
    std::ofstream(dir.path / "env.yml") << "name: base\nimage: python:3.11-slim\n"
                                        << std::string(kRegistry).substr(2);
    auto from_file =
        jobc::testing::compile_spec_text(dir.path, "command: env\nenvironment: env.yml\n");
    REQUIRE(from_file.spec.model);
    CHECK(jobc::run_credentials(*from_file.spec.model, backend("local"), nullptr).submitter_only ==
          std::vector<std::string>{"JOBC_TEST_REGISTRY_PASSWORD"});
  }

  TEST_CASE("a container never gets a withheld variable, even one docker_args name") {
    setenv("JOBC_TEST_REGISTRY_PASSWORD", "s3cret", 1);
    jobc::RunContext context;
    context.run.id = "exp_1_abcd";
    context.work_dir = "/runs/exp_1_abcd/work";
    context.artifacts_dir = "/runs/exp_1_abcd/artifacts";
    context.environment = {{"OTHER", "x"}, {"JOBC_TEST_REGISTRY_PASSWORD", "from-context"}};
    context.withheld_variables = {"JOBC_TEST_REGISTRY_PASSWORD"};
    jobc::docker::RunOptions options;
    options.env = {"JOBC_TEST_REGISTRY_PASSWORD=from-docker-args", "EXTRA=1"};
    json env = jobc::docker::container_create_body(context, "img", options, 0, 0)["Env"];
    unsetenv("JOBC_TEST_REGISTRY_PASSWORD");
    CHECK(std::find(env.begin(), env.end(), "OTHER=x") != env.end());
    CHECK(std::find(env.begin(), env.end(), "EXTRA=1") != env.end());
    CHECK(env.dump().find("JOBC_TEST_REGISTRY_PASSWORD") == std::string::npos);
    CHECK(env.dump().find("s3cret") == std::string::npos);
  }

  TEST_CASE("a Slurm job's environment is jobc's own list, never the submitting shell's") {
    // slurmrestd gives the job exactly the payload's `environment`: a guard that it never
    // copies jobc's own environment (where the registry password and the token are).
    setenv("JOBC_TEST_REGISTRY_PASSWORD", "s3cret", 1);
    setenv("MY_JWT", "token-value", 1);
    jobc::testing::TempDir dir;
    std::ofstream(dir.path / "hpc.yml") << kSlurmCompute;
    auto compiled = jobc::testing::compile_spec_text(
        dir.path, std::string("command: env\ncompute: hpc.yml\nenvironment:\n  image: "
                              "python:3.11-slim\n") +
                      kRegistry);
    unsetenv("JOBC_TEST_REGISTRY_PASSWORD");
    unsetenv("MY_JWT");
    const auto* file = compiled.result.outputs.find("slurm/job.json");
    REQUIRE(file);
    json environment = json::parse(file->content)["job"]["environment"];
    CHECK(environment.contains("JOBC_RUN_ID"));
    CHECK_FALSE(environment.contains("JOBC_TEST_REGISTRY_PASSWORD"));
    CHECK_FALSE(environment.contains("MY_JWT"));
    CHECK(file->content.find("s3cret") == std::string::npos);
    CHECK(file->content.find("token-value") == std::string::npos);
  }
}
