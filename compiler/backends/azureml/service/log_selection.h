// Which of a run's log files to stream, as the SDK's jobs.stream() chooses them: rank 0's
// user_logs/std_log*.txt, else the job type's own log.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jobc::azureml {

// From run history's logFiles names: those matching the SDK's rank-0 pattern
// user_logs/std_log[\D]*[0]*(?:_ps)?\.txt (matched from the start, as Python's re.match);
// when none does, the job type's fallback ("command": azureml-logs/NN….txt, "sweep":
// azureml-logs/hyperdrive.txt, "pipeline": logs/azureml/executionlogs.txt; case-insensitive;
// none for other types). Sorted.
std::vector<std::string> select_logs(const std::vector<std::string>& names,
                                     std::string_view job_type = "command");

}  // namespace jobc::azureml
