// Process helpers for backends: spawning a command in its own process group, telling
// whether a recorded process is still the same live process (pids are reused), and finding
// the processes a job left behind (by a variable in their environment, or as orphans
// adopted by a child subreaper).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jobc/result.h"

namespace jobc {

struct SpawnOptions {
  std::vector<std::string> argv;
  std::string cwd;
  std::map<std::string, std::string> env_overrides;  // added to (or replacing) the environment
  std::vector<std::string> env_remove;               // variables the child must not inherit
  int stdout_fd = -1;                                // -1: inherit
  int stderr_fd = -1;
  bool new_process_group = true;  // so the whole job can be signalled at once
  // Paths the child and its descendants see read-only (support/read_only_mounts.h); when
  // that fails, the child says so on its stderr and runs with them writable.
  std::vector<std::string> read_only_paths;
};

// Forks and execs; returns the child's pid. The exec failure of the child is reported
// through a close-on-exec pipe, so a missing program is an error here.
Result<pid_t> spawn_process(const SpawnOptions& options);

// This process's environment ("NAME=value" strings) without the variables `remove` names.
std::vector<std::string> environment_without(const std::vector<std::string>& remove);

// The kernel's start time of `pid` (field 22 of /proc/PID/stat), or 0 if it does not exist.
int64_t process_start_time(pid_t pid);
// When `pid` started, in milliseconds since the epoch (to the second), or 0 if it does not
// exist.
int64_t process_started_ms(pid_t pid);
// True when `pid` is alive and started at `start_time` (the same process, not a reused pid).
bool same_process_alive(pid_t pid, int64_t start_time);
// True while any process of group `pgid` exists.
bool process_group_alive(pid_t pgid);

// The live processes (zombies excluded) whose environment, as they were started with it,
// holds exactly `entry` ("NAME=value"); only those this process may read (its user's).
std::vector<pid_t> processes_with_environment(const std::string& entry);
// The live children of `parent` (zombies excluded).
std::vector<pid_t> children_of(pid_t parent);

}  // namespace jobc
