#include "spec/checks/command_references.h"

#include "support/char_scan.h"

namespace jobc {
namespace {

bool is_name_char(char c) {
  return is_word_char(c) || c == '-';
}

// Parses `${{ scope.name(.part)* }}` at `start`, which holds "${{"; returns false if the text
// there is not a reference. Each part is a maximal run, so no backtracking is needed.
bool parse_reference(std::string_view text, size_t start, CommandReference& out, size_t& end) {
  size_t pos = skip_while(text, start + 3, is_regex_space);
  size_t scope_end = skip_while(text, pos, is_word_char);
  if (!is_identifier(text.substr(pos, scope_end - pos))) return false;
  if (scope_end >= text.size() || text[scope_end] != '.') return false;
  size_t name_end = skip_while(text, scope_end + 1, is_name_char);
  if (name_end == scope_end + 1) return false;
  size_t cursor = name_end;
  bool has_parts = false;
  while (cursor + 1 < text.size() && text[cursor] == '.' && is_word_char(text[cursor + 1])) {
    cursor = skip_while(text, cursor + 1, is_word_char);
    has_parts = true;
  }
  cursor = skip_while(text, cursor, is_regex_space);
  if (text.substr(cursor, 2) != "}}") return false;
  end = cursor + 2;
  out = {std::string(text.substr(pos, scope_end - pos)),
         std::string(text.substr(scope_end + 1, name_end - scope_end - 1)),
         std::string(text.substr(start, end - start)), start, has_parts};
  return true;
}

}  // namespace

std::vector<CommandReference> find_command_references(const std::string& command) {
  std::vector<CommandReference> out;
  size_t start = command.find("${{");
  while (start != std::string::npos) {
    CommandReference reference;
    size_t end = 0;
    if (parse_reference(command, start, reference, end)) {
      out.push_back(std::move(reference));
      start = command.find("${{", end);
    } else {
      start = command.find("${{", start + 1);
    }
  }
  return out;
}

}  // namespace jobc
