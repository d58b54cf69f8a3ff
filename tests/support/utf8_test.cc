// UTF-8 decoding to code points (what Python counts as characters) and back.
#include "support/utf8.h"

#include <doctest/doctest.h>

#include <string>

TEST_SUITE("support") {
  TEST_CASE("decode_utf8 yields one code point per character") {
    CHECK(jobc::decode_utf8("") == U"");
    CHECK(jobc::decode_utf8("abc") == U"abc");
    CHECK(jobc::decode_utf8("caf\xc3\xa9") == U"caf\u00e9");
    CHECK(jobc::decode_utf8("\xe6\x97\xa5") == U"\u65e5");
    CHECK(jobc::decode_utf8("\xf0\x9f\x98\x80") == U"\U0001F600");
    CHECK(jobc::decode_utf8(std::string("a\0b", 3)) == std::u32string(U"a\0b", 3));
  }

  TEST_CASE("invalid bytes become U+FFFD one byte at a time") {
    struct InvalidCase {
      const char* bytes;
      std::u32string expected;
    };
    const InvalidCase cases[] = {
        {"\x80", U"\uFFFD"},                                // lone continuation byte
        {"a\xc3", U"a\uFFFD"},                              // truncated sequence
        {"\xc0\x80", U"\uFFFD\uFFFD"},                      // overlong NUL
        {"\xe0\x80\xaf", U"\uFFFD\uFFFD\uFFFD"},            // overlong '/'
        {"\xed\xa0\x80", U"\uFFFD\uFFFD\uFFFD"},            // encoded surrogate
        {"\xf4\x90\x80\x80", U"\uFFFD\uFFFD\uFFFD\uFFFD"},  // above U+10FFFF
        {"\xc3(", U"\uFFFD("},                              // bad continuation
    };
    for (const auto& row : cases) {
      CAPTURE(row.bytes);
      CHECK(jobc::decode_utf8(row.bytes) == row.expected);
    }
  }

  TEST_CASE("encode_utf8 inverts decode_utf8 for valid text") {
    const std::string text = "a\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\x7f\xc2\x80\xef\xbf\xbf";
    CHECK(jobc::encode_utf8(jobc::decode_utf8(text)) == text);
    std::string out;
    jobc::append_utf8(out, 0x10FFFF);
    CHECK(out == "\xf4\x8f\xbf\xbf");
  }
}
