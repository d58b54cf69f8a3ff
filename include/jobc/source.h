// Source locations for loaded documents: which file:line:col each value came from,
// and the text of every file read so diagnostics can show the offending line.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jobc/diagnostics.h"

namespace jobc {

// Where one value of a document came from. `override_text` is set when the value
// was written by `--set` rather than read from the file.
struct NodeOrigin {
  Location key;
  Location value;
  std::string override_text;
};

// Maps JSON pointers ("/resources/instance_count") to origins.
class SourceMap {
 public:
  void set(std::string pointer, NodeOrigin origin);
  const NodeOrigin* find(std::string_view pointer) const;
  // Location of the value at `pointer`, or of its nearest ancestor that has one.
  Location value_location(std::string_view pointer) const;
  // Location of the key naming `pointer`; the value's location when it has no key.
  Location key_location(std::string_view pointer) const;
  // The --set text that wrote `pointer` or an ancestor, or empty.
  std::string override_for(std::string_view pointer) const;

 private:
  const NodeOrigin* nearest(std::string_view pointer) const;
  std::unordered_map<std::string, NodeOrigin> origins_;
};

// JSON pointer helpers (RFC 6901 escaping).
std::string pointer_append(std::string_view base, std::string_view token);
std::string pointer_append(std::string_view base, size_t index);
std::vector<std::string> pointer_tokens(std::string_view pointer);
// "/resources/instance_count" -> "resources.instance_count"; "/inputs/a/0" -> "inputs.a[0]".
std::string pointer_to_dotted(std::string_view pointer);

// What diagnostics print in place of a secret.
inline constexpr std::string_view kSecretMask = "******";

// Keeps the text of every file jobc read, for rendering source lines under diagnostics, and
// the secrets in it, which are never rendered.
class SourceManager {
 public:
  void add(const std::string& file, std::string text);

  // Bytes [begin, end) of `file` hold the secret `value` (a password written inline): they
  // are masked in every line shown, and `value` in every message.
  void hide_secret(const std::string& file, size_t begin, size_t end, std::string value);

  // Line `line` (1-based) of `file`, without its newline: for finding places in it.
  std::optional<std::string_view> line(const std::string& file, int line) const;

  // Line `line` (1-based) of `file` as diagnostics show it, without its newline and with
  // secrets masked; `column` is the 0-based column of the 1-based `column` asked for.
  struct Excerpt {
    std::string text;
    size_t column = 0;
  };
  std::optional<Excerpt> excerpt(const std::string& file, int line, int column) const;

  // `text` (a message or a note) with every hidden secret value masked.
  std::string redact(std::string text) const;

 private:
  struct Span {
    size_t begin;
    size_t end;
  };
  struct File {
    std::string text;
    std::vector<size_t> line_starts;
    std::vector<Span> secrets;
  };
  // Longest first, so a secret that contains another is masked whole.
  struct LongestFirst {
    bool operator()(const std::string& a, const std::string& b) const {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    }
  };
  std::map<std::string, File> files_;
  std::set<std::string, LongestFirst> secret_values_;
};

}  // namespace jobc
