// Small conversions the SDK applies on its way from YAML to REST: Python's str() for
// string-valued maps, Python truthiness, ISO-8601 durations (isodate), snake_to_pascal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace jobc::azureml {

// Python's bool(value): false for null, false, 0, "", [] and {}.
bool truthy(const nlohmann::json& value);

// The member `key` of `object` when it is present and truthy, else null.
const nlohmann::json* truthy_member(const nlohmann::json& object, std::string_view key);

// A value as text: strings as they are, anything else as Python's str() would write it.
std::string text_of(const nlohmann::json& value);

// A {str: str} map (tags, properties, environment variables): every value through str(),
// null kept as null. A missing or non-object node gives {}.
nlohmann::json string_map(const nlohmann::json* node);

// isodate.duration_isoformat(timedelta(seconds=N)): "PT2M", "PT1H1M1S", "P1DT1S", "P0D" for 0.
std::string iso_duration(long long seconds);

// The SDK's snake_to_pascal: each comma-separated part through string.capwords with '_' as
// the word separator ("low_priority" -> "LowPriority", "system_assigned,user_assigned" ->
// "SystemAssigned,UserAssigned").
std::string snake_to_pascal(std::string_view text);

// ASCII lower case (the SDK's StringTransformedEnum).
std::string lower(std::string_view text);

}  // namespace jobc::azureml
