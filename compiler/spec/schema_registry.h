// The embedded JSON Schemas, parsed once and shared by validation and navigation.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "jobc/spec_kind.h"

namespace jobc {

// Where cross-file references point in parsed documents (the text keeps relative ones).
inline constexpr std::string_view kSchemaUriPrefix = "jobc://schemas/";

// The parsed schema document named `file` ("environment.schema.json", or the same after
// kSchemaUriPrefix), or nullptr.
const nlohmann::json* schema_document(std::string_view file);
// The raw text of the embedded schema for `kind`, as `jobc schema` prints it.
std::string_view schema_text(SpecKind kind);

}  // namespace jobc
