// Downloads of https:// inputs into a cache kept by URL and ETag: a second download of the
// same URL asks the server with If-None-Match and reuses the cached file on 304. A body is
// written to a temporary file and renamed into the cache only when complete. URLs may carry
// credentials (user:password@, a SAS token in the query): only their display form, without
// those, ever reaches a message or a file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "jobc/result.h"

namespace jobc {

// An https:// URL taken apart: what may be shown and what a downloaded file is called.
struct HttpsUrl {
  std::string display;    // https://host[:port]/path, "?…" for a query; no user, no password
  std::string file_name;  // the path's last segment, made safe as a file name ("download")
};

// Parses `text`; an error (which never repeats the URL) when it is not a well-formed
// https:// URL.
Result<HttpsUrl> parse_https_url(std::string_view text);

// Whether `text` is a URL (any scheme) that carries credentials: user information
// (scheme://user:password@host) or a query (a SAS token's sig=...). Diagnostics mask it.
bool url_carries_credentials(std::string_view text);

struct DownloadOptions {
  std::filesystem::path cache_dir;   // $JOBC_HOME/downloads
  std::ostream* progress = nullptr;  // progress lines; nullptr: none
  bool live_progress = false;        // progress is a terminal: one line redrawn in place
};

struct Download {
  std::filesystem::path file;  // in the cache: never written again, mode 0444
  bool reused = false;         // the server answered 304 Not Modified
};

// The file at `url` (https only), fresh from the server or revalidated from the cache.
// Certificates are verified against the system's CAs, or the bundle CURL_CA_BUNDLE or
// SSL_CERT_FILE names (as curl does).
Result<Download> download_to_cache(const std::string& url, const DownloadOptions& options);

}  // namespace jobc
