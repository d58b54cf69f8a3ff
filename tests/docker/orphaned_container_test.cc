// A run whose monitor is gone, on the docker backend: a container that exited on its own
// keeps its exit code until jobc removes it, and the run is recorded with it.
#include <doctest/doctest.h>

#include "backends/docker/docker_backend.h"
#include "fake_transport.h"

using json = nlohmann::json;
using jobc::testing::FakeTransport;

TEST_SUITE("docker_backend") {
  TEST_CASE("an orphaned container's own exit code is read before it is removed") {
    jobc::RunContext context;
    context.run.id = "exp_1_ab";
    context.run.backend_job_id = "c0ffee";
    context.backend_state = {{"engine", "unix:///fake.sock"}, {"api_version", "1.41"}};
    std::string error;
    auto transport = std::make_shared<FakeTransport>();
    transport->on("DELETE", "/containers/", 204);
    transport->on("GET", "/containers/c0ffee/json", 200,
                  R"({"State":{"Status":"exited","ExitCode":3,"OOMKilled":false}})");
    jobc::DockerBackend exited(transport);
    {
      jobc::Status status = exited.stop_orphaned(context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    REQUIRE(exited.orphaned_exit(context));
    CHECK(exited.orphaned_exit(context)->code == 3);
    CHECK(exited.orphaned_exit(context)->reason.empty());
    CHECK(transport->find("DELETE", "/containers/c0ffee?force=1&v=1"));
    // Still running when the monitor was found gone: stopped, its exit unknown.
    transport->on("GET", "/containers/c0ffee/json", 200,
                  R"({"State":{"Status":"running","ExitCode":0}})");
    jobc::DockerBackend running(transport);
    {
      jobc::Status status = running.stop_orphaned(context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    CHECK_FALSE(running.orphaned_exit(context));
  }
}
