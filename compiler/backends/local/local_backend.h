// The local backend, jobc's embedded default: the compiled launch.sh runs as a process
// group on this machine, with no daemon. The monitor is a child subreaper, so what the job
// orphans stays its own; every job process carries JOBC_RUN_ID=<run id>, which finds those
// that left the group once the monitor is gone. A wrapper keeps the job's exit status in
// the run's folder (local_job_files.h). Inputs with mode ro_mount are read-only for the job's
// processes alone (support/read_only_mounts.h).
#pragma once

#include <sys/types.h>

#include "jobc/backend.h"

namespace jobc {

class LocalBackend : public Backend {
 public:
  std::string name() const override { return "local"; }
  Status start(RunContext& context) override;
  std::optional<JobExit> poll(RunContext& context, int wait_ms) override;
  void stop(RunContext& context, bool force) override;
  std::optional<JobExit> orphaned_exit(RunContext& context) override;
  Status stop_orphaned(RunContext& context) override;
  // The job runs on this machine: it reaches the endpoint on loopback and writes artifacts
  // straight into the run's outputs/.
  bool reaches_tracking() const override { return true; }
  std::string tracking_uri(const RunContext& context, int port) const override;
  std::string artifact_uri(const RunContext& context) const override;

 private:
  // Signals the group, the processes with the job's marker, and the orphans adopted.
  void signal_job(const RunContext& context, int signal);

  pid_t pid_ = -1;
  bool subreaper_ = false;
};

}  // namespace jobc
