// Test-only: a YAML file as JSON with PyYAML SafeLoader scalar typing (plain scalars through
// resolve_plain_scalar, quoted ones kept as text). No source map, no merge keys: just enough
// to read specs and conda files of the conformance corpus the way the SDK did.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/yaml11_scalar.h"
#include "support/yaml_cpp.h"

namespace jobc::testing {

inline nlohmann::json yaml_node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& entry : node) out[entry.first.Scalar()] = yaml_node_to_json(entry.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(yaml_node_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      if (node.Tag() == "?") return resolve_plain_scalar(node.Scalar());
      return node.Scalar();
    default:
      return nullptr;
  }
}

inline nlohmann::json load_yaml11_file(const std::filesystem::path& path) {
  return yaml_node_to_json(YAML::LoadFile(path.string()));
}

}  // namespace jobc::testing
