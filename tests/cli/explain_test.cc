// `jobc explain CODE` and the explanations behind it (diagnostics/CODE.md, embedded): every
// diagnostic code has one, with an example that really produces the code and a fix that
// validates cleanly. An explanation's format:
//   ## What it means / ## Example / ## Fix   (sections, in that order)
//   ```yaml           the spec, job.yml
//   ```LANG NAME      another file of the example, NAME relative to the spec's folder
//   ```console        commands ("$ jobc ..."); without one, `jobc validate job.yml`
// The fix is applied over the example's files (it changes what it shows).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "embedded/embedded.h"
#include "jobc/diagnostics.h"

namespace fs = std::filesystem;
using jobc::testing::jobc_command;
using jobc::testing::run_command;

namespace {

struct Section {
  std::string text;
  std::map<std::string, std::string> files;  // name -> content
  std::vector<std::string> commands;         // without the "$ "
};

// The sections of an explanation by their "## " title, with their fenced blocks parsed.
std::map<std::string, Section> parse_explanation(std::string_view markdown) {
  std::map<std::string, Section> sections;
  Section* current = nullptr;
  std::istringstream lines{std::string(markdown)};
  std::string line, info, block;
  bool in_block = false;
  while (std::getline(lines, line)) {
    if (in_block && line == "```") {
      in_block = false;
      if (info == "console") {
        std::istringstream commands(block);
        for (std::string command; std::getline(commands, command);) {
          if (command.rfind("$ ", 0) == 0) current->commands.push_back(command.substr(2));
        }
      } else {
        size_t space = info.find(' ');
        current->files[space == std::string::npos ? "job.yml" : info.substr(space + 1)] = block;
      }
    } else if (in_block) {
      block += line + "\n";
    } else if (line.rfind("## ", 0) == 0) {
      current = &sections[line.substr(3)];
    } else if (current && line.rfind("```", 0) == 0) {
      in_block = true;
      info = line.substr(3);
      block.clear();
    } else if (current) {
      current->text += line + "\n";
    }
  }
  return sections;
}

// Writes the files and runs the commands (jobc on PATH) in `dir`; returns the last result.
jobc::testing::CommandResult run_section(const Section& section, const fs::path& dir) {
  for (const auto& [name, content] : section.files) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << content;
  }
  std::vector<std::string> commands = section.commands;
  if (commands.empty()) commands.push_back("jobc validate job.yml");
  std::string path = fs::path(JOBC_BINARY).parent_path().string();
  jobc::testing::CommandResult result;
  for (const std::string& command : commands) {
    result = run_command(fmt::format(
        "cd {} && PATH={}:\"$PATH\" bash -c {}", jobc::testing::shell_quote(dir.string()),
        jobc::testing::shell_quote(path), jobc::testing::shell_quote(command)));
  }
  return result;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE(
      "every diagnostic code has an explanation whose example shows it and whose fix "
      "validates") {
    for (const jobc::DiagInfo& entry : jobc::all_diagnostics()) {
      std::string code(entry.code);
      CAPTURE(code);
      auto markdown =
          jobc::embedded::find(jobc::embedded::diagnostics(), fmt::format("{}.md", code));
      CHECK_MESSAGE(markdown, "no diagnostics/" << code << ".md");
      if (!markdown) continue;  // and check the other codes
      auto sections = parse_explanation(*markdown);
      CHECK(sections["What it means"].text.find_first_not_of(" \n") != std::string::npos);
      Section& example = sections["Example"];
      Section& fix = sections["Fix"];
      bool complete = (!example.files.empty() || !example.commands.empty()) &&
                      (!fix.files.empty() || !fix.commands.empty());
      CHECK_MESSAGE(complete, code << " needs an example and a fix, each a spec or a command");
      if (!complete) continue;

      jobc::testing::TempDir mistake;
      auto shown = run_section(example, mistake.path);
      std::string tag = fmt::format("[{}]", code);  // error[E010]: / warning[W001]:
      CHECK_MESSAGE((shown.out + shown.err).find(tag) != std::string::npos,
                    "the example does not produce " << code << ":\n"
                                                    << shown.out << shown.err);

      jobc::testing::TempDir corrected;
      for (const auto& [name, content] : fix.files) example.files[name] = content;
      example.commands = fix.commands;
      auto fixed = run_section(example, corrected.path);
      CHECK_MESSAGE(fixed.status == 0, "the fix does not validate:\n" << fixed.out << fixed.err);
      CHECK_MESSAGE((fixed.err.find("error[") == std::string::npos &&
                     fixed.err.find("warning[") == std::string::npos),
                    "the fix still has diagnostics:\n"
                        << fixed.err);
    }
  }

  TEST_CASE("explain CODE prints the meaning, an example and the fix") {
    auto result = run_command(jobc_command("explain e010"));
    CHECK(result.status == 0);
    CHECK(result.out.find("E010  error    a key is not part of the spec format\n") == 0);
    CHECK(result.out.find("## What it means") != std::string::npos);
    CHECK(result.out.find("comand: python train.py") != std::string::npos);
    CHECK(result.out.find("## Fix") != std::string::npos);
  }

  TEST_CASE("explain without a code lists every code on one line each") {
    auto result = run_command(jobc_command("explain"));
    CHECK(result.status == 0);
    std::string expected;
    for (const jobc::DiagInfo& entry : jobc::all_diagnostics()) {
      expected += fmt::format("{}  {:<7}  {}\n", entry.code, jobc::severity_name(entry.severity),
                              entry.summary);
    }
    CHECK(result.out == expected);
  }
}
