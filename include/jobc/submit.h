// Submitting a job: compile it, snapshot its code into a new run's folder, record the run,
// and hand it to a backend through the run monitor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobc/backend.h"
#include "jobc/compile.h"
#include "jobc/result.h"
#include "jobc/run_store.h"
#include "jobc/snapshot.h"

namespace jobc {

struct SubmitOptions {
  std::string compute;               // --compute; empty: the job's own `compute:` (default local)
  std::ostream* progress = nullptr;  // where a backend's preparation shows progress (stderr)
  bool rebuild = false;              // --rebuild: rebuild the environment's image anyway
  // A sweep's trial: the sweep's code snapshot (taken once for every trial), the sweep run's
  // id and the trial's name. Unset for a job of its own.
  const Snapshot* code_snapshot = nullptr;
  std::string parent_id{};
  std::string run_name{};
  // A run of a group queued before it was prepared (runs/prepared_run.h): its id, tracking
  // token and job, as the backend queued them. Null for a run started on its own.
  const RunContext* queued = nullptr;
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

// The snapshot of the code `body` names (relative to `job`'s spec), in home/snapshots.
Result<Snapshot> snapshot_job_code(const model::JobCommon& job, const model::CommandBody& body,
                                   const std::filesystem::path& home);

// Returns the started run, or an error: when the job cannot run as written, its located
// diagnostics are in `sink` (a --compute file is loaded into `sources`, the command's one
// SourceManager, which renders them); otherwise the error says what failed. A run that
// fails before it is recorded (its backend cannot prepare it: no engine, a failed image
// build, no token) leaves nothing behind: no record, no folder. One that is recorded and
// cannot start is recorded Failed with why.
Result<Submission> submit_job(const LoadedSpec& spec, const CompileResult& compiled,
                              const SubmitOptions& options, RunStore& store, SourceManager& sources,
                              DiagnosticSink& sink);
// The same for the command job `compiled.model` holds (a sweep's trial, made by jobc).
Result<Submission> submit_job(const CompileResult& compiled, const SubmitOptions& options,
                              RunStore& store, SourceManager& sources, DiagnosticSink& sink);

}  // namespace jobc
