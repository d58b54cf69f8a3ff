#include "support/base64.h"

#include <openssl/evp.h>

#include <algorithm>

namespace jobc {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out = base64_encode(bytes);
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string input(text);
  for (char& c : input) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (input.size() % 4 != 0) input += '=';
  std::string out(3 * input.size() / 4 + 1, '\0');
  int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(input.data()),
                                static_cast<int>(input.size()));
  if (written < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes: drop them.
  size_t padding = 0;
  for (size_t i = input.size(); i > 0 && input[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(written) - std::min<size_t>(padding, written));
  return out;
}

}  // namespace jobc
