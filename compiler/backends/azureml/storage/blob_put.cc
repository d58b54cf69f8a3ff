// BlobClient::put_file: one Put Blob up to the single-put limit, else blocks sent several at
// once and a block list. Every request with a body carries its Content-MD5; a file's bytes
// are read again on each attempt, so a retry never sends a stale or half-read body.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include "backends/azureml/storage/blob_client.h"
#include "backends/azureml/storage/blob_url.h"
#include "backends/azureml/storage/storage_error.h"
#include "backends/azureml/storage/storage_request.h"
#include "support/base64.h"
#include "support/hash.h"

namespace jobc::azureml {
namespace {

namespace fs = std::filesystem;

constexpr long kStallTimeoutMs = 60000;  // a transfer making no progress for this long failed

std::string hex_to_bytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string content_md5(std::string_view bytes) {
  return base64_encode(hex_to_bytes(md5_hex(bytes)));
}

Result<std::string> read_piece(const fs::path& file, uint64_t offset, uint64_t size) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes(size, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in || static_cast<uint64_t>(in.gcount()) != size) {
    return fail("cannot read " + file.string() + " (bytes " + std::to_string(offset) + " to " +
                std::to_string(offset + size) + ")");
  }
  return bytes;
}

// Reads `size` bytes at `offset` of the open `in` into `buffer` (resized; its memory is kept).
Status read_block(std::ifstream& in, const fs::path& file, uint64_t offset, uint64_t size,
                  std::string& buffer) {
  buffer.resize(size);
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(buffer.data(), static_cast<std::streamsize>(size));
  if (!in || static_cast<uint64_t>(in.gcount()) != size) {
    return fail("cannot read " + file.string() + " (bytes " + std::to_string(offset) + " to " +
                std::to_string(offset + size) + ")");
  }
  return {};
}

// A request body read straight from `bytes` (which must outlive the request), from its start
// on every attempt: no copy of a block into the request.
std::function<size_t(char*, size_t)> body_from(const std::string& bytes) {
  return [&bytes, sent = size_t{0}](char* out, size_t room) mutable {
    size_t n = std::min(room, bytes.size() - sent);
    std::memcpy(out, bytes.data() + sent, n);
    sent += n;
    return n;
  };
}

HttpRequest data_request(const std::string& url, const std::string& body) {
  HttpRequest request;
  request.method = "PUT";
  request.url = url;
  request.body = body;
  request.timeout_ms = 0;  // a large body may take long: the stall timeout bounds it instead
  request.stall_timeout_ms = kStallTimeoutMs;
  return request;
}

// A block id: base64 of a fixed-width name (every id of a blob must have the same length).
std::string block_id(size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "jobc-block-%08zu", index);
  return base64_encode(name);
}

}  // namespace

Status BlobClient::put_file(std::string_view container, std::string_view blob, const fs::path& file,
                            bool if_none_match, const std::function<void(uint64_t)>& on_bytes) {
  std::string doing = "cannot upload " + file.string() + " to blob '" + std::string(blob) +
                      "' in container '" + std::string(container) + "'";
  std::error_code error;
  uint64_t size = fs::file_size(file, error);
  if (error) return fail(doing + ": " + error.message());
  std::string url = blob_url(account_.service_url, container, blob);
  StorageSender sender{*transport_, &account_, options_};

  if (size <= options_.single_put_limit) {
    // Small files are read once, for the MD5 and the body; larger ones are hashed, then
    // streamed from the file on each attempt (a put may be up to single_put_limit).
    bool in_memory = size <= options_.block_size;
    std::string bytes, md5;
    if (in_memory) {
      auto read = read_piece(file, 0, size);
      if (!read) return fail(doing + ": " + read.error().message);
      bytes = std::move(*read);
      if (size > 0) md5 = content_md5(bytes);
    } else {
      Hasher hasher(HashKind::Md5);
      if (Status hashed = hasher.update_file(file); !hashed)
        return fail(doing + ": " + hashed.error().message);
      md5 = base64_encode(hex_to_bytes(hasher.hex()));
    }
    auto response = sender.send([&] {
      HttpRequest request = data_request(url, bytes);
      if (!in_memory) {
        auto stream = std::make_shared<std::ifstream>(file, std::ios::binary);
        request.body_source = [stream](char* buffer, size_t room) -> size_t {
          stream->read(buffer, static_cast<std::streamsize>(room));
          return static_cast<size_t>(std::max<std::streamsize>(stream->gcount(), 0));
        };
        request.body_size = static_cast<int64_t>(size);
      }
      request.headers = {{"x-ms-blob-type", "BlockBlob"},
                         {"Content-Type", "application/octet-stream"}};
      if (!md5.empty()) request.headers.emplace_back("Content-MD5", md5);
      if (if_none_match) request.headers.emplace_back("If-None-Match", "*");
      return request;
    });
    if (!response || !response->ok()) return storage_failure(doing, response, url);
    if (on_bytes) on_bytes(size);
    return {};
  }

  size_t blocks = static_cast<size_t>((size + options_.block_size - 1) / options_.block_size);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::optional<Error> first_error;
  auto send_blocks = [&] {
    // One buffer and one open file per worker, reused for each of its blocks: a fresh 4 MiB
    // string per block (zero-filled, then copied into the request) cost more CPU than MD5.
    std::string buffer;
    std::ifstream in(file, std::ios::binary);
    for (size_t index = next++; index < blocks && !failed; index = next++) {
      uint64_t offset = index * options_.block_size;
      uint64_t length = std::min<uint64_t>(options_.block_size, size - offset);
      Status read = read_block(in, file, offset, length, buffer);
      std::string md5 = read ? content_md5(buffer) : std::string();
      std::string block_url = url + "?comp=block&blockid=" + url_encode(block_id(index));
      std::optional<Error> problem;
      if (!read) {
        problem = fail(doing + ": " + read.error().message);
      } else if (HttpResult response = sender.send([&] {
                   HttpRequest request = data_request(block_url, {});
                   request.body_source = body_from(buffer);
                   request.body_size = static_cast<int64_t>(buffer.size());
                   request.headers = {{"Content-MD5", md5}};
                   return request;
                 });
                 !response || !response->ok()) {
        problem = storage_failure(
            doing + " (block " + std::to_string(index + 1) + " of " + std::to_string(blocks) + ")",
            response, block_url);
      }
      if (problem) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::move(problem);
        failed = true;
        return;
      }
      if (on_bytes) on_bytes(length);
    }
  };
  unsigned workers = static_cast<unsigned>(std::min<size_t>(options_.parallel_blocks, blocks));
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < workers; ++i) threads.emplace_back(send_blocks);
  send_blocks();
  for (auto& thread : threads) thread.join();
  if (first_error) return *first_error;

  std::string list = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (size_t index = 0; index < blocks; ++index)
    list += "<Latest>" + block_id(index) + "</Latest>";
  list += "</BlockList>";
  std::string list_url = url + "?comp=blocklist";
  auto response = sender.send([&] {
    HttpRequest request = data_request(list_url, list);
    request.headers = {{"Content-Type", "application/xml"},
                       {"Content-MD5", content_md5(list)},
                       {"x-ms-blob-content-type", "application/octet-stream"}};
    if (if_none_match) request.headers.emplace_back("If-None-Match", "*");
    return request;
  });
  if (!response || !response->ok()) {
    return storage_failure(doing + " (block list)", response, list_url);
  }
  return {};
}

}  // namespace jobc::azureml
