// The docker backend against a fake engine: the engine address and API version, what a
// container is created with (mounts, network, shm, GPUs, docker_args), the log stream, the
// build transcript, and errors that say how to start a missing engine.
#include "backends/docker/docker_backend.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "backends/docker/container_config.h"
#include "backends/docker/image_builder.h"
#include "backends/docker/log_stream.h"
#include "backends/docker/progress_stream.h"
#include "common/compiled_spec.h"
#include "common/run_command.h"
#include "common/temp_dir.h"
#include "fake_transport.h"
#include "jobc/artifact_writer.h"
#include "jobc/compile.h"
#include "spec/docker_args.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace jobc::docker;
using jobc::testing::FakeTransport;

namespace {

std::string frame(int stream, const std::string& payload) {
  std::string out(8, '\0');
  out[0] = static_cast<char>(stream);
  uint32_t size = static_cast<uint32_t>(payload.size());
  out[4] = static_cast<char>(size >> 24);
  out[5] = static_cast<char>(size >> 16);
  out[6] = static_cast<char>(size >> 8);
  out[7] = static_cast<char>(size);
  return out + payload;
}

// A job's resources as the model holds them: docker_args parsed by the front end's parser.
jobc::model::Resources resources_of(const std::string& job_json) {
  json resources = json::parse(job_json).value("resources", json::object());
  jobc::model::Resources model;
  if (resources.contains("shm_size")) model.shm_size.value = resources["shm_size"];
  if (resources.contains("instance_type")) model.instance_type.value = resources["instance_type"];
  if (resources.contains("docker_args")) {
    model.docker_args_text.value = resources["docker_args"];
    jobc::ParsedDockerArgs parsed = jobc::parse_docker_args(*model.docker_args_text);
    CHECK_MESSAGE(parsed.problems.empty(), parsed.problems.front().message);
    model.docker_args = parsed.args;
  }
  return model;
}

RunOptions run_options(const std::string& job_json) {
  jobc::model::Resources resources = resources_of(job_json);
  auto options = run_options_for(&resources);
  REQUIRE_MESSAGE(options.ok(), options.error().message);
  return *options;
}

json options_for(const std::string& job_json) {
  return run_options(job_json).to_json();
}

// Why docker_args that jobc's Docker backend does not take are refused: the front end's first
// problem with them (what `jobc validate` and the model report).
std::string error_for(const std::string& job_json) {
  std::string text = json::parse(job_json)["resources"]["docker_args"];
  jobc::ParsedDockerArgs parsed = jobc::parse_docker_args(text);
  REQUIRE_FALSE(parsed.problems.empty());
  std::string error = "resources.docker_args: " + parsed.problems.front().message;
  for (const std::string& note : parsed.problems.front().notes) error += "; " + note;
  return error;
}

}  // namespace

TEST_SUITE("docker_backend") {
  TEST_CASE("engine addresses: compute socket, compute host, DOCKER_HOST, the default") {
    auto fallback = resolve_engine_endpoint(json::object(), "");
    REQUIRE(fallback);
    CHECK(fallback->unix_socket == "/var/run/docker.sock");
    auto env = resolve_engine_endpoint(json::object(), "tcp://127.0.0.1:2375");
    REQUIRE(env);
    CHECK(env->base_url == "http://127.0.0.1:2375");
    CHECK(env->unix_socket.empty());
    auto host = resolve_engine_endpoint({{"host", "unix:///run/d.sock"}}, "tcp://127.0.0.1:1");
    REQUIRE(host);
    CHECK(host->unix_socket == "/run/d.sock");
    auto socket =
        resolve_engine_endpoint({{"socket", "/s.sock"}, {"host", "tcp://localhost:9"}}, "");
    REQUIRE(socket);
    CHECK(socket->shown == "unix:///s.sock");
    auto remote = parse_engine_address("tcp://10.1.2.3:2375");
    REQUIRE_FALSE(remote);
    CHECK(remote.error().message.find("not on this machine") != std::string::npos);
    CHECK_FALSE(parse_engine_address("ssh://me@host"));
    CHECK(parse_engine_address("tcp://[::1]:2375")->base_url == "http://[::1]:2375");
  }

  TEST_CASE("the API version is the engine's, capped at what jobc speaks") {
    auto transport = std::make_shared<FakeTransport>();
    transport->on("GET", "/version", 200, R"({"ApiVersion":"1.41","Version":"20.10.24"})");
    EngineClient engine(transport, {"/x.sock", "http://localhost", "unix:///x.sock"});
    REQUIRE(engine.connect());
    CHECK(engine.api_version() == "1.41");
    CHECK(engine.request("GET", "/info").url == "http://localhost/v1.41/info");
    transport->on("GET", "/version", 200, R"({"ApiVersion":"1.51","Version":"28.3"})");
    REQUIRE(engine.connect());
    CHECK(engine.api_version() == kMaxApiVersion);
    transport->on("GET", "/version", 200, R"({"ApiVersion":"1.39","Version":"18.09"})");
    jobc::Status old_engine = engine.connect();
    REQUIRE_FALSE(old_engine);
    CHECK(old_engine.error().message.find("needs API 1.40") != std::string::npos);
    // An engine's /_ping says its version in a header: no GET /version then.
    auto pinged = std::make_shared<FakeTransport>();
    pinged->on("GET", "/_ping", 200, "OK");
    pinged->with_header("Api-Version", "1.42");
    EngineClient quick(pinged, {"/x.sock", "http://localhost", "unix:///x.sock"});
    REQUIRE(quick.connect());
    CHECK(quick.api_version() == "1.42");
    CHECK_FALSE(pinged->find("GET", "/version"));
  }

  TEST_CASE("a missing or stopped engine says how to start one") {
    jobc::testing::TempDir dir;
    // No socket at all: the real transport.
    EngineClient missing(jobc::make_curl_transport(),
                         *parse_engine_address("unix://" + (dir.path / "none.sock").string()));
    jobc::Status no_socket = missing.connect();
    REQUIRE_FALSE(no_socket);
    std::string error = no_socket.error().message;
    CHECK(error.find("no Docker engine at unix://") != std::string::npos);
    CHECK(error.find("systemctl start docker") != std::string::npos);
    CHECK(error.find("dockerd") != std::string::npos);
    // A socket file nobody listens on: connection refused.
    std::string path = (dir.path / "dead.sock").string();
    REQUIRE(
        jobc::testing::run_command("python3 -c \"import socket; s=socket.socket(socket.AF_UNIX); "
                                   "s.bind('" +
                                   path + "')\"")
            .status == 0);
    EngineClient stopped(jobc::make_curl_transport(), *parse_engine_address(path));
    jobc::Status refused = stopped.connect();
    REQUIRE_FALSE(refused);
    error = refused.error().message;
    CHECK(error.find("not running") != std::string::npos);
    CHECK(error.find("systemctl start docker") != std::string::npos);
  }

  TEST_CASE("docker_args: the supported subset is parsed, the rest refused by name") {
    auto options = options_for(R"({"resources": {"shm_size": "8g", "docker_args":
        "--network host --ipc=host -e A=1 --env 'B=two words' --cpus 1.5 -m 4g --ulimit memlock=-1:-1 --pids-limit 100"}})");
    CHECK(options["network"] == "host");
    CHECK(options["shm_size"] == 8LL << 30);
    CHECK(options["ipc_mode"] == "host");
    CHECK(options["env"] == json::array({"A=1", "B=two words"}));
    CHECK(options["nano_cpus"] == 1500000000LL);
    CHECK(options["memory"] == 4LL << 30);
    CHECK(options["ulimits"][0] == json{{"Name", "memlock"}, {"Soft", -1}, {"Hard", -1}});
    CHECK(options["pids_limit"] == 100);
    CHECK(options_for(R"({"command": "x"})")["network"] == "none");
    CHECK(options_for(R"({"command": "x"})")["shm_size"] == 2LL << 30);
    CHECK(options_for(R"({"resources": {"docker_args": "--shm-size=512m"}})")["shm_size"] ==
          512LL << 20);
    CHECK(error_for(R"({"resources": {"docker_args": "--privileged"}})").find("'--privileged'") !=
          std::string::npos);
    CHECK(error_for(R"({"resources": {"docker_args": "-v /:/host"}})").find("not supported") !=
          std::string::npos);
    CHECK(error_for(R"({"resources": {"docker_args": "--network bridge"}})").find("host") !=
          std::string::npos);
    CHECK(error_for(R"({"resources": {"docker_args": "-e TOKEN"}})").find("NAME=VALUE") !=
          std::string::npos);
    CHECK(error_for(R"({"resources": {"docker_args": "--cpus"}})").find("needs a value") !=
          std::string::npos);
    CHECK(error_for(R"({"resources": {"docker_args": "-e 'A=1"}})").find("quote") !=
          std::string::npos);
  }

  TEST_CASE("GPU requests become DeviceRequests") {
    json all = options_for(R"({"resources": {"docker_args": "--gpus all"}})")["device_requests"];
    CHECK(all == json::parse(R"([{"Driver":"nvidia","Count":-1,"DeviceIDs":[],
                                  "Capabilities":[["gpu"]],"Options":{}}])"));
    CHECK(options_for(
              R"({"resources": {"docker_args": "--gpus 2"}})")["device_requests"][0]["Count"] == 2);
    json devices = options_for(
        R"({"resources": {"docker_args": "--gpus '\"device=0,2\"'"}})")["device_requests"][0];
    CHECK(devices["DeviceIDs"] == json::array({"0", "2"}));
    CHECK(devices["Count"] == 0);
    CHECK(options_for(R"({"resources": {"instance_type": "Standard_NC6s_v3"}})")["device_requests"]
                                                                                [0]["Count"] == -1);
    CHECK(
        options_for(R"({"resources": {"instance_type": "gpu-small"}})")["device_requests"].size() ==
        1);
    CHECK(options_for(R"({"resources": {"instance_type": "Standard_D4s_v3"}})")["device_requests"]
              .empty());
    CHECK(error_for(R"({"resources": {"docker_args": "--gpus lots"}})").find("--gpus") !=
          std::string::npos);
  }

  TEST_CASE("the container: run folder, read-only artifacts and inputs, env, network, shm") {
    jobc::RunContext context;
    context.run.id = "exp_1_abcd";
    context.run.experiment = "exp";
    context.work_dir = "/home/u/.jobc/runs/exp_1_abcd/work";
    context.artifacts_dir = "/home/u/.jobc/runs/exp_1_abcd/artifacts";
    jobc::testing::TempDir inputs;
    std::ofstream(inputs.path / "table.csv") << "a\n";
    context.environment = {{"JOBC_INPUT_data", inputs.path.string()},
                           {"JOBC_INPUT_table", (inputs.path / "table.csv").string()},
                           {"OTHER", "x"}};
    RunOptions options;
    options.env = {"EXTRA=1"};
    json body = container_create_body(context, "jobc-env:0123", options, 0, 0);
    CHECK(body["Image"] == "jobc-env:0123");
    CHECK(body["Cmd"] == json::array({"bash", "/jobc/artifacts/launch.sh"}));
    CHECK(body["WorkingDir"] == "/jobc/run");
    CHECK(body["Labels"]["org.jobc.run-id"] == "exp_1_abcd");
    CHECK_FALSE(body.contains("User"));
    json binds = body["HostConfig"]["Binds"];
    CHECK(binds[0] == "/home/u/.jobc/runs/exp_1_abcd/work:/jobc/run");
    CHECK(binds[1] == "/home/u/.jobc/runs/exp_1_abcd/artifacts:/jobc/artifacts:ro");
    CHECK(binds[2] == inputs.path.string() + ":/jobc/inputs/data:ro");
    CHECK(binds[3] == (inputs.path / "table.csv").string() + ":/jobc/inputs/table/table.csv:ro");
    json env = body["Env"];
    auto has = [&](const std::string& item) {
      return std::find(env.begin(), env.end(), item) != env.end();
    };
    CHECK(has("JOBC_CODE_DIR=/jobc/run"));
    CHECK(has("JOBC_INPUT_data=/jobc/inputs/data"));
    CHECK(has("JOBC_INPUT_table=/jobc/inputs/table/table.csv"));
    CHECK(has("OTHER=x"));
    CHECK(has("EXTRA=1"));
    CHECK(body["HostConfig"]["NetworkMode"] == "none");
    CHECK(body["HostConfig"]["ShmSize"] == 2LL << 30);
    CHECK(body["Entrypoint"] == json::array({"bash", "-c", kContainerInit, "jobc-init"}));
    CHECK_FALSE(body["HostConfig"].contains("DeviceRequests"));
    CHECK_FALSE(body["HostConfig"].contains("Privileged"));
    // A user other than root runs as itself, so the run's files stay theirs.
    json as_user = container_create_body(context, "img", options, 1000, 100);
    CHECK(as_user["User"] == "1000:100");
    CHECK(container_name("exp 1/x") == "jobc-exp_1_x");
  }

  TEST_CASE("a tracking socket is mounted with the relay, and the job reaches it on port 5000") {
    jobc::RunContext context;
    context.run.id = "r";
    context.work_dir = "/h/runs/r/work";
    context.artifacts_dir = "/h/runs/r/artifacts";
    context.tracking_socket = "/tmp/jobc-tracking-Ab12/mlflow.sock";
    json body = container_create_body(context, "img", RunOptions{}, 0, 0);
    json binds = body["HostConfig"]["Binds"];
    CHECK(binds[2] == "/tmp/jobc-tracking-Ab12:/jobc/tracking");
    CHECK(binds[3] == relay_executable().string() + ":/jobc/bin/jobc-relay:ro");
    json env = body["Env"];
    CHECK(std::find(env.begin(), env.end(),
                    "JOBC_TRACKING_RELAY=5000 /jobc/tracking/mlflow.sock") != env.end());
    CHECK(body["HostConfig"]["NetworkMode"] == "none");
    jobc::DockerBackend backend;
    CHECK(backend.tracking_over_socket(context));
    CHECK(backend.tracking_uri(context, 41234) == "http://127.0.0.1:5000");
    CHECK(backend.artifact_uri(context) == "file:///jobc/run/outputs");
    // On the host's network the job reaches the endpoint itself: no socket, no relay.
    context.backend_state = {{"options", {{"network", "host"}}}};
    CHECK_FALSE(backend.tracking_over_socket(context));
    CHECK(backend.tracking_uri(context, 41234) == "http://127.0.0.1:41234");
    context.tracking_socket.clear();
    json without = container_create_body(context, "img", RunOptions{}, 0, 0);
    CHECK(without["HostConfig"]["Binds"].size() == 2);
  }

  TEST_CASE("start/poll/collect on a fake engine: the request body, the log, the exit, removal") {
    jobc::testing::TempDir dir;
    auto transport = std::make_shared<FakeTransport>();
    transport->on("POST", "/containers/create", 201, R"({"Id":"c0ffee","Warnings":[]})");
    transport->on("POST", "/containers/c0ffee/start", 204);
    // The followed stream misses the last unterminated line (an engine race); the second
    // read from the start has it.
    transport->on("GET", "/containers/c0ffee/logs?stdout=1&stderr=1", 200, "",
                  {frame(1, "hello world\n") + frame(2, "warn\n") + frame(1, "tail")});
    transport->on("GET", "/containers/c0ffee/logs?stdout=1&stderr=1&follow=1", 200, "",
                  {frame(1, "hello "), frame(1, "world\n") + frame(2, "warn\n").substr(0, 5),
                   frame(2, "warn\n").substr(5)});
    // No attach rule: the fake answers 404, and the backend falls back to the log.
    transport->on("POST", "/containers/c0ffee/wait", 200, R"({"StatusCode":3})");
    transport->on("GET", "/containers/c0ffee/json", 200, R"({"State":{"OOMKilled":false}})");
    transport->on("DELETE", "/containers/c0ffee", 204);
    transport->on("POST", "/containers/c0ffee/kill", 204);
    jobc::RunContext context;
    context.run.id = "gpu_1_x";
    context.work_dir = dir.path / "work";
    context.artifacts_dir = dir.path / "artifacts";
    context.log_file = dir.path / "std_log.txt";
    std::string error;
    RunOptions options = run_options(R"({"resources": {"instance_type": "Standard_NC24ads_A100_v4",
        "docker_args": "--gpus device=1 --network host", "shm_size": "1g"}})");
    context.backend_state = {{"engine", "unix:///fake.sock"},
                             {"api_version", "1.41"},
                             {"image", "jobc-env:feed"},
                             {"options", options.to_json()}};
    {
      jobc::DockerBackend backend(transport);
      {
        jobc::Status status = backend.start(context);
        REQUIRE_MESSAGE(status.ok(), status.error().message);
      }
      CHECK(context.run.backend_job_id == "c0ffee");
      std::optional<jobc::JobExit> exit;
      for (int i = 0; i < 50 && !exit; ++i) exit = backend.poll(context, 100);
      REQUIRE(exit);
      CHECK(exit->code == 3);
      backend.stop(context, true);
      backend.collect(context);
    }
    auto create = transport->find("POST", "/containers/create");
    REQUIRE(create);
    CHECK(create->path == "/containers/create?name=jobc-gpu_1_x");
    json body = json::parse(create->body);
    CHECK(body["Image"] == "jobc-env:feed");
    CHECK(body["HostConfig"]["DeviceRequests"] ==
          json::parse(R"([{"Driver":"nvidia","Count":0,"DeviceIDs":["1"],
                           "Capabilities":[["gpu"]],"Options":{}}])"));
    CHECK(body["HostConfig"]["NetworkMode"] == "host");
    CHECK(body["HostConfig"]["ShmSize"] == 1LL << 30);
    CHECK(transport->find("POST", "/containers/c0ffee/kill?signal=SIGKILL"));
    CHECK(transport->find("DELETE", "/containers/c0ffee?force=1"));
    CHECK(jobc::testing::slurp(context.log_file) == "hello world\nwarn\ntail");
  }

  TEST_CASE("output comes from an attach made before the container starts") {
    jobc::testing::TempDir dir;
    auto transport = std::make_shared<FakeTransport>();
    transport->on("POST", "/containers/create", 201, R"({"Id":"a1"})");
    transport->on("POST", "/containers/a1/attach?stream=1&stdout=1&stderr=1", 200, "",
                  {frame(1, "line 1\n"), frame(2, "oops\n") + frame(1, "last")});
    transport->on("POST", "/containers/a1/start", 204);
    transport->on("GET", "/containers/a1/logs?stdout=1&stderr=1", 200, "",
                  {frame(1, "line 1\n"), frame(2, "oops\n"), frame(1, "last")});
    transport->on("POST", "/containers/a1/wait", 200, R"({"StatusCode":0})");
    transport->on("GET", "/containers/a1/json", 200, R"({"State":{"OOMKilled":true}})");
    transport->on("DELETE", "/containers/a1", 204);
    jobc::RunContext context;
    context.run.id = "r";
    context.log_file = dir.path / "log";
    context.backend_state = {
        {"engine", "unix:///fake.sock"}, {"api_version", "1.41"}, {"image", "i"}};
    jobc::DockerBackend backend(transport);
    std::string error;
    {
      jobc::Status status = backend.start(context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    std::optional<jobc::JobExit> exit;
    for (int i = 0; i < 50 && !exit; ++i) exit = backend.poll(context, 100);
    REQUIRE(exit);
    CHECK(exit->code == 0);
    CHECK(exit->reason.find("out of memory") == 0);
    backend.collect(context);
    CHECK(jobc::testing::slurp(context.log_file) == "line 1\noops\nlast");
    auto requests = transport->requests();
    size_t attach = 0, start = 0, wait = 0, logs = 0, follows = 0;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (requests[i].path.find("/attach") != std::string::npos) attach = i;
      if (requests[i].path.find("/start") != std::string::npos) start = i;
      if (requests[i].path.find("/wait") != std::string::npos) wait = i;
      if (requests[i].path.find("/logs") != std::string::npos) logs = i;
      if (requests[i].path.find("follow=1") != std::string::npos) ++follows;
    }
    CHECK(attach < start);
    CHECK(follows == 0);  // the attach carried the output; the log is read once, at the end
    CHECK(wait < logs);
  }

  // Answers for container `id` that exits 0 (create, start, wait, inspect, delete); runs a
  // job on it with `transport` to its end and collection, and returns the run's log.
  std::string run_exiting_container(const std::shared_ptr<FakeTransport>& transport,
                                    const std::string& id, const fs::path& dir) {
    transport->on("POST", "/containers/create", 201, R"({"Id":")" + id + R"("})");
    transport->on("POST", "/containers/" + id + "/start", 204);
    transport->on("POST", "/containers/" + id + "/wait", 200, R"({"StatusCode":0})");
    transport->on("GET", "/containers/" + id + "/json", 200, R"({"State":{"OOMKilled":false}})");
    transport->on("DELETE", "/containers/" + id, 204);
    jobc::RunContext context;
    context.run.id = "run-" + id;
    context.log_file = dir / "log";
    context.backend_state = {
        {"engine", "unix:///fake.sock"}, {"api_version", "1.41"}, {"image", "i"}};
    jobc::DockerBackend backend(transport);
    jobc::Status status = backend.start(context);
    REQUIRE_MESSAGE(status.ok(), (status ? "" : status.error().message));
    std::optional<jobc::JobExit> exit;
    for (int i = 0; i < 50 && !exit; ++i) exit = backend.poll(context, 100);
    REQUIRE(exit);
    backend.collect(context);
    return jobc::testing::slurp(context.log_file);
  }

  TEST_CASE("a last line the engine logs only after it reported the exit reaches the run's log") {
    // The attach ends before the last line, and the log read at the exit lacks it too: the
    // engine wrote it a moment later (a loaded machine).
    struct LateLog : FakeTransport {
      std::atomic<int> log_reads{0};
      jobc::HttpResult perform(const jobc::HttpRequest& request) override {
        if (request.url.find("/logs?stdout=1&stderr=1") == std::string::npos ||
            request.url.find("follow=1") != std::string::npos) {
          return FakeTransport::perform(request);
        }
        if (request.on_headers) request.on_headers(200);
        request.on_chunk(frame(1, "first\n"));
        if (++log_reads > 1) request.on_chunk(frame(1, "last\n"));
        jobc::HttpResponse response;
        response.status = 200;
        return response;
      }
    };
    jobc::testing::TempDir dir;
    auto transport = std::make_shared<LateLog>();
    transport->on("POST", "/containers/l1/attach?stream=1&stdout=1&stderr=1", 200, "",
                  {frame(1, "first\n")});
    CHECK(run_exiting_container(transport, "l1", dir.path) == "first\nlast\n");
    CHECK(transport->log_reads == 2);
  }

  TEST_CASE("a last line that a followed log missed comes from reading the log after the exit") {
    // The engine's log follower stays open after the container stopped and never carries the
    // last line: 2 s after the exit it gives way to one full read of the log.
    struct LingeringFollow : FakeTransport {
      jobc::HttpResult perform(const jobc::HttpRequest& request) override {
        if (request.url.find("follow=1") == std::string::npos) {
          return FakeTransport::perform(request);
        }
        if (request.on_headers) request.on_headers(200);
        request.on_chunk(frame(1, "first\n"));
        for (int i = 0; i < 200 && !request.should_abort(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return jobc::HttpError("aborted by the caller", jobc::HttpError::Kind::Aborted);
      }
    };
    jobc::testing::TempDir dir;
    auto transport = std::make_shared<LingeringFollow>();
    transport->on("POST", "/containers/f1/attach", 500, R"({"message":"no attach today"})");
    transport->on("GET", "/containers/f1/logs?stdout=1&stderr=1", 200, "",
                  {frame(1, "first\n"), frame(1, "last\n")});
    CHECK(run_exiting_container(transport, "f1", dir.path) == "first\nlast\n");
  }

  TEST_CASE("an attach the engine answers after the container started is dropped for the log") {
    // The engine answers the attach only after start() stopped waiting: output written before
    // the attach took effect would be missing, so the whole output comes from the engine's log.
    struct SlowAttach : FakeTransport {
      jobc::HttpResult perform(const jobc::HttpRequest& request) override {
        if (request.url.find("/attach") != std::string::npos) {
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
        return FakeTransport::perform(request);
      }
    };
    jobc::testing::TempDir dir;
    auto transport = std::make_shared<SlowAttach>();
    transport->on("POST", "/containers/create", 201, R"({"Id":"s1"})");
    transport->on("POST", "/containers/s1/attach?stream=1&stdout=1&stderr=1", 200, "",
                  {frame(1, "second\n")});
    transport->on("POST", "/containers/s1/start", 204);
    transport->on("GET", "/containers/s1/logs?stdout=1&stderr=1&follow=1", 200, "",
                  {frame(1, "first\nsecond\n")});
    transport->on("GET", "/containers/s1/logs?stdout=1&stderr=1", 200, "",
                  {frame(1, "first\nsecond\n")});
    transport->on("POST", "/containers/s1/wait", 200, R"({"StatusCode":0})");
    transport->on("GET", "/containers/s1/json", 200, R"({"State":{"OOMKilled":false}})");
    transport->on("DELETE", "/containers/s1", 204);
    jobc::RunContext context;
    context.run.id = "slow";
    context.log_file = dir.path / "log";
    context.backend_state = {
        {"engine", "unix:///fake.sock"}, {"api_version", "1.41"}, {"image", "i"}};
    jobc::DockerBackend backend(transport);
    backend.set_attach_wait(std::chrono::milliseconds(20));
    {
      jobc::Status status = backend.start(context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    std::optional<jobc::JobExit> exit;
    for (int i = 0; i < 50 && !exit; ++i) exit = backend.poll(context, 100);
    REQUIRE(exit);
    backend.collect(context);
    CHECK(jobc::testing::slurp(context.log_file) == "first\nsecond\n");
    CHECK(transport->find("GET", "/containers/s1/logs?stdout=1&stderr=1&follow=1"));
  }

  TEST_CASE("a container that cannot start is removed, and the error says why") {
    jobc::testing::TempDir dir;
    auto transport = std::make_shared<FakeTransport>();
    transport->on("POST", "/containers/create", 201, R"({"Id":"bad"})");
    transport->on("POST", "/containers/bad/start", 500,
                  R"({"message":"could not select device driver \"nvidia\""})");
    transport->on("DELETE", "/containers/bad", 204);
    jobc::RunContext context;
    context.run.id = "r";
    context.log_file = dir.path / "log";
    context.backend_state = {
        {"engine", "unix:///fake.sock"}, {"api_version", "1.41"}, {"image", "i"}};
    jobc::DockerBackend backend(transport);
    std::string error;
    {
      jobc::Status status = backend.start(context);
      CHECK_FALSE(status.ok());
      if (!status.ok()) error = status.error().message;
    }
    CHECK(error.find("could not select device driver") != std::string::npos);
    CHECK(transport->find("DELETE", "/containers/bad"));
  }

  TEST_CASE("a run whose monitor is gone: its container is removed by id, else by name") {
    auto transport = std::make_shared<FakeTransport>();
    transport->on("DELETE", "/containers/", 204);
    jobc::RunContext context;
    context.run.id = "exp_1_ab";
    context.backend_state = {{"engine", "unix:///fake.sock"}, {"api_version", "1.41"}};
    std::string error;
    context.run.backend_job_id = "c0ffee";
    {
      jobc::Status status = jobc::DockerBackend(transport).stop_orphaned(context);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
    CHECK(transport->find("DELETE", "/containers/c0ffee?force=1&v=1"));
    // The monitor died between creating the container and recording its id.
    context.run.backend_job_id.clear();
    {
      jobc::Status status = jobc::DockerBackend(transport).stop_orphaned(context);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
    CHECK(transport->find("DELETE", "/containers/jobc-exp_1_ab?force=1&v=1"));
    transport->on("DELETE", "/containers/", 500, R"({"message":"engine trouble"})");
    {
      jobc::Status status = jobc::DockerBackend(transport).stop_orphaned(context);
      CHECK_FALSE(status.ok());
      if (!status.ok()) error = status.error().message;
    }
    CHECK(error.find("engine trouble") != std::string::npos);
    // Never prepared: no engine to ask, nothing to remove.
    context.backend_state = json::object();
    {
      jobc::Status status = jobc::DockerBackend(transport).stop_orphaned(context);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
  }

  TEST_CASE("prepare builds the image only when it is missing, or always with --rebuild") {
    jobc::testing::TempDir dir;
    auto [spec, compiled] = jobc::testing::compile_spec_text(
        dir.path, "command: echo hi\nenvironment: {image: base:1}\n");
    jobc::RunContext run;
    run.run_dir = dir.path / "run";
    run.artifacts_dir = run.run_dir / "artifacts";
    run.work_dir = run.run_dir / "work";
    jobc::model::Compute compute;  // type: docker, socket: /fake.sock
    compute.settings.kind = jobc::model::Value::Kind::Map;
    jobc::model::Value socket;
    socket.kind = jobc::model::Value::Kind::String;
    socket.text = "/fake.sock";
    compute.settings.members = {{"socket", socket}};
    REQUIRE(jobc::write_artifacts(compiled.outputs, run.artifacts_dir, jobc::WriteMode::Write)
                .errors.empty());
    auto transport = std::make_shared<FakeTransport>();
    transport->on("GET", "/_ping", 200, "OK");
    transport->with_header("Api-Version", "1.43");
    transport->on("GET", "/images/", 200, R"({"Config":{}})");  // the image and its base exist
    transport->on("POST", "/build", 200, "",
                  {R"({"aux":{"ID":"sha256:9"}})"
                   "\n"});
    for (bool rebuild : {false, true}) {
      CAPTURE(rebuild);
      std::ostringstream progress;
      jobc::SubmitContext submit{compiled, run, progress, rebuild, &compute};
      {
        jobc::Status status = jobc::DockerBackend(transport).prepare(submit);
        REQUIRE_MESSAGE(status.ok(), status.error().message);
      }
      auto build = transport->find("POST", "/build");
      if (!rebuild) {
        CHECK(!build);
        CHECK(progress.str().find("is up to date (--rebuild rebuilds it)") != std::string::npos);
      } else {
        REQUIRE(build);
        CHECK(build->path.find("nocache=1") != std::string::npos);
      }
    }
  }

  TEST_CASE("multiplexed log frames split anywhere decode the same") {
    std::string stream = frame(1, "out line\n") + frame(2, "err line\n") + frame(1, "");
    for (size_t cut = 0; cut <= stream.size(); ++cut) {
      std::string out;
      MultiplexedStreamDecoder decoder([&](int kind, std::string_view payload) {
        out += std::to_string(kind) + ":" + std::string(payload);
      });
      decoder.feed(stream.substr(0, cut));
      decoder.feed(stream.substr(cut));
      CHECK(out == "1:out line\n2:err line\n1:");
      CHECK(decoder.pending() == 0);
    }
  }

  TEST_CASE("JSON-lines progress: messages split across chunks, and non-JSON lines kept") {
    std::vector<json> messages;
    JsonLineDecoder decoder([&](const json& m) { messages.push_back(m); });
    decoder.feed("{\"stream\":\"Step 1/2 : FR");
    decoder.feed(
        "OM x\\n\"}\r\n{\"aux\":{\"ID\":\"sha256:1\"}}\r\nnot json\n{\"stream\":\"tail\"}");
    decoder.finish();
    REQUIRE(messages.size() == 4);
    CHECK(messages[0]["stream"] == "Step 1/2 : FROM x\n");
    CHECK(messages[1]["aux"]["ID"] == "sha256:1");
    CHECK(messages[2]["stream"] == "not json\n");
    CHECK(messages[3]["stream"] == "tail");
  }

  TEST_CASE("a failing build step is reported with its instruction, exit code and last lines") {
    BuildTranscript transcript;
    for (
        const char* line :
        {R"({"stream":"Step 1/4 : FROM local/debian:bookworm\n"})",
         R"({"stream":" ---\u003e 0123\n"})",
         R"({"stream":"Step 2/4 : RUN apt-get install -y no-such-package\n"})",
         R"({"stream":" ---\u003e Running in 77\n"})", R"({"stream":"Reading package lists..."})",
         R"({"stream":"\n"})",
         R"({"stream":"\u001b[91mE: Unable to locate package no-such-package\n\u001b[0m"})",
         R"({"errorDetail":{"code":100,"message":"The command '/bin/sh -c apt-get install -y no-such-package' returned a non-zero code: 100"},"error":"The command ... returned a non-zero code: 100"})"}) {
      transcript.add(json::parse(line));
    }
    REQUIRE(transcript.failed());
    std::string report = transcript.failure_report("jobc-env:abc");
    CHECK(report.find("building jobc-env:abc failed at step 2/4: RUN apt-get install -y "
                      "no-such-package") == 0);
    CHECK(report.find("exited with code 100") != std::string::npos);
    CHECK(report.find("    E: Unable to locate package no-such-package") != std::string::npos);
    CHECK(report.find("Running in") == std::string::npos);
    CHECK(report.find("\x1b[") == std::string::npos);
  }

  TEST_CASE("a build: the query, the context as the body, plain progress lines") {
    jobc::testing::TempDir dir;
    std::ofstream(dir.path / "ctx.tar") << "TARBYTES";
    auto transport = std::make_shared<FakeTransport>();
    transport->on("POST", "/build", 200, "",
                  {R"({"stream":"Step 1/1 : FROM x\n"})"
                   "\r\n",
                   R"({"aux":{"ID":"sha256:9"}})"
                   "\r\n"
                   R"({"stream":"Successfully tagged jobc-env:1\n"})"
                   "\r\n"});
    EngineClient engine(transport, {"/x.sock", "http://localhost", "unix:///x.sock"});
    engine.set_api_version("1.41");
    BuildRequest request;
    request.tag = "jobc-env:1";
    request.context_tar = dir.path / "ctx.tar";
    request.no_cache = true;
    std::ostringstream progress;
    jobc::Status built = build_image(engine, request, progress, false);
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    auto sent = transport->find("POST", "/build");
    REQUIRE(sent);
    CHECK(sent->path ==
          "/build?t=jobc-env%3A1&dockerfile=.jobc%2FDockerfile&networkmode=host&rm=1&forcerm=1"
          "&nocache=1");
    CHECK(sent->body == "TARBYTES");
    CHECK(progress.str().find("jobc: Step 1/1 : FROM x\n") != std::string::npos);
    CHECK(progress.str().find("\r") == std::string::npos);
    CHECK(progress.str().find("built jobc-env:1") != std::string::npos);
  }

  TEST_CASE("on a terminal, progress is one line redrawn in place") {
    std::ostringstream out;
    {
      ProgressDisplay display(out, true, "jobc: ");
      display.show("building: Step 1/2");
      display.say("done");
    }
    CHECK(out.str().find("\r\033[K") != std::string::npos);
    CHECK(out.str().find("jobc: done\n") != std::string::npos);
  }
}
