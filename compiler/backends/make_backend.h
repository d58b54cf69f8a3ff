// The Backend object of a backend, by name. (Which compute a job runs on, and whether the
// job fits the backend, moved to runs/compute_target.h.)
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "jobc/backend.h"

namespace jobc {

// A backend by name; `config` is the monitor's configuration (monitor.json).
std::unique_ptr<Backend> make_backend(const std::string& name, const nlohmann::json& config);

// make_backend, or a test's stand-in for it.
using BackendFactory =
    std::function<std::unique_ptr<Backend>(const std::string& name, const nlohmann::json& config)>;

}  // namespace jobc
