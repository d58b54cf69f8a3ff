// A spec file loaded into JSON, with the location of every value.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "jobc/diagnostics.h"
#include "jobc/source.h"

namespace jobc {

struct SpecDocument {
  std::string display_path;   // the path as the user gave it; used in diagnostics
  std::filesystem::path dir;  // relative references in the spec resolve against this folder
  std::string text;           // the file's bytes (hashed into manifests)
  nlohmann::json root;        // the document, YAML 1.1 scalars resolved like PyYAML
  SourceMap map;
};

// Limits that keep hostile input bounded in time and memory.
struct LoadLimits {
  size_t max_file_bytes = 4u << 20;  // specs are small; 4 MiB is far beyond any real one
  size_t max_values = 200000;        // values after alias expansion (stops "billion laughs")
};

// Loads one YAML file. Every problem is reported to `sink`; nullopt means it could not be loaded.
std::optional<SpecDocument> load_spec_file(const std::filesystem::path& path,
                                           const std::string& display_path, SourceManager& sources,
                                           DiagnosticSink& sink, const LoadLimits& limits = {});

// Loads YAML text already in memory (tests, fuzzing, stdin).
std::optional<SpecDocument> load_spec_text(std::string text, const std::string& display_path,
                                           const std::filesystem::path& dir, SourceManager& sources,
                                           DiagnosticSink& sink, const LoadLimits& limits = {});

}  // namespace jobc
