// The Docker backend's input mounts by mode: read-only for ro_mount and by default (Docker
// always was), writable for rw_mount (the source itself) and download (the run's own copy).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "backends/docker/container_config.h"
#include "common/temp_dir.h"

using json = nlohmann::json;

TEST_SUITE("docker_backend") {
  TEST_CASE("input binds are read-only unless the input's mode lets the job write") {
    jobc::testing::TempDir inputs;
    for (const char* name : {"ro.csv", "rw.csv", "plain.csv"}) {
      std::ofstream(inputs.path / name) << "a\n";
    }
    jobc::RunContext context;
    context.run.id = "exp_1_abcd";
    context.work_dir = "/runs/exp_1_abcd/work";
    context.artifacts_dir = "/runs/exp_1_abcd/artifacts";
    context.environment = {{"JOBC_INPUT_ro", (inputs.path / "ro.csv").string()},
                           {"JOBC_INPUT_rw", (inputs.path / "rw.csv").string()},
                           {"JOBC_INPUT_plain", (inputs.path / "plain.csv").string()}};
    context.input_read_only = {{"JOBC_INPUT_ro", true}, {"JOBC_INPUT_rw", false}};
    json body = jobc::docker::container_create_body(context, "img", {}, 0, 0);
    json binds = body["HostConfig"]["Binds"];
    auto has = [&](const std::string& bind) {
      return std::find(binds.begin(), binds.end(), bind) != binds.end();
    };
    CHECK(has((inputs.path / "ro.csv").string() + ":/jobc/inputs/ro/ro.csv:ro"));
    CHECK(has((inputs.path / "rw.csv").string() + ":/jobc/inputs/rw/rw.csv"));
    CHECK(has((inputs.path / "plain.csv").string() + ":/jobc/inputs/plain/plain.csv:ro"));
  }
}
