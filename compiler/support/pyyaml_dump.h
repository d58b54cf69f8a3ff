// Byte-for-byte what the Azure ML SDK's dump_yaml(value, sort_keys=True) – PyYAML 6's
// pure-Python Dumper with default options – writes for a JSON-like value. The SDK sends that
// text as an environment's condaFile and hashes it into anonymous environment versions, so
// jobc must reproduce it exactly.
//
// What PyYAML does (and this does): block style, 2-space indent, list items not indented
// under their key, empty collections as [] and {}, keys sorted, a key longer than 122
// characters written as "? key", line width 80 (long plain and quoted scalars fold at spaces),
// strings the YAML 1.1 resolver would read as something else ('true', '1.0', '2001-01-01',
// 'null', '') single-quoted, non-ASCII and control characters double-quoted with \x, \u
// escapes (allow_unicode is off), floats as Python's repr (1.0e+16, .inf, .nan), and a plain
// scalar document ended by "...".
//
// Not representable in JSON, so never produced: anchors/aliases for shared objects, dates,
// non-string keys, integers beyond 64 bits.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace jobc {

// Throws std::invalid_argument for values JSON cannot hold either (binary, discarded).
std::string pyyaml_dump(const nlohmann::json& value);

}  // namespace jobc
