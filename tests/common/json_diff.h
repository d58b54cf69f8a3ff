// Test helper: every difference between two JSON documents, one line each, as
// "/path/to/value: expected X, got Y" (missing and unexpected members included), so a failing
// comparison shows all of what is wrong at once. Numbers compare by value (1 == 1.0).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace jobc::testing {

inline void json_diff(const nlohmann::json& expected, const nlohmann::json& actual,
                      const std::string& path, std::vector<std::string>& out) {
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      std::string child = path + "/" + key;
      if (!actual.contains(key)) {
        out.push_back(child + ": expected " + value.dump() + ", got nothing");
      } else {
        json_diff(value, actual.at(key), child, out);
      }
    }
    for (const auto& [key, value] : actual.items()) {
      if (!expected.contains(key)) {
        out.push_back(path + "/" + key + ": expected nothing, got " + value.dump());
      }
    }
    return;
  }
  if (expected.is_array() && actual.is_array() && expected.size() == actual.size()) {
    for (size_t i = 0; i < expected.size(); ++i) {
      json_diff(expected[i], actual[i], path + "/" + std::to_string(i), out);
    }
    return;
  }
  if (expected != actual) {
    out.push_back((path.empty() ? "/" : path) + ": expected " + expected.dump() + ", got " +
                  actual.dump());
  }
}

inline std::vector<std::string> json_diff(const nlohmann::json& expected,
                                          const nlohmann::json& actual) {
  std::vector<std::string> out;
  json_diff(expected, actual, "", out);
  return out;
}

}  // namespace jobc::testing
