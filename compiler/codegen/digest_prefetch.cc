#include "codegen/digest_prefetch.h"

#include <pthread.h>
#include <sched.h>

#include <set>

#include "support/folder_hashes.h"
#include "support/hash.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

}  // namespace

DigestPrefetch::DigestPrefetch(std::vector<fs::path> paths) : paths_(std::move(paths)) {
  if (paths_.empty()) return;
  upload_hashes_ = std::async(std::launch::async, [this] {
                     ScopedHashStop stop(stop_);
                     std::map<fs::path, std::string> hashes;
                     for (const fs::path& path : paths_) {
                       // A failure is left for upload_hash() to meet again where it is used.
                       if (auto hash = jobc::upload_hash(path)) hashes[path] = *hash;
                     }
                     return hashes;
                   }).share();
  // Fills sha256_file_hex's per-process memo, which the manifest reads last. Idle priority:
  // it only uses a core that validation and the MD5 stream leave free.
  file_digests_ = std::thread([this] {
    sched_param idle{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
    ScopedHashStop stop(stop_);
    for (const fs::path& path : paths_) {
      auto files = snapshot_files(path);
      if (!files) continue;  // as above: the manifest meets the error again and reports it
      for (const SnapshotFile& file : *files) {
        // As above (or hashing was stopped): the manifest hashes the file again.
        if (!sha256_file_hex(file.source)) break;
      }
    }
  });
}

DigestPrefetch::~DigestPrefetch() {
  stop_ = true;
  if (file_digests_.joinable()) file_digests_.join();
  if (upload_hashes_.valid()) upload_hashes_.wait();
}

Result<std::string> DigestPrefetch::upload_hash(const fs::path& path) const {
  if (upload_hashes_.valid()) {
    std::error_code error;
    fs::path canonical = fs::canonical(path, error);
    const auto& hashes = upload_hashes_.get();
    if (auto it = hashes.find(canonical); !error && it != hashes.end()) return it->second;
  }
  return jobc::upload_hash(path);
}

}  // namespace jobc
