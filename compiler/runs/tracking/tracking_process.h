// The MLflow tracking endpoint of one run, served by `jobc-server track` (a process of its own:
// jobc links no HTTP server). The monitor starts it before the job, gives the job the
// endpoint through MLflow's standard variables, and stops it when the job has ended; if the
// monitor dies, the server sees its stdin close and exits too.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "jobc/backend.h"
#include "jobc/result.h"
#include "runs/tracking/mlflow_api.h"

namespace jobc {

class TrackingProcess {
 public:
  // Starts the server for `runs`, taking `token` (empty: a fresh random one); its own
  // messages go to `log`.
  // With `unix_socket`, it also listens on a socket in a fresh folder of its own under /tmp
  // (a socket's path must be short), which it removes when it stops.
  static Result<std::unique_ptr<TrackingProcess>> start(const std::filesystem::path& home,
                                                        const std::vector<TrackedRun>& runs,
                                                        const std::filesystem::path& log,
                                                        bool unix_socket = false,
                                                        const std::string& host = "127.0.0.1",
                                                        const std::string& token = "");
  ~TrackingProcess();  // stops the server

  int port() const { return port_; }
  // Gives up the pipe that keeps the server running: whoever holds the descriptor now (the
  // run's monitor, which inherits it) stops the server by closing it or exiting.
  int release_control();
  // The unix socket it also listens on; empty when not asked for.
  const std::filesystem::path& socket() const { return socket_; }
  // MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, MLFLOW_RUN_ID, MLFLOW_EXPERIMENT_NAME and
  // MLFLOW_EXPERIMENT_ID for `run`, the job reaching the server at `tracking_uri`.
  std::map<std::string, std::string> variables(const TrackedRun& run,
                                               const std::string& tracking_uri) const;

 private:
  TrackingProcess() = default;
  int control_ = -1;  // the server's stdin: closing it stops the server
  int port_ = 0;
  std::string token_;
  std::filesystem::path socket_;
};

// MLflow's variables for a job recording into run `run_id` of `experiment` with `token`, at
// `tracking_uri` (empty: all but MLFLOW_TRACKING_URI, for a job queued before its endpoint
// serves).
std::map<std::string, std::string> tracking_variables(const std::string& run_id,
                                                      const std::string& experiment,
                                                      const std::string& token,
                                                      const std::string& tracking_uri);

// Serves run `context`'s endpoint the way `backend` says its jobs reach it, and gives the job
// MLflow's variables (context.tracking_environment; context.tracking_socket when over a
// socket). A token already in context.tracking_environment (given to a job queued before
// it was prepared) is the one the endpoint takes.
Result<std::unique_ptr<TrackingProcess>> serve_run_tracking(const std::filesystem::path& home,
                                                            RunContext& context,
                                                            const Backend& backend);

// Where `jobc-server` is: beside the running jobc.
std::filesystem::path server_executable();

}  // namespace jobc
