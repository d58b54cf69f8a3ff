// The hand-written scanners that replaced std::regex, checked against the regexes they replaced
// on every string of a small alphabet up to a length (differential testing), plus known cases.
#include "support/char_scan.h"

#include <doctest/doctest.h>

#include <functional>
#include <regex>
#include <string>

#include "spec/checks/check_context.h"
#include "spec/checks/command_references.h"

namespace {

// Calls `visit` with every string over `alphabet` of length 0..max_length.
void for_each_string(const std::string& alphabet, size_t max_length,
                     const std::function<void(const std::string&)>& visit) {
  std::string text;
  std::function<void()> extend = [&] {
    visit(text);
    if (text.size() == max_length) return;
    for (char c : alphabet) {
      text.push_back(c);
      extend();
      text.pop_back();
    }
  };
  extend();
}

}  // namespace

TEST_SUITE("support") {
  TEST_CASE("is_identifier agrees with ^[A-Za-z_][A-Za-z0-9_]*$") {
    const std::regex identifier("^[A-Za-z_][A-Za-z0-9_]*$");
    size_t checked = 0;
    for_each_string("aZ9_-. ", 4, [&](const std::string& text) {
      CHECK_MESSAGE(jobc::is_identifier(text) == std::regex_match(text, identifier), text);
      ++checked;
    });
    CHECK(checked > 2000);
  }

  TEST_CASE("url_scheme_length agrees with ^[A-Za-z][A-Za-z0-9+.-]*://") {
    const std::regex scheme("^[A-Za-z][A-Za-z0-9+.-]*://");
    for_each_string("a1+:/.", 6, [&](const std::string& text) {
      std::smatch match;
      bool found = std::regex_search(text, match, scheme);
      CHECK_MESSAGE(jobc::url_scheme_length(text) == (found ? size_t(match.length(0)) : 0), text);
    });
    CHECK(jobc::url_scheme_length("https://x") == 8);
    CHECK(jobc::url_scheme_length("azureml://datastores") == 10);
    CHECK(jobc::url_scheme_length("./data") == 0);
  }

  TEST_CASE("looks_like_placeholder agrees with ^\\s*<[^<>\\n]*>\\s*$") {
    const std::regex placeholder(R"(^\s*<[^<>\n]*>\s*$)");
    for_each_string("<>a \n\t", 6, [&](const std::string& text) {
      CHECK_MESSAGE(jobc::looks_like_placeholder(text) == std::regex_match(text, placeholder),
                    text);
    });
    CHECK(jobc::looks_like_placeholder("  <your-subscription-id> "));
    CHECK_FALSE(jobc::looks_like_placeholder("a<b>"));
  }

  TEST_CASE("find_command_references agrees with the reference regex") {
    const std::regex reference(
        R"(\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_\-]+)(?:\.[A-Za-z0-9_]+)*\s*\}\})");
    auto with_regex = [&](const std::string& text) {
      std::vector<jobc::CommandReference> out;
      for (auto it = std::sregex_iterator(text.begin(), text.end(), reference);
           it != std::sregex_iterator(); ++it) {
        out.push_back(
            {(*it)[1].str(), (*it)[2].str(), (*it)[0].str(), static_cast<size_t>(it->position(0))});
      }
      return out;
    };
    auto same = [](const std::vector<jobc::CommandReference>& a,
                   const std::vector<jobc::CommandReference>& b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].scope != b[i].scope || a[i].name != b[i].name || a[i].text != b[i].text ||
            a[i].offset != b[i].offset) {
          return false;
        }
      }
      return true;
    };
    // Around a fixed "${{" prefix so the search space holds many complete references.
    for_each_string("a.-} 1", 6, [&](const std::string& tail) {
      for (const std::string& text : {"${{" + tail, "x ${{ " + tail + "}}", "${{a." + tail}) {
        CHECK_MESSAGE(same(jobc::find_command_references(text), with_regex(text)), text);
      }
    });
    auto found =
        jobc::find_command_references("python t.py ${{inputs.data.path}} ${{ outputs.m }}");
    REQUIRE(found.size() == 2);
    CHECK(found[0].scope == "inputs");
    CHECK(found[0].name == "data");
    CHECK(found[0].has_parts);  // ".path": launch.sh leaves it as text
    CHECK_FALSE(found[1].has_parts);
    CHECK(found[1].text == "${{ outputs.m }}");
  }
}
