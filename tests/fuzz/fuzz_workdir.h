// The private folder a fuzz target resolves a spec's relative paths against, and the guard
// that keeps a fuzzed spec from naming anything outside it (jobc stats and reads what a spec
// names, and a fuzzer must not wander the machine's tree or block on /dev/stdin).
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace jobc::fuzz {

inline std::filesystem::path& workdir() {
  static std::filesystem::path path;
  return path;
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Creates a fresh folder under $TMPDIR, removed when the fuzzer exits.
inline const std::filesystem::path& make_workdir(const std::string& name) {
  std::string pattern = (std::filesystem::temp_directory_path() / (name + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) {
    perror("mkdtemp");
    abort();
  }
  workdir() = pattern;
  atexit([] {
    std::error_code error;
    std::filesystem::remove_all(workdir(), error);
  });
  return workdir();
}

// True when a string value could name something outside the work folder.
inline bool names_outside_path(const nlohmann::json& root) {
  std::vector<const nlohmann::json*> pending = {&root};
  while (!pending.empty()) {
    const nlohmann::json* value = pending.back();
    pending.pop_back();
    if (value->is_string()) {
      const std::string& text = value->get_ref<const std::string&>();
      if (text.find("..") != std::string::npos || text.starts_with('/') || text.starts_with('\\') ||
          text.starts_with('~')) {
        return true;
      }
    } else if (value->is_structured()) {
      for (const nlohmann::json& child : *value) pending.push_back(&child);
    }
  }
  return false;
}

}  // namespace jobc::fuzz
