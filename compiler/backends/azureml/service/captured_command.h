// Runs a program without a shell and captures what it prints, within a time limit: how the
// Azure CLI credential asks `az` for a token.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "jobc/result.h"

namespace jobc::azureml {

struct CapturedOutput {
  int exit_code = -1;  // 128 + signal when killed by one
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs argv (argv[0] a path) in its own process group, stdin from /dev/null; kills the group
// when `timeout` passes. An error only when it cannot be started.
Result<CapturedOutput> run_captured(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds timeout);

// The first executable file named `program` in the colon-separated `path` list.
std::optional<std::string> find_on_path(const std::string& program, const std::string& path);

}  // namespace jobc::azureml
