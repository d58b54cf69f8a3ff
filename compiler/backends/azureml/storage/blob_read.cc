// Reading blobs: from an offset to the end (growing logs, signed or through a SAS URL) and
// whole files in ranges.
#include <charconv>
#include <fstream>

#include "backends/azureml/storage/blob_client.h"
#include "backends/azureml/storage/blob_url.h"
#include "backends/azureml/storage/storage_error.h"
#include "backends/azureml/storage/storage_request.h"

namespace jobc::azureml {
namespace {

namespace fs = std::filesystem;

constexpr long kStallTimeoutMs = 60000;

// The total after '/' in "bytes 0-99/1234" or "bytes */1234"; nullopt when absent.
std::optional<uint64_t> content_range_total(const HttpResponse& response) {
  std::string range = response.header("Content-Range");
  size_t slash = range.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  uint64_t total = 0;
  const char* begin = range.data() + slash + 1;
  const char* end = range.data() + range.size();
  auto [stop, error] = std::from_chars(begin, end, total);
  if (error != std::errc() || stop != end) return std::nullopt;
  return total;
}

// GET `url` with Range bytes=FIRST-[LAST]: the bytes, or nothing when FIRST is at or past the
// end (206 with no body, or 416 InvalidRange).
Result<BlobRead> read_range(const StorageSender& sender, const std::string& url,
                            const std::string& doing, uint64_t first,
                            std::optional<uint64_t> last) {
  std::string range =
      "bytes=" + std::to_string(first) + "-" + (last ? std::to_string(*last) : std::string());
  auto response = sender.send([&] {
    HttpRequest request;
    request.url = url;
    request.headers = {{"Range", range}};
    request.timeout_ms = 0;
    request.stall_timeout_ms = kStallTimeoutMs;
    return request;
  });
  BlobRead read;
  if (response && response->status == 416) {
    read.blob_size = content_range_total(*response).value_or(first);
    return read;
  }
  if (!response || !response->ok()) return storage_failure(doing, response, url);
  if (response->status == 206) {
    read.data = std::move(response->body);
    read.blob_size = content_range_total(*response).value_or(first + read.data.size());
    return read;
  }
  // 200: the whole blob (a service that ignored the range).
  read.blob_size = response->body.size();
  read.data = first < response->body.size() ? response->body.substr(first) : "";
  if (last && *last + 1 - first < read.data.size()) read.data.resize(*last + 1 - first);
  return read;
}

std::string read_doing(std::string_view container, std::string_view blob) {
  return "cannot read blob '" + std::string(blob) + "' in container '" + std::string(container) +
         "'";
}

}  // namespace

Result<BlobRead> BlobClient::read_from(std::string_view container, std::string_view blob,
                                       uint64_t offset) {
  StorageSender sender{*transport_, &account_, options_};
  return read_range(sender, blob_url(account_.service_url, container, blob),
                    read_doing(container, blob), offset, std::nullopt);
}

Status BlobClient::download(std::string_view container, std::string_view blob,
                            const fs::path& file) {
  std::string doing = read_doing(container, blob) + " into " + file.string();
  std::string url = blob_url(account_.service_url, container, blob);
  StorageSender sender{*transport_, &account_, options_};
  std::error_code error;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), error);
  // Written beside the target and renamed over it: a failed download leaves no partial file.
  fs::path partial = file;
  partial += ".jobc-partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) return fail(doing + ": cannot write " + partial.string());
  uint64_t offset = 0, total = 0;
  do {
    auto piece = read_range(sender, url, doing, offset, offset + options_.block_size - 1);
    if (!piece) {
      out.close();
      fs::remove(partial, error);
      return piece.error();
    }
    total = piece->blob_size;
    out.write(piece->data.data(), static_cast<std::streamsize>(piece->data.size()));
    offset += piece->data.size();
    if (piece->data.empty() && offset < total) {
      out.close();
      fs::remove(partial, error);
      return fail(doing + ": the service sent no bytes at offset " + std::to_string(offset));
    }
  } while (offset < total);
  out.close();
  if (!out) {
    fs::remove(partial, error);
    return fail(doing + ": cannot write " + partial.string());
  }
  fs::rename(partial, file, error);
  if (error) return fail(doing + ": " + error.message());
  return {};
}

Result<BlobRead> read_sas_url_from(HttpTransport& transport, std::string_view url,
                                   uint64_t offset) {
  std::string doing = "cannot read " + url_for_messages(url);
  if (auto checked = check_url_scheme(url); !checked)
    return fail(doing + ": " + checked.error().message);
  BlobClientOptions options;
  StorageSender sender{transport, nullptr, options};
  return read_range(sender, std::string(url), doing, offset, std::nullopt);
}

}  // namespace jobc::azureml
