// Digests with OpenSSL's one-algorithm functions (MD5_*, SHA256_*) rather than EVP: the
// first EVP fetch builds OpenSSL 3's provider name map, which took 15 % of a cold
// `jobc compile`; these functions are deprecated in 3.0 but kept in every 3.x release.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "support/hash.h"

#include "support/digest_cache.h"

#include <openssl/md5.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <unordered_map>
#include <variant>

namespace jobc {

struct Hasher::State {
  std::variant<MD5_CTX, SHA256_CTX> context;
};

namespace {

std::string to_hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

thread_local const std::atomic<bool>* t_stop = nullptr;

}  // namespace

ScopedHashStop::ScopedHashStop(const std::atomic<bool>& stop) : previous_(t_stop) {
  t_stop = &stop;
}

ScopedHashStop::~ScopedHashStop() {
  t_stop = previous_;
}

Hasher::Hasher(HashKind kind) : state_(std::make_unique<State>()) {
  if (kind == HashKind::Md5) {
    MD5_Init(&state_->context.emplace<MD5_CTX>());
  } else {
    SHA256_Init(&state_->context.emplace<SHA256_CTX>());
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::string_view bytes) {
  if (bytes.empty()) return;
  if (auto* md5 = std::get_if<MD5_CTX>(&state_->context)) {
    MD5_Update(md5, bytes.data(), bytes.size());
  } else {
    SHA256_Update(&std::get<SHA256_CTX>(state_->context), bytes.data(), bytes.size());
  }
}

Status Hasher::update_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("cannot read " + file.string() + ": " + std::strerror(errno));
  // Streamed in chunks so large data files never sit in memory whole.
  std::array<char, 1 << 16> chunk;
  while (in) {
    if (t_stop != nullptr && t_stop->load(std::memory_order_relaxed)) return fail(kHashingStopped);
    in.read(chunk.data(), chunk.size());
    update(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return fail("error while reading " + file.string());
  return {};
}

std::string Hasher::hex() const {
  // Final() on a copy: the stream itself can go on.
  if (const auto* md5 = std::get_if<MD5_CTX>(&state_->context)) {
    MD5_CTX copy = *md5;
    std::array<unsigned char, MD5_DIGEST_LENGTH> digest;
    MD5_Final(digest.data(), &copy);
    return to_hex(digest.data(), digest.size());
  }
  SHA256_CTX copy = std::get<SHA256_CTX>(state_->context);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256_Final(digest.data(), &copy);
  return to_hex(digest.data(), digest.size());
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

Result<std::string> sha256_file_hex(const std::filesystem::path& file) {
  // One compile asks for the same file's digest several times (job name, manifest,
  // environment identity); a file whose size and mtime are unchanged is not read again.
  struct Key {
    std::string path;
    off_t size;
    long long mtime_ns;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& key) const {
      return std::hash<std::string>()(key.path) ^ key.size;
    }
  };
  static std::mutex mutex;
  static std::unordered_map<Key, std::string, KeyHash> known;

  struct stat info {};
  const bool cacheable = ::stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode);
  const Key key{file.string(), info.st_size,
                info.st_mtim.tv_sec * 1000000000LL + info.st_mtim.tv_nsec};
  if (cacheable) {
    std::lock_guard lock(mutex);
    if (auto it = known.find(key); it != known.end()) return it->second;
  }
  Result<std::string> digest = cached_digest("sha256", file, [&file]() -> Result<std::string> {
    Hasher hasher(HashKind::Sha256);
    if (Status read = hasher.update_file(file); !read) return read.error();
    return hasher.hex();
  });
  if (!digest) return digest;
  if (cacheable) {
    std::lock_guard lock(mutex);
    known.emplace(key, *digest);
  }
  return digest;
}

}  // namespace jobc
