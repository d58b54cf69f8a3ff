// Unit tests of following an Azure ML job without the services: which logs are streamed,
// what each run-history status means for jobc, and which downloaded blob names may land.
#include <doctest/doctest.h>

#include "backends/azureml/service/download_paths.h"
#include "backends/azureml/service/job_watch.h"
#include "backends/azureml/service/log_selection.h"

namespace {

using jobc::JobExit;
using jobc::JobPhase;
using jobc::RunStatus;
using jobc::azureml::job_state;
using jobc::azureml::JobDetails;
using jobc::azureml::local_path_for_blob;
using jobc::azureml::select_logs;
using Names = std::vector<std::string>;

JobDetails with_status(std::string status, std::string error = "") {
  JobDetails details;
  details.status = std::move(status);
  details.error = std::move(error);
  return details;
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE("a single-process job streams its std_log.txt") {
    CHECK(select_logs({"azureml-logs/20_image_build_log.txt", "user_logs/std_log.txt",
                       "system_logs/cs_capability/cs-capability.log"}) ==
          Names{"user_logs/std_log.txt"});
  }

  TEST_CASE("a distributed job streams rank 0 only, as the SDK's pattern selects it") {
    Names names = {"user_logs/std_log_process_1.txt", "user_logs/std_log_process_0.txt",
                   "user_logs/std_log_process_10.txt", "user_logs/std_log_process_2.txt"};
    CHECK(select_logs(names) == Names{"user_logs/std_log_process_0.txt"});
    CHECK(select_logs({"user_logs/std_log_node_00_ps.txt", "user_logs/std_log_node_01_ps.txt",
                       "user_logs/std_log_node_00_worker.txt"}) ==
          Names{"user_logs/std_log_node_00_ps.txt"});
  }

  TEST_CASE("the rank-0 pattern is matched from the start of the name, as Python's re.match") {
    CHECK(select_logs({"old/user_logs/std_log.txt", "user_logs/std_log.txt.1"}) ==
          Names{"user_logs/std_log.txt.1"});
  }

  TEST_CASE("without a std_log the job type's own log is streamed, sorted") {
    Names command = {"azureml-logs/70_driver_log.txt", "azureml-logs/55_azureml-execution.txt",
                     "azureml-logs/hyperdrive.txt", "logs/azureml/executionlogs.txt"};
    CHECK(select_logs(command) ==
          Names{"azureml-logs/55_azureml-execution.txt", "azureml-logs/70_driver_log.txt"});
    CHECK(select_logs(command, "Sweep") == Names{"azureml-logs/hyperdrive.txt"});
    CHECK(select_logs(command, "pipeline") == Names{"logs/azureml/executionlogs.txt"});
    CHECK(select_logs(command, "AutoML").empty());
    CHECK(select_logs({"system_logs/lifecycler/execution-wrapper.log"}).empty());
  }

  TEST_CASE("statuses before the job runs are Queued with the status as the reason") {
    for (const char* status :
         {"NotStarted", "Queued", "Preparing", "Provisioning", "Starting", "Scheduled"}) {
      CAPTURE(status);
      auto state = job_state(with_status(status));
      REQUIRE(std::holds_alternative<JobPhase>(state));
      CHECK(std::get<JobPhase>(state).status == RunStatus::Queued);
      CHECK(std::get<JobPhase>(state).reason == std::string("Azure ML job is ") + status);
    }
  }

  TEST_CASE("running, finalizing and cancel-requested jobs are Running") {
    for (const char* status : {"Running", "Finalizing", "CancelRequested"}) {
      CAPTURE(status);
      auto state = job_state(with_status(status));
      REQUIRE(std::holds_alternative<JobPhase>(state));
      CHECK(std::get<JobPhase>(state) == JobPhase{RunStatus::Running, "", 0});  // no start time
    }
    auto unknown = job_state(with_status("Unknown"));
    REQUIRE(std::holds_alternative<JobPhase>(unknown));
    CHECK(std::get<JobPhase>(unknown).status == RunStatus::Running);
  }

  TEST_CASE("a running job's start is run history's startTimeUtc") {
    JobDetails details = with_status("Running");
    details.raw = {{"startTimeUtc", "2026-11-30T20:12:38.250Z"}};
    auto state = job_state(details);
    REQUIRE(std::holds_alternative<JobPhase>(state));
    CHECK(std::get<JobPhase>(state).started_ms == 1796069558250);
    details.raw = {{"startTimeUtc", "2026-11-30T20:12:38.2500000+00:00"}};
    CHECK(std::get<JobPhase>(job_state(details)).started_ms == 1796069558250);
    details.raw = {{"startTimeUtc", nullptr}};
    CHECK(std::get<JobPhase>(job_state(details)).started_ms == 0);
  }

  TEST_CASE("a completed job exits 0 with no reason") {
    auto state = job_state(with_status("Completed"));
    REQUIRE(std::holds_alternative<JobExit>(state));
    const auto& exit = std::get<JobExit>(state);
    CHECK(exit.code == 0);
    CHECK(exit.reason.empty());
    CHECK_FALSE(exit.canceled);
  }

  TEST_CASE("a failed job exits 1 with its error as the reason") {
    auto state = job_state(with_status("Failed", "(UserError) Execution failed"));
    REQUIRE(std::holds_alternative<JobExit>(state));
    CHECK(std::get<JobExit>(state).code == 1);
    CHECK(std::get<JobExit>(state).reason == "(UserError) Execution failed");
    auto silent = job_state(with_status("NotResponding"));
    REQUIRE(std::holds_alternative<JobExit>(silent));
    CHECK(std::get<JobExit>(silent).code == 1);
    CHECK(std::get<JobExit>(silent).reason == "Azure ML job ended NotResponding");
    auto paused = job_state(with_status("Paused"));
    REQUIRE(std::holds_alternative<JobExit>(paused));
    CHECK(std::get<JobExit>(paused).code == 1);
    CHECK(std::get<JobExit>(paused).reason.find("Paused") != std::string::npos);
  }

  TEST_CASE("a canceled job is recorded canceled") {
    auto state = job_state(with_status("Canceled"));
    REQUIRE(std::holds_alternative<JobExit>(state));
    CHECK(std::get<JobExit>(state).canceled);
  }

  TEST_CASE("jobs are looked at every 2 s at first, then less often, up to a minute apart") {
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    CHECK(jobc::azureml::look_interval(seconds(0)) == milliseconds(2000));
    CHECK(jobc::azureml::look_interval(seconds(20)) == milliseconds(2000));
    // 60 / (1 + 100 e^-3) = 10.0356 s
    CHECK(jobc::azureml::look_interval(seconds(60)) == milliseconds(10035));
    CHECK(jobc::azureml::look_interval(seconds(300)) > milliseconds(59900));
    CHECK(jobc::azureml::look_interval(seconds(300)) <= milliseconds(60000));
  }

  TEST_CASE("blob names under the job's prefix become paths inside the destination") {
    CHECK(local_path_for_blob("outputs/model/model.bin").value() == "outputs/model/model.bin");
    CHECK(local_path_for_blob("outputs/model/").value() == "outputs/model");
    CHECK(local_path_for_blob("logs/a..b/..c").value() == "logs/a..b/..c");
  }

  TEST_CASE("blob names that could leave the destination are refused") {
    for (const char* name :
         {"../escape.txt", "outputs/../../escape.txt", "/etc/passwd", "outputs\\..\\..\\escape.txt",
          "outputs//x", "./x", "outputs/.", "", "/", "outputs/x\ny", ".."}) {
      CAPTURE(name);
      auto path = local_path_for_blob(name);
      REQUIRE_FALSE(path.ok());
      CHECK(path.error().message.find("refused blob name") == 0);
    }
  }
}
