// Renders diagnostics for people (gcc/clang style with source line and caret), for
// tools (JSON) and for GitHub Actions (workflow annotations).
#pragma once

#include <optional>
#include <ostream>
#include <string_view>

#include "jobc/diagnostics.h"
#include "jobc/source.h"

namespace jobc {

enum class DiagFormat { Gcc, Json, Github };
std::optional<DiagFormat> parse_diag_format(std::string_view text);

struct RenderOptions {
  DiagFormat format = DiagFormat::Gcc;
  bool color = false;
  bool werror = false;  // warnings are shown as errors
};

void render_diagnostics(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                        const RenderOptions& options, std::ostream& out);

}  // namespace jobc
