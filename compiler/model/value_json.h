// A model Value as JSON: for the places that write JSON (requests, digests) or reuse a JSON
// helper (Python's str()). Not a way back to the spec's document: it has no locations.
#pragma once

#include <nlohmann/json.hpp>

#include "jobc/model/value.h"

namespace jobc::model {

nlohmann::json to_json(const Value& value);

}  // namespace jobc::model
