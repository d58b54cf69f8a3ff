// Message digests (md5, sha256) as lower-case hex, through OpenSSL (see hash.cc for which API).
// Used for the Azure ML asset hashes and anywhere jobc needs a content fingerprint.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "jobc/result.h"

namespace jobc {

enum class HashKind { Md5, Sha256 };

// An incremental digest: feed bytes with update(), read the digest with hex().
class Hasher {
 public:
  explicit Hasher(HashKind kind);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(std::string_view bytes);
  // Streams a file's bytes into the digest; an error if it cannot be read, or when hashing is
  // stopped (ScopedHashStop).
  Status update_file(const std::filesystem::path& file);
  // The digest of everything fed so far. Does not end the stream: more update() calls may follow.
  std::string hex() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Background hashing that may be abandoned (see codegen/digest_prefetch.h): while one of these
// lives, files hashed on its thread are read only until `stop` is set, then update_file fails
// with kHashingStopped, so a cancelled walk over gigabytes ends within one chunk.
class ScopedHashStop {
 public:
  explicit ScopedHashStop(const std::atomic<bool>& stop);
  ~ScopedHashStop();
  ScopedHashStop(const ScopedHashStop&) = delete;
  ScopedHashStop& operator=(const ScopedHashStop&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

inline constexpr const char* kHashingStopped = "hashing stopped";

std::string md5_hex(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);
// An error if the file cannot be read (or hashing is stopped).
Result<std::string> sha256_file_hex(const std::filesystem::path& file);

}  // namespace jobc
