// Python's str() of JSON values: what the Azure ML SDK sends for literal inputs and
// environment variables (str(0.2) == "0.2", str(1e-05) == "1e-05", str(True) == "True").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace jobc {

// repr(float) for a double: shortest round-trip digits, Python's choice of notation.
std::string python_float_repr(double value);
// str(value) for strings, numbers, booleans and null ("None").
std::string python_str(const nlohmann::json& value);
// bool(value): false for None, False, 0, "" and empty collections.
bool python_truthy(const nlohmann::json& value);

}  // namespace jobc
