// The model's values: a typed field with the place it was written, and the free-form values
// of a spec (tags, properties, an inline conda file, choice values) typed as YAML 1.1
// resolved them. Everything after the front end reads these, never the parsed YAML.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jobc/diagnostics.h"

namespace jobc::model {

// One field of a spec. Absent when the spec does not write it; `at` is then the place of the
// mapping it would belong to, so a diagnostic about a missing field still points somewhere.
template <class T>
struct Field {
  std::optional<T> value;
  Location at;      // the value (or, when absent, its parent)
  Location key_at;  // the key naming it (or `at` when it has none)

  bool present() const { return value.has_value(); }
  explicit operator bool() const { return value.has_value(); }
  const T& operator*() const { return *value; }
  const T* operator->() const { return &*value; }
  T value_or(T fallback) const { return value ? *value : std::move(fallback); }
};

struct ValueMember;

// A value of a free-form part of a spec, as PyYAML would type it, with its location. Azure ML
// writes such values with Python's str(), so the type matters (1, 1.0, true, "1" differ).
class Value {
 public:
  enum class Kind { Null, Bool, Int, Float, String, List, Map };

  Kind kind = Kind::Null;
  bool boolean = false;
  long long integer = 0;
  double number = 0;
  std::string text;          // String
  std::vector<Value> items;  // List
  // Map, sorted by key (the order the front end's documents keep).
  std::vector<ValueMember> members;
  Location at;
  Location key_at;

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind != Kind::List && kind != Kind::Map; }
  bool is_string() const { return kind == Kind::String; }
  bool is_map() const { return kind == Kind::Map; }
  bool is_list() const { return kind == Kind::List; }
  // The member `key` of a map, or null.
  const Value* find(std::string_view key) const;
  // Python's str() of a scalar ("True", "1.0", "None"); a list or map as Python prints it.
  std::string python_str() const;
  // Python's bool(): false for None, False, 0, 0.0, "", [] and {}.
  bool truthy() const;
};

// One member of a map Value. A struct rather than std::pair: a pair of an incomplete type
// cannot be a member of the type itself (clang with libstdc++ refuses it).
struct ValueMember {
  ValueMember() = default;
  ValueMember(std::string key, Value value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;  // the key
  Value second;
};

}  // namespace jobc::model
