// YAML 1.1 implicit typing of plain (unquoted) scalars, exactly as PyYAML's SafeLoader
// resolves and constructs them – the loader behind the Azure ML SDK. `yes` is true, `0o17` is
// a string, `017` is 15, `1:30` is 90, `1e5` is a string but `1.0e+5` is a float.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace jobc {

// The tag PyYAML's resolver gives a plain scalar with this text.
enum class Yaml11Type { Null, Bool, Int, Float, Timestamp, Merge, Value, Str };

Yaml11Type plain_scalar_type(std::string_view text);

// The value SafeLoader constructs for a plain scalar. JSON has no date, so a timestamp stays
// its text; so do `<<` (merge key: the loader's business) and `=` (SafeLoader rejects it),
// and integers beyond 64 bits (kept as their decimal digits). Floats include inf and nan.
nlohmann::json resolve_plain_scalar(std::string_view text);

}  // namespace jobc
