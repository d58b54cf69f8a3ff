// The model's free-form values: lookups and Python's view of them.
#include "jobc/model/value.h"

#include "model/value_json.h"
#include "support/python_text.h"

namespace jobc::model {

const Value* Value::find(std::string_view key) const {
  if (kind != Kind::Map) return nullptr;
  for (const auto& [name, member] : members) {
    if (name == key) return &member;
  }
  return nullptr;
}

// The same text as python_str of the same JSON value, so Azure ML's requests and the
// launch script agree whichever one they were built from.
std::string Value::python_str() const {
  return jobc::python_str(to_json(*this));
}

bool Value::truthy() const {
  switch (kind) {
    case Kind::Null:
      return false;
    case Kind::Bool:
      return boolean;
    case Kind::Int:
      return integer != 0;
    case Kind::Float:
      return number != 0;
    case Kind::String:
      return !text.empty();
    case Kind::List:
      return !items.empty();
    case Kind::Map:
      return !members.empty();
  }
  return false;
}

nlohmann::json to_json(const Value& value) {
  switch (value.kind) {
    case Value::Kind::Null:
      return nullptr;
    case Value::Kind::Bool:
      return value.boolean;
    case Value::Kind::Int:
      return static_cast<int64_t>(value.integer);
    case Value::Kind::Float:
      return value.number;
    case Value::Kind::String:
      return value.text;
    case Value::Kind::List: {
      nlohmann::json out = nlohmann::json::array();
      for (const Value& item : value.items) out.push_back(to_json(item));
      return out;
    }
    case Value::Kind::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, member] : value.members) out[key] = to_json(member);
      return out;
    }
  }
  return nullptr;
}

}  // namespace jobc::model
