#include "server/ui/html_escape.h"

#include <doctest/doctest.h>

namespace jobc::ui {

TEST_SUITE("ui") {
  TEST_CASE("html escaping turns markup and quotes into text") {
    CHECK(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(html_escape(R"(a "b" 'c' & d)") == "a &quot;b&quot; &#39;c&#39; &amp; d");
    CHECK(html_escape("plain") == "plain");
  }

  TEST_CASE("JSON inside a script element cannot close it") {
    nlohmann::json value = {{"name", "</script><script>alert(1)</script>"}, {"k", "a&b\u2028"}};
    std::string text = json_for_script(value);
    CHECK(text.find('<') == std::string::npos);
    CHECK(text.find('>') == std::string::npos);
    CHECK(text.find('&') == std::string::npos);
    CHECK(text.find("\xE2\x80\xA8") == std::string::npos);
    CHECK(nlohmann::json::parse(text) == value);
  }
}

}  // namespace jobc::ui
