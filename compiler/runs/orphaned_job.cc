#include "runs/orphaned_job.h"

#include "runs/monitor_config.h"

namespace jobc {
namespace {

// The run's backend, and the context its monitor.json records (a run recorded before
// monitor.json existed still has its backend job id). nullptr with `error` when unknown.
std::unique_ptr<Backend> orphan_backend(const RunStore& store, const RunRecord& run,
                                        const BackendFactory& make, RunContext& context,
                                        std::string& error) {
  std::filesystem::path run_dir = store.run_dir(run.id);
  nlohmann::json config = read_monitor_config(run_dir).value_or(nlohmann::json::object());
  std::unique_ptr<Backend> backend = make(run.backend, config);
  if (!backend) error = "unknown backend '" + run.backend + "'";
  context = context_from_config(config, run, run_dir);
  return backend;
}

}  // namespace

bool may_have_left_a_job(const RunRecord& run) {
  return run.monitor_pid != 0 || !run.backend_job_id.empty();
}

bool stop_orphaned_job(const RunStore& store, const RunRecord& run, const BackendFactory& make,
                       std::string& error, std::optional<JobExit>* ended) {
  RunContext context;
  std::unique_ptr<Backend> backend = orphan_backend(store, run, make, context, error);
  if (!backend || !backend->stop_orphaned(context, error)) return false;
  // Read after the stop: an exit kept by then is the job's own, not the stop's.
  if (ended) *ended = backend->orphaned_exit(context);
  return true;
}

}  // namespace jobc
