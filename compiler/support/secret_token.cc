#include "support/secret_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace jobc {

Result<std::string> new_secret_token(std::string_view what) {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return fail("no random bytes for " + std::string(what));
  }
  static const char* digits = "0123456789abcdef";
  std::string token;
  for (unsigned char byte : bytes) {
    token += digits[byte >> 4];
    token += digits[byte & 15];
  }
  return token;
}

bool same_secret(std::string_view expected, std::string_view given) {
  if (expected.empty() || expected.size() != given.size()) return false;
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace jobc
