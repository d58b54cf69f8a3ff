// Creates a backend by name, from the configuration the monitor reads (monitor.json).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "jobc/backend.h"

namespace jobc {

std::unique_ptr<Backend> make_backend(const std::string& name, const nlohmann::json& config);

}  // namespace jobc
