// Unit tests of the blob storage client's pieces that need no service: the SharedKey string
// to sign and signature (checked against OpenSSL's command line, not against jobc's own
// code), and the blob service URL of a datastore.
#include <doctest/doctest.h>

#include "backends/azureml/storage/blob_url.h"
#include "backends/azureml/storage/shared_key.h"
#include "common/run_command.h"
#include "common/temp_dir.h"
#include "support/base64.h"

namespace {

using jobc::HttpRequest;
using jobc::testing::run_command;
using jobc::testing::shell_quote;
using namespace jobc::azureml;

HttpRequest known_request() {
  HttpRequest request;
  request.method = "PUT";
  request.url =
      "http://127.0.0.1:10000/wsstorage/cont/dir%20a/"
      "b%23c.txt?timeout=30&comp=block&blockid=QUI%3D";
  request.body = "hello";
  request.headers = {{"x-ms-version", "2021-12-02"},
                     {"X-MS-Date", "Mon, 30 Nov 2026 20:12:52 GMT"},
                     {"Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="},
                     {"Content-Type", "application/octet-stream"},
                     {"If-None-Match", "*"},
                     {"x-ms-meta-name", "  spaced value "},
                     {"User-Agent", "not signed"}};
  return request;
}

// The signature as `openssl dgst -mac HMAC` computes it over the same text and key.
std::string openssl_signature(const std::string& text, const std::string& key_base64) {
  jobc::testing::TempDir dir;
  auto file = dir.path / "string-to-sign";
  {
    std::ofstream out(file, std::ios::binary);
    out << text;
  }
  auto key = jobc::base64_decode(key_base64);
  REQUIRE(key);
  std::string hex;
  for (unsigned char c : *key) {
    static const char* digits = "0123456789abcdef";
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  // In a subshell: run_command's </dev/null would otherwise become base64's input.
  auto result = run_command("(openssl dgst -sha256 -mac HMAC -macopt hexkey:" + hex + " -binary " +
                            shell_quote(file.string()) + " | base64 -w0)");
  REQUIRE_MESSAGE(result.status == 0, result.err);
  return result.out;
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE("the SharedKey string to sign follows the documented layout for a path-style URL") {
    // Azure's documented order: verb, eight standard headers, Range, then the x-ms-* headers
    // sorted and lowercased, then /ACCOUNT + the path as sent + sorted decoded query values.
    // Path-style (Azurite) keeps the account segment in the path: /wsstorage/wsstorage/...
    std::string expected =
        "PUT\n"
        "\n"                          // Content-Encoding
        "\n"                          // Content-Language
        "5\n"                         // Content-Length
        "XUFAKrxLKna5cZ2REBfFkg==\n"  // Content-MD5
        "application/octet-stream\n"  // Content-Type
        "\n"                          // Date (x-ms-date is used)
        "\n"                          // If-Modified-Since
        "\n"                          // If-Match
        "*\n"                         // If-None-Match
        "\n"                          // If-Unmodified-Since
        "\n"                          // Range
        "x-ms-date:Mon, 30 Nov 2026 20:12:52 GMT\n"
        "x-ms-meta-name:spaced value\n"
        "x-ms-version:2021-12-02\n"
        "/wsstorage/wsstorage/cont/dir%20a/b%23c.txt\n"
        "blockid:QUI=\n"
        "comp:block\n"
        "timeout:30";
    CHECK(shared_key_string_to_sign(known_request(), "wsstorage") == expected);
  }

  TEST_CASE("a request without a body signs an empty Content-Length and a bare path") {
    HttpRequest request;
    request.method = "HEAD";
    request.url = "https://acct.blob.core.windows.net/cont/blob";
    request.headers = {{"x-ms-date", "d"}, {"x-ms-version", "v"}, {"Range", "bytes=5-"}};
    CHECK(shared_key_string_to_sign(request, "acct") ==
          "HEAD\n\n\n\n\n\n\n\n\n\n\nbytes=5-\nx-ms-date:d\nx-ms-version:v\n/acct/cont/blob");
  }

  TEST_CASE("the SharedKey signature is the HMAC-SHA256 OpenSSL computes under the decoded key") {
    std::string key = jobc::base64_encode("a storage key of some thirty-two bytes!");
    std::string text = shared_key_string_to_sign(known_request(), "wsstorage");
    auto signature = shared_key_signature(text, key);
    REQUIRE(signature);
    CHECK(*signature == openssl_signature(text, key));

    HttpRequest request = known_request();
    REQUIRE(sign_shared_key(request, "wsstorage", key));
    CHECK(request.headers.back().first == "Authorization");
    CHECK(request.headers.back().second == "SharedKey wsstorage:" + *signature);
  }

  TEST_CASE("a key that is not base64 is refused without showing it") {
    auto signature = shared_key_signature("text", "not*base64!");
    REQUIRE_FALSE(signature);
    CHECK(signature.error().message == "the storage account key is not valid base64");
  }

  TEST_CASE("the blob service URL is virtual-host style for a domain and path style for Azurite") {
    CHECK(*blob_service_url("wsstorage", "core.windows.net", "https") ==
          "https://wsstorage.blob.core.windows.net");
    CHECK(*blob_service_url("acct", "core.chinacloudapi.cn/", "") ==
          "https://acct.blob.core.chinacloudapi.cn");
    CHECK(*blob_service_url("wsstorage", "127.0.0.1:10000", "http") ==
          "http://127.0.0.1:10000/wsstorage");
    CHECK(*blob_service_url("acct", "localhost:10000", "http") == "http://localhost:10000/acct");
    CHECK(*blob_service_url("acct", "[::1]:10000", "http") == "http://[::1]:10000/acct");
    CHECK(*blob_service_url("acct", "10.1.2.3", "https") == "https://10.1.2.3/acct");
  }

  TEST_CASE("plain http is refused unless the blob service is on a loopback address") {
    auto remote_ip = blob_service_url("acct", "10.1.2.3:10000", "http");
    REQUIRE_FALSE(remote_ip);
    CHECK(remote_ip.error().message.find("refusing plain http to 10.1.2.3:10000") !=
          std::string::npos);
    CHECK_FALSE(blob_service_url("acct", "core.windows.net", "http"));
    CHECK_FALSE(blob_service_url("acct", "core.windows.net", "ftp"));
    CHECK_FALSE(blob_service_url("Acct", "core.windows.net", "https"));
    CHECK_FALSE(blob_service_url("", "core.windows.net", "https"));
    CHECK_FALSE(blob_service_url("acct", "", "https"));
    CHECK_FALSE(blob_service_url("acct", "evil.com/path", "https"));
    CHECK_FALSE(blob_service_url("acct", "256.0.0.1", "http"));
  }

  TEST_CASE("blob names are percent-encoded segment by segment") {
    CHECK(encode_blob_name("LocalUpload/ab/src/my file#1.py") ==
          "LocalUpload/ab/src/my%20file%231.py");
    CHECK(encode_blob_name("d\xC3\xA9j\xC3\xA0/x") == "d%C3%A9j%C3%A0/x");
    CHECK(blob_url("http://h/acct", "cont", "a b/c") == "http://h/acct/cont/a%20b/c");
    CHECK(blob_url("http://h/acct", "cont", "") == "http://h/acct/cont");
  }

  TEST_CASE("URLs in messages lose their query, where a SAS signature would be") {
    CHECK(url_for_messages("https://a.blob.core.windows.net/c/b.txt?sv=1&sig=SECRET") ==
          "https://a.blob.core.windows.net/c/b.txt");
    CHECK_FALSE(check_url_scheme("http://example.com/c/b?sig=x"));
    CHECK(check_url_scheme("http://127.0.0.1:1/c/b?sig=x"));
  }
}
