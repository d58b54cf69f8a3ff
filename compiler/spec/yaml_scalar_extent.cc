#include "spec/yaml_scalar_extent.h"

#include <algorithm>

namespace jobc {

// Past the closing quote: "..." with backslash escapes, '...' with '' for a quote.
size_t quoted_scalar_end(std::string_view text, size_t begin) {
  char quote = text[begin];
  for (size_t i = begin + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

namespace {

// The first line's end, before a comment (" #" or "\t#"), in one pass.
size_t first_line_end(std::string_view text, size_t begin) {
  for (size_t i = begin; i < text.size(); ++i) {
    if (text[i] == '\n') return i;
    if (i > begin && text[i] == '#' && (text[i - 1] == ' ' || text[i - 1] == '\t')) return i;
  }
  return text.size();
}

size_t line_end(std::string_view text, size_t from) {
  size_t end = text.find('\n', from);
  return end == std::string_view::npos ? text.size() : end;
}

}  // namespace

size_t scalar_text_end(std::string_view text, size_t begin, size_t parent_indent, size_t& scanned) {
  if (begin >= text.size()) return text.size();
  if (text[begin] == '"' || text[begin] == '\'') {
    size_t end = std::min(quoted_scalar_end(text, begin), text.size());
    scanned += end - begin;
    return end;
  }
  size_t end = first_line_end(text, begin);
  // Continuation lines: a multi-line plain scalar or a block scalar's (| or >) content.
  size_t next = line_end(text, end);
  while (next < text.size()) {
    size_t start = next + 1;
    size_t indent = start;
    while (indent < text.size() && text[indent] == ' ') ++indent;
    bool blank = indent == text.size() || text[indent] == '\n' ||
                 (text[indent] == '\r' && (indent + 1 == text.size() || text[indent + 1] == '\n'));
    if (!blank && indent - start <= parent_indent) {
      next = indent;
      break;
    }
    next = line_end(text, indent);
    if (!blank) end = next;
  }
  scanned += next - begin;
  return end;
}

}  // namespace jobc
