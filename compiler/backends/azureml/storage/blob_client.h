// Azure Blob Storage calls signed with the account key (SharedKey, x-ms-version 2021-12-02),
// or by a SAS URL as given: what jobc needs to upload code and inputs, read growing logs
// and download a run's files. Works the same against Azure and Azurite.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::azureml {

// The blob service of a datastore's account, from the datastore's accountName, endpoint
// ("core.windows.net") and protocol: https://ACCOUNT.blob.ENDPOINT, or path-style
// PROTOCOL://ENDPOINT/ACCOUNT when the endpoint is an IP address or localhost (Azurite, e.g.
// "127.0.0.1:10000"). Plain http only to a loopback address.
Result<std::string> blob_service_url(std::string_view account, std::string_view endpoint,
                                     std::string_view protocol);

struct BlobAccount {
  std::string service_url;  // as blob_service_url() makes it, no trailing '/'
  std::string name;         // the account name (signs requests)
  std::string key;          // base64 account key: a secret, kept in memory only
};

struct BlobProperties {
  uint64_t size = 0;
  std::map<std::string, std::string> metadata;  // x-ms-meta-* without the prefix, lowercase
};

struct BlobItem {
  std::string name;
  uint64_t size = 0;
  bool is_folder = false;  // metadata hdi_isfolder=true
};

// A piece of a blob read from `offset`: what came, and whether the blob had nothing more.
struct BlobRead {
  std::string data;
  uint64_t blob_size = 0;  // the whole blob's size, when the reply said (Content-Range)
};

// How BlobClient splits, retries and pages; the defaults are the SDK's (tests use small ones).
struct BlobClientOptions {
  uint64_t single_put_limit = uint64_t{64} << 20;  // larger files go up in blocks
  uint64_t block_size = uint64_t{4} << 20;         // a block, and a download range
  unsigned parallel_blocks = 16;                   // blocks of one file in flight at once
  unsigned max_retries = 3;                        // per request, on 408, 5xx and timeouts
  long first_backoff_ms = 500;                     // then x4 each retry (0.5, 2, 8 s)
  unsigned list_page_size = 0;                     // List Blobs maxresults; 0: the service's
};

class BlobClient {
 public:
  BlobClient(std::shared_ptr<HttpTransport> transport, BlobAccount account);
  BlobClient(std::shared_ptr<HttpTransport> transport, BlobAccount account,
             BlobClientOptions options);

  // The blob's size and metadata; nullopt when it does not exist (404).
  Result<std::optional<BlobProperties>> head(std::string_view container, std::string_view blob);

  // Uploads local file `file` as block blob `blob`, with Content-MD5: one Put Blob up to
  // 64 MiB, else 4 MiB blocks (several at once) and a block list. `if_none_match`: only if
  // the blob does not exist yet (If-None-Match: *; a 409 BlobAlreadyExists is an error).
  // Retries 408 and 5xx (not 501/505) and timeouts, with backoff, a few times.
  // `on_bytes` (optional, from any thread) hears of each piece sent, in bytes.
  Status put_file(std::string_view container, std::string_view blob,
                  const std::filesystem::path& file, bool if_none_match,
                  const std::function<void(uint64_t bytes)>& on_bytes = {});

  // Sets the blob's metadata (Set Blob Metadata: replaces all of it).
  Status set_metadata(std::string_view container, std::string_view blob,
                      const std::map<std::string, std::string>& metadata);

  // Every blob whose name starts with `prefix`, with its size and whether it is a folder
  // marker (List Blobs, include=metadata, following continuation markers).
  Result<std::vector<BlobItem>> list(std::string_view container, std::string_view prefix);

  // Reads blob `blob` from byte `offset` to its end (Range: bytes=offset-); nothing new is an
  // empty read (Azurite's 206 with no body, or 416 InvalidRange past the end).
  Result<BlobRead> read_from(std::string_view container, std::string_view blob, uint64_t offset);

  // Downloads blob `blob` into local file `file` (created or replaced), in ranges.
  Status download(std::string_view container, std::string_view blob,
                  const std::filesystem::path& file);

  const BlobAccount& account() const { return account_; }
  const BlobClientOptions& options() const { return options_; }

 private:
  std::shared_ptr<HttpTransport> transport_;
  BlobAccount account_;
  BlobClientOptions options_;
};

// Reads a blob through a SAS URL (run history's logFiles), from byte `offset`: as
// BlobClient::read_from, unsigned. Plain http only to a loopback address.
Result<BlobRead> read_sas_url_from(HttpTransport& transport, std::string_view url, uint64_t offset);

}  // namespace jobc::azureml
