// Hostile input: every case ends in a located diagnostic, in bounded time and memory,
// never a crash. (ctest's per-test timeout bounds the time.)
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "jobc/spec_document.h"
#include "jobc/validate.h"

namespace fs = std::filesystem;
using jobc::DiagCode;

namespace {

struct Result {
  bool loaded;
  jobc::DiagnosticSink sink;
};

Result load_text(std::string text) {
  Result result;
  jobc::SourceManager sources;
  result.loaded =
      jobc::load_spec_text(std::move(text), "hostile.yml", ".", sources, result.sink).has_value();
  return result;
}

bool has(const jobc::DiagnosticSink& sink, DiagCode code) {
  for (const auto& d : sink.diagnostics()) {
    if (d.code == code) return true;
  }
  return false;
}

const jobc::Diagnostic& first(const jobc::DiagnosticSink& sink) {
  REQUIRE(!sink.diagnostics().empty());
  return sink.diagnostics().front();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("jobc-hostile-" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_SUITE("spec") {
  TEST_CASE("malformed YAML is located") {
    auto r = load_text("command: python x.py\nenvironment: {image: a\nother: [\n");
    CHECK(!r.loaded);
    CHECK(first(r.sink).code == DiagCode::YamlSyntax);
    CHECK(first(r.sink).location.line >= 2);
  }

  TEST_CASE("duplicate keys are reported at the second key") {
    auto r = load_text("command: a\nname: x\ncommand: b\n");
    CHECK(first(r.sink).code == DiagCode::DuplicateKey);
    CHECK(first(r.sink).location.line == 3);
  }

  TEST_CASE("alias expansion bomb stops at the value budget") {
    std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'k'; ++c) {
      char prev = static_cast<char>(c - 1);
      text += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
              prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
              ", *" + prev + "]\n";
    }
    auto r = load_text(text);  // 10^11 values if expanded
    CHECK(!r.loaded);
    CHECK(has(r.sink, DiagCode::InputTooLarge));
  }

  TEST_CASE("nesting 10,000 deep is refused") {
    SUBCASE("flow sequences") {
      auto r = load_text("a: " + std::string(10000, '[') + std::string(10000, ']') + "\n");
      CHECK(!r.loaded);
      CHECK(has(r.sink, DiagCode::InputTooLarge));
    }
    SUBCASE("flow mappings") {
      std::string text = "a: ";
      for (int i = 0; i < 10000; ++i) text += "{a: ";
      text += "1" + std::string(10000, '}') + "\n";
      auto r = load_text(text);
      CHECK(!r.loaded);
      CHECK(has(r.sink, DiagCode::InputTooLarge));
    }
    SUBCASE("block sequences") {
      std::string text = "a:\n";
      for (int i = 0; i < 10000; ++i) text += "- ";
      text += "x\n";
      auto r = load_text(text);
      CHECK(!r.loaded);
      CHECK((has(r.sink, DiagCode::InputTooLarge) || has(r.sink, DiagCode::YamlSyntax)));
    }
  }

  TEST_CASE("a 100 MB scalar is refused without reading it all") {
    TempDir dir;
    fs::path path = dir.path / "huge.yml";
    {
      std::ofstream out(path, std::ios::binary);
      out << "command: \"";
      std::string chunk(1 << 20, 'x');
      for (int i = 0; i < 100; ++i) out << chunk;
      out << "\"\n";
    }
    jobc::SourceManager sources;
    jobc::DiagnosticSink sink;
    CHECK(!jobc::load_spec_file(path, "huge.yml", sources, sink));
    CHECK(first(sink).code == DiagCode::InputTooLarge);
  }

  TEST_CASE("binary and non-UTF-8 bytes are refused with their position") {
    auto binary =
        load_text(std::string("command: a\n\x7f"
                              "ELF\0\x01\x02",
                              17));
    CHECK(first(binary.sink).code == DiagCode::NotText);
    auto latin1 = load_text("command: python x.py\nname: caf\xe9\n");
    CHECK(first(latin1.sink).code == DiagCode::NotText);
    CHECK(first(latin1.sink).location.line == 2);
    CHECK(first(latin1.sink).location.column == 10);
    auto overlong = load_text("name: \xc0\xaf\n");
    CHECK(first(overlong.sink).code == DiagCode::NotText);
    auto good = load_text("name: caf\xc3\xa9 \xe2\x9c\x93\n");
    CHECK(good.loaded);
  }

  TEST_CASE("empty input, lists and scalars at the top level") {
    CHECK(first(load_text("").sink).code == DiagCode::EmptySpec);
    CHECK(first(load_text("\n\n# only a comment\n").sink).code == DiagCode::EmptySpec);
    CHECK(first(load_text("- a\n- b\n").sink).code == DiagCode::NotAMapping);
    CHECK(first(load_text("just text\n").sink).code == DiagCode::NotAMapping);
  }

  TEST_CASE("complex keys and several documents") {
    CHECK(first(load_text("? [a, b]\n: c\n").sink).code == DiagCode::WrongType);
    CHECK(first(load_text("a: 1\n---\nb: 2\n").sink).code == DiagCode::YamlSyntax);
  }

  TEST_CASE("a folder or a missing file given as a spec") {
    TempDir dir;
    jobc::SourceManager sources;
    jobc::DiagnosticSink sink;
    CHECK(!jobc::load_spec_file(dir.path, "folder", sources, sink));
    CHECK(first(sink).code == DiagCode::PathKindMismatch);
    jobc::DiagnosticSink missing;
    CHECK(!jobc::load_spec_file(dir.path / "nope.yml", "nope.yml", sources, missing));
    CHECK(first(missing).code == DiagCode::FileUnreadable);
  }
}
