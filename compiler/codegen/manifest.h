// Emits manifest.json: every input file read and every artifact written, with sha256
// hashes, the environment hash and jobc's version. Paths are relative (no machine paths).
#pragma once

#include "jobc/compile.h"

namespace jobc {

void emit_manifest(const CompileResult& result, const std::string& image_tag, OutputSet& outputs);

}  // namespace jobc
