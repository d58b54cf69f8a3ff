// A Slurm job array whose tasks are jobc runs (a sweep's trials): the one job-submit payload
// made from the runs' own payloads, and what slurmrestd's records say about one task.
//
// Slurm gives every task of an array the same job: the same script, environment and paths.
// So the payload keeps what the runs share, and passes each run's own variables under a
// prefix, JOBC_TASK<i>_<NAME>, except a variable that differs only by each task's run id
// (its stage), which goes once with kSlurmRunIdPlaceholder in it: the request stays small.
// A dispatcher at the top of the script exports task i's variables under their names, puts
// its run id in place of the placeholder, and removes every task's (no task sees another's
// tracking token), then sends
// the task's output to its run's STAGE/std_log.txt. The array is queued before jobc prepares
// the runs, so a task first waits for its run's stage to be ready.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/result.h"

namespace jobc::slurm {

// Slurm's `array` for `count` tasks numbered from 0, at most `max_running` running at once
// (0: no limit): "0-9", "0-9%3".
std::string job_array_spec(size_t count, long long max_running);

// The prefix of task `task`'s own variables in the array's environment: "JOBC_TASK3_".
std::string array_task_prefix(size_t task);

// What the whole array is: the runs' parent run (the sweep) and where the tasks start.
struct JobArrayShape {
  long long max_running = 0;      // 0: no limit
  std::string parent_run_id;      // the sweep's run id; empty: the first task's name
  std::string working_directory;  // the compute's staging_dir, which every node sees
};

// One job-submit payload running `tasks` (each run's own payload, ready to submit) as tasks
// 0..N-1 of a job array. An error naming the field when the runs differ in more than their
// name, comment, paths and environment ("the runs differ in time_limit: they cannot go as
// one job array"). Deterministic: the same tasks give the same payload.
Result<nlohmann::json> job_array_payload(const std::vector<nlohmann::json>& tasks,
                                         const JobArrayShape& shape);

// The bash preamble of the array's script (shebang included): task SLURM_ARRAY_TASK_ID's
// variables under their names, no task's prefixed ones; then it waits for STAGE/.jobc-ready
// (the run is prepared; it holds MLFLOW_TRACKING_URI) for at most 10 minutes (tests shorten
// that with JOBC_READY_WAIT_TENTHS), and sends the output to STAGE/std_log.txt.
std::string job_array_dispatcher();

// The task ids a meta record's array_task_string names, the ones still pending in it:
// "2-5%2", "5", "1,3-4", "0-9:2" ("%N" is the running limit); "" names none. nullopt when
// the text is not such a list.
struct ArrayTaskRange {
  long long first = 0;
  long long last = 0;
  long long step = 1;
};
std::optional<std::vector<ArrayTaskRange>> parse_array_task_string(std::string_view text);
// Whether `text` (as above) names task `task`; false when it cannot be read.
bool array_task_string_names(std::string_view text, long long task);

// Task `task` of array `array_job` in the records GET job/<array_job> returns (the meta
// record of the pending tasks, and each task split out of it, running or ended).
struct ArrayTaskLookup {
  enum class Found {
    Record,   // its own record (split out, or the meta record once it is the last task)
    Pending,  // still pending inside the meta record: `record` is the meta record
    Absent,   // neither: canceled while pending, or purged
  };
  Found found = Found::Absent;
  nlohmann::json record;
};
ArrayTaskLookup find_array_task(const nlohmann::json& records, long long array_job, long long task);

}  // namespace jobc::slurm
