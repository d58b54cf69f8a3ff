// A run as jobc records it: its status and what its backend knows of it. Below the run store
// (jobc/run_store.h): backends read and fill it (RunContext) without the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jobc {

enum class RunStatus { Queued, Running, Completed, Failed, Canceled };
std::string_view status_name(RunStatus status);
std::optional<RunStatus> parse_status(std::string_view text);
bool is_terminal(RunStatus status);

struct RunRecord {
  std::string id;
  std::string name;
  std::string display_name;  // the spec's display_name, or empty
  std::string experiment;
  RunStatus status = RunStatus::Queued;
  int64_t created_ms = 0;  // milliseconds since the epoch
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
  std::optional<int> exit_code;
  std::string reason;  // why it failed or was canceled
  std::string spec_hash;
  std::string backend;         // the registry's name of the backend it runs on
  std::string backend_job_id;  // the backend's own id (a process group, a container, a Slurm job)
  int64_t monitor_pid = 0;     // the jobc process that watches the run
  int64_t monitor_start = 0;   // its start time (from /proc), so a reused pid is not mistaken
  std::string job_type;        // "sweep" for a sweep run; empty for a command job
  std::string parent_id;       // a sweep's trial: the sweep run's id
};

}  // namespace jobc
