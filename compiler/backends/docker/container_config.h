// How a job's container is set up: the options a job asks for (resources.shm_size,
// resources.docker_args as the model parsed them, a GPU instance_type) gathered in the
// submitting process, and the body of POST /containers/create built from them in the monitor.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/backend.h"
#include "jobc/model/job.h"
#include "jobc/result.h"

namespace jobc::docker {

// Fixed places inside the container.
inline constexpr const char* kContainerWorkDir = "/jobc/run";  // the image's WORKDIR
inline constexpr const char* kContainerArtifactsDir = "/jobc/artifacts";
inline constexpr const char* kContainerInputsDir = "/jobc/inputs";
// The run's MLflow tracking socket is mounted at kContainerTrackingDir; jobc-relay, at
// kContainerRelay, carries 127.0.0.1:kContainerRelayPort to it.
inline constexpr const char* kContainerTrackingDir = "/jobc/tracking";
inline constexpr const char* kContainerRelay = "/jobc/bin/jobc-relay";
inline constexpr int kContainerRelayPort = 5000;
// jobc-relay on this machine: beside the running jobc.
std::filesystem::path relay_executable();
// The container's first process (a bash script): runs the command and forwards SIGTERM to it.
extern const char* const kContainerInit;

struct RunOptions {
  std::string network = "none";  // none | host
  int64_t shm_size = 2LL << 30;  // resources.shm_size (Azure ML's default 2g)
  nlohmann::json device_requests = nlohmann::json::array();  // GPUs
  std::vector<std::string> env;                              // -e NAME=VALUE from docker_args
  std::string ipc_mode;                                      // --ipc
  int64_t memory = 0;                                        // --memory, bytes
  int64_t memory_swap = 0;                                   // --memory-swap, bytes (-1: unlimited)
  int64_t nano_cpus = 0;                                     // --cpus * 1e9
  int64_t pids_limit = 0;                                    // --pids-limit
  nlohmann::json ulimits = nlohmann::json::array();          // --ulimit name=soft[:hard]
  std::string user;                                          // --user

  nlohmann::json to_json() const;
  static RunOptions from_json(const nlohmann::json& json);
};

// DeviceRequests for a `--gpus` request (see jobc/model/docker_args.h).
nlohmann::json device_requests(const model::GpuRequest& gpus);

// True for instance types that mean a GPU: names with "gpu", and Azure's N-series VM sizes
// (Standard_NC*, Standard_ND*, Standard_NV*).
bool is_gpu_instance_type(std::string_view instance_type);

// The options of a job's resources (null: it has none). docker_args come parsed and checked
// by the front end; only a shm_size that is not a size fails here.
Result<RunOptions> run_options_for(const model::Resources* resources);

// The body of POST /containers/create for the run.
nlohmann::json container_create_body(const RunContext& context, const std::string& image,
                                     const RunOptions& options, unsigned host_uid,
                                     unsigned host_gid);

// A container name for the run ([a-zA-Z0-9][a-zA-Z0-9_.-]*).
std::string container_name(const std::string& run_id);

}  // namespace jobc::docker
