// manifest.json: every input file read and every artifact written, with sha256 hashes, the
// environment hash and jobc's version. Paths are relative (no machine paths). The compile
// driver runs it last, after every other generator.
#pragma once

#include <memory>

#include "jobc/generator.h"

namespace jobc {

std::unique_ptr<Generator> make_manifest_generator();

}  // namespace jobc
