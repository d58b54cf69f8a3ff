// Where a part of a text value stands in the source: a caret on the one word of a long
// value that is wrong, rather than on the value's start.
#include <algorithm>

#include "spec/model_builder/reader.h"

namespace jobc::model_builder {
namespace {

// The source offsets (from the value's first character) of the value's characters [0, end]
// when the value is written on one line, plain, '...' or "..." with no escape other than
// \" and \\; nullopt for any other form.
std::optional<std::vector<size_t>> one_line_offsets(std::string_view raw, std::string_view text,
                                                    size_t end) {
  char quote = !raw.empty() && (raw[0] == '\'' || raw[0] == '"') ? raw[0] : 0;
  std::vector<size_t> offsets(end + 1);
  size_t r = quote ? 1 : 0;
  for (size_t d = 0; d < end; ++d) {
    if (r >= raw.size()) return std::nullopt;
    offsets[d] = r;
    bool doubled_quote =
        quote == '\'' && raw[r] == '\'' && r + 1 < raw.size() && raw[r + 1] == '\'';
    bool escape = quote == '"' && raw[r] == '\\' && r + 1 < raw.size();
    if (doubled_quote || escape)
      ++r;
    else if (quote && raw[r] == quote)
      return std::nullopt;  // the value ends before `end`
    if (raw[r] != text[d]) return std::nullopt;
    ++r;
  }
  offsets[end] = r;
  return offsets;
}

}  // namespace

Location Reader::within(const std::string& pointer, size_t offset, size_t length) const {
  Location start = at(pointer);
  const nlohmann::json* value = find(pointer);
  if (!value || !value->is_string() || start.line == 0 || start.column == 0 ||
      !doc().map.override_for(pointer).empty()) {
    return start;
  }
  std::string text = value->get<std::string>();
  if (offset + length > text.size()) return start;
  auto line = sources_.line(start.file, start.line);
  if (!line) return start;
  std::string_view raw = line->substr(std::min(line->size(), size_t(start.column - 1)));
  if (auto offsets = one_line_offsets(raw, text, offset + length)) {
    return {start.file, start.line, start.column + static_cast<int>((*offsets)[offset]),
            static_cast<int>((*offsets)[offset + length] - (*offsets)[offset])};
  }
  // A value over several lines (folded, a block scalar): the part's text where it appears.
  std::string_view needle = std::string_view(text).substr(offset, length);
  for (int number = start.line; number < start.line + 200 && !needle.empty(); ++number) {
    auto source = sources_.line(start.file, number);
    if (!source) break;
    size_t from = number == start.line ? size_t(start.column - 1) : 0;
    if (size_t found = source->find(needle, std::min(from, source->size()));
        found != std::string_view::npos) {
      return {start.file, number, static_cast<int>(found) + 1, static_cast<int>(needle.size())};
    }
  }
  return start;
}

}  // namespace jobc::model_builder
