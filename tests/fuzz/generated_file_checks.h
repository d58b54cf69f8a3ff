// What must hold of every generated file, whatever the spec, its file name or its --set
// overrides: user text never adds a line of its own to launch.sh, the Slurm batch script or
// the Dockerfile. Shared by the fuzz_compile target and its unit test (header-only: the fuzz
// build has no test library).
#pragma once

#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "embedded/embedded.h"
#include "support/char_scan.h"

namespace jobc::fuzz {

// The lines of a script where bash starts reading a new command: not inside a single- or
// double-quoted string, not continued by a backslash. `closed` is false when the script ends
// inside a quote.
struct ScriptLines {
  std::vector<std::string> starts;
  bool closed = true;
};

inline ScriptLines command_lines(std::string_view script) {
  ScriptLines out;
  enum { Plain, Single, Double } state = Plain;
  bool line_start = true;
  for (size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (line_start && state == Plain) {
      size_t end = script.find('\n', i);
      out.starts.emplace_back(script.substr(i, end == std::string_view::npos ? end : end - i));
      line_start = false;
      size_t first = script.find_first_not_of(" \t", i);
      if (first != std::string_view::npos && script[first] == '#') {  // a comment: skip it
        i = end == std::string_view::npos ? script.size() : end;
        line_start = true;
        continue;
      }
    }
    if (state == Single) {
      if (c == '\'') state = Plain;
    } else if (c == '\\') {
      ++i;  // the escaped character, a newline included, is never a line start
    } else if (state == Double) {
      if (c == '"') state = Plain;
    } else if (c == '\'') {
      state = Single;
    } else if (c == '"') {
      state = Double;
    } else if (c == '\n') {
      line_start = true;
    }
  }
  out.closed = state == Plain;
  return out;
}

// The fixed start of every line of a template: its text before the first tag, for lines that
// do not start with a tag (section and delimiter lines write nothing of their own).
inline std::set<std::string> template_line_prefixes(std::string_view template_name,
                                                    std::string_view open_tag) {
  std::set<std::string> out;
  auto text = embedded::find(embedded::templates(), template_name);
  std::istringstream lines{std::string(text.value_or(""))};
  std::string line;
  while (std::getline(lines, line)) {
    size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    std::string prefix = line.substr(first, line.find(open_tag) - first);
    if (!prefix.empty() && !line.starts_with("{{")) out.insert(prefix);
  }
  return out;
}

// Empty when every command line of `script` is one its template wrote: it starts with a
// template line's fixed text, and an `export NAME=` names a plain identifier.
inline std::string check_script(std::string_view script, const std::set<std::string>& prefixes) {
  ScriptLines lines = command_lines(script);
  if (!lines.closed) return "the script ends inside a quoted string";
  for (const std::string& line : lines.starts) {
    std::string_view text(line);
    text.remove_prefix(std::min(text.size(), text.find_first_not_of(" \t")));
    if (text.empty()) continue;
    bool known = false;
    for (const std::string& prefix : prefixes) known = known || text.starts_with(prefix);
    if (!known) return "a line the template did not write: " + line;
    if (text.starts_with("export ")) {
      std::string_view name = text.substr(7, text.find('=') - 7);
      if (!is_identifier(name)) return "an export of something not a name: " + line;
    }
  }
  return "";
}

// The instruction keyword of every Dockerfile line that is not a comment, a blank line or
// the continuation of the line before, as Docker reads the file.
inline std::vector<std::string> dockerfile_instructions(std::string_view dockerfile) {
  std::vector<std::string> out;
  std::istringstream lines{std::string(dockerfile)};
  std::string line;
  bool continued = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    if (!continued) out.push_back(line.substr(start, line.find(' ', start) - start));
    continued = line.back() == '\\';
  }
  return out;
}

// The Dockerfile with the user's own Dockerfile (copied verbatim between jobc's two marker
// comments, which are single lines when jobc escapes the path they name) reduced to "FROM".
inline std::string without_user_dockerfile(std::string_view dockerfile) {
  std::istringstream lines{std::string(dockerfile)};
  std::string line;
  std::string out;
  enum { Before, Inside, After } state = Before;
  while (std::getline(lines, line)) {
    if (state == Before && line.starts_with("# ---- ") &&
        line.ends_with(", the environment's own Dockerfile, unchanged ----")) {
      state = Inside;
      out += "FROM the user's Dockerfile\n";
    } else if (state == Inside) {
      if (line.starts_with("# ---- end of ") && line.ends_with(" ----")) state = After;
    } else {
      out += line + "\n";
    }
  }
  return out;
}

// Empty when the Dockerfile's instructions are the template's, in its order: FROM (or the
// user's Dockerfile), LABEL, the conda layer, the pip layer, the non-root user, WORKDIR.
inline std::string check_dockerfile(std::string_view dockerfile) {
  std::vector<std::string> found = dockerfile_instructions(without_user_dockerfile(dockerfile));
  std::vector<std::string> expected = {"FROM", "LABEL"};
  size_t at = 2;
  for (int layer = 0; layer < 2 && at + 1 < found.size() && found[at] == "COPY"; ++layer) {
    expected.insert(expected.end(), {"COPY", "RUN"});
    at += 2;
  }
  if (at < found.size() && found[at] == "RUN") {
    expected.insert(expected.end(), {"RUN", "USER"});
  }
  expected.push_back("WORKDIR");
  if (found == expected) return "";
  std::string text = "unexpected instructions:";
  for (const std::string& word : found) text += " " + word;
  return text;
}

}  // namespace jobc::fuzz
