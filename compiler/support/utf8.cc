// A strict UTF-8 decoder (no overlongs, no surrogates, nothing above U+10FFFF).
#include "support/utf8.h"

namespace jobc {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// Decodes the sequence starting at bytes[pos]; returns its length, or 0 if it is invalid.
size_t decode_one(std::string_view bytes, size_t pos, char32_t& out) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[pos + i]); };
  unsigned char lead = byte(0);
  size_t length = lead < 0x80                    ? 1
                  : lead >= 0xC2 && lead <= 0xDF ? 2
                  : lead >= 0xE0 && lead <= 0xEF ? 3
                  : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                 : 0;
  if (length == 0 || pos + length > bytes.size()) return 0;
  if (length == 1) {
    out = lead;
    return 1;
  }
  char32_t value = lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallest[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  out = value;
  return length;
}

}  // namespace

std::u32string decode_utf8(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  for (size_t pos = 0; pos < bytes.size();) {
    char32_t code_point = kReplacement;
    size_t length = decode_one(bytes, pos, code_point);
    out.push_back(length == 0 ? kReplacement : code_point);
    pos += length == 0 ? 1 : length;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool is_valid_utf8(std::string_view bytes) {
  char32_t ignored = 0;
  for (size_t pos = 0, length; pos < bytes.size(); pos += length) {
    if ((length = decode_one(bytes, pos, ignored)) == 0) return false;
  }
  return true;
}

std::string printable_utf8(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t pos = 0; pos < bytes.size();) {
    char32_t c = 0;
    size_t length = decode_one(bytes, pos, c);
    if (length > 1) {
      out.append(bytes.substr(pos, length));
    } else if (length == 1 && c == '\\') {
      out += "\\\\";
    } else if (length == 1 && c >= 0x20 && c != 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      const auto byte = static_cast<unsigned char>(bytes[pos]);
      out += {'\\', 'x', kDigits[byte >> 4], kDigits[byte & 0xF]};
      length = 1;
    }
    pos += length;
  }
  return out;
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

}  // namespace jobc
