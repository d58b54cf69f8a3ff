#include "jobc/source.h"

namespace jobc {

void SourceManager::add(const std::string& file, std::string text) {
  File entry{std::move(text), {0}};
  for (size_t i = 0; i < entry.text.size(); ++i) {
    if (entry.text[i] == '\n') entry.line_starts.push_back(i + 1);
  }
  files_[file] = std::move(entry);
}

std::optional<std::string_view> SourceManager::line(const std::string& file, int line) const {
  auto it = files_.find(file);
  if (it == files_.end() || line < 1) return std::nullopt;
  const File& entry = it->second;
  if (static_cast<size_t>(line) > entry.line_starts.size()) return std::nullopt;
  size_t start = entry.line_starts[line - 1];
  if (start > entry.text.size()) return std::nullopt;
  size_t end = entry.text.find('\n', start);
  if (end == std::string::npos) end = entry.text.size();
  std::string_view text(entry.text.data() + start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace jobc
