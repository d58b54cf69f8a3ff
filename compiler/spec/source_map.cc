#include <charconv>

#include "jobc/source.h"

namespace jobc {

void SourceMap::set(std::string pointer, NodeOrigin origin) {
  origins_[std::move(pointer)] = std::move(origin);
}

const NodeOrigin* SourceMap::find(std::string_view pointer) const {
  auto it = origins_.find(std::string(pointer));
  return it == origins_.end() ? nullptr : &it->second;
}

const NodeOrigin* SourceMap::nearest(std::string_view pointer) const {
  std::string current(pointer);
  while (true) {
    if (const NodeOrigin* origin = find(current)) return origin;
    if (current.empty()) return nullptr;
    current.erase(current.rfind('/'));
  }
}

Location SourceMap::value_location(std::string_view pointer) const {
  const NodeOrigin* origin = nearest(pointer);
  return origin ? origin->value : Location{};
}

Location SourceMap::key_location(std::string_view pointer) const {
  const NodeOrigin* origin = find(pointer);
  if (origin && origin->key.line > 0) return origin->key;
  return value_location(pointer);
}

std::string SourceMap::override_for(std::string_view pointer) const {
  const NodeOrigin* origin = nearest(pointer);
  return origin ? origin->override_text : std::string();
}

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out(base);
  out += '/';
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string pointer_append(std::string_view base, size_t index) {
  return std::string(base) + "/" + std::to_string(index);
}

std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  size_t pos = 0;
  while (pos < pointer.size() && pointer[pos] == '/') {
    size_t end = pointer.find('/', pos + 1);
    if (end == std::string_view::npos) end = pointer.size();
    std::string token;
    for (size_t i = pos + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end) {
        token += pointer[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    tokens.push_back(std::move(token));
    pos = end;
  }
  return tokens;
}

static bool is_index(const std::string& token) {
  size_t value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  return error == std::errc() && end == token.data() + token.size() && !token.empty();
}

std::string pointer_to_dotted(std::string_view pointer) {
  std::string out;
  for (const std::string& token : pointer_tokens(pointer)) {
    if (is_index(token)) {
      out += "[" + token + "]";
    } else {
      if (!out.empty()) out += '.';
      out += token;
    }
  }
  return out.empty() ? "(top level)" : out;
}

}  // namespace jobc
