// Small conversions the SDK applies on its way from YAML to REST: Python's str() for
// string-valued maps, Python truthiness, ISO-8601 durations (isodate), snake_to_pascal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "jobc/model/value.h"
#include "model/value_json.h"  // model::to_json: free-form values as written, for the payloads

namespace jobc::azureml {

// The member `key` of a map when it is present and truthy (Python's bool()), else null.
const model::Value* truthy_member(const model::Value& map, std::string_view key);

// A field the SDK sends only when truthy: present and not empty.
const std::string* truthy_text(const model::Field<std::string>& field);

// A value as text: strings as they are, anything else as Python's str() would write it.
std::string text_of(const model::Value& value);

// A {str: str} map (tags, properties, environment variables): every value through str(),
// null kept as null. Anything but a map gives {}.
nlohmann::json string_map(const model::Value& map);

// isodate.duration_isoformat(timedelta(seconds=N)): "PT2M", "PT1H1M1S", "P1DT1S", "P0D" for 0.
std::string iso_duration(long long seconds);

// The SDK's snake_to_pascal: each comma-separated part through string.capwords with '_' as
// the word separator ("low_priority" -> "LowPriority", "system_assigned,user_assigned" ->
// "SystemAssigned,UserAssigned").
std::string snake_to_pascal(std::string_view text);

}  // namespace jobc::azureml
