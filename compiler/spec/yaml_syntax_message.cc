#include "spec/yaml_syntax_message.h"

#include <fmt/format.h>

#include <optional>

namespace jobc {
namespace {

constexpr size_t npos = std::string_view::npos;

struct Lines {
  std::vector<std::string_view> text;  // without line breaks; [0] is line 1
  std::vector<size_t> start;           // byte offset of each line

  explicit Lines(std::string_view all) {
    size_t begin = 0;
    while (begin <= all.size()) {
      size_t end = all.find('\n', begin);
      if (end == npos) end = all.size();
      std::string_view line = all.substr(begin, end - begin);
      if (line.ends_with('\r')) line.remove_suffix(1);
      text.push_back(line);
      start.push_back(begin);
      begin = end + 1;
    }
  }
  std::string_view at(int number) const {
    return number >= 1 && size_t(number) <= text.size() ? text[number - 1] : std::string_view();
  }
};

size_t indent_of(std::string_view line) {
  size_t at = line.find_first_not_of(' ');
  return at == npos ? line.size() : at;
}

bool is_content(std::string_view line) {
  size_t at = line.find_first_not_of(" \t");
  return at != npos && line[at] != '#';
}

bool is_item(std::string_view line) {
  std::string_view rest = line.substr(indent_of(line));
  return rest == "-" || rest.starts_with("- ");
}

// Where the key of a "key: value" line starts (after any "- " of a list item), or npos.
size_t key_column(std::string_view line) {
  size_t at = indent_of(line);
  while (at < line.size() && line.substr(at).starts_with("- ")) {
    at = line.find_first_not_of(' ', at + 1);
    if (at == npos) return npos;
  }
  if (at >= line.size() || line[at] == '#') return npos;
  for (size_t i = at; i < line.size(); ++i) {
    if (line[i] == '#' && i > at && line[i - 1] == ' ') return npos;
    if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) {
      return at;
    }
  }
  return npos;
}

// The ':' that ends the key of a key line.
size_t key_colon(std::string_view line) {
  size_t key = key_column(line);
  if (key == npos) return npos;
  for (size_t i = key; i < line.size(); ++i) {
    if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) {
      return i;
    }
  }
  return npos;
}

std::string_view key_of(std::string_view line) {
  size_t key = key_column(line);
  return key == npos ? std::string_view() : line.substr(key, key_colon(line) - key);
}

// The text of a line from `from`, without a trailing comment or spaces.
std::string_view content_from(std::string_view line, size_t from) {
  size_t end = line.size();
  for (size_t i = from; i < line.size(); ++i) {
    if (line[i] == '#' && i > from && line[i - 1] == ' ') {
      end = i;
      break;
    }
  }
  while (end > from && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
  return from < end ? line.substr(from, end - from) : std::string_view();
}

// The nearest line above `number` holding a key, and how far up to look for it.
int key_line_above(const Lines& lines, int number) {
  for (int above = number - 1; above >= 1; --above) {
    if (key_column(lines.at(above)) != npos) return above;
  }
  return 0;
}

int content_line_above(const Lines& lines, int number) {
  for (int above = number - 1; above >= 1; --above) {
    if (is_content(lines.at(above))) return above;
  }
  return 0;
}

YamlSyntaxProblem at_key(int number, std::string_view line, std::string message,
                         std::vector<std::string> notes = {}) {
  size_t key = key_column(line);
  if (key == npos) key = indent_of(line);
  std::string_view name = key_of(line);
  return {number, int(key) + 1, int(name.size()), std::move(message), std::move(notes)};
}

const char* kAlign = "the keys of one mapping start in the same column";

// A key indented more or less than the keys around it.
std::optional<YamlSyntaxProblem> misindented_key(const Lines& lines, int number) {
  std::string_view line = lines.at(number);
  size_t column = key_column(line);
  int sibling = key_line_above(lines, number);
  if (column == npos || sibling == 0) return std::nullopt;
  size_t sibling_column = key_column(lines.at(sibling));
  std::string_view key = key_of(line);
  if (sibling_column < column) {
    return at_key(
        number, line,
        fmt::format("'{}' is indented more than the keys of its mapping ('{}' at line {})", key,
                    key_of(lines.at(sibling)), sibling),
        {kAlign,
         "a line indented deeper than a key that has a value on its line is "
         "read as more of that value"});
  }
  if (sibling_column == column) return std::nullopt;
  int parent = sibling;
  while (parent > 0 && key_column(lines.at(parent)) >= column) {
    parent = key_line_above(lines, parent);
  }
  std::string message =
      parent == 0 ? fmt::format(
                        "'{}' is indented less than the keys of its mapping ('{}' at "
                        "line {})",
                        key, key_of(lines.at(sibling)), sibling)
                  : fmt::format(
                        "'{}' is indented less than the keys of its mapping ('{}' at "
                        "line {}) and more than '{}' at line {}",
                        key, key_of(lines.at(sibling)), sibling, key_of(lines.at(parent)), parent);
  return at_key(number, line, std::move(message),
                {kAlign, "line it up with the mapping it belongs to"});
}

// "illegal map value": a ':' yaml-cpp did not expect at `column` (0-based) of line `number`.
std::optional<YamlSyntaxProblem> unexpected_colon(const Lines& lines, int number, size_t column) {
  std::string_view line = lines.at(number);
  size_t first = key_colon(line);
  if (first != npos && first < column) {
    size_t value = line.find_first_not_of(" \t", first + 1);
    if (value == npos) return std::nullopt;
    std::string_view text = content_from(line, value);
    return YamlSyntaxProblem{
        number,
        int(value) + 1,
        int(text.size()),
        fmt::format("the value '{}' holds ': ', which would start a mapping inside it", text),
        {"quote the value if ': ' is part of its text",
         "for a nested mapping, put its keys on lines of their own, indented"}};
  }
  // A key on a line that yaml-cpp read as more of a plain value begun at the key line above.
  int above = key_line_above(lines, number);
  if (above == 0) return std::nullopt;
  size_t above_column = key_column(lines.at(above));
  for (int between = above + 1; between < number; ++between) {
    std::string_view text = lines.at(between);
    if (is_content(text) && indent_of(text) <= above_column) {
      std::string_view word = content_from(text, indent_of(text));
      return YamlSyntaxProblem{
          between,
          int(indent_of(text)) + 1,
          int(word.size()),
          fmt::format("'{}' has no ':' after it, so it is not a key", word),
          {fmt::format("write '{}: VALUE', or indent it to continue the value at line {}", word,
                       above)}};
    }
  }
  return misindented_key(lines, number);
}

// "end of map not found" and its kin: line `number` ends a block collection too early.
std::optional<YamlSyntaxProblem> unexpected_line(const Lines& lines, int number, size_t column) {
  std::string_view line = lines.at(number);
  if (column > indent_of(line)) {
    size_t before = line.find_last_not_of(" \t", column - 1);
    if (before != npos && (line[before] == '"' || line[before] == '\'')) {
      std::string_view rest = content_from(line, column);
      return YamlSyntaxProblem{number,
                               int(column) + 1,
                               int(rest.size()),
                               fmt::format("'{}' follows the closing quote of the value", rest),
                               {"quote the whole value, or leave the quotes out"}};
    }
    return std::nullopt;
  }
  int above = content_line_above(lines, number);
  if (above == 0) return std::nullopt;
  std::string_view previous = lines.at(above);
  if (is_item(line) && !is_item(previous) && key_column(previous) == indent_of(line)) {
    return YamlSyntaxProblem{
        number,
        int(indent_of(line)) + 1,
        1,
        fmt::format("a list item among the keys of a mapping ('{}' at line {})", key_of(previous),
                    above),
        {"a list is the value of a key: write 'name:' and indent its '- ' items under it"}};
  }
  if (!is_item(line) && is_item(previous) && indent_of(previous) == indent_of(line) &&
      key_column(line) != npos) {
    return at_key(number, line,
                  fmt::format("'{}' is a key, indented like the items of the list at line {}",
                              key_of(line), above),
                  {"an item starts with '- '; a key of the mapping that holds the list lines up "
                   "with that mapping's keys"});
  }
  if (!is_item(line) && key_column(line) == npos) {
    std::string_view word = content_from(line, indent_of(line));
    return YamlSyntaxProblem{number,
                             int(indent_of(line)) + 1,
                             int(word.size()),
                             fmt::format("'{}' has no ':' after it, so it is not a key", word),
                             {fmt::format("write '{}: VALUE'", word)}};
  }
  return misindented_key(lines, number);
}

// The '[' or '{' still open at `end`, read from the start: a bracket opens a list or mapping
// at the start of a value or inside another one, never inside quotes, a comment or plain text.
std::optional<size_t> unclosed_opener(std::string_view text, size_t end) {
  std::vector<size_t> open;
  char quote = 0;
  char previous = '\n';  // the last character on the line that is not a space
  for (size_t i = 0; i < std::min(end, text.size()); ++i) {
    char c = text[i];
    bool after_space = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n';
    if (quote) {
      if (c == '\\' && quote == '"') ++i;  // an escaped character
      if (c == quote) quote = 0;
    } else if (c == '#' && after_space) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if ((c == '"' || c == '\'') && (previous == '\n' || previous == ':' || previous == '-' ||
                                           previous == ',' || previous == '[' || previous == '{')) {
      quote = c;
    } else if ((c == '[' || c == '{') &&
               (!open.empty() || previous == '\n' || previous == ':' || previous == '-')) {
      open.push_back(i);
    } else if ((c == ']' || c == '}') && !open.empty()) {
      open.pop_back();
    }
    if (c != ' ' && c != '\t') previous = c;
  }
  if (open.empty()) return std::nullopt;
  return open.back();
}

}  // namespace

YamlSyntaxProblem explain_yaml_error(std::string_view text, int line, int column,
                                     const std::string& message) {
  YamlSyntaxProblem plain{line, column, 0, message, {}};
  Lines lines(text);
  if (line < 1 || size_t(line) > lines.text.size() || column < 1) return plain;
  std::string_view here = lines.at(line);
  size_t col = size_t(column - 1);
  size_t leading = here.find_first_not_of(" \t");
  if (leading == npos) leading = here.size();
  if (size_t tab = here.substr(0, leading).find('\t'); tab != npos) {
    return {line, int(tab) + 1, 1, "a tab indents this line; YAML indents with spaces only", {}};
  }
  std::optional<YamlSyntaxProblem> said;
  if (message == "illegal map value") said = unexpected_colon(lines, line, col);
  if (message == "end of map not found" || message == "end of sequence not found") {
    said = unexpected_line(lines, line, col);
  }
  if (message == "end of sequence flow not found" || message == "end of map flow not found") {
    size_t offset = lines.start[line - 1] + std::min(col, here.size());
    if (auto opener = unclosed_opener(text, offset)) {
      int at = 1;
      while (size_t(at) < lines.start.size() && lines.start[at] <= *opener) ++at;
      char open = text[*opener];
      said =
          YamlSyntaxProblem{at,
                            int(*opener - lines.start[at - 1]) + 1,
                            1,
                            fmt::format("this '{}' is never closed", open),
                            {fmt::format("end the {} with '{}'", open == '[' ? "list" : "mapping",
                                         open == '[' ? ']' : '}')}};
    }
  }
  if (message == "illegal flow end" && col < here.size()) {
    said = YamlSyntaxProblem{line,
                             column,
                             1,
                             fmt::format("this '{}' closes nothing that was opened", here[col]),
                             {"quote the value if the bracket is part of its text"}};
  }
  if (message == "unknown token" && col < here.size()) {
    said = YamlSyntaxProblem{line,
                             column,
                             1,
                             fmt::format("a value cannot start with '{}' unless quoted", here[col]),
                             {"YAML keeps '@' and '`' for future use"}};
  }
  if (message.starts_with("unknown escape character: ")) {
    std::string escape = message.substr(message.find(':') + 2);
    said = YamlSyntaxProblem{
        line,
        column,
        0,
        fmt::format("'\\{}' is not an escape that \"...\" quotes know", escape),
        {fmt::format("write '\\\\{}' for a backslash, or use '...' quotes, which have no escapes",
                     escape)}};
  }
  return said.value_or(plain);
}

}  // namespace jobc
