// Starts hashing a spec's local folders (code, input paths, build contexts) on background
// threads as soon as the spec is loaded, while it is still being validated. A first compile of
// a job with megabytes of data then costs about max(hashing, validating) instead of their sum:
// the Azure ML upload hash (one sequential MD5 stream) runs on one thread, the per-file SHA-256
// the manifest records on another, at idle priority so it never delays the MD5 or the compile.
#pragma once

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "jobc/result.h"

namespace jobc {

class DigestPrefetch {
 public:
  // `paths`: what the front end found local and existing (SpecPreview::local_paths).
  explicit DigestPrefetch(std::vector<std::filesystem::path> paths);
  // Stops unfinished hashing (within one file chunk) and waits for the threads.
  ~DigestPrefetch();
  DigestPrefetch(const DigestPrefetch&) = delete;
  DigestPrefetch& operator=(const DigestPrefetch&) = delete;

  // upload_hash(path): the background result when this path was prefetched and hashed
  // without error, else computed now (an error is then returned here, where it is reported).
  Result<std::string> upload_hash(const std::filesystem::path& path) const;

  // The canonical local paths being hashed.
  const std::vector<std::filesystem::path>& paths() const { return paths_; }

 private:
  std::vector<std::filesystem::path> paths_;
  std::atomic<bool> stop_{false};
  std::shared_future<std::map<std::filesystem::path, std::string>> upload_hashes_;
  std::thread file_digests_;
};

}  // namespace jobc
