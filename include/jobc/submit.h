// Submitting a job: compile it, snapshot its code into a new run's folder, record the run,
// and hand it to a backend through the run monitor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobc/compile.h"
#include "jobc/result.h"
#include "jobc/run_store.h"

namespace jobc {

struct SubmitOptions {
  std::string compute;               // --compute; empty: the job's own `compute:` (default local)
  std::ostream* progress = nullptr;  // where a backend's preparation shows progress (stderr)
  bool rebuild = false;              // --rebuild: rebuild the environment's image anyway
};

struct Submission {
  RunRecord run;
  std::filesystem::path run_dir;
  std::vector<std::string> notices;   // said once to the user (e.g. the image is not used)
  std::vector<std::string> warnings;  // risks the user should act on; -q never hides them
  // Set when the backend refused the job as it was handed over (Backend::QuickStart::Refused):
  // the run is recorded Failed and no monitor runs.
  std::string start_error;
};

// Returns the started run, or an error: when the job cannot run as written, its located
// diagnostics are in `sink` (a --compute file is loaded into `sources`, the command's one
// SourceManager, which renders them); otherwise the error says what failed. A run that
// fails before it is recorded (its backend cannot prepare it: no engine, a failed image
// build, no token) leaves nothing behind: no record, no folder. One that is recorded and
// cannot start is recorded Failed with why.
Result<Submission> submit_job(const LoadedSpec& spec, const CompileResult& compiled,
                              const SubmitOptions& options, RunStore& store, SourceManager& sources,
                              DiagnosticSink& sink);

}  // namespace jobc
