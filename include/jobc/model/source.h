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
  // The document after --set as canonical (compact) JSON, and its sha256: a job that has no
  // name is named from the first; the second tells two submissions of the same spec apart
  // from two of different ones.
  std::string canonical_json;
  std::string content_digest;
  // A path written in the spec, resolved against `dir`.
  std::filesystem::path resolve(const std::string& written) const;
};

}  // namespace jobc::model
