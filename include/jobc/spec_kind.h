// The kinds of spec jobc understands and how a file's kind is recognised.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "jobc/spec_document.h"

namespace jobc {

enum class SpecKind { Environment, Compute, CommandJob, SweepJob };

std::string_view kind_name(SpecKind kind);         // "environment", "compute", "command job", ...
std::string_view kind_schema_file(SpecKind kind);  // "command_job.schema.json"
// Parses a --kind value: environment, compute, job (a command job unless `type: sweep`),
// command, sweep.
std::optional<SpecKind> parse_kind_option(std::string_view text, const nlohmann::json& root);
// Names accepted by `jobc schema KIND`.
std::optional<SpecKind> parse_schema_name(std::string_view text);

// Recognises a document's kind from `$schema` (the Azure ML CLI v2 URLs or jobc's own
// schema files), then `type:`, then the keys it has. Reports E008 when it cannot.
std::optional<SpecKind> detect_kind(const SpecDocument& doc, DiagnosticSink& sink);

}  // namespace jobc
