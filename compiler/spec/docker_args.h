// resources.docker_args: the subset of `docker run` options jobc's Docker backend takes,
// parsed once. `jobc validate` reports each problem at its place in the string; the Docker
// backend builds its container from the parsed options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/model/docker_args.h"

namespace jobc {

using model::DockerArgs;
using model::GpuRequest;
using model::Ulimit;

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
