#include "codegen/digest_prefetch.h"

#include <pthread.h>
#include <sched.h>

#include <set>

#include "spec/checks/check_context.h"
#include "support/folder_hashes.h"
#include "support/hash.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

// Where a command job, sweep job or environment spec names local files or folders.
std::vector<fs::path> local_paths(const SpecDocument& doc) {
  std::vector<nlohmann::json::json_pointer> pointers;
  for (const char* at : {"/code", "/trial/code", "/build/path", "/environment/build/path",
                         "/trial/environment/build/path"}) {
    pointers.emplace_back(at);
  }
  if (auto inputs = doc.root.find("inputs"); inputs != doc.root.end() && inputs->is_object()) {
    for (const auto& [name, input] : inputs->items()) {
      if (input.is_object()) {
        pointers.push_back(nlohmann::json::json_pointer("/inputs") / name / "path");
      }
    }
  }
  std::set<fs::path> found;
  for (const auto& pointer : pointers) {
    if (!doc.root.contains(pointer)) continue;
    const nlohmann::json& value = doc.root.at(pointer);
    if (!value.is_string() || is_remote_reference(value.get<std::string>())) continue;
    fs::path path(value.get<std::string>());
    std::error_code error;
    fs::path canonical = fs::canonical(path.is_absolute() ? path : doc.dir / path, error);
    if (!error) found.insert(canonical);
  }
  return {found.begin(), found.end()};
}

}  // namespace

DigestPrefetch::DigestPrefetch(const SpecDocument& doc) : paths_(local_paths(doc)) {
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
      try {
        for (const SnapshotFile& file : *files) sha256_file_hex(file.source);
      } catch (const std::exception&) {
        // As above (or hashing was stopped): the manifest hashes the file again.
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
