// A line of jobc's own in a run's std_log.txt ("[jobc] ..."), where the user reads the job's
// output: what a backend has to say while the job runs (a Slurm state, a lost container).
#pragma once

#include <filesystem>
#include <string>

namespace jobc {

// Appends "[jobc] <line>\n" to `log_file`; best effort (a log that cannot be opened is skipped).
void append_run_note(const std::filesystem::path& log_file, const std::string& line);

}  // namespace jobc
