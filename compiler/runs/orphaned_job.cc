#include "runs/orphaned_job.h"

#include "runs/monitor_config.h"

namespace jobc {
namespace {

// The run's backend, and the context its monitor.json records (a run recorded before
// monitor.json existed still has its backend job id).
Result<std::unique_ptr<Backend>> orphan_backend(const RunStore& store, const RunRecord& run,
                                                const BackendFactory& make, RunContext& context) {
  std::filesystem::path run_dir = store.run_dir(run.id);
  nlohmann::json config = read_monitor_config(run_dir).value_or(nlohmann::json::object());
  context = context_from_config(config, run, run_dir);
  std::unique_ptr<Backend> backend = make(run.backend, config);
  if (!backend) return fail("unknown backend '" + run.backend + "'");
  return backend;
}

}  // namespace

bool may_have_left_a_job(const RunRecord& run) {
  return run.monitor_pid != 0 || !run.backend_job_id.empty();
}

Status stop_orphaned_job(const RunStore& store, const RunRecord& run, const BackendFactory& make,
                         std::optional<JobExit>* ended) {
  RunContext context;
  auto backend = orphan_backend(store, run, make, context);
  if (!backend) return backend.error();
  if (Status stopped = (*backend)->stop_orphaned(context); !stopped) return stopped;
  // Read after the stop: an exit kept by then is the job's own, not the stop's.
  if (ended) *ended = (*backend)->orphaned_exit(context);
  return {};
}

}  // namespace jobc
