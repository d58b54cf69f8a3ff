#include <algorithm>

#include "jobc/source.h"

namespace jobc {
namespace {

// A secret value shorter than this is masked where it stands in the source but not searched
// for elsewhere: so short a string turns up inside ordinary words.
constexpr size_t kMinSearchedSecret = 4;

// Searching every secret value in a text costs its length times their number; past this,
// the whole text is masked instead (a document written to be slow to show loses its lines).
constexpr size_t kSearchBudget = size_t{1} << 24;

struct Cut {
  size_t begin;
  size_t end;
  bool operator<(const Cut& other) const { return begin < other.begin; }
};

// `text` with every cut (they may overlap) replaced by the mask. `column`, a 0-based byte
// column of `text`, becomes the same place in the result (the mask's start inside a cut).
std::string apply_cuts(std::string_view text, std::vector<Cut> cuts, size_t& column) {
  std::sort(cuts.begin(), cuts.end());
  std::string out;
  size_t at = 0;
  bool placed = false;
  for (Cut cut : cuts) {
    size_t begin = std::max(cut.begin, at);
    if (begin >= cut.end) continue;
    out.append(text.substr(at, begin - at));
    if (!placed && column < cut.end) {
      column = column < begin ? out.size() - (begin - column) : out.size();
      placed = true;
    }
    out += kSecretMask;
    at = cut.end;
  }
  if (!placed) column = out.size() + (column >= at ? column - at : 0);
  out.append(text.substr(std::min(at, text.size())));
  return out;
}

// The non-blank part of [begin, end) within `text`, so indentation stays visible.
std::optional<Cut> trimmed(std::string_view text, size_t begin, size_t end) {
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  if (begin >= end) return std::nullopt;
  return Cut{begin, end};
}

}  // namespace

void SourceManager::add(const std::string& file, std::string text) {
  File entry{std::move(text), {0}, {}};
  for (size_t i = 0; i < entry.text.size(); ++i) {
    if (entry.text[i] == '\n') entry.line_starts.push_back(i + 1);
  }
  files_[file] = std::move(entry);
}

void SourceManager::hide_secret(const std::string& file, size_t begin, size_t end,
                                std::string value) {
  if (auto it = files_.find(file); it != files_.end() && begin < end) {
    it->second.secrets.push_back({begin, end});
  }
  // Each line of the value on its own: a message or a source line holds at most one line.
  size_t start = 0;
  while (start <= value.size()) {
    size_t stop = std::min(value.find('\n', start), value.size());
    std::string piece = value.substr(start, stop - start);
    if (!piece.empty() && piece.back() == '\r') piece.pop_back();
    if (piece.size() >= kMinSearchedSecret) secret_values_.insert(std::move(piece));
    start = stop + 1;
  }
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

std::optional<SourceManager::Excerpt> SourceManager::excerpt(const std::string& file, int line,
                                                             int column) const {
  auto text = this->line(file, line);
  if (!text) return std::nullopt;
  const File& entry = files_.at(file);
  size_t start = entry.line_starts[line - 1];
  size_t length = text->size();
  std::vector<Cut> cuts;
  for (const Span& secret : entry.secrets) {
    if (secret.end <= start || secret.begin >= start + length) continue;
    size_t begin = std::max(secret.begin, start) - start;
    size_t stop = std::min(secret.end, start + length) - start;
    if (auto cut = trimmed(*text, begin, stop)) cuts.push_back(*cut);
  }
  if (length * secret_values_.size() > kSearchBudget) cuts.push_back({0, length});
  for (const std::string& value : secret_values_) {
    if (length * secret_values_.size() > kSearchBudget) break;
    for (size_t at = text->find(value); at != std::string_view::npos;
         at = text->find(value, at + 1)) {
      cuts.push_back({at, at + value.size()});
    }
  }
  Excerpt out;
  out.column = static_cast<size_t>(std::max(1, column)) - 1;
  out.text = apply_cuts(*text, std::move(cuts), out.column);
  return out;
}

std::string SourceManager::redact(std::string text) const {
  if (text.size() * secret_values_.size() > kSearchBudget) return std::string(kSecretMask);
  for (const std::string& value : secret_values_) {
    for (size_t at = text.find(value); at != std::string::npos; at = text.find(value, at)) {
      text.replace(at, value.size(), kSecretMask);
      at += kSecretMask.size();
    }
  }
  return text;
}

}  // namespace jobc
