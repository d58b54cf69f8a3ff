#include "server/ui/access.h"

#include <doctest/doctest.h>

namespace jobc::ui {

TEST_SUITE("ui") {
  TEST_CASE("an access token is 64 hex digits, new at each start") {
    auto a = new_access_token();
    auto b = new_access_token();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->size() == 64);
    CHECK(*a != *b);
  }

  TEST_CASE("a token matches only itself, and an empty one never") {
    CHECK(same_token("abc", "abc"));
    CHECK_FALSE(same_token("abc", "abd"));
    CHECK_FALSE(same_token("abc", "ab"));
    CHECK_FALSE(same_token("", ""));
  }

  TEST_CASE("a cookie is found by its exact name") {
    CHECK(cookie_value("a=1; jobc_ui_80=tok; b=2", "jobc_ui_80") == "tok");
    CHECK(cookie_value("xjobc_ui_80=no; jobc_ui_8=no", "jobc_ui_80").empty());
    CHECK(cookie_value("", "jobc_ui_80").empty());
  }

  TEST_CASE("an origin is the page's own only when it names the same host and port") {
    CHECK(same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
    CHECK_FALSE(same_origin("http://127.0.0.1:8081", "127.0.0.1:8080"));
    CHECK_FALSE(same_origin("https://127.0.0.1:8080", "127.0.0.1:8080"));
    CHECK_FALSE(same_origin("http://evil.example", "127.0.0.1:8080"));
    CHECK_FALSE(same_origin("", "127.0.0.1:8080"));
    CHECK_FALSE(same_origin("null", ""));
  }
}

}  // namespace jobc::ui
