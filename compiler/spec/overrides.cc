#include "jobc/overrides.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "spec/secret_names.h"
#include "spec/text_checks.h"
#include "support/yaml11_scalar.h"

namespace jobc {
namespace {

std::optional<size_t> as_index(const std::string& token) {
  size_t value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size() || token.empty()) {
    return std::nullopt;
  }
  return value;
}

// Splits "a.b[0].c" into {"a", "b", "0", "c"}.
bool split_path(const std::string& key, std::vector<std::string>& out) {
  std::string current;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == '.' || c == '[') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      if (c == '[') {
        size_t close = key.find(']', i);
        if (close == std::string::npos) return false;
        out.push_back(key.substr(i + 1, close - i - 1));
        i = close;
      }
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return !out.empty();
}

}  // namespace

bool parse_override(const std::string& argument, Override& out, DiagnosticSink& sink) {
  // A spec is UTF-8 text (checked when it is read), and so is what --set writes into it.
  if (auto problem = check_text(argument)) {
    sink.report(DiagCode::BadOverride, {"--set", 0, 0},
                fmt::format("a --set argument is not text: {}", problem->message),
                {"--set takes UTF-8 text, like the spec it changes"});
    return false;
  }
  size_t equals = argument.find('=');
  if (equals == std::string::npos || equals == 0 ||
      !split_path(argument.substr(0, equals), out.path)) {
    // Unparsed, it cannot be told where a secret would start: such text is not quoted.
    std::string shown = names_a_secret(argument) ? std::string("a --set argument naming a secret")
                                                 : fmt::format("'{}'", argument);
    sink.report(DiagCode::BadOverride, {"--set", 0, 0},
                fmt::format("{} is not of the form key.path=value", shown),
                {"example: --set resources.instance_count=2"});
    return false;
  }
  out.value_text = argument.substr(equals + 1);
  bool secret = std::any_of(out.path.begin(), out.path.end(),
                            [](const std::string& token) { return holds_secret(token); });
  out.original = secret ? argument.substr(0, equals + 1) + std::string(kSecretMask) : argument;
  return true;
}

void apply_overrides(SpecDocument& doc, const std::vector<Override>& overrides,
                     DiagnosticSink& sink) {
  for (const Override& item : overrides) {
    nlohmann::json* node = &doc.root;
    std::string pointer;
    bool ok = true;
    for (size_t i = 0; i + 1 < item.path.size() && ok; ++i) {
      const std::string& token = item.path[i];
      if (node->is_null()) *node = nlohmann::json::object();
      if (node->is_array() && as_index(token) && *as_index(token) < node->size()) {
        node = &(*node)[*as_index(token)];
      } else if (node->is_object()) {
        node = &(*node)[token];
      } else {
        ok = false;
      }
      pointer = pointer_append(pointer, token);
    }
    const std::string& last = item.path.back();
    nlohmann::json value = resolve_plain_scalar(item.value_text);
    if (ok && node->is_null()) *node = nlohmann::json::object();
    if (ok && node->is_object()) {
      (*node)[last] = std::move(value);
    } else if (ok && node->is_array() && as_index(last) && *as_index(last) < node->size()) {
      (*node)[*as_index(last)] = std::move(value);
    } else {
      sink.report(DiagCode::BadOverride, doc.map.value_location(pointer),
                  fmt::format("--set {}: '{}' is not a mapping or list that can take '{}'",
                              item.original, pointer_to_dotted(pointer), last));
      continue;
    }
    Location where{doc.display_path, 0, 0};
    doc.map.set(pointer_append(pointer, last), {where, where, item.original});
  }
}

}  // namespace jobc
