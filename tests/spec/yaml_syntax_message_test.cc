// YAML syntax errors as a person would say them, at the place they are about (the common
// cases are diagnostic fixtures too: tests/fixtures/diagnostics/E002-*.yml).
#include <doctest/doctest.h>

#include "jobc/spec_document.h"

namespace {

// The one diagnostic loading `text` gives.
jobc::Diagnostic syntax_error(std::string text) {
  jobc::SourceManager sources;
  jobc::DiagnosticSink sink;
  CHECK_FALSE(jobc::load_spec_text(std::move(text), "job.yml", ".", sources, sink));
  REQUIRE(sink.diagnostics().size() == 1);
  CHECK(jobc::info(sink.diagnostics()[0].code).code == "E002");
  return sink.diagnostics()[0];
}

}  // namespace

TEST_SUITE("spec") {
  TEST_CASE("a key indented more than its mapping's keys is named, with the key it should match") {
    auto d = syntax_error("a: 1\nb:\n  c: 1\n    d: 2\n");
    CHECK(d.message == "'d' is indented more than the keys of its mapping ('c' at line 3)");
    CHECK(d.location.line == 4);
    CHECK(d.location.column == 5);
    CHECK(d.location.length == 1);
  }

  TEST_CASE("a key indented less than its mapping's keys names both neighbours") {
    auto d = syntax_error("a: 1\nb:\n    c: 1\n  d: 2\ne: 3\n");
    CHECK(d.message ==
          "'d' is indented less than the keys of its mapping ('c' at line 3) and more than 'b' "
          "at line 2");
    CHECK(d.location.line == 4);
    CHECK(d.location.column == 3);
  }

  TEST_CASE(
      "a key after a block scalar, indented by one space, is indented more than its mapping") {
    auto d = syntax_error("a: |\n  text\n b: 1\n");
    CHECK(d.message == "'b' is indented more than the keys of its mapping ('a' at line 1)");
    CHECK(d.location.line == 3);
  }

  TEST_CASE("a word with no ':' after it is named as the missing key") {
    auto d = syntax_error("a: 1\nb\nc: 2\n");
    CHECK(d.message == "'b' has no ':' after it, so it is not a key");
    CHECK(d.location.line == 2);
    CHECK(d.location.column == 1);
  }

  TEST_CASE("a tab in the indentation is named at the tab") {
    auto d = syntax_error("a: 1\nb:\n  \tc: 1\n");
    CHECK(d.message.find("tab") != std::string::npos);
    CHECK(d.location.line == 3);
    CHECK(d.location.column == 3);
  }

  TEST_CASE("': ' inside a plain value asks for quotes and underlines the value") {
    auto d = syntax_error("command: echo a: b\n");
    CHECK(d.message == "the value 'echo a: b' holds ': ', which would start a mapping inside it");
    CHECK(d.location.column == 10);
    CHECK(d.location.length == 9);
  }

  TEST_CASE("unclosed brackets and quotes are reported where they open") {
    auto bracket = syntax_error("a: 1\nb: [x, {y: 1}\nc: 2\n");
    CHECK(bracket.message == "this '[' is never closed");
    CHECK(bracket.location.line == 2);
    CHECK(bracket.location.column == 4);
    auto brace = syntax_error("a: {x: [1, 2]\n");
    CHECK(brace.message == "this '{' is never closed");
    CHECK(brace.location.column == 4);
    auto quote = syntax_error("a: 1\nb: \"python train.py\nc: 2\n");
    CHECK(quote.message == "this \" opens a quoted value that is never closed");
    CHECK(quote.location.line == 2);
    CHECK(quote.location.column == 4);
    // After a byte order mark, the quote is still found (yaml-cpp counts past the mark).
    auto after_bom = syntax_error(
        "\xEF\xBB\xBF"
        "a: 'x\n");
    CHECK(after_bom.message.find("never closed") != std::string::npos);
  }

  TEST_CASE("closed quotes, even at the very end of the file, are not reported") {
    jobc::SourceManager sources;
    jobc::DiagnosticSink sink;
    CHECK(jobc::load_spec_text("a: 'it''s'\nb: \"say \\\"hi\\\"\"", "job.yml", ".", sources, sink));
    CHECK(sink.diagnostics().empty());
  }

  TEST_CASE("lists among keys, keys among list items and text after quotes are named") {
    auto item = syntax_error("a: 1\n- b\n");
    CHECK(item.message == "a list item among the keys of a mapping ('a' at line 1)");
    CHECK(item.location.line == 2);
    auto key = syntax_error("a:\n  - 1\n  b: 2\n");
    CHECK(key.message == "'b' is a key, indented like the items of the list at line 2");
    CHECK(key.location.column == 3);
    auto after = syntax_error("a: \"x\" y\n");
    CHECK(after.message == "'y' follows the closing quote of the value");
    CHECK(after.location.column == 8);
  }

  TEST_CASE("stray closers, reserved characters and unknown escapes are explained") {
    CHECK(syntax_error("a: ]\n").message == "this ']' closes nothing that was opened");
    CHECK(syntax_error("a: @x\n").message == "a value cannot start with '@' unless quoted");
    CHECK(syntax_error("a: \"\\q\"\n").message ==
          "'\\q' is not an escape that \"...\" quotes know");
  }
}
