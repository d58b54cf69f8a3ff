// resources.docker_args as the model holds it: the `docker run` options jobc's Docker backend
// takes, parsed by the front end (compiler/spec/docker_args.h), which reports every problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jobc::model {

// --gpus VALUE: all, a count, device=0,1, or count=/driver=/capabilities= pairs.
struct GpuRequest {
  int64_t count = 0;  // -1: all
  std::vector<std::string> device_ids;
  std::string driver = "nvidia";
  std::string capability = "gpu";
};

struct Ulimit {
  std::string name;
  int64_t soft = 0;
  int64_t hard = 0;
};

// What the options ask for; empty or zero where docker_args says nothing.
struct DockerArgs {
  std::string network;              // --network host|none
  std::optional<int64_t> shm_size;  // --shm-size, bytes
  std::optional<GpuRequest> gpus;   // --gpus
  std::vector<std::string> env;     // -e/--env NAME=VALUE
  std::string ipc_mode;             // --ipc
  int64_t memory = 0;               // --memory/-m, bytes
  int64_t memory_swap = 0;          // --memory-swap, bytes (-1: unlimited)
  int64_t nano_cpus = 0;            // --cpus * 1e9
  int64_t pids_limit = 0;           // --pids-limit
  std::vector<Ulimit> ulimits;      // --ulimit name=soft[:hard]
  std::string user;                 // --user/-u
};

}  // namespace jobc::model
