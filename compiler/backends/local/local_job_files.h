// What a local job leaves in its run's folder for a jobc other than its monitor (`runs
// cancel`, the reconciliation of runs whose monitor died): who leads its process group
// (pid and start time, so a reused pid is never signalled) and how it exited.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>

namespace jobc {

struct LocalJobLeader {
  pid_t pgid = 0;          // the leader's pid, also its process group's id
  int64_t start_time = 0;  // the leader's start time (process_start_time)
};

// RUN_DIR/local_job.json: the leader of the job's process group.
bool write_job_leader(const std::filesystem::path& run_dir, const LocalJobLeader& leader);
std::optional<LocalJobLeader> read_job_leader(const std::filesystem::path& run_dir);

// RUN_DIR/job_exit: the job's exit status, written (atomically) by the wrapper that runs
// launch.sh when it ends, whether or not the monitor is still there to see it.
std::filesystem::path job_exit_file(const std::filesystem::path& run_dir);
std::optional<int> read_job_exit(const std::filesystem::path& run_dir);

}  // namespace jobc
