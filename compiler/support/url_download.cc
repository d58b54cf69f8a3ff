#include "support/url_download.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/char_scan.h"
#include "support/hash.h"
#include "support/http_client.h"
#include "support/private_files.h"
#include "support/text.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxUrlLength = 8192;
constexpr size_t kMaxFileNameLength = 100;
// Room left on the cache's disk after a download, so that the run still has space.
constexpr uint64_t kFreeSpaceMargin = 64ull << 20;

std::string safe_file_name(std::string_view segment) {
  std::string name;
  for (char c : segment.substr(0, kMaxFileNameLength)) {
    name += is_ascii_alnum(c) || c == '.' || c == '-' || c == '_' ? c : '_';
  }
  if (name.find_first_not_of('.') == std::string::npos) return "download";  // "", ".", ".."
  return name;
}

std::string megabytes(uint64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

// One progress line: redrawn in place on a terminal (at most 5 times a second), otherwise a
// line every 10 seconds, so a log is not flooded.
class ProgressLine {
 public:
  ProgressLine(const DownloadOptions& options, std::string what)
      : out_(options.progress), live_(options.live_progress), what_(std::move(what)) {}

  void update(uint64_t bytes) {
    if (!out_) return;
    auto now = Clock::now();
    if (now - last_ < (live_ ? std::chrono::milliseconds(200) : std::chrono::seconds(10))) return;
    last_ = now;
    *out_ << (live_ ? "\r\x1b[K" : "")
          << fmt::format("jobc: downloading {}: {}, {}/s", what_, megabytes(bytes),
                         megabytes(rate(bytes)))
          << (live_ ? "" : "\n") << std::flush;
    drawn_ = live_;
  }
  void done(uint64_t bytes) {
    if (!out_) return;
    *out_ << (drawn_ ? "\r\x1b[K" : "")
          << fmt::format("jobc: downloaded {} ({}, {}/s)\n", what_, megabytes(bytes),
                         megabytes(rate(bytes)));
  }
  void abandon() {
    if (out_ && drawn_) *out_ << "\n";
  }

 private:
  uint64_t rate(uint64_t bytes) const {
    double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return seconds > 0.001 ? static_cast<uint64_t>(static_cast<double>(bytes) / seconds) : bytes;
  }

  std::ostream* out_;
  bool live_;
  std::string what_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
  bool drawn_ = false;
};

// The cache's record of one URL: its file, and that file's ETag ("" when the server sent
// none: then the file is never reused, only removed by the next download).
struct CacheEntry {
  std::string etag;
  std::string file;
};

fs::path entry_file(const fs::path& dir) {
  return dir / "entry.json";
}

std::optional<CacheEntry> read_entry(const fs::path& dir) {
  std::ifstream in(entry_file(dir));
  json entry = json::parse(in, nullptr, false);
  if (!entry.is_object() || !entry.value("etag", json()).is_string()) return std::nullopt;
  CacheEntry found{entry.value("etag", ""), entry.value("file", "")};
  std::error_code ec;
  if (found.file.empty() || !fs::is_regular_file(dir / found.file, ec)) {
    return std::nullopt;
  }
  return found;
}

std::string ca_bundle_from_environment() {
  for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
    if (const char* value = std::getenv(name); value && *value) return value;
  }
  return "";
}

// Why a transfer failed, in words that never hold the URL (it may carry credentials).
std::string transfer_failure(const HttpError& error, const std::string& url) {
  std::string text = error.message;
  if (text.starts_with(url + ": ")) text.erase(0, url.size() + 2);
  if (size_t at = text.find(url); at != std::string::npos) text.replace(at, url.size(), "<url>");
  return text;
}

// Writes the body to a temporary file in the cache; the file is removed unless kept.
class PartialFile {
 public:
  explicit PartialFile(const fs::path& dir) : path_((dir / ".partial-XXXXXX").string()) {
    fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
  }
  ~PartialFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  bool open() const { return fd_ >= 0; }
  bool write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        errno_ = errno;
        return false;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      written_ += static_cast<uint64_t>(n);
    }
    return true;
  }
  int write_errno() const { return errno_; }
  uint64_t written() const { return written_; }
  // Closes the file, makes it read-only and renames it to `to`.
  bool keep_as(const fs::path& to) {
    bool ok = ::fchmod(fd_, 0444) == 0 && ::fsync(fd_) == 0;
    ok = ::close(fd_) == 0 && ok;
    fd_ = -1;
    kept_ = ok && ::rename(path_.c_str(), to.c_str()) == 0;
    return kept_;
  }

 private:
  std::string path_;
  int fd_ = -1;
  int errno_ = 0;
  uint64_t written_ = 0;
  bool kept_ = false;
};

uint64_t free_bytes(const fs::path& dir) {
  std::error_code ec;
  fs::space_info space = fs::space(dir, ec);
  return ec ? UINT64_MAX : space.available;
}

}  // namespace

Result<HttpsUrl> parse_https_url(std::string_view text) {
  constexpr std::string_view kScheme = "https://";
  if (!iequals(text.substr(0, kScheme.size()), kScheme)) {
    return fail("only https:// URLs can be downloaded");
  }
  if (text.size() > kMaxUrlLength) {
    return fail(fmt::format("the URL is longer than {} characters", kMaxUrlLength));
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') {
      return fail("the URL holds a space or a control character (write it percent-encoded)");
    }
  }
  std::string_view rest = text.substr(kScheme.size());
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view after =
      authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);  // user:password@ is never shown
  }
  if (authority.empty() || authority.front() == ':') {
    return fail("the URL names no host");
  }
  std::string_view path = after.substr(0, after.find_first_of("?#"));
  bool query = after.find('?') != std::string_view::npos && after.find('?') < after.find('#');
  HttpsUrl url;
  url.display = fmt::format("https://{}{}{}", authority, path, query ? "?…" : "");
  std::string_view last = path.substr(path.find_last_of('/') + 1);
  url.file_name = safe_file_name(last);
  return url;
}

Result<Download> download_to_cache(const std::string& url, const DownloadOptions& options) {
  auto parsed = parse_https_url(url);
  if (!parsed) return parsed.error();
  const std::string& shown = parsed->display;
  fs::path dir = options.cache_dir / sha256_hex(url);  // the URL itself is never stored
  for (const fs::path& folder : {options.cache_dir, dir}) {
    if (Status created = create_private_folder(folder); !created) return created.error();
  }
  std::optional<CacheEntry> cached = read_entry(dir);
  PartialFile partial(dir);
  if (!partial.open()) {
    return fail(fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
  }

  HttpRequest request;
  request.url = url;
  request.ca_bundle = ca_bundle_from_environment();
  request.follow_redirects = true;
  request.timeout_ms = 0;  // a large file takes as long as it takes, while it moves
  request.connect_timeout_ms = 30000;
  request.stall_timeout_ms = 60000;
  bool revalidating = cached && !cached->etag.empty();
  if (revalidating) request.headers.emplace_back("If-None-Match", cached->etag);
  ProgressLine progress(options, shown);
  long status = 0;
  std::string refusal;
  request.on_headers = [&](long code) { status = code; };
  request.on_chunk = [&](std::string_view chunk) {
    if (status < 200 || status >= 300) return true;  // an error page: read, never kept
    if (!partial.write(chunk)) {
      refusal = fmt::format("cannot write the download into {}: {}", dir.string(),
                            std::strerror(partial.write_errno()));
      return false;
    }
    if (partial.written() + kFreeSpaceMargin > free_bytes(dir) + chunk.size()) {
      refusal = fmt::format("the disk under {} has too little room left for it", dir.string());
      return false;
    }
    progress.update(partial.written());
    return true;
  };
  HttpResult response = make_curl_transport()->perform(request);
  if (!refusal.empty() || !response) {
    progress.abandon();
    return fail(fmt::format("cannot download {}: {}", shown,
                            refusal.empty() ? transfer_failure(response.error(), url) : refusal));
  }
  if (response->status == 304 && revalidating) return Download{dir / cached->file, true};
  if (response->status < 200 || response->status >= 300) {
    return fail(fmt::format("cannot download {}: the server answered {}", shown, response->status));
  }
  std::string etag = response->header("ETag");
  std::string name = "body-" + sha256_hex(etag.empty() ? std::to_string(::getpid()) : etag);
  fs::path file = dir / name;
  if (!partial.keep_as(file)) {
    return fail(
        fmt::format("cannot keep the download in {}: {}", file.string(), std::strerror(errno)));
  }
  progress.done(partial.written());
  std::string previous = cached ? cached->file : "";
  json entry = {{"url", shown}, {"etag", etag}, {"file", name}};
  if (Status written = write_private_file_atomically(entry_file(dir), entry.dump() + "\n");
      !written) {
    return written.error();
  }
  std::error_code ec;
  if (!previous.empty() && previous != name) fs::remove(dir / previous, ec);
  return Download{file, false};
}

bool url_carries_credentials(std::string_view text) {
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
  for (char c : text.substr(0, scheme_end)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  std::string_view rest = text.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  return authority.find('@') != std::string_view::npos || rest.find('?') != std::string_view::npos;
}

}  // namespace jobc
