// The blob client against Azurite (tests/infra/azurite_up.sh): each test in its own container.
#include <doctest/doctest.h>

#include <fstream>

#include "azureml_service/blob_test_bed.h"
#include "backends/azureml/storage/shared_key.h"
#include "common/run_command.h"
#include "common/temp_dir.h"
#include "support/base64.h"
#include "support/hash.h"
#include "support/text.h"

namespace {

namespace fs = std::filesystem;
using jobc::HttpRequest;
using jobc::testing::blob_test_bed;
using jobc::testing::run_command;
using jobc::testing::shell_quote;
using namespace jobc::azureml;

fs::path write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return path;
}

std::string read_file(const fs::path& path) {
  return jobc::testing::slurp(path);
}

// Bytes that differ at every position, so a misplaced block shows.
std::string patterned(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
  return bytes;
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE("a file makes the round trip through Azurite: upload, properties, download") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto file = write_file(dir.path / "train.py", "print('hello')\n");
    auto client = bed->client();
    REQUIRE(client.put_file(bed->container, "LocalUpload/h/src/train.py", file, true));
    auto head = client.head(bed->container, "LocalUpload/h/src/train.py");
    REQUIRE(head);
    REQUIRE(head->has_value());
    CHECK((*head)->size == 15);
    REQUIRE(client.download(bed->container, "LocalUpload/h/src/train.py", dir.path / "out/t.py"));
    CHECK(read_file(dir.path / "out/t.py") == "print('hello')\n");
    CHECK_FALSE(fs::exists(dir.path / "out/t.py.jobc-partial"));
    auto missing = client.head(bed->container, "LocalUpload/h/src/nothing.py");
    REQUIRE(missing);
    CHECK_FALSE(missing->has_value());
  }

  TEST_CASE("an empty file is uploaded without Content-MD5 and downloads empty") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto file = write_file(dir.path / "empty", "");
    auto client = bed->client();
    REQUIRE(client.put_file(bed->container, "e/empty", file, true));
    auto sent = bed->transport->sent();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].header("Content-MD5").empty());
    CHECK(sent[0].header("If-None-Match") == "*");
    REQUIRE(client.download(bed->container, "e/empty", dir.path / "back"));
    CHECK(fs::exists(dir.path / "back"));
    CHECK(fs::file_size(dir.path / "back") == 0);
  }

  TEST_CASE(
      "the Content-MD5 sent is the file's MD5 as OpenSSL computes it, and a wrong one is refused") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto file = write_file(dir.path / "data.bin", patterned(100000));
    auto client = bed->client();
    REQUIRE(client.put_file(bed->container, "d/data.bin", file, true));
    auto expected =
        run_command("(openssl dgst -md5 -binary " + shell_quote(file.string()) + " | base64 -w0)");
    REQUIRE(expected.status == 0);
    auto sent = bed->transport->sent();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].header("Content-MD5") == expected.out);

    // The same request with another body's MD5, signed again: Azurite must refuse it.
    std::string account = bed->account.name, key = bed->account.key;
    bed->transport->alter = [account, key](HttpRequest& request) {
      std::erase_if(request.headers, [](const auto& header) {
        return header.first == "Authorization" || header.first == "Content-MD5";
      });
      request.headers.emplace_back("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg==");  // md5("hello")
      REQUIRE(sign_shared_key(request, account, key));
    };
    auto refused = client.put_file(bed->container, "d/other.bin", file, true);
    REQUIRE_FALSE(refused);
    INFO(refused.error().message);
    CHECK(refused.error().message.find("cannot upload " + file.string() +
                                       " to blob 'd/other.bin'") == 0);
    CHECK((refused.error().message.find("(InvalidOperation)") != std::string::npos ||
           refused.error().message.find("(Md5Mismatch)") != std::string::npos));
    bed->transport->alter = nullptr;
    auto head = client.head(bed->container, "d/other.bin");
    REQUIRE(head);
    CHECK_FALSE(head->has_value());
  }

  TEST_CASE("If-None-Match refuses to replace an existing blob, with a clear error") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto first = write_file(dir.path / "a.txt", "first");
    auto second = write_file(dir.path / "b.txt", "second");
    auto client = bed->client();
    REQUIRE(client.put_file(bed->container, "x/a.txt", first, true));
    auto again = client.put_file(bed->container, "x/a.txt", second, true);
    REQUIRE_FALSE(again);
    CHECK(again.error().message == "cannot upload " + second.string() +
                                       " to blob 'x/a.txt' in container '" + bed->container +
                                       "': (BlobAlreadyExists) The specified blob already exists.");
    REQUIRE(client.put_file(bed->container, "x/a.txt", second, false));
    auto read = client.read_from(bed->container, "x/a.txt", 0);
    REQUIRE(read);
    CHECK(read->data == "second");
  }

  TEST_CASE("metadata set on a blob comes back from its properties") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    REQUIRE(client.put_file(bed->container, "m/f", write_file(dir.path / "f", "x"), true));
    REQUIRE(
        client.set_metadata(bed->container, "m/f",
                            {{"upload_status", "completed"}, {"name", "n-1"}, {"version", "7"}}));
    auto head = client.head(bed->container, "m/f");
    REQUIRE(head);
    REQUIRE(head->has_value());
    CHECK((*head)->metadata == std::map<std::string, std::string>{{"name", "n-1"},
                                                                  {"upload_status", "completed"},
                                                                  {"version", "7"}});
    // Set Blob Metadata replaces all of it.
    REQUIRE(client.set_metadata(bed->container, "m/f", {{"name", "other"}}));
    CHECK((*client.head(bed->container, "m/f"))->metadata ==
          std::map<std::string, std::string>{{"name", "other"}});
  }

  TEST_CASE("listing follows NextMarker across pages and marks folders") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    BlobClientOptions options;
    options.list_page_size = 4;
    auto client = bed->client(options);
    auto file = write_file(dir.path / "f", "12345");
    for (int i = 0; i < 22; ++i) {
      REQUIRE(client.put_file(bed->container, "p/" + std::to_string(100 + i), file, true));
    }
    REQUIRE(client.put_file(bed->container, "q/outside", file, true));
    REQUIRE(client.put_file(bed->container, "p/dir", write_file(dir.path / "e", ""), true));
    REQUIRE(client.set_metadata(bed->container, "p/dir", {{"hdi_isfolder", "true"}}));
    bed->transport->clear();
    auto items = client.list(bed->container, "p/");
    REQUIRE_MESSAGE(items, items.error().message);
    REQUIRE(items->size() == 23);
    CHECK(items->front().name == "p/100");
    CHECK(items->front().size == 5);
    CHECK_FALSE(items->front().is_folder);
    CHECK(items->at(21).name == "p/121");
    CHECK(items->back().name == "p/dir");
    CHECK(items->back().is_folder);
    auto sent = bed->transport->sent();
    CHECK(sent.size() == 6);  // ceil(23 / 4)
    CHECK(sent.back().url.find("&marker=") != std::string::npos);
    CHECK(sent.front().url.find("include=metadata") != std::string::npos);
    auto none = client.list(bed->container, "nothing/");
    REQUIRE(none);
    CHECK(none->empty());
  }

  TEST_CASE("read_from returns only the bytes after the offset, and nothing new in both forms") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    REQUIRE(client.put_file(bed->container, "logs/std_log.txt",
                            write_file(dir.path / "1", "hello\n"), true));
    auto whole = client.read_from(bed->container, "logs/std_log.txt", 0);
    REQUIRE(whole);
    CHECK(whole->data == "hello\n");
    CHECK(whole->blob_size == 6);
    auto at_end = client.read_from(bed->container, "logs/std_log.txt", 6);  // 206, no body
    REQUIRE_MESSAGE(at_end, at_end.error().message);
    CHECK(at_end->data.empty());
    auto past_end = client.read_from(bed->container, "logs/std_log.txt", 60);  // 416
    REQUIRE_MESSAGE(past_end, past_end.error().message);
    CHECK(past_end->data.empty());
    REQUIRE(client.put_file(bed->container, "logs/std_log.txt",
                            write_file(dir.path / "2", "hello\nworld\n"), false));
    bed->transport->clear();
    auto grown = client.read_from(bed->container, "logs/std_log.txt", 6);
    REQUIRE(grown);
    CHECK(grown->data == "world\n");
    CHECK(grown->blob_size == 12);
    auto sent = bed->transport->sent();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].header("Range") == "bytes=6-");
    auto missing = client.read_from(bed->container, "logs/none.txt", 0);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("(BlobNotFound)") != std::string::npos);
  }

  TEST_CASE("a file over the single-put limit goes up in blocks and downloads identical") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    BlobClientOptions options;
    options.single_put_limit = 64 * 1024;
    options.block_size = 16 * 1024;
    options.parallel_blocks = 3;
    auto client = bed->client(options);
    std::string bytes = patterned(100 * 1024 + 17);  // 7 blocks, the last one short
    auto file = write_file(dir.path / "big.bin", bytes);
    uint64_t reported = 0;
    std::mutex mutex;
    REQUIRE(client.put_file(bed->container, "big/big.bin", file, true, [&](uint64_t n) {
      std::lock_guard lock(mutex);
      reported += n;
    }));
    CHECK(reported == bytes.size());
    auto sent = bed->transport->sent();
    REQUIRE(sent.size() == 8);
    size_t blocks = 0;
    for (const auto& request : sent) {
      if (request.url.find("comp=block&") != std::string::npos) {
        ++blocks;
        CHECK(request.header("Content-MD5").size() == 24);
        CHECK(request.header("If-None-Match").empty());
      }
    }
    CHECK(blocks == 7);
    CHECK(sent.back().url.ends_with("?comp=blocklist"));
    CHECK(sent.back().header("If-None-Match") == "*");
    CHECK(sent.back().header("Content-MD5").size() == 24);
    bed->transport->clear();
    REQUIRE(client.download(bed->container, "big/big.bin", dir.path / "back.bin"));
    CHECK(read_file(dir.path / "back.bin") == bytes);
    CHECK(bed->transport->sent().size() == 7);  // in ranges of block_size
    // The block list honours If-None-Match too.
    auto again = client.put_file(bed->container, "big/big.bin", file, true);
    REQUIRE_FALSE(again);
    CHECK(again.error().message.find("(BlobAlreadyExists)") != std::string::npos);
  }

  TEST_CASE("a file between the block size and the single-put limit is streamed in one put") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    BlobClientOptions options;
    options.single_put_limit = 64 * 1024;
    options.block_size = 16 * 1024;
    auto client = bed->client(options);
    std::string bytes = patterned(40 * 1024 + 3);
    auto file = write_file(dir.path / "mid.bin", bytes);
    REQUIRE(client.put_file(bed->container, "mid.bin", file, true));
    REQUIRE(bed->transport->sent().size() == 1);
    CHECK(bed->transport->sent()[0].header("Content-MD5") == jobc::base64_encode([&] {
            std::string raw;
            std::string hex = jobc::md5_hex(bytes);
            for (size_t i = 0; i < hex.size(); i += 2)
              raw += char(std::stoi(hex.substr(i, 2), nullptr, 16));
            return raw;
          }()));
    REQUIRE(client.download(bed->container, "mid.bin", dir.path / "back"));
    CHECK(read_file(dir.path / "back") == bytes);
  }

  TEST_CASE("a wrong account key gives a clear error that does not contain the key") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    BlobAccount wrong = bed->account;
    wrong.key = jobc::base64_encode("not the key of this account, 32b");
    BlobClient client(bed->transport, wrong);
    auto put = client.put_file(bed->container, "k/f", write_file(dir.path / "f", "x"), true);
    REQUIRE_FALSE(put);
    INFO(put.error().message);
    CHECK(put.error().message.find("(AuthorizationFailure)") != std::string::npos);
    CHECK(put.error().message.find("the account key or SAS token was refused") !=
          std::string::npos);
    CHECK(put.error().message.find(wrong.key) == std::string::npos);
    CHECK(put.error().message.find(bed->account.key) == std::string::npos);
    auto head = client.head(bed->container, "k/f");
    REQUIRE_FALSE(head);
    CHECK(head.error().message.find("403") != std::string::npos);
    CHECK(head.error().message.find(bed->account.key) == std::string::npos);
  }

  TEST_CASE("blob names with spaces, unicode and '#' round-trip and list as themselves") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    std::vector<std::string> names = {"n/my file.txt", "n/d\xC3\xA9j\xC3\xA0 vu/\xE6\x97\xA5.txt",
                                      "n/#1 & <2>.txt", "n/100%+plus=?.txt"};
    for (const auto& name : names) {
      auto put = client.put_file(bed->container, name, write_file(dir.path / "f", name), true);
      REQUIRE_MESSAGE(put, put.error().message);
      auto read = client.read_from(bed->container, name, 0);
      REQUIRE(read);
      CHECK(read->data == name);
      REQUIRE(client.set_metadata(bed->container, name, {{"k", "v"}}));
    }
    auto items = client.list(bed->container, "n/");
    REQUIRE(items);
    std::vector<std::string> listed;
    for (const auto& item : *items) listed.push_back(item.name);
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    CHECK(listed == sorted);
  }

  TEST_CASE("a SAS URL reads from an offset, and a tampered one fails without its signature") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    REQUIRE(client.put_file(bed->container, "logs/std_log.txt",
                            write_file(dir.path / "f", "abcdef"), true));
    // A read-only SAS as the fake makes run history's logFiles (the key is read from its file).
    auto sas = run_command(
        "cd " + shell_quote(std::string(JOBC_SOURCE_DIR) + "/tests/infra/azureml_fake") +
        " && /usr/bin/python3 -c 'import sys; from storage import BlobStore; "
        "key = open(sys.argv[3]).read().strip(); "
        "print(BlobStore(sys.argv[1], sys.argv[2], key).read_sas_url(sys.argv[4], sys.argv[5]))' " +
        shell_quote(bed->services.azurite_url()) + " " + shell_quote(bed->account.name) + " " +
        shell_quote(bed->services.value("JOBC_TEST_AZURE_STORAGE_KEY_FILE")) + " " +
        shell_quote(bed->container) + " logs/std_log.txt");
    REQUIRE_MESSAGE(sas.status == 0, sas.err);
    std::string url = jobc::trim(sas.out);
    auto read = read_sas_url_from(*bed->transport, url, 2);
    REQUIRE_MESSAGE(read, read.error().message);
    CHECK(read->data == "cdef");
    auto nothing = read_sas_url_from(*bed->transport, url, 6);
    REQUIRE(nothing);
    CHECK(nothing->data.empty());

    size_t sig = url.find("sig=");
    REQUIRE(sig != std::string::npos);
    std::string signature = url.substr(sig + 4);
    std::string tampered = url.substr(0, sig + 4) + "AAAA" + signature.substr(4);
    auto refused = read_sas_url_from(*bed->transport, tampered, 0);
    REQUIRE_FALSE(refused);
    INFO(refused.error().message);
    CHECK(refused.error().message.find("the account key or SAS token was refused") !=
          std::string::npos);
    CHECK(refused.error().message.find(signature.substr(4, 12)) == std::string::npos);
    CHECK(refused.error().message.find("sig=") == std::string::npos);
    auto remote = read_sas_url_from(*bed->transport, "http://192.0.2.1/c/b?sig=x", 0);
    REQUIRE_FALSE(remote);
    CHECK(remote.error().message.find("refusing plain http") != std::string::npos);
  }
}
