// resources.docker_args: the subset of `docker run` options jobc's Docker backend takes,
// parsed once. `jobc validate` reports each problem at its place in the string; the Docker
// backend builds its container from the parsed options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jobc {

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

struct DockerArgsProblem {
  // Malformed: wrong for any `docker run` (an unclosed quote, a missing or bad value).
  // Unsupported: valid docker, but left out of jobc's Docker backend on purpose.
  enum class Kind { Malformed, Unsupported };
  Kind kind;
  size_t offset;  // the offending text inside the docker_args string
  size_t length;
  std::string message;
  std::vector<std::string> notes;
};

struct ParsedDockerArgs {
  DockerArgs args;
  std::vector<DockerArgsProblem> problems;  // every one, in the order they appear
};

ParsedDockerArgs parse_docker_args(std::string_view text);

// "2g", "512m", "1.5GB", "100000" -> bytes (units b, k, m, g, t: powers of 1024, as docker).
std::optional<int64_t> parse_byte_size(std::string_view text);

// The value of --gpus, or nullopt when it is none of the forms docker takes.
std::optional<GpuRequest> parse_gpus(std::string_view value);

}  // namespace jobc
