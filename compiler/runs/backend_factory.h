// How the runs layer gets a Backend by name: from the backend registry, or a test's stand-in.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "jobc/backend.h"

namespace jobc {

// `config` is the monitor's configuration (monitor.json), for a stand-in that needs it.
using BackendFactory =
    std::function<std::unique_ptr<Backend>(const std::string& name, const nlohmann::json& config)>;

// The registry's backend named `name` (backend_registry.h); null when there is none, or this
// build of jobc cannot run it.
std::unique_ptr<Backend> registry_backend(const std::string& name, const nlohmann::json& config);

}  // namespace jobc
