// Where a spec came from: what later stages need of its document without reading it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "jobc/spec_kind.h"

namespace jobc::model {

struct SpecSource {
  SpecKind kind = SpecKind::CommandJob;
  std::string display_path;   // the path as the user gave it; used in messages
  std::filesystem::path dir;  // relative paths in the spec resolve against this folder
  // sha256 of the document after --set (its canonical JSON): names a job that has none and
  // tells two submissions of the same spec apart from two of different ones.
  std::string content_digest;
  // A path written in the spec, resolved against `dir`.
  std::filesystem::path resolve(const std::string& written) const;
};

}  // namespace jobc::model
