#include "backends/azureml/rest_values.h"

#include <cctype>

namespace jobc::azureml {

const model::Value* truthy_member(const model::Value& map, std::string_view key) {
  const model::Value* member = map.find(key);
  return member && member->truthy() ? member : nullptr;
}

const std::string* truthy_text(const model::Field<std::string>& field) {
  return field && !field->empty() ? &*field : nullptr;
}

std::string text_of(const model::Value& value) {
  return value.is_string() ? value.text : value.python_str();
}

nlohmann::json string_map(const model::Value& map) {
  nlohmann::json out = nlohmann::json::object();
  if (!map.is_map()) return out;
  for (const auto& [key, value] : map.members) {
    out[key] = value.is_null() ? nlohmann::json() : nlohmann::json(text_of(value));
  }
  return out;
}

std::string iso_duration(long long seconds) {
  if (seconds < 0) seconds = -seconds;  // isodate writes the magnitude
  long long days = seconds / 86400;
  long long hours = seconds / 3600 % 24;
  long long minutes = seconds / 60 % 60;
  long long rest = seconds % 60;
  std::string out = "P";
  if (days) out += std::to_string(days) + "D";
  if (hours || minutes || rest) {
    out += "T";
    if (hours) out += std::to_string(hours) + "H";
    if (minutes) out += std::to_string(minutes) + "M";
    if (rest) out += std::to_string(rest) + "S";
  }
  return out == "P" ? "P0D" : out;
}

namespace {

// string.capwords(text.replace("_", " ")).replace(" ", ""): words split on whitespace, each
// capitalised (first letter upper, the rest lower), joined without separators.
std::string capwords_joined(std::string_view text) {
  std::string out;
  bool word_start = true;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c == '_' ? ' ' : c);
    if (std::isspace(u)) {
      word_start = true;
      continue;
    }
    out.push_back(static_cast<char>(word_start ? std::toupper(u) : std::tolower(u)));
    word_start = false;
  }
  return out;
}

std::string_view strip(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string snake_to_pascal(std::string_view text) {
  if (text.find(',') == std::string_view::npos) return capwords_joined(text);
  std::string out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view part =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    out += capwords_joined(strip(part));
    if (comma == std::string_view::npos) break;
    out += ',';
    start = comma + 1;
  }
  return out;
}

}  // namespace jobc::azureml
