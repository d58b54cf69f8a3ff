#include "support/secret_token.h"

#include <openssl/crypto.h>
#include <sys/random.h>

#include <cerrno>
#include <cstring>

namespace jobc {

Result<std::string> new_secret_token(std::string_view what) {
  // The kernel's generator, as OpenSSL's seeds from: without the cost of setting OpenSSL's
  // up, which a sweep queuing hundreds of runs at once would pay first.
  unsigned char bytes[32];
  if (getrandom(bytes, sizeof bytes, 0) != ssize_t(sizeof bytes)) {
    return fail("no random bytes for " + std::string(what) + ": " + std::strerror(errno));
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
