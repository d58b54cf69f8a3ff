// MLflow's REST tracking API (/api/2.0/mlflow/...) for the runs of one job: what an unchanged
// script's mlflow.start_run(), log_metric(s), log_param(s), set_tag(s) and end_run() send
// when MLFLOW_TRACKING_URI points at jobc. Request and reply bodies follow MLflow's
// protobuf messages (service.proto) in their JSON form; errors are MLflow's
// {"error_code", "message"} with its HTTP statuses. Transport-free: the server hands each
// request here, so every rule is tested without a socket.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "runs/tracking/metrics_store.h"

namespace jobc {

// A run the job may write into (the job's own; a sweep's trials, each its own).
struct TrackedRun {
  std::string run_id;
  std::string run_name;
  std::string experiment_name;
  std::string artifact_uri;  // where the job sees the run's outputs/ (file:///...)
  int64_t start_ms = 0;
};

struct ApiRequest {
  std::string method;  // GET or POST
  std::string path;    // after the API prefix, e.g. "runs/log-metric"
  std::map<std::string, std::string> query;
  std::string body;
  std::string authorization;  // the Authorization header, "Bearer <token>"
};

struct ApiReply {
  int status = 200;
  std::string body;  // JSON
};

class MlflowApi {
 public:
  // Requests must carry `token` (MLFLOW_TRACKING_TOKEN, sent as a bearer token).
  MlflowApi(MetricsStore& store, std::string token, std::vector<TrackedRun> runs);

  ApiReply handle(const ApiRequest& request);

  // The experiment id jobc gives an experiment name (stable, as MLflow's ids are strings).
  static std::string experiment_id(const std::string& experiment_name);

 private:
  struct RunState {
    TrackedRun run;
    std::string status = "RUNNING";  // as the script last set it
    int64_t end_ms = 0;
  };
  ApiReply route(const ApiRequest& request);
  RunState* find_run(const std::string& run_id);
  ApiReply run_reply(RunState& state);

  MetricsStore& store_;
  std::string token_;
  std::vector<RunState> runs_;
};

}  // namespace jobc
