#include "spec/schema_navigator.h"

#include <optional>
#include <regex>

#include "jobc/source.h"
#include "spec/schema_registry.h"

namespace jobc {
namespace {

using json = nlohmann::json;

bool type_matches(const std::string& type, const json& value) {
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "null") return value.is_null();
  return false;
}

// Evaluates the simple `if` conditions our schemas use (type, const, enum, required,
// properties of those); nullopt for anything else, so both branches are followed.
std::optional<bool> condition_holds(const json& condition, const json* value) {
  if (!value || !condition.is_object()) return std::nullopt;
  for (const auto& [keyword, argument] : condition.items()) {
    if (keyword == "type") {
      bool any = false;
      for (const json& t : argument.is_array() ? argument : json::array({argument})) {
        any = any || (t.is_string() && type_matches(t.get<std::string>(), *value));
      }
      if (!any) return false;
    } else if (keyword == "const") {
      if (*value != argument) return false;
    } else if (keyword == "enum") {
      if (std::find(argument.begin(), argument.end(), *value) == argument.end()) return false;
    } else if (keyword == "required") {
      if (!value->is_object()) return true;  // `required` ignores non-objects
      for (const json& name : argument) {
        if (!value->contains(name.get<std::string>())) return false;
      }
    } else if (keyword == "properties") {
      if (!value->is_object()) continue;
      for (const auto& [name, sub] : argument.items()) {
        auto child = value->find(name);
        if (child == value->end()) continue;
        std::optional<bool> holds = condition_holds(sub, &*child);
        if (!holds || !*holds) return holds;
      }
    } else if (keyword != "description" && keyword != "$comment") {
      return std::nullopt;
    }
  }
  return true;
}

const json* child_of(const json* value, const std::string& token) {
  if (!value) return nullptr;
  if (value->is_object()) {
    auto it = value->find(token);
    return it == value->end() ? nullptr : &*it;
  }
  if (value->is_array()) {
    char* end = nullptr;
    unsigned long index = std::strtoul(token.c_str(), &end, 10);
    if (end && *end == '\0' && index < value->size()) return &(*value)[index];
  }
  return nullptr;
}

}  // namespace

SchemaNavigator::SchemaNavigator(std::string file, const json& instance)
    : file_(std::move(file)), instance_(instance) {}

void SchemaNavigator::expand(Ref ref, const json* value, std::vector<Ref>& out, int depth) const {
  if (!ref.schema || !ref.schema->is_object() || depth > 32) return;
  out.push_back(ref);
  const json& schema = *ref.schema;
  if (auto it = schema.find("$ref"); it != schema.end() && it->is_string()) {
    std::string target = it->get<std::string>();
    size_t hash = target.find('#');
    std::string file = target.substr(0, hash);
    file = file.substr(file.find_last_of('/') + 1);  // drop kSchemaUriPrefix
    std::string pointer = hash == std::string::npos ? "" : target.substr(hash + 1);
    if (file.empty()) file = ref.file;
    if (const json* doc = schema_document(file)) {
      json::json_pointer json_ptr(pointer);
      if (doc->contains(json_ptr)) expand({file, &doc->at(json_ptr)}, value, out, depth + 1);
    }
  }
  if (auto it = schema.find("allOf"); it != schema.end() && it->is_array()) {
    for (const json& sub : *it) expand({ref.file, &sub}, value, out, depth + 1);
  }
  if (auto it = schema.find("if"); it != schema.end()) {
    std::optional<bool> holds = condition_holds(*it, value);
    if (!holds || *holds) {
      if (auto then = schema.find("then"); then != schema.end()) {
        expand({ref.file, &*then}, value, out, depth + 1);
      }
    }
    if (!holds || !*holds) {
      if (auto otherwise = schema.find("else"); otherwise != schema.end()) {
        expand({ref.file, &*otherwise}, value, out, depth + 1);
      }
    }
  }
}

std::vector<SchemaNavigator::Ref> SchemaNavigator::step(const std::vector<Ref>& schemas,
                                                        const std::string& token,
                                                        const json* child) const {
  std::vector<Ref> out;
  for (const Ref& ref : schemas) {
    const json& schema = *ref.schema;
    bool matched = false;
    if (auto props = schema.find("properties"); props != schema.end() && props->contains(token)) {
      expand({ref.file, &(*props)[token]}, child, out, 0);
      matched = true;
    }
    if (auto patterns = schema.find("patternProperties"); patterns != schema.end()) {
      for (const auto& [pattern, sub] : patterns->items()) {
        if (std::regex_search(token, std::regex(pattern))) {
          expand({ref.file, &sub}, child, out, 0);
          matched = true;
        }
      }
    }
    if (auto extra = schema.find("additionalProperties");
        !matched && extra != schema.end() && extra->is_object()) {
      expand({ref.file, &*extra}, child, out, 0);
    }
    if (auto items = schema.find("items"); items != schema.end() && items->is_object()) {
      expand({ref.file, &*items}, child, out, 0);
    }
  }
  return out;
}

std::vector<const json*> SchemaNavigator::at(const std::string& pointer) const {
  std::vector<Ref> current;
  expand({file_, schema_document(file_)}, &instance_, current, 0);
  const json* value = &instance_;
  for (const std::string& token : pointer_tokens(pointer)) {
    value = child_of(value, token);
    current = step(current, token, value);
  }
  std::vector<const json*> out;
  for (const Ref& ref : current) out.push_back(ref.schema);
  return out;
}

std::set<std::string> SchemaNavigator::property_names(const std::string& pointer) const {
  std::set<std::string> names;
  for (const json* schema : at(pointer)) {
    if (auto props = schema->find("properties"); props != schema->end()) {
      for (const auto& [name, sub] : props->items()) names.insert(name);
    }
  }
  return names;
}

json SchemaNavigator::keyword(const std::string& pointer, const std::string& keyword) const {
  for (const json* schema : at(pointer)) {
    if (auto it = schema->find(keyword); it != schema->end()) return *it;
  }
  return nullptr;
}

}  // namespace jobc
