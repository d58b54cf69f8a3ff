// Test helper: a job folder and a private JOBC_HOME for running the jobc binary, with the
// run store's answers read back as JSON.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/run_command.h"
#include "common/temp_dir.h"

namespace jobc::testing {

struct JobcSandbox {
  TempDir dir;
  std::filesystem::path home() const { return dir.path / "home"; }

  // A job spec; every jobc job names an environment (as Azure ML requires), which the local
  // backend does not use.
  std::filesystem::path job(const std::string& yaml, const std::string& name = "job.yml") const {
    std::ofstream(dir.path / name) << yaml << "environment: {image: python:3.11-slim}\n";
    return dir.path / name;
  }
  CommandResult jobc(const std::string& args) const {
    return run_command("JOBC_HOME=" + shell_quote(home().string()) + " " + jobc_command(args));
  }
  nlohmann::json run(const std::string& id) const {
    return nlohmann::json::parse(jobc("runs show --output json " + id).out, nullptr, false);
  }
  // Submits `yaml` with --detach and waits until the run has started (or already ended);
  // its id.
  std::string start(const std::string& yaml) const {
    auto detached = jobc("submit --detach " + shell_quote(job(yaml).string()));
    REQUIRE_MESSAGE(detached.status == 0, detached.err);
    std::string id = detached.out.substr(0, detached.out.find('\n'));
    // Started: Running with the job's id recorded (the monitor's last write until the run
    // ends, so a test may change the record from then on), or ended already.
    for (int i = 0; i < 500; ++i) {
      nlohmann::json now = run(id);
      std::string status = now.value("status", "");
      bool ended = status == "Completed" || status == "Failed" || status == "Canceled";
      if (ended || (status == "Running" && !now.value("backend_job_id", "").empty())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return id;
  }
  // The pid of the jobc process watching run `id`, as the store records it.
  int monitor_of(const std::string& id) const {
    auto pid = run_sql((home() / "runs.db").string(),
                       "select monitor_pid from runs where id = '" + id + "'");
    return pid.status == 0 && !pid.out.empty() ? std::stoi(pid.out) : 0;
  }
};

// True while a process whose command line contains `text` runs. The pattern is written
// "[s]leep 60" so that it does not match the shell running pgrep itself.
inline bool process_running(const std::string& text) {
  std::string pattern = "[" + text.substr(0, 1) + "]" + text.substr(1);
  return run_command("pgrep -f " + shell_quote(pattern)).status == 0;
}

}  // namespace jobc::testing
