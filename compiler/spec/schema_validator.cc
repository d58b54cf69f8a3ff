#include "spec/schema_validator.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "spec/schema_navigator.h"
#include "spec/schema_registry.h"
#include "spec/secret_names.h"
#include "support/did_you_mean.h"

namespace jobc {
namespace {

using json = nlohmann::json;

// Compiles a kind's schema once per process; sibling files resolve from the embedded set.
const valijson::Schema& compiled_schema(SpecKind kind) {
  static std::mutex mutex;
  static std::map<SpecKind, std::unique_ptr<valijson::Schema>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[kind];
  if (!slot) {
    slot = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(*schema_document(kind_schema_file(kind)));
    auto fetch = [](const std::string& uri) -> const json* { return schema_document(uri); };
    parser.populateSchema(adapter, *slot, fetch, [](const json*) {});
  }
  return *slot;
}

// valijson's context is {"<root>", "[resources]", "[0]"}; rebuild the instance pointer.
std::string pointer_from_context(const std::vector<std::string>& context, const json& root) {
  std::string pointer;
  const json* value = &root;
  for (size_t i = 1; i < context.size(); ++i) {
    const std::string& part = context[i];
    std::string token = part.size() >= 2 ? part.substr(1, part.size() - 2) : part;
    pointer = pointer_append(pointer, token);
    if (value && value->is_object() && value->contains(token)) {
      value = &(*value)[token];
    } else if (value && value->is_array()) {
      size_t index = std::strtoul(token.c_str(), nullptr, 10);
      value = index < value->size() ? &(*value)[index] : nullptr;
    } else {
      value = nullptr;
    }
  }
  return pointer;
}

std::string json_type_name(const json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "text";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "a list";
  if (value.is_object()) return "a mapping";
  return "empty (null)";
}

std::string schema_type_name(const std::string& type) {
  static const std::map<std::string, std::string> names = {
      {"string", "text"},       {"integer", "an integer"}, {"number", "a number"},
      {"boolean", "a boolean"}, {"object", "a mapping"},   {"array", "a list"},
      {"null", "empty"}};
  auto it = names.find(type);
  return it == names.end() ? type : it->second;
}

std::string short_value(const json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() > 60) {
    size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  return text;
}

// A value as a message quotes it: shortened, and masked when its key holds a secret.
std::string shown_value(const std::string& pointer, const json* value) {
  if (!value) return "";
  return pointer_holds_secret(pointer) ? std::string(kSecretMask) : short_value(*value);
}

// Cascade messages repeat a deeper error at each ancestor; they add nothing.
bool is_cascade(const std::string& description) {
  static const char* prefixes[] = {
      "Failed to validate against schema associated with",
      "Failed to validate item #",
      "Failed to validate against any schemas allowed by anyOf",
      "Failed to validate against a conditional schema",
      "Failed to validate against child schema",
      "Failed to validate against additional properties schema",
      "Failed to validate against exactly one",
      "Failed to validate against dependent schema",
      "Failed to validate against any child schemas allowed by oneOf",
  };
  for (const char* prefix : prefixes) {
    if (description.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

bool is_unknown_key_error(const std::string& description) {
  return description.rfind("Object contains a property", 0) == 0;
}

// The last '...' quoted name in a valijson message ("... constraints: 'comand'.").
std::string last_quoted(const std::string& text) {
  size_t close = text.rfind('\'');
  if (close == std::string::npos || close == 0) return "";
  size_t open = text.rfind('\'', close - 1);
  if (open == std::string::npos) return "";
  return text.substr(open + 1, close - open - 1);
}

class ErrorTranslator {
 public:
  ErrorTranslator(const SpecDocument& doc, SpecKind kind, DiagnosticSink& sink)
      : doc_(doc), navigator_(std::string(kind_schema_file(kind)), doc.root), sink_(sink) {}

  void translate(const std::string& pointer, const std::string& description) {
    if (!reported_.insert(pointer + "\n" + description).second) return;
    std::string where = pointer_to_dotted(pointer);
    const json* value = find_value(pointer);
    std::vector<std::string> notes;
    if (std::string set = doc_.map.override_for(pointer); !set.empty()) {
      notes.push_back(fmt::format("the value comes from --set {}", set));
    }
    if (is_unknown_key_error(description)) {
      unknown_keys(pointer, last_quoted(description), notes);
    } else if (description.rfind("Missing required property", 0) == 0) {
      std::string key = last_quoted(description);
      // A misspelt required key was reported with its did-you-mean; "missing" adds noise.
      if (suggested_[pointer].contains(key)) return;
      std::string in = pointer.empty() ? std::string("the spec") : "'" + where + "'";
      sink_.report(DiagCode::MissingKey, doc_.map.key_location(pointer),
                   fmt::format("missing required key '{}' in {}", key, in),
                   describe(pointer_append(pointer, key), std::move(notes)));
    } else if (description.rfind("Value type not permitted", 0) == 0) {
      sink_.report(DiagCode::WrongType, doc_.map.value_location(pointer),
                   fmt::format("'{}' must be {}, not {}", where, expected_types(pointer),
                               value ? json_type_name(*value) : "missing"),
                   describe(pointer, std::move(notes)));
    } else if (description.rfind("Failed to match against any enum", 0) == 0 ||
               description.rfind("Failed to match expected value set by 'const'", 0) == 0) {
      not_allowed(pointer, value, std::move(notes));
    } else if (description.rfind("Failed to match regex", 0) == 0 ||
               description.rfind("String should be", 0) == 0) {
      sink_.report(
          DiagCode::BadFormat, doc_.map.value_location(pointer),
          fmt::format("'{}' is not a valid value for '{}'", shown_value(pointer, value), where),
          describe(pointer, std::move(notes)));
    } else if (description.rfind("Expected number", 0) == 0) {
      sink_.report(DiagCode::OutOfRange, doc_.map.value_location(pointer),
                   fmt::format("'{}' is {}, but it must be {}", where, shown_value(pointer, value),
                               allowed_range(pointer)),
                   std::move(notes));
    } else {
      sink_.report(DiagCode::SchemaViolation, doc_.map.value_location(pointer),
                   fmt::format("'{}': {}", where, description), std::move(notes));
    }
  }

 private:
  const json* find_value(const std::string& pointer) const {
    json::json_pointer json_ptr(pointer);
    return doc_.root.contains(json_ptr) ? &doc_.root.at(json_ptr) : nullptr;
  }

  std::vector<std::string> describe(const std::string& pointer,
                                    std::vector<std::string> notes) const {
    json description = navigator_.keyword(pointer, "description");
    if (description.is_string()) {
      notes.push_back(
          fmt::format("'{}': {}", pointer_to_dotted(pointer), description.get<std::string>()));
    }
    return notes;
  }

  std::string allowed_range(const std::string& pointer) const {
    json minimum = navigator_.keyword(pointer, "minimum");
    json maximum = navigator_.keyword(pointer, "maximum");
    if (minimum.is_number() && maximum.is_number()) {
      return fmt::format("between {} and {}", minimum.dump(), maximum.dump());
    }
    if (minimum.is_number()) return fmt::format("at least {}", minimum.dump());
    if (maximum.is_number()) return fmt::format("at most {}", maximum.dump());
    return "in its allowed range";
  }

  std::string expected_types(const std::string& pointer) const {
    json type = navigator_.keyword(pointer, "type");
    std::vector<std::string> names;
    for (const json& t : type.is_array() ? type : json::array({type})) {
      if (t.is_string()) names.push_back(schema_type_name(t.get<std::string>()));
    }
    if (names.empty()) return "of another type";
    std::string out = names.front();
    for (size_t i = 1; i < names.size(); ++i) {
      out += (i + 1 == names.size() ? " or " : ", ") + names[i];
    }
    return out;
  }

  // valijson names the first unknown key of a mapping only; every one is reported, so a
  // file with several typos needs one round trip, not one per typo.
  void unknown_keys(const std::string& object, const std::string& first,
                    const std::vector<std::string>& notes) {
    std::set<std::string> names = navigator_.property_names(object);
    std::vector<std::string> keys = {first};
    const json* value = find_value(object);
    if (value != nullptr && value->is_object()) {
      for (const auto& [key, item] : value->items()) {
        if (key != first && !names.contains(key)) keys.push_back(key);
      }
    }
    names.erase("$schema");
    std::vector<std::string> candidates(names.begin(), names.end());
    for (const std::string& key : keys) unknown_key(object, key, candidates, notes);
  }

  void unknown_key(const std::string& object, const std::string& key,
                   const std::vector<std::string>& candidates, std::vector<std::string> notes) {
    std::string pointer = pointer_append(object, key);
    if (!reported_.insert(pointer + "\nunknown").second) return;
    std::string message =
        object.empty() ? fmt::format("unknown key '{}'", key)
                       : fmt::format("unknown key '{}' in '{}'", key, pointer_to_dotted(object));
    if (auto suggestion = closest_match(key, candidates)) {
      notes.insert(notes.begin(), fmt::format("did you mean '{}'?", *suggestion));
      suggested_[object].insert(*suggestion);
    } else if (!candidates.empty() && candidates.size() <= 12) {
      notes.push_back(fmt::format("allowed keys: {}", fmt::join(candidates, ", ")));
    }
    sink_.report(DiagCode::UnknownKey, doc_.map.key_location(pointer), message, std::move(notes));
  }

  void not_allowed(const std::string& pointer, const json* value, std::vector<std::string> notes) {
    json allowed = navigator_.keyword(pointer, "enum");
    if (allowed.is_null()) {
      json constant = navigator_.keyword(pointer, "const");
      if (!constant.is_null()) allowed = json::array({constant});
    }
    std::vector<std::string> candidates;
    for (const json& item : allowed) candidates.push_back(short_value(item));
    if (value && value->is_string()) {
      if (auto suggestion = closest_match(value->get<std::string>(), candidates)) {
        notes.insert(notes.begin(), fmt::format("did you mean '{}'?", *suggestion));
      }
    }
    if (!candidates.empty())
      notes.push_back(fmt::format("allowed: {}", fmt::join(candidates, ", ")));
    sink_.report(DiagCode::NotAllowedValue, doc_.map.value_location(pointer),
                 fmt::format("'{}' is not an allowed value for '{}'", shown_value(pointer, value),
                             pointer_to_dotted(pointer)),
                 std::move(notes));
  }

  const SpecDocument& doc_;
  SchemaNavigator navigator_;
  DiagnosticSink& sink_;
  std::set<std::string> reported_;
  // For each mapping, the keys suggested for its unknown keys.
  std::map<std::string, std::set<std::string>> suggested_;
};

}  // namespace

bool validate_against_schema(const SpecDocument& doc, SpecKind kind, DiagnosticSink& sink) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(doc.root);
  if (validator.validate(compiled_schema(kind), adapter, &results)) return true;

  std::vector<std::pair<std::string, std::string>> errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    errors.emplace_back(pointer_from_context(error.context, doc.root), error.description);
  }
  bool only_cascades =
      std::all_of(errors.begin(), errors.end(), [](const auto& e) { return is_cascade(e.second); });
  // Unknown keys first: their suggestions decide which "missing key" errors are noise.
  std::stable_partition(errors.begin(), errors.end(),
                        [](const auto& e) { return is_unknown_key_error(e.second); });
  ErrorTranslator translator(doc, kind, sink);
  for (const auto& [pointer, description] : errors) {
    if (!only_cascades && is_cascade(description)) continue;
    translator.translate(pointer, description);
  }
  return false;
}

}  // namespace jobc
