// Digests via OpenSSL EVP. hex() works on a copy of the context so a Hasher can keep going.
#include "support/hash.h"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace jobc {

struct Hasher::State {
  EVP_MD_CTX* context = nullptr;
  ~State() { EVP_MD_CTX_free(context); }
};

namespace {

const EVP_MD* digest_for(HashKind kind) {
  return kind == HashKind::Md5 ? EVP_md5() : EVP_sha256();
}

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("hash: ") + what);
}

std::string to_hex(const unsigned char* bytes, unsigned int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

}  // namespace

Hasher::Hasher(HashKind kind) : state_(std::make_unique<State>()) {
  state_->context = EVP_MD_CTX_new();
  if (state_->context == nullptr) fail("EVP_MD_CTX_new failed");
  if (EVP_DigestInit_ex(state_->context, digest_for(kind), nullptr) != 1) {
    fail("EVP_DigestInit_ex failed");
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::string_view bytes) {
  if (bytes.empty()) return;
  if (EVP_DigestUpdate(state_->context, bytes.data(), bytes.size()) != 1) {
    fail("EVP_DigestUpdate failed");
  }
}

void Hasher::update_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
  }
  // Streamed in chunks so large data files never sit in memory whole.
  std::array<char, 1 << 16> chunk;
  while (in) {
    in.read(chunk.data(), chunk.size());
    update(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw std::runtime_error("error while reading " + file.string());
}

std::string Hasher::hex() const {
  State copy;
  copy.context = EVP_MD_CTX_new();
  if (copy.context == nullptr || EVP_MD_CTX_copy_ex(copy.context, state_->context) != 1) {
    fail("EVP_MD_CTX_copy_ex failed");
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(copy.context, digest.data(), &size) != 1) {
    fail("EVP_DigestFinal_ex failed");
  }
  return to_hex(digest.data(), size);
}

std::string md5_hex(std::string_view bytes) {
  Hasher hasher(HashKind::Md5);
  hasher.update(bytes);
  return hasher.hex();
}

std::string sha256_hex(std::string_view bytes) {
  Hasher hasher(HashKind::Sha256);
  hasher.update(bytes);
  return hasher.hex();
}

std::string sha256_file_hex(const std::filesystem::path& file) {
  Hasher hasher(HashKind::Sha256);
  hasher.update_file(file);
  return hasher.hex();
}

}  // namespace jobc
