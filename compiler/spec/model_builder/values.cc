// Values of a document as the model's Value and Field<T>, each with its locations.
#include "spec/model_builder/reader.h"
#include "support/hash.h"

namespace jobc::model_builder {

using model::Value;

model::Value make_value(const nlohmann::json& node, const SourceMap& map,
                        const std::string& pointer) {
  Value value;
  value.at = map.value_location(pointer);
  value.key_at = map.key_location(pointer);
  switch (node.type()) {
    case nlohmann::json::value_t::boolean:
      value.kind = Value::Kind::Bool;
      value.boolean = node.get<bool>();
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:  // the loader keeps integers in int64
      value.kind = Value::Kind::Int;
      value.integer = node.get<long long>();
      break;
    case nlohmann::json::value_t::number_float:
      value.kind = Value::Kind::Float;
      value.number = node.get<double>();
      break;
    case nlohmann::json::value_t::string:
      value.kind = Value::Kind::String;
      value.text = node.get<std::string>();
      break;
    case nlohmann::json::value_t::array:
      value.kind = Value::Kind::List;
      for (size_t i = 0; i < node.size(); ++i) {
        value.items.push_back(make_value(node[i], map, pointer_append(pointer, i)));
      }
      break;
    case nlohmann::json::value_t::object:
      value.kind = Value::Kind::Map;
      for (const auto& [key, member] : node.items()) {  // sorted: nlohmann::json is a std::map
        value.members.emplace_back(key, make_value(member, map, pointer_append(pointer, key)));
      }
      break;
    default:
      break;
  }
  return value;
}

const nlohmann::json* Reader::find(const std::string& pointer) const {
  const nlohmann::json* node = &doc().root;
  for (const std::string& token : pointer_tokens(pointer)) {
    if (node->is_object()) {
      auto found = node->find(token);
      if (found == node->end()) return nullptr;
      node = &*found;
    } else if (node->is_array()) {
      size_t index = 0;
      for (char c : token) {
        if (c < '0' || c > '9') return nullptr;
        index = index * 10 + static_cast<size_t>(c - '0');
        if (index > node->size()) return nullptr;
      }
      if (token.empty() || index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

std::vector<std::string> Reader::keys(const std::string& pointer) const {
  std::vector<std::string> out;
  const nlohmann::json* node = find(pointer);
  if (node && node->is_object()) {
    for (const auto& [key, member] : node->items()) out.push_back(key);
  }
  return out;
}

model::Value Reader::value(const std::string& pointer) const {
  const nlohmann::json* node = find(pointer);
  if (node) return make_value(*node, doc().map, pointer);
  Value absent;
  absent.at = at(pointer);
  absent.key_at = key_at(pointer);
  return absent;
}

namespace {

bool convert(const nlohmann::json& node, std::string& out) {
  if (!node.is_string()) return false;
  out = node.get<std::string>();
  return true;
}

bool convert(const nlohmann::json& node, long long& out) {
  if (!node.is_number_integer()) return false;
  out = node.get<long long>();
  return true;
}

bool convert(const nlohmann::json& node, double& out) {
  if (!node.is_number()) return false;
  out = node.get<double>();
  return true;
}

bool convert(const nlohmann::json& node, bool& out) {
  if (!node.is_boolean()) return false;
  out = node.get<bool>();
  return true;
}

}  // namespace

// A value of another type than the field's is absent: the schema reported it, and the model
// is only built for a spec without errors.
template <class T>
model::Field<T> Reader::located(const std::string& pointer) const {
  model::Field<T> field;
  field.at = at(pointer);
  field.key_at = key_at(pointer);
  if (const nlohmann::json* node = find(pointer)) {
    T converted{};
    if (convert(*node, converted)) field.value = std::move(converted);
  }
  return field;
}

model::Field<std::string> Reader::text(const std::string& pointer) const {
  return located<std::string>(pointer);
}

model::Field<long long> Reader::integer(const std::string& pointer) const {
  return located<long long>(pointer);
}

model::Field<double> Reader::number(const std::string& pointer) const {
  return located<double>(pointer);
}

model::Field<bool> Reader::boolean(const std::string& pointer) const {
  return located<bool>(pointer);
}

model::Field<model::Value> Reader::any(const std::string& pointer) const {
  model::Field<Value> field;
  field.at = at(pointer);
  field.key_at = key_at(pointer);
  if (const nlohmann::json* node = find(pointer))
    field.value = make_value(*node, doc().map, pointer);
  return field;
}

model::SpecSource Reader::source() const {
  model::SpecSource source;
  source.kind = spec_.kind;
  source.display_path = doc().display_path;
  source.dir = doc().dir;
  // As runs have always named it: the document after --set, as canonical JSON.
  source.canonical_json = doc().root.dump();
  source.content_digest = sha256_hex(source.canonical_json);
  return source;
}

}  // namespace jobc::model_builder
