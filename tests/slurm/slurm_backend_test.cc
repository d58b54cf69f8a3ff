// The Slurm backend against a fake slurmrestd: Slurm states mapped to jobc's, the client's
// requests and error messages, version discovery, output streaming, and an outage of
// slurmrestd during the wait (retried, then given up).
#include <doctest/doctest.h>
#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "backends/slurm/slurm_backend.h"
#include "backends/slurm/slurm_client.h"
#include "backends/slurm/slurm_compute.h"
#include "backends/slurm/slurm_state.h"
#include "common/run_command.h"
#include "common/temp_dir.h"
#include "jobc/backend_registry.h"
#include "jobc/compile.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using jobc::HttpRequest;
using jobc::HttpResponse;
using jobc::HttpResult;

namespace {

class FakeSlurm : public jobc::HttpTransport {
 public:
  std::function<HttpResult(const HttpRequest&)> answer;
  std::vector<HttpRequest> requests;
  HttpResult perform(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    requests.push_back(request);
    return answer(request);
  }

 private:
  std::mutex mutex_;
};

HttpResult json_answer(long status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

HttpResult refused() {
  return jobc::HttpError("Couldn't connect to server", jobc::HttpError::Kind::Refused);
}

// slurmrestd's answer to a path it does not serve (an API version without its plugin).
HttpResult not_found() {
  HttpResponse response;
  response.status = 404;
  response.body = "Unable find requested URL. Please view /openapi/v3 for API reference.";
  return response;
}

json job_record(long long id, const std::string& state, long long exit_code = 0) {
  return {{"jobs",
           {{{"job_id", id},
             {"job_state", state},
             {"exit_code", exit_code},
             {"state_reason", "None"},
             {"nodes", "n[1-2]"},
             {"time_limit", 1}}}},
          {"errors", json::array()}};
}

std::string header(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

const char* kToken = "eyJhbGciOiJIUzI1NiJ9.secret-test-token.sig";

// monitor.json's compute: the fake slurmrestd, the test's token, stages under `staging_dir`.
json test_compute(const fs::path& staging_dir) {
  return {{"type", "slurm"},
          {"endpoint", "http://127.0.0.1:6820/"},
          {"user", "alice"},
          {"token_env", "JOBC_TEST_SLURM_JWT"},
          {"staging_dir", staging_dir.string()},
          {"api_version", "v0.0.38"}};
}

// The compute spec `compute` (test_compute's) says, as the model holds it.
jobc::model::Compute model_compute(const json& compute) {
  jobc::model::Compute model;
  model.type.value = "slurm";
  model.settings.kind = jobc::model::Value::Kind::Map;
  for (const auto& [key, value] : compute.items()) {
    if (key == "type") continue;
    jobc::model::Value text;
    text.kind = jobc::model::Value::Kind::String;
    text.text = value.get<std::string>();
    model.settings.members.emplace_back(key, text);
  }
  return model;
}

// A run context as prepare() leaves it: the payload in artifacts, a staging folder.
struct Run {
  jobc::testing::TempDir dir;
  jobc::RunContext context;
  Run() {
    setenv("JOBC_TEST_SLURM_JWT", kToken, 1);
    context.run.id = "exp_1_abcd";
    context.run_dir = dir.path / "run";
    context.work_dir = dir.path / "run/work";
    context.artifacts_dir = dir.path / "run/artifacts";
    context.log_file = dir.path / "run/std_log.txt";
    fs::create_directories(context.work_dir);
    fs::create_directories(context.artifacts_dir / "slurm");
    fs::create_directories(dir.path / "stage/exp_1_abcd/work/outputs");
    std::ofstream(context.artifacts_dir / "slurm/job.json") << json{
        {"job", {{"name", "x"}, {"current_working_directory", "/s/@JOBC_RUN_ID@/work"}}},
        {"script", "#!/bin/bash\ntrue\n"}}.dump();
    context.compute = test_compute(dir.path / "stage");
    context.backend_state = {{"stage", (dir.path / "stage/exp_1_abcd").string()},
                             {"timeout_seconds", 30}};
  }
  fs::path stage() const { return dir.path / "stage/exp_1_abcd"; }
};

// Polls until the job ends or `seconds` pass.
std::optional<jobc::JobExit> wait_exit(jobc::Backend& backend, jobc::RunContext& context,
                                       int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (auto exit = backend.poll(context, 100)) return exit;
  }
  return std::nullopt;
}

// Runs prepared for one job array, as a sweep's trials: each its own folder, payload and
// tracking token, the same compute.
struct Group {
  jobc::testing::TempDir dir;
  std::vector<jobc::RunContext> contexts;
  explicit Group(size_t count) {
    setenv("JOBC_TEST_SLURM_JWT", kToken, 1);
    contexts.resize(count);
    for (size_t i = 0; i < count; ++i) {
      jobc::RunContext& context = contexts[i];
      std::string id = "trial_" + std::to_string(i);
      context.run.id = id;
      context.run.parent_id = "sweep_1";
      context.run_dir = dir.path / "runs" / id;
      context.work_dir = context.run_dir / "work";
      context.artifacts_dir = context.run_dir / "artifacts";
      context.log_file = context.run_dir / "std_log.txt";
      fs::create_directories(context.work_dir);
      fs::create_directories(context.artifacts_dir / "slurm");
      fs::create_directories(stage(i) / "work/outputs");
      std::string staged = (dir.path / "stage/@JOBC_RUN_ID@").string();
      std::ofstream(context.artifacts_dir / "slurm/job.json") << json{
          {"job",
           {{"name", "train"},
            {"partition", "debug"},
            {"current_working_directory", staged + "/work"},
            {"standard_output", staged + "/std_log.txt"},
            {"environment",
             {{"PATH", "/usr/bin:/bin"},
              {"JOBC_RUN_ID", "@JOBC_RUN_ID@"},
              {"JOBC_STAGE_DIR", staged}}}}},
          {"script", "#!/bin/bash\ntrue\n"}}.dump();
      context.tracking_environment = {
          {"MLFLOW_TRACKING_URI", "http://10.0.0.1:400" + std::to_string(i)},
          {"MLFLOW_TRACKING_TOKEN", tracking_token(i)}};
      context.compute = test_compute(dir.path / "stage");
      context.backend_state = {{"stage", stage(i).string()}, {"timeout_seconds", 0}};
    }
  }
  // What compiling the runs' job made: their payload, the run id a placeholder.
  jobc::CompileResult compiled() const {
    jobc::CompileResult result;
    result.outputs.add("slurm/job.json",
                       jobc::testing::slurp(contexts.front().artifacts_dir / "slurm/job.json"));
    return result;
  }
  static std::string tracking_token(size_t i) {
    return "mlflow-secret-" + std::to_string(i) + "-x";
  }
  fs::path stage(size_t i) const { return dir.path / "stage" / ("trial_" + std::to_string(i)); }
  std::vector<jobc::RunContext*> pointers() {
    std::vector<jobc::RunContext*> out;
    for (auto& context : contexts) out.push_back(&context);
    return out;
  }
  // Whether any file under the runs' folders and stages holds `text`.
  bool any_file_holds(const std::string& text) const {
    for (const auto& entry : fs::recursive_directory_iterator(dir.path)) {
      if (entry.is_regular_file() &&
          jobc::testing::slurp(entry.path()).find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
};

HttpResult submitted_as(long long id) {
  return json_answer(200, {{"job_id", id}, {"errors", json::array()}});
}

// slurmrestd's answer to GET job/A_T while task T is still pending inside its array.
HttpResult task_not_split_out(const std::string& task) {
  return json_answer(400, {{"errors",
                            {{{"description", "Unable to find JobId=" + task},
                              {"error_number", 9002},
                              {"error",
                               "Jobs description entry not found, empty or not "
                               "dictionary or list"}}}}});
}

json array_meta(long long array, const std::string& pending) {
  return {{"job_id", array},          {"array_job_id", array},
          {"array_task_id", nullptr}, {"array_task_string", pending},
          {"job_state", "PENDING"},   {"state_reason", "JobArrayTaskLimit"}};
}

json array_task(long long id, long long array, long long task, const std::string& state) {
  return {{"job_id", id},           {"array_job_id", array},
          {"array_task_id", task},  {"array_task_string", ""},
          {"job_state", state},     {"exit_code", 0},
          {"state_reason", "None"}, {"nodes", "n1"}};
}

HttpResult records(std::vector<json> jobs) {
  return json_answer(200, {{"jobs", jobs}, {"errors", json::array()}});
}

}  // namespace

namespace {

// The error of a Slurm call that must fail.
template <class T>
jobc::slurm::SlurmError failure_of(const jobc::slurm::SlurmResult<T>& result) {
  REQUIRE_FALSE(result);
  return result.error();
}

}  // namespace

TEST_SUITE("slurm_backend") {
  TEST_CASE("Slurm job states map to jobc's, with the reason") {
    using jobc::slurm::view_job;
    json job = job_record(7, "PENDING")["jobs"][0];
    job["state_reason"] = "Resources";
    CHECK(!view_job(job, 0).exit);
    CHECK(view_job(job, 0).phase.status == jobc::RunStatus::Queued);
    CHECK(view_job(job, 0).phase.reason == "Slurm job 7 is PENDING (Resources)");
    job["job_state"] = "CONFIGURING";  // nodes allocated, still booting
    CHECK(view_job(job, 0).phase.status == jobc::RunStatus::Queued);
    job["start_time"] = 1700000000;  // for a pending job, only Slurm's estimate
    CHECK(view_job(job, 0).phase.started_ms == 0);
    job["state_reason"] = "None";
    job["job_state"] = "RUNNING";
    CHECK(view_job(job, 0).running);
    CHECK(!view_job(job, 0).exit);
    CHECK(view_job(job, 0).phase == jobc::JobPhase{jobc::RunStatus::Running, "", 1700000000000});
    job["start_time"] = {{"set", true}, {"infinite", false}, {"number", 1700000001}};  // v0.0.39+
    CHECK(view_job(job, 0).phase.started_ms == 1700000001000);
    job["start_time"] = 1700000000;
    job["job_state"] = "COMPLETING";
    CHECK(!view_job(job, 0).exit);
    CHECK(view_job(job, 0).phase.status == jobc::RunStatus::Running);

    job["job_state"] = "COMPLETED";
    CHECK(view_job(job, 0).phase.started_ms == 1700000000000);  // also once it has ended
    auto completed = view_job(job, 0).exit;
    REQUIRE(completed);
    CHECK(completed->code == 0);
    CHECK(completed->reason.empty());

    job["job_state"] = "FAILED";
    job["exit_code"] = 3 << 8;
    auto failed = view_job(job, 0).exit;
    REQUIRE(failed);
    CHECK(failed->code == 3);
    CHECK(failed->reason.empty());  // the monitor says "exit code 3"

    job["exit_code"] = 9;  // killed by SIGKILL
    CHECK(view_job(job, 0).exit->signal == 9);
    CHECK(view_job(job, 0).exit->code == 137);

    job["job_state"] = "CANCELLED";
    job["exit_code"] = 15;
    auto canceled = view_job(job, 0).exit;
    CHECK(canceled->canceled);
    CHECK(canceled->reason.find("canceled in Slurm") != std::string::npos);

    job["job_state"] = "TIMEOUT";
    auto timeout = view_job(job, 45).exit;
    CHECK(!timeout->canceled);
    CHECK(timeout->reason.find("timeout: reached the Slurm time limit of 1 min") == 0);
    CHECK(timeout->reason.find("limits.timeout 45 s") != std::string::npos);

    for (std::string state : {"NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"}) {
      job["job_state"] = state;
      job["exit_code"] = 0;
      auto exit = view_job(job, 0).exit;
      REQUIRE(exit);
      CHECK_MESSAGE(!exit->reason.empty(), state);
    }
    job["job_state"] = "NODE_FAIL";
    CHECK(view_job(job, 0).exit->reason.find("n[1-2]") != std::string::npos);
  }

  TEST_CASE("requests carry the user and token; errors say status and Slurm's errors") {
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [](const HttpRequest&) {
      return json_answer(
          500,
          {{"errors", {{{"error", "Invalid partition name specified"}, {"error_code", 2000}}}}});
    };
    setenv("JOBC_TEST_SLURM_JWT", kToken, 1);
    jobc::slurm::SlurmClient client(
        fake, "http://127.0.0.1:6820", "alice",
        jobc::slurm::token_source({{"token_env", "JOBC_TEST_SLURM_JWT"}}), "v0.0.38");
    jobc::slurm::SlurmError error;
    error = failure_of(client.submit({{"job", json::object()}, {"script", "#!/bin/bash\n"}}));
    REQUIRE(fake->requests.size() == 1);
    CHECK(fake->requests[0].method == "POST");
    CHECK(fake->requests[0].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/submit");
    CHECK(header(fake->requests[0], "X-SLURM-USER-NAME") == "alice");
    CHECK(header(fake->requests[0], "X-SLURM-USER-TOKEN") == kToken);
    CHECK(error.status == 500);
    CHECK(error.message.find("HTTP 500") != std::string::npos);
    CHECK(error.message.find("Invalid partition name specified (error 2000)") != std::string::npos);
    CHECK(error.message.find(kToken) == std::string::npos);
    CHECK(!error.unreachable);

    fake->answer = [](const HttpRequest&) {
      return json_answer(500, {{"errors",
                                {{{"error", "Invalid job id specified"},
                                  {"description", "Unable to find JobId=9"},
                                  {"error_number", 2017}}}}});
    };
    error = failure_of(client.job({9, std::nullopt}));
    CHECK(error.job_gone);

    fake->answer = [](const HttpRequest&) {
      return json_answer(500, {{"errors",
                                {{{"error", "Unable to contact slurm controller (connect failure)"},
                                  {"error_code", 1800}}}}});
    };
    error = failure_of(client.submit(json::object()));
    CHECK(error.unreachable);

    fake->answer = [](const HttpRequest&) { return refused(); };
    error = failure_of(client.ping());
    CHECK(error.unreachable);

    fake->answer = [](const HttpRequest&) {
      HttpResponse response;
      response.status = 401;
      response.body = "Authentication failure";
      return response;
    };
    error = failure_of(client.ping());
    CHECK(error.message.find("HTTP 401: Authentication failure") != std::string::npos);
  }

  TEST_CASE("no token: a clear error, and no request") {
    auto fake = std::make_shared<FakeSlurm>();
    unsetenv("JOBC_TEST_NO_SUCH_JWT");
    jobc::slurm::SlurmClient client(
        fake, "http://127.0.0.1:6820", "alice",
        jobc::slurm::token_source({{"token_env", "JOBC_TEST_NO_SUCH_JWT"}}), "v0.0.38");
    jobc::slurm::SlurmError error;
    error = failure_of(client.ping());
    CHECK(fake->requests.empty());
    CHECK(error.message.find("JOBC_TEST_NO_SUCH_JWT") != std::string::npos);

    jobc::testing::TempDir dir;
    std::ofstream(dir.path / "token") << "SLURM_JWT=" << kToken << "\n";
    auto from_file = jobc::slurm::token_source({{"token_file", (dir.path / "token").string()}})();
    REQUIRE(from_file);
    CHECK(*from_file == kToken);
  }

  TEST_CASE("without an api_version jobc's own is used; /openapi/v3 explains a refusal") {
    json openapi = {{"paths",
                     {{"/slurm/v0.0.37/job/submit", json::object()},
                      {"/slurm/v0.0.38/job/submit", json::object()},
                      {"/slurm/v0.0.38/ping", json::object()}}}};
    auto chosen = jobc::slurm::choose_api_version(openapi);
    REQUIRE(chosen);
    CHECK(*chosen == "v0.0.38");
    json newer = {{"paths", {{"/slurm/v0.0.40/job/submit", json::object()}}}};
    auto refused = jobc::slurm::choose_api_version(newer);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("v0.0.40") != std::string::npos);

    setenv("JOBC_TEST_SLURM_JWT", kToken, 1);
    auto token = jobc::slurm::token_source({{"token_env", "JOBC_TEST_SLURM_JWT"}});
    SUBCASE("a daemon with v0.0.38: one request, the submit") {
      auto fake = std::make_shared<FakeSlurm>();
      fake->answer = [&](const HttpRequest&) {
        return json_answer(200, {{"job_id", 5}, {"errors", json::array()}});
      };
      jobc::slurm::SlurmClient client(fake, "http://h:1", "u", token, "");
      CHECK(client.version() == "v0.0.38");
      CHECK(fake->requests.empty());
      auto id = client.submit(json::object());
      REQUIRE(id);
      CHECK(*id == 5);
      REQUIRE(fake->requests.size() == 1);
      CHECK(fake->requests.back().url == "http://h:1/slurm/v0.0.38/job/submit");
    }
    SUBCASE("a daemon without it: the 404, then the versions it offers") {
      auto fake = std::make_shared<FakeSlurm>();
      fake->answer = [&](const HttpRequest& request) {
        return request.url.ends_with("/openapi/v3") ? json_answer(200, newer) : not_found();
      };
      jobc::slurm::SlurmClient client(fake, "http://h:1", "u", token, "");
      jobc::slurm::SlurmError failure;
      failure = failure_of(client.submit(json::object()));
      CHECK(failure.message.find("it offers v0.0.40") != std::string::npos);
      CHECK(failure.message.find("api_version") != std::string::npos);
      CHECK(fake->requests.size() == 2);
    }
    SUBCASE("a version the compute names is used as it is, and a 404 stays a 404") {
      auto fake = std::make_shared<FakeSlurm>();
      fake->answer = [&](const HttpRequest&) { return not_found(); };
      jobc::slurm::SlurmClient client(fake, "http://h:1", "u", token, "v0.0.39");
      jobc::slurm::SlurmError failure;
      failure = failure_of(client.submit(json::object()));
      CHECK(failure.message.find("HTTP 404") != std::string::npos);
      REQUIRE(fake->requests.size() == 1);
      CHECK(fake->requests[0].url == "http://h:1/slurm/v0.0.39/job/submit");
    }
  }

  TEST_CASE("from the submitting process: one POST; the monitor adopts the job it made") {
    using QuickStart = jobc::Backend::QuickStart;
    SUBCASE("accepted: the id is on the run, and a second backend adopts and polls it") {
      Run run;
      auto fake = std::make_shared<FakeSlurm>();
      fake->answer = [&](const HttpRequest& request) {
        if (request.method == "POST") {
          return json_answer(200, {{"job_id", 77}, {"errors", json::array()}});
        }
        return json_answer(200, job_record(77, "COMPLETED"));
      };
      jobc::SlurmBackend submitter(fake);
      REQUIRE(submitter.start_from_submitter(run.context).outcome == QuickStart::Started);
      CHECK(run.context.run.backend_job_id == "77");
      CHECK(submitter.phase().reason == "Slurm job 77 is submitted");
      CHECK(fake->requests.size() == 1);

      jobc::SlurmBackend monitor(fake);
      {
        jobc::Status status = monitor.adopt(run.context);
        REQUIRE_MESSAGE(status.ok(), status.error().message);
      }
      CHECK(monitor.phase().status == jobc::RunStatus::Queued);
      auto exit = wait_exit(monitor, run.context, 5);
      REQUIRE(exit);
      CHECK(exit->code == 0);
      CHECK(fake->requests.size() == 2);  // no second POST
      CHECK(fake->requests[1].url.ends_with("/slurm/v0.0.38/job/77"));
    }
    SUBCASE("refused: Slurm's reason, and the staged files are removed") {
      Run run;
      auto fake = std::make_shared<FakeSlurm>();
      fake->answer = [&](const HttpRequest&) {
        return json_answer(
            500, {{"errors",
                   {{{"error", "Invalid partition name specified"}, {"error_number", 2000}}}}});
      };
      jobc::SlurmBackend submitter(fake);
      auto refused = submitter.start_from_submitter(run.context);
      CHECK(refused.outcome == QuickStart::Refused);
      CHECK(refused.reason.find("Invalid partition name specified") != std::string::npos);
      CHECK(!fs::exists(run.stage()));
      CHECK(run.context.run.backend_job_id.empty());
    }
    SUBCASE("slurmrestd unreachable: deferred to the monitor, which retries") {
      Run run;
      auto fake = std::make_shared<FakeSlurm>();
      fake->answer = [&](const HttpRequest&) { return refused(); };
      jobc::SlurmBackend submitter(fake);
      CHECK(submitter.start_from_submitter(run.context).outcome == QuickStart::Deferred);
      CHECK(fs::exists(run.stage()));  // kept for the monitor's start()
      CHECK(run.context.run.backend_job_id.empty());
    }
    SUBCASE("no job id recorded: nothing to adopt") {
      Run run;
      jobc::SlurmBackend monitor(std::make_shared<FakeSlurm>());
      std::string error;
      {
        jobc::Status status = monitor.adopt(run.context);
        CHECK_FALSE(status.ok());
        if (!status.ok()) error = status.error().message;
      }
      CHECK(error.find("no Slurm job id") != std::string::npos);
    }
  }

  TEST_CASE("start submits with the run id; poll streams the output and maps the end") {
    Run run;
    auto fake = std::make_shared<FakeSlurm>();
    std::deque<std::string> states = {"PENDING", "RUNNING", "RUNNING", "FAILED"};
    fake->answer = [&](const HttpRequest& request) {
      if (request.method == "POST") {
        return json_answer(200, {{"job_id", 42}, {"errors", json::array()}});
      }
      std::string state = states.front();
      if (states.size() > 1) states.pop_front();
      if (state == "RUNNING") std::ofstream(run.stage() / "std_log.txt", std::ios::app) << "line\n";
      return json_answer(200, job_record(42, state, state == "FAILED" ? 3 << 8 : 0));
    };
    jobc::SlurmBackend backend(fake);
    CHECK(backend.phase().status == jobc::RunStatus::Queued);  // while it is submitted
    std::string error;
    {
      jobc::Status status = backend.start(run.context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    CHECK(run.context.run.backend_job_id == "42");
    json body = json::parse(fake->requests[0].body);
    CHECK(body["job"]["current_working_directory"] == "/s/exp_1_abcd/work");
    // Queued while Slurm says PENDING, Running once it says RUNNING.
    std::vector<jobc::JobPhase> phases = {backend.phase()};
    std::optional<jobc::JobExit> exit;
    for (int i = 0; i < 200 && !exit; ++i) {
      exit = backend.poll(run.context, 100);
      if (!exit && backend.phase() != phases.back()) phases.push_back(backend.phase());
    }
    REQUIRE(phases.size() == 3);
    CHECK(phases[0] == jobc::JobPhase{jobc::RunStatus::Queued, "Slurm job 42 is submitted"});
    CHECK(phases[1] == jobc::JobPhase{jobc::RunStatus::Queued, "Slurm job 42 is PENDING"});
    CHECK(phases[2].status == jobc::RunStatus::Running);
    REQUIRE(exit);
    CHECK(exit->code == 3);
    std::string log = jobc::testing::slurp(run.context.log_file);
    CHECK(log.find("[jobc] Slurm job 42 submitted through slurmrestd v0.0.38") !=
          std::string::npos);
    CHECK(log.find("line\nline\n") != std::string::npos);
    CHECK(log.find(kToken) == std::string::npos);

    std::ofstream(run.stage() / "work/outputs/result.txt") << "42\n";
    backend.collect(run.context);
    CHECK(jobc::testing::slurp(run.context.work_dir / "outputs/result.txt") == "42\n");
    CHECK(!fs::exists(run.stage()));  // the staging folder goes once the job has ended
  }

  TEST_CASE("slurmrestd gone for a while during the wait: retried, then the run goes on") {
    Run run;
    auto fake = std::make_shared<FakeSlurm>();
    int gets = 0;
    fake->answer = [&](const HttpRequest& request) {
      if (request.method == "POST") {
        return json_answer(200, {{"job_id", 43}, {"errors", json::array()}});
      }
      ++gets;
      if (gets <= 2) return refused();
      if (gets == 3) {
        return json_answer(500, {{"errors",
                                  {{{"error", "Unspecified error"},
                                    {"description", "Unable to find JobId=43"},
                                    {"error_number", -1}}}}});
      }
      return json_answer(200, job_record(43, "COMPLETED"));
    };
    jobc::SlurmBackend backend(fake);
    std::string error;
    {
      jobc::Status status = backend.start(run.context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    auto exit = wait_exit(backend, run.context, 60);
    REQUIRE(exit);
    CHECK(exit->code == 0);
    CHECK(exit->reason.empty());
    std::string log = jobc::testing::slurp(run.context.log_file);
    CHECK(log.find("cannot reach Slurm") != std::string::npos);
    CHECK(log.find("Slurm answers again") != std::string::npos);
  }

  TEST_CASE("slurmrestd gone for longer than the limit: the run fails saying so") {
    Run run;
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [&](const HttpRequest& request) {
      if (request.method == "POST") {
        return json_answer(200, {{"job_id", 44}, {"errors", json::array()}});
      }
      return refused();
    };
    jobc::SlurmBackend backend(fake);
    backend.set_outage_limit(std::chrono::milliseconds(1500));
    std::string error;
    {
      jobc::Status status = backend.start(run.context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    auto exit = wait_exit(backend, run.context, 30);
    REQUIRE(exit);
    CHECK(exit->reason.find("lost contact with Slurm") == 0);
    CHECK(exit->reason.find("scancel 44") != std::string::npos);
    backend.collect(run.context);
    CHECK(fs::exists(run.stage()));  // the job may still run there
  }

  TEST_CASE("stop cancels with DELETE; force sends KILL") {
    Run run;
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [&](const HttpRequest& request) {
      if (request.method == "POST") {
        return json_answer(200, {{"job_id", 45}, {"errors", json::array()}});
      }
      return json_answer(200, {{"errors", json::array()}});
    };
    jobc::SlurmBackend backend(fake);
    std::string error;
    {
      jobc::Status status = backend.start(run.context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    backend.stop(run.context, false);
    backend.stop(run.context, true);
    REQUIRE(fake->requests.size() == 3);
    CHECK(fake->requests[1].method == "DELETE");
    CHECK(fake->requests[1].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/45");
    CHECK(fake->requests[2].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/45?signal=KILL");
  }

  TEST_CASE("a run whose monitor is gone: its Slurm job is canceled once, from the record") {
    Run run;
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [](const HttpRequest&) { return json_answer(200, {{"errors", json::array()}}); };
    run.context.run.backend_job_id = "46";
    std::string error;
    {
      jobc::Status status = jobc::SlurmBackend(fake).stop_orphaned(run.context);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
    // Asked how the job is (no record here), then canceled.
    REQUIRE(fake->requests.size() == 2);
    CHECK(fake->requests[0].method == "GET");
    CHECK(fake->requests[1].method == "DELETE");
    CHECK(fake->requests[1].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/46");
    fake->answer = [](const HttpRequest&) { return refused(); };
    {
      jobc::Status status = jobc::SlurmBackend(fake).stop_orphaned(run.context);
      CHECK_FALSE(status.ok());
      if (!status.ok()) error = status.error().message;
    }
    CHECK(error.find("scancel 46") != std::string::npos);
    CHECK(fake->requests.size() == 4);       // not retried
    run.context.run.backend_job_id.clear();  // never submitted: nothing to cancel
    {
      jobc::Status status = jobc::SlurmBackend(fake).stop_orphaned(run.context);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
    CHECK(fake->requests.size() == 4);
  }

  TEST_CASE("a Slurm job that ended while its monitor was gone keeps its exit and outputs") {
    Run run;
    std::ofstream(run.stage() / "work/outputs/model.txt") << "trained\n";
    std::ofstream(run.stage() / "std_log.txt") << "epoch 1\n";
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [](const HttpRequest&) {
      return json_answer(200, job_record(47, "FAILED", 3 << 8));
    };
    run.context.run.backend_job_id = "47";
    std::string error;
    jobc::SlurmBackend backend(fake);
    {
      jobc::Status status = backend.stop_orphaned(run.context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    auto exit = backend.orphaned_exit(run.context);
    REQUIRE(exit);
    CHECK(exit->code == 3);
    CHECK(fake->requests.size() == 1);  // nothing to cancel
    CHECK(jobc::testing::slurp(run.context.work_dir / "outputs/model.txt") == "trained\n");
    CHECK(jobc::testing::slurp(run.context.log_file).find("epoch 1") != std::string::npos);
    CHECK_FALSE(fs::exists(run.stage()));
    // A job still running is canceled, its exit unknown.
    fake->answer = [](const HttpRequest& request) {
      return request.method == "GET" ? json_answer(200, job_record(48, "RUNNING"))
                                     : json_answer(200, {{"errors", json::array()}});
    };
    run.context.run.backend_job_id = "48";
    jobc::SlurmBackend running(fake);
    {
      jobc::Status status = running.stop_orphaned(run.context);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    CHECK_FALSE(running.orphaned_exit(run.context));
    CHECK(fake->requests.back().method == "DELETE");
  }

  TEST_CASE("a submit Slurm refuses fails the start with slurmrestd's words") {
    Run run;
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [](const HttpRequest&) {
      return json_answer(500, {{"errors",
                                {{{"error",
                                   "Invalid account or account/partition combination "
                                   "specified"},
                                  {"error_code", 2045}}}}});
    };
    jobc::SlurmBackend backend(fake);
    std::string error;
    {
      jobc::Status status = backend.start(run.context);
      CHECK_FALSE(status.ok());
      if (!status.ok()) error = status.error().message;
    }
    CHECK(error.find("HTTP 500: Invalid account") != std::string::npos);
    CHECK(fake->requests.size() == 1);  // a definite refusal is not retried
  }

  TEST_CASE("the Slurm compute from the model: what monitor.json keeps, the token's variable") {
    auto text = [](const std::string& value) {
      jobc::model::Value out;
      out.kind = jobc::model::Value::Kind::String;
      out.text = value;
      return out;
    };
    jobc::model::Compute compute;
    compute.type.value = "slurm";
    compute.name.value = "hpc";
    compute.settings.kind = jobc::model::Value::Kind::Map;
    compute.settings.members = {{"endpoint", text("http://127.0.0.1:6820")},
                                {"partition", text("debug")},
                                {"staging_dir", text("/shared/stage/")},
                                {"token_env", text("MY_JWT")},
                                {"user", text("alice")}};
    json kept = jobc::slurm::SlurmCompute::from(compute).to_json();
    CHECK(kept == json{{"type", "slurm"},
                       {"name", "hpc"},
                       {"endpoint", "http://127.0.0.1:6820"},
                       {"user", "alice"},
                       {"staging_dir", "/shared/stage/"},
                       {"partition", "debug"},
                       {"token_env", "MY_JWT"}});
    CHECK(jobc::slurm::token_variable(kept) == "MY_JWT");
    CHECK(jobc::slurm::credential_variables(compute) == std::vector<std::string>{"MY_JWT"});
    // The registry's hook, the default variable, and none with a token file.
    const jobc::BackendEntry* slurm = jobc::backend_for_compute_type("slurm");
    REQUIRE(slurm);
    bool has_hook = slurm->credential_variables != nullptr;
    REQUIRE(has_hook);
    compute.settings.members.erase(compute.settings.members.begin() + 3);
    CHECK(slurm->credential_variables(compute) == std::vector<std::string>{"SLURM_JWT"});
    compute.settings.members.push_back({"token_file", text("/t")});
    CHECK(slurm->credential_variables(compute).empty());
    CHECK(jobc::slurm::SlurmCompute::from(compute).to_json()["token_file"] == "/t");
  }
}

TEST_SUITE("slurm_backend") {
  TEST_CASE("a run's Slurm job is a job id, or Slurm's A_T for a task of a job array") {
    using jobc::slurm::JobRef;
    auto plain = JobRef::parse("471");
    REQUIRE(plain);
    CHECK(plain->job == 471);
    CHECK_FALSE(plain->task);
    CHECK(plain->text() == "471");
    auto task = JobRef::parse("471_3");
    REQUIRE(task);
    CHECK(task->job == 471);
    CHECK(task->task == 3);
    CHECK(task->text() == "471_3");
    for (const char* bad : {"", "x", "0", "-4", "471_", "_3", "471_x", "471_3_1", "471 "}) {
      CHECK_MESSAGE(!JobRef::parse(bad), bad);
    }
  }

  TEST_CASE(
      "a group of runs is queued in Slurm as one job array before they are prepared: one POST, "
      "run i is task A_i, which begins once its run is released") {
    Group group(3);
    jobc::CompileResult compiled = group.compiled();
    jobc::model::Compute compute = model_compute(group.contexts[0].compute);
    for (jobc::RunContext& context : group.contexts) {  // as queue_run_group leaves them
      context.compute = json::object();
      context.backend_state = json::object();
      context.tracking_environment.erase("MLFLOW_TRACKING_URI");  // no endpoint yet
    }
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [&](const HttpRequest& request) {
      if (request.method == "POST") return submitted_as(500);
      return records({array_task(501, 500, 1, "COMPLETED")});
    };
    jobc::SlurmBackend submitter(fake);
    CHECK(submitter.queues_groups());
    {
      jobc::Status status = submitter.queue_group({compiled, &compute, group.pointers(), 2});
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    REQUIRE(fake->requests.size() == 1);
    CHECK(fake->requests[0].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/submit");
    json body = json::parse(fake->requests[0].body);
    CHECK(body["job"]["array"] == "0-2%2");
    CHECK(body["job"]["name"] == "sweep_1");
    CHECK(body["job"]["current_working_directory"] == (group.dir.path / "stage").string());
    json environment = body["job"]["environment"];
    CHECK(environment["JOBC_TASK2_JOBC_RUN_ID"] == "trial_2");
    CHECK(environment["JOBC_TASK0_MLFLOW_TRACKING_TOKEN"] == Group::tracking_token(0));
    CHECK(environment["JOBC_STAGE_DIR"] == (group.dir.path / "stage/@JOBC_RUN_ID@").string());
    CHECK_FALSE(environment.dump().find("MLFLOW_TRACKING_URI") != std::string::npos);
    for (size_t i = 0; i < 3; ++i) {
      const jobc::RunContext& context = group.contexts[i];
      CHECK(context.run.backend_job_id == "500_" + std::to_string(i));
      CHECK(context.backend_state["array_job"] == 500);
      CHECK(context.backend_state["array_task"] == i);
      CHECK(context.compute["staging_dir"] == (group.dir.path / "stage").string());
      CHECK_FALSE(fs::exists(group.stage(i) / ".jobc-ready"));  // no task may begin yet
      CHECK_FALSE(fs::exists(context.log_file));
    }

    // Prepared (prepare() records the digest of the payload it staged), then released.
    for (size_t i = 0; i < 3; ++i) {
      jobc::RunContext& context = group.contexts[i];
      context.backend_state["stage"] = group.stage(i).string();
      context.backend_state["prepared_payload"] = context.backend_state["queued_payload"];
      context.tracking_environment["MLFLOW_TRACKING_URI"] =
          "http://10.0.0.1:400" + std::to_string(i);
      jobc::Status released = jobc::SlurmBackend(fake).release_queued(context);
      REQUIRE_MESSAGE(released.ok(), released.error().message);
      CHECK(jobc::testing::slurp(group.stage(i) / ".jobc-ready") ==
            "http://10.0.0.1:400" + std::to_string(i) + "\n");
      CHECK(jobc::testing::slurp(context.log_file) ==
            "[jobc] Slurm job 500_" + std::to_string(i) + " submitted to partition debug (task " +
                std::to_string(i) +
                " of job array 500, at most 2 at once) through slurmrestd v0.0.38 "
                "(http://127.0.0.1:6820/)\n");
    }
    for (size_t i = 0; i < 3; ++i) CHECK_FALSE(group.any_file_holds(Group::tracking_token(i)));
    CHECK_FALSE(group.any_file_holds(kToken));
    CHECK(fake->requests.size() == 1);  // releasing asks Slurm nothing

    // Each run's monitor adopts its task and follows it alone.
    jobc::SlurmBackend monitor(fake);
    {
      jobc::Status status = monitor.adopt(group.contexts[1]);
      REQUIRE_MESSAGE(status.ok(), status.error().message);
    }
    CHECK(monitor.phase() ==
          jobc::JobPhase{jobc::RunStatus::Queued, "Slurm job 500_1 is submitted"});
    auto exit = wait_exit(monitor, group.contexts[1], 5);
    REQUIRE(exit);
    CHECK(exit->code == 0);
    CHECK(fake->requests.size() == 2);
    CHECK(fake->requests[1].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/500_1");
  }

  TEST_CASE("a queued run prepared with another Slurm job than its task's is not released") {
    Group group(1);
    jobc::RunContext& context = group.contexts[0];
    context.run.backend_job_id = "500_0";
    context.backend_state["queued_payload"] = "digest-a";
    context.backend_state["prepared_payload"] = "digest-b";
    jobc::Status released =
        jobc::SlurmBackend(std::make_shared<FakeSlurm>()).release_queued(context);
    REQUIRE_FALSE(released.ok());
    CHECK(released.error().message ==
          "the run's Slurm job (its artifacts/slurm/job.json) is not the one task 500_0 of its "
          "job array was queued with");
    CHECK_FALSE(fs::exists(group.stage(0) / ".jobc-ready"));
  }

  TEST_CASE("a job array Slurm refuses, or a job compiled for another compute, queues nothing") {
    Group group(2);
    jobc::CompileResult compiled = group.compiled();
    jobc::model::Compute compute = model_compute(group.contexts[0].compute);
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [&](const HttpRequest&) {
      return json_answer(
          500,
          {{"errors", {{{"error", "Invalid partition name specified"}, {"error_number", 2000}}}}});
    };
    for (jobc::RunContext& context : group.contexts) context.run.backend_job_id.clear();
    SUBCASE("refused") {
      jobc::Status status =
          jobc::SlurmBackend(fake).queue_group({compiled, &compute, group.pointers(), 0});
      REQUIRE_FALSE(status.ok());
      CHECK(status.error().message.find("Invalid partition name specified") != std::string::npos);
      CHECK(fake->requests.size() == 1);  // a definite refusal is not retried
    }
    SUBCASE("compiled for another compute") {
      jobc::model::Compute elsewhere = compute;
      for (auto& [key, value] : elsewhere.settings.members) {
        if (key == "staging_dir") value.text = "/elsewhere";
      }
      jobc::Status status =
          jobc::SlurmBackend(fake).queue_group({compiled, &elsewhere, group.pointers(), 0});
      REQUIRE_FALSE(status.ok());
      CHECK(status.error().message.find("it was compiled for another compute") !=
            std::string::npos);
      CHECK(fake->requests.empty());
    }
    for (size_t i = 0; i < 2; ++i) CHECK(group.contexts[i].run.backend_job_id.empty());
  }

  TEST_CASE(
      "an array task pending in its array is Queued with Slurm's reason, then runs and ends") {
    Group group(3);
    group.contexts[1].run.backend_job_id = "500_1";
    auto fake = std::make_shared<FakeSlurm>();
    int polls = 0;
    fake->answer = [&](const HttpRequest& request) {
      bool own = request.url.ends_with("/job/500_1");
      ++polls;
      if (polls <= 4) {  // pending: the task's own GET fails, the array's names it
        return own ? task_not_split_out("500_1") : records({array_meta(500, "1-2%1")});
      }
      if (polls <= 6) return records({array_task(502, 500, 1, "RUNNING")});
      return records({array_task(502, 500, 1, "COMPLETED")});
    };
    jobc::SlurmBackend monitor(fake);
    REQUIRE(monitor.adopt(group.contexts[1]).ok());
    std::vector<jobc::JobPhase> phases = {monitor.phase()};
    std::optional<jobc::JobExit> exit;
    for (int i = 0; i < 200 && !exit; ++i) {
      exit = monitor.poll(group.contexts[1], 100);
      if (!exit && monitor.phase() != phases.back()) phases.push_back(monitor.phase());
    }
    REQUIRE(exit);
    CHECK(exit->code == 0);
    CHECK_FALSE(exit->canceled);
    REQUIRE(phases.size() == 3);
    CHECK(phases[1] == jobc::JobPhase{jobc::RunStatus::Queued,
                                      "Slurm job 500_1 is PENDING (JobArrayTaskLimit)"});
    CHECK(phases[2].status == jobc::RunStatus::Running);
    std::string log = jobc::testing::slurp(group.contexts[1].log_file);
    CHECK(log.find("Slurm job 500_1 is PENDING (JobArrayTaskLimit)") != std::string::npos);
    CHECK(log.find("Slurm job 500_1 is RUNNING on n1") != std::string::npos);
  }

  TEST_CASE(
      "a pending array task asks Slurm less often than a running job (backoff past 2 s), and "
      "reads its whole array once per recheck, not at every query") {
    Group group(2);
    group.contexts[1].run.backend_job_id = "500_1";
    auto fake = std::make_shared<FakeSlurm>();
    int own_gets = 0, array_gets = 0;
    fake->answer = [&](const HttpRequest& request) {
      if (request.url.ends_with("/job/500_1")) {
        ++own_gets;
        return task_not_split_out("500_1");
      }
      ++array_gets;
      return records({array_meta(500, "1")});
    };
    jobc::SlurmBackend monitor(fake);
    REQUIRE(monitor.adopt(group.contexts[1]).ok());
    // Queries at 0, 0.2, 0.6, 1.4 and 3.0 s, then 6.2 s; capped at 2 s, a sixth at 5.0 s.
    CHECK_FALSE(monitor.poll(group.contexts[1], 6000));
    CHECK(own_gets >= 4);
    CHECK(own_gets <= 5);
    CHECK(array_gets == 1);
    CHECK(monitor.phase() == jobc::JobPhase{jobc::RunStatus::Queued,
                                            "Slurm job 500_1 is PENDING (JobArrayTaskLimit)"});
  }

  TEST_CASE("output from an array task last seen pending makes its monitor ask Slurm at once") {
    Group group(2);
    group.contexts[1].run.backend_job_id = "500_1";
    auto fake = std::make_shared<FakeSlurm>();
    int queries = 0;
    fake->answer = [&](const HttpRequest& request) {
      if (request.url.ends_with("/job/500_1")) {
        ++queries;
        return task_not_split_out("500_1");
      }
      return records({array_meta(500, "1")});
    };
    jobc::SlurmBackend monitor(fake);
    REQUIRE(monitor.adopt(group.contexts[1]).ok());
    // Queries at 0, 0.2, 0.6 and 1.4 s; backing off, the next would be at 3.0 s.
    CHECK_FALSE(monitor.poll(group.contexts[1], 1700));
    int before = queries;
    std::ofstream(group.stage(1) / "std_log.txt", std::ios::app) << "the task started\n";
    CHECK_FALSE(monitor.poll(group.contexts[1], 300));
    CHECK(queries == before + 1);
    CHECK(jobc::testing::slurp(group.contexts[1].log_file).find("the task started") !=
          std::string::npos);
  }

  TEST_CASE("an array task canceled while pending vanishes from Slurm: the run is Canceled") {
    Group group(3);
    group.contexts[2].run.backend_job_id = "500_2";
    auto fake = std::make_shared<FakeSlurm>();
    int gets = 0;
    fake->answer = [&](const HttpRequest& request) {
      if (request.url.ends_with("/job/500_2")) return task_not_split_out("500_2");
      ++gets;  // the array's records: task 2 pending, then gone (scancel 500_2)
      return records(
          {array_meta(500, gets <= 1 ? "1-2%1" : "1"), array_task(501, 500, 0, "RUNNING")});
    };
    jobc::SlurmBackend monitor(fake);
    monitor.set_array_recheck(std::chrono::milliseconds(0));  // reads the array at each query
    REQUIRE(monitor.adopt(group.contexts[2]).ok());
    auto exit = wait_exit(monitor, group.contexts[2], 10);
    REQUIRE(exit);
    CHECK(exit->canceled);
    CHECK(exit->reason == "Slurm array task 500_2 was canceled before it started");
  }

  TEST_CASE("an array task Slurm no longer knows, never seen pending, ends as unknown") {
    Group group(3);
    group.contexts[0].run.backend_job_id = "500_0";
    auto fake = std::make_shared<FakeSlurm>();
    fake->answer = [&](const HttpRequest& request) {
      if (request.url.ends_with("/job/500_0")) return task_not_split_out("500_0");
      return json_answer(500, {{"errors",
                                {{{"error", "Invalid job id specified"},
                                  {"description", "Unable to find JobId=500"},
                                  {"error_number", 2017}}}}});
    };
    jobc::SlurmBackend monitor(fake);
    REQUIRE(monitor.adopt(group.contexts[0]).ok());
    auto exit = wait_exit(monitor, group.contexts[0], 20);
    REQUIRE(exit);
    CHECK_FALSE(exit->canceled);
    CHECK(exit->reason.find("Slurm no longer knows job 500_0") == 0);
    CHECK(fake->requests.size() == 6);  // three times asked, each the task then the array
  }

  TEST_CASE("stopping an array task cancels A_T alone; a stopped pending task ends Canceled") {
    Group group(2);
    group.contexts[1].run.backend_job_id = "500_1";
    auto fake = std::make_shared<FakeSlurm>();
    bool canceled = false;
    fake->answer = [&](const HttpRequest& request) {
      if (request.method == "DELETE") {
        canceled = true;
        return json_answer(200, {{"errors", json::array()}});
      }
      if (request.url.ends_with("/job/500_1")) return task_not_split_out("500_1");
      return records({array_task(501, 500, 0, "RUNNING")});  // task 1 gone once canceled
    };
    jobc::SlurmBackend monitor(fake);
    REQUIRE(monitor.adopt(group.contexts[1]).ok());
    monitor.stop(group.contexts[1], false);
    monitor.stop(group.contexts[1], true);
    REQUIRE(fake->requests.size() == 2);
    CHECK(fake->requests[0].method == "DELETE");
    CHECK(fake->requests[0].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/500_1");
    CHECK(fake->requests[1].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/500_1?signal=KILL");
    auto exit = wait_exit(monitor, group.contexts[1], 5);
    REQUIRE(exit);
    CHECK(exit->canceled);
    CHECK(exit->reason == "Slurm array task 500_1 was canceled before it started");

    // From another process, its monitor gone: asked about (pending: no record), canceled.
    fake->requests.clear();
    {
      jobc::Status status = jobc::SlurmBackend(fake).stop_orphaned(group.contexts[1]);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
    REQUIRE(fake->requests.size() == 2);
    CHECK(fake->requests[0].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/500_1");
    CHECK(fake->requests[1].method == "DELETE");
    CHECK(fake->requests[1].url == "http://127.0.0.1:6820/slurm/v0.0.38/job/500_1");
  }
}
