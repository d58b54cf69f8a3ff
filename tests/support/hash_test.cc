// Known-answer tests for the md5/sha256 helpers (RFC 1321 and FIPS 180-2 vectors).
#include "support/hash.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct DigestCase {
  std::string input;
  const char* md5;
  const char* sha256;
};

const DigestCase kVectors[] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"The quick brown fox jumps over the lazy dog", "9e107d9d372bb6826bd81d3542a419d6",
     "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "8215ef0796a20bcaaae116d3876c664a",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {std::string(1000000, 'a'), "7707d6ae4e027c70eea2a935c2296f21",
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

std::filesystem::path write_temp_file(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() /
              ("jobc-hash-test-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

TEST_SUITE("support") {
  TEST_CASE("md5_hex and sha256_hex match the published vectors") {
    for (const auto& vector : kVectors) {
      CAPTURE(vector.input.substr(0, 40));
      CHECK(jobc::md5_hex(vector.input) == vector.md5);
      CHECK(jobc::sha256_hex(vector.input) == vector.sha256);
    }
  }

  TEST_CASE("Hasher is incremental and hex() does not end the stream") {
    jobc::Hasher hasher(jobc::HashKind::Sha256);
    hasher.update("ab");
    CHECK(hasher.hex() == jobc::sha256_hex("ab"));
    hasher.update("");
    hasher.update("c");
    CHECK(hasher.hex() == kVectors[1].sha256);
    CHECK(hasher.hex() == kVectors[1].sha256);

    jobc::Hasher md5(jobc::HashKind::Md5);
    for (char letter : kVectors[3].input) md5.update(std::string_view(&letter, 1));
    CHECK(md5.hex() == kVectors[3].md5);
  }

  TEST_CASE("Hasher can be moved") {
    jobc::Hasher first(jobc::HashKind::Md5);
    first.update("a");
    jobc::Hasher second = std::move(first);
    second.update("bc");
    CHECK(second.hex() == kVectors[1].md5);
  }

  TEST_CASE("sha256_file_hex streams a file's bytes") {
    // Larger than one read chunk, with bytes that text mode would mangle.
    std::string content(200000, 'a');
    content += std::string("\r\n\0\xff", 4);
    auto path = write_temp_file("big.bin", content);
    CHECK(jobc::sha256_file_hex(path).value() == jobc::sha256_hex(content));
    jobc::Hasher md5(jobc::HashKind::Md5);
    md5.update("prefix");
    REQUIRE(md5.update_file(path));
    CHECK(md5.hex() == jobc::md5_hex("prefix" + content));
    std::filesystem::remove(path);

    auto empty = write_temp_file("empty.bin", "");
    CHECK(jobc::sha256_file_hex(empty).value() == kVectors[0].sha256);
    std::filesystem::remove(empty);
  }

  TEST_CASE("sha256_file_hex reports a missing file") {
    auto missing = jobc::sha256_file_hex("/nonexistent/jobc/file");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("cannot read /nonexistent/jobc/file") != std::string::npos);
  }
}
