// The local backend, jobc's embedded default: the compiled launch.sh runs as a process
// group on this machine, with no daemon.
#pragma once

#include <sys/types.h>

#include "jobc/backend.h"

namespace jobc {

class LocalBackend : public Backend {
 public:
  std::string name() const override { return "local"; }
  bool start(RunContext& context, std::string& error) override;
  std::optional<JobExit> poll(RunContext& context, int wait_ms) override;
  void stop(RunContext& context, bool force) override;
  bool stop_orphaned(RunContext& context, std::string& error) override;

 private:
  pid_t pid_ = -1;
};

}  // namespace jobc
