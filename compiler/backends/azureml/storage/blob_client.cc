// BlobClient's metadata calls (HEAD, Set Blob Metadata) and List Blobs; uploads are in
// blob_put.cc, reads in blob_read.cc.
#include "backends/azureml/storage/blob_client.h"

#include <charconv>

#include "backends/azureml/storage/blob_url.h"
#include "backends/azureml/storage/list_blobs_xml.h"
#include "backends/azureml/storage/storage_error.h"
#include "backends/azureml/storage/storage_request.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

std::string named(std::string_view container, std::string_view blob) {
  return "blob '" + std::string(blob) + "' in container '" + std::string(container) + "'";
}

}  // namespace

BlobClient::BlobClient(std::shared_ptr<HttpTransport> transport, BlobAccount account)
    : BlobClient(std::move(transport), std::move(account), BlobClientOptions{}) {}

BlobClient::BlobClient(std::shared_ptr<HttpTransport> transport, BlobAccount account,
                       BlobClientOptions options)
    : transport_(std::move(transport)), account_(std::move(account)), options_(options) {
  if (options_.block_size == 0) options_.block_size = BlobClientOptions{}.block_size;
  if (options_.parallel_blocks == 0) options_.parallel_blocks = 1;
}

Result<std::optional<BlobProperties>> BlobClient::head(std::string_view container,
                                                       std::string_view blob) {
  std::string url = blob_url(account_.service_url, container, blob);
  StorageSender sender{*transport_, &account_, options_};
  auto response = sender.send([&] {
    HttpRequest request;
    request.method = "HEAD";
    request.url = url;
    return request;
  });
  if (response && response->status == 404) return std::optional<BlobProperties>{};
  if (!response || !response->ok())
    return storage_failure("cannot read " + named(container, blob), response, url);
  BlobProperties properties;
  std::string length = response->header("Content-Length");
  std::from_chars(length.data(), length.data() + length.size(), properties.size);
  for (const auto& [name, value] : response->headers) {
    std::string key = lower(name);
    if (key.starts_with("x-ms-meta-")) properties.metadata[key.substr(10)] = value;
  }
  return std::optional<BlobProperties>(std::move(properties));
}

Status BlobClient::set_metadata(std::string_view container, std::string_view blob,
                                const std::map<std::string, std::string>& metadata) {
  std::string url = blob_url(account_.service_url, container, blob) + "?comp=metadata";
  StorageSender sender{*transport_, &account_, options_};
  auto response = sender.send([&] {
    HttpRequest request;
    request.method = "PUT";
    request.url = url;
    for (const auto& [name, value] : metadata)
      request.headers.emplace_back("x-ms-meta-" + name, value);
    return request;
  });
  if (!response || !response->ok()) {
    return storage_failure("cannot set the metadata of " + named(container, blob), response, url);
  }
  return {};
}

Result<std::vector<BlobItem>> BlobClient::list(std::string_view container,
                                               std::string_view prefix) {
  std::string base = blob_url(account_.service_url, container, "") +
                     "?restype=container&comp=list&include=metadata&prefix=" + url_encode(prefix);
  if (options_.list_page_size > 0) base += "&maxresults=" + std::to_string(options_.list_page_size);
  StorageSender sender{*transport_, &account_, options_};
  std::vector<BlobItem> items;
  std::string marker;
  do {
    std::string url = marker.empty() ? base : base + "&marker=" + url_encode(marker);
    auto response = sender.send([&] {
      HttpRequest request;
      request.url = url;
      return request;
    });
    std::string doing = "cannot list blobs under '" + std::string(prefix) + "' in container '" +
                        std::string(container) + "'";
    if (!response || !response->ok()) return storage_failure(doing, response, url);
    auto page = parse_list_blobs(response->body);
    if (!page) return fail(doing + ": " + page.error().message);
    for (auto& item : page->blobs) items.push_back(std::move(item));
    if (page->next_marker == marker && !marker.empty()) {
      return fail(doing + ": the service returned the same continuation marker twice");
    }
    marker = page->next_marker;
  } while (!marker.empty());
  return items;
}

}  // namespace jobc::azureml
