// Fixture specs carry their expected diagnostics in comments (clang -verify style):
//   comand: python train.py   # expect: E010 unknown key 'comand'
// `# expect: CODE[@COLUMN] [message substring]` expects a diagnostic on that line;
// `# expect@+1: ...` / `# expect@-1: ...` a diagnostic on a line relative to the comment;
// `# expect-file: CODE [substring]` one without a line; `# set: key=value` adds a --set;
// `# with: other.yml` validates another spec alongside (cross-spec checks).
// Every expectation must be met by exactly one diagnostic, and no diagnostic may be left over.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "jobc/validate.h"

namespace fs = std::filesystem;

namespace {

struct Expectation {
  std::string file;
  int line;    // 0: no line
  int column;  // 0: any
  std::string code;
  std::string substring;
  bool met = false;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void collect_expectations(const std::string& file, const std::string& text,
                          std::vector<Expectation>& out, std::vector<std::string>& sets,
                          std::vector<std::string>& with) {
  static const std::regex expect(
      R"(#\s*expect(-file)?(?:@([+-][0-9]+))?:\s*([EW][0-9]{3})(?:@([0-9]+))?\s*(.*)$)");
  static const std::regex set(R"(#\s*set:\s*(\S+))");
  static const std::regex also(R"(#\s*with:\s*(\S+))");
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    std::smatch match;
    if (std::regex_search(line, match, expect)) {
      std::string substring = match[5].str();
      while (!substring.empty() && std::isspace(static_cast<unsigned char>(substring.back()))) {
        substring.pop_back();
      }
      int offset = match[2].matched ? std::stoi(match[2].str()) : 0;
      out.push_back({file, match[1].matched ? 0 : number + offset,
                     match[4].matched ? std::stoi(match[4].str()) : 0, match[3].str(), substring});
    } else if (std::regex_search(line, match, set)) {
      sets.push_back(match[1].str());
    } else if (std::regex_search(line, match, also)) {
      with.push_back(match[1].str());
    }
  }
}

bool meets(const Expectation& e, const jobc::Diagnostic& d) {
  return e.file == d.location.file && e.line == d.location.line &&
         (e.column == 0 || e.column == d.location.column) && e.code == jobc::info(d.code).code &&
         d.message.find(e.substring) != std::string::npos;
}

std::string describe(const jobc::Diagnostic& d) {
  return fmt::format("{}:{}:{}: {}: {}", d.location.file, d.location.line, d.location.column,
                     jobc::info(d.code).code, d.message);
}

fs::path fixtures_dir() {
  return fs::path(JOBC_SOURCE_DIR) / "tests/fixtures/diagnostics";
}

std::vector<fs::path> fixture_files() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fixtures_dir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".yml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_SUITE("spec") {
  TEST_CASE("diagnostic fixtures produce exactly their expected diagnostics") {
    auto files = fixture_files();
    REQUIRE(files.size() > 10);
    fs::path old_cwd = fs::current_path();
    fs::current_path(fixtures_dir());
    for (const fs::path& path : files) {
      std::string name = path.filename().string();
      CAPTURE(name);
      std::vector<Expectation> expectations;
      std::vector<std::string> sets;
      std::vector<std::string> with;
      collect_expectations(name, read_file(path), expectations, sets, with);
      jobc::ValidateOptions options;
      jobc::DiagnosticSink sink;
      for (const std::string& set : sets) {
        jobc::Override parsed;
        REQUIRE(jobc::parse_override(set, parsed, sink));
        options.overrides.push_back(parsed);
      }
      jobc::SourceManager sources;
      auto spec = jobc::load_and_validate(name, options, sources, sink);
      // Specs validated alongside (`# with:`) take part in cross-spec checks.
      std::vector<jobc::LoadedSpec> others;
      for (const std::string& other : with) {
        if (auto loaded = jobc::load_and_validate(other, {}, sources, sink)) {
          others.push_back(std::move(*loaded));
        }
      }
      std::vector<const jobc::LoadedSpec*> all;
      if (spec) all.push_back(&*spec);
      for (const auto& other : others) all.push_back(&other);
      jobc::check_compute_names(all, sink);
      // Referenced files (an environment file, say) carry their own expectations.
      for (const jobc::LoadedSpec* loaded : all) {
        for (const auto& [pointer, reference] : loaded->references) {
          std::vector<std::string> ignored;
          collect_expectations(reference->doc.display_path, reference->doc.text, expectations,
                               ignored, ignored);
        }
      }
      CHECK_MESSAGE(!expectations.empty(), "fixture has no '# expect:' comment");
      for (const jobc::Diagnostic& d : sink.diagnostics()) {
        auto match = std::find_if(expectations.begin(), expectations.end(),
                                  [&](const Expectation& e) { return !e.met && meets(e, d); });
        if (match == expectations.end()) {
          FAIL_CHECK("unexpected diagnostic: " << describe(d));
        } else {
          match->met = true;
        }
      }
      for (const Expectation& e : expectations) {
        if (!e.met) {
          FAIL_CHECK(fmt::format("expected {} at {}:{} ('{}') was not reported", e.code, e.file,
                                 e.line, e.substring));
        }
      }
    }
    fs::current_path(old_cwd);
  }

  TEST_CASE("every diagnostic code has a fixture or a named unit test") {
    // Codes that cannot be written as a fixture file (unreadable, oversized or binary
    // input) are covered by tests/spec/hostile_input_test.cc.
    const std::set<std::string> covered_elsewhere = {"E001", "E004", "E005"};
    std::string all_fixtures;
    for (const fs::path& path : fixture_files()) all_fixtures += read_file(path);
    for (const auto& entry : fs::recursive_directory_iterator(fixtures_dir())) {
      if (entry.is_regular_file()) all_fixtures += read_file(entry.path());
    }
    for (const jobc::DiagInfo& info : jobc::all_diagnostics()) {
      std::string code(info.code);
      CAPTURE(code);
      bool in_fixture =
          std::regex_search(all_fixtures, std::regex("expect(-file)?(@[+-][0-9]+)?: " + code));
      CHECK((in_fixture || covered_elsewhere.count(code)));
    }
  }
}
