#include "runs/orphaned_job.h"

#include "runs/monitor_config.h"

namespace jobc {

bool may_have_left_a_job(const RunRecord& run) {
  return run.monitor_pid != 0 || !run.backend_job_id.empty();
}

bool stop_orphaned_job(const RunStore& store, const RunRecord& run, const BackendFactory& make,
                       std::string& error) {
  std::filesystem::path run_dir = store.run_dir(run.id);
  // A run recorded before monitor.json existed still has its backend job id.
  nlohmann::json config = read_monitor_config(run_dir).value_or(nlohmann::json::object());
  std::unique_ptr<Backend> backend = make(run.backend, config);
  if (!backend) {
    error = "unknown backend '" + run.backend + "'";
    return false;
  }
  RunContext context = context_from_config(config, run, run_dir);
  return backend->stop_orphaned(context, error);
}

}  // namespace jobc
