// Test helper: the rows of ../shared/conformance/CASES.tsv, the corpus of real specs with
// the payloads the official Azure ML SDK produced for them. Tests skip (saying so) when
// ../shared is absent.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace jobc::testing {

struct ConformanceCase {
  std::string spec;      // relative to conformance/specs
  std::string kind;      // job | environment | compute
  std::string set;       // a --set override, or empty
  std::string verdict;   // accepted | rejected
  std::string expected;  // relative to conformance/
};

inline std::filesystem::path conformance_dir() {
  return std::filesystem::path(JOBC_SHARED_DIR) / "conformance";
}

inline bool conformance_available() {
  return std::filesystem::exists(conformance_dir() / "CASES.tsv");
}

inline std::vector<ConformanceCase> conformance_cases() {
  std::vector<ConformanceCase> cases;
  std::ifstream in(conformance_dir() / "CASES.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, '\t')) fields.push_back(field);
    fields.resize(5);
    cases.push_back({fields[0], fields[1], fields[2], fields[3], fields[4]});
  }
  return cases;
}

}  // namespace jobc::testing
