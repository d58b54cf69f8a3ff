// `jobc completion bash|zsh|fish` and `jobc __man`: the scripts run in their real shells and
// offer what --help lists; the man page renders without warnings and covers every command.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using jobc::testing::jobc_command;
using jobc::testing::run_command;
using jobc::testing::shell_quote;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The visible commands as --help lists them, recursively: {"validate", "runs list", ...}.
std::vector<std::string> commands_in_help(const std::string& prefix = "") {
  std::vector<std::string> out;
  auto help = run_command(jobc_command(prefix + " --help"));
  bool in_list = false;
  for (const std::string& line : lines_of(help.out)) {
    if (line == "Subcommands:") {
      in_list = true;
    } else if (in_list && line.rfind("  ", 0) == 0) {
      std::string name = line.substr(2, line.find(' ', 2) - 2);
      std::string path = prefix.empty() ? name : prefix + " " + name;
      out.push_back(path);
      for (const std::string& child : commands_in_help(path)) out.push_back(child);
    } else {
      in_list = false;
    }
  }
  return out;
}

// The option names a command's --help lists: "-o", "--output-dir", ...
std::vector<std::string> options_in_help(const std::string& command) {
  std::vector<std::string> out;
  bool in_list = false;
  for (const std::string& line : lines_of(run_command(jobc_command(command + " --help")).out)) {
    if (line == "Options:") {
      in_list = true;
    } else if (in_list && line.rfind("  -", 0) == 0) {
      std::istringstream names(line.substr(2, line.find(' ', 2) - 2));
      for (std::string name; std::getline(names, name, ',');) out.push_back(name);
    } else {
      in_list = false;
    }
  }
  return out;
}

bool has_program(const std::string& name) {
  return run_command("command -v " + name).status == 0;
}

fs::path write_script(const jobc::testing::TempDir& dir, const std::string& shell,
                      const std::string& file) {
  auto result = run_command(jobc_command("completion " + shell));
  REQUIRE(result.status == 0);
  std::ofstream(dir.path / file) << result.out;
  return dir.path / file;
}

// COMPREPLY after completing the last of `words` ("" for a new word), as bash would.
std::vector<std::string> bash_complete(const fs::path& script,
                                       const std::vector<std::string>& words,
                                       const std::string& environment = "") {
  std::string array;
  for (const std::string& word : words) array += " " + shell_quote(word);
  std::string program = fmt::format(
      "source {}; COMP_WORDS=({}); COMP_CWORD={}; _jobc; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
      shell_quote(script.string()), array, words.size() - 1);
  auto result =
      run_command(fmt::format("cd {} && {} bash --norc -c {}", shell_quote(JOBC_SOURCE_DIR),
                              environment, shell_quote(program)));
  REQUIRE_MESSAGE(result.status == 0, result.err);
  std::vector<std::string> offered;
  for (const std::string& line : lines_of(result.out)) {
    if (!line.empty()) offered.push_back(line);
  }
  return offered;
}

// What fish offers for the command line `line`, without descriptions.
std::vector<std::string> fish_complete(const fs::path& script, const std::string& line) {
  std::string program =
      fmt::format("source {}; complete -C{}", shell_quote(script.string()), shell_quote(line));
  auto result = run_command("fish --no-config -c " + shell_quote(program));
  REQUIRE_MESSAGE(result.status == 0, result.err);
  std::vector<std::string> offered;
  for (const std::string& entry : lines_of(result.out)) {
    offered.push_back(entry.substr(0, entry.find('\t')));
  }
  return offered;
}

// What zsh offers for the command line `line` (tests/cli/zsh_complete.zsh drives a real,
// interactive zsh in a pseudo-terminal).
// Every case expects candidates: an empty answer is the pty driver's, not the script's (zle
// can drop what is typed while it redraws a prompt on a loaded machine), so it is asked again.
std::vector<std::string> zsh_complete(const fs::path& script, const std::string& line,
                                      const std::string& jobc_home = "/nonexistent") {
  std::vector<std::string> offered;
  for (int attempt = 0; attempt < 3 && offered.empty(); ++attempt) {
    auto result = run_command(
        fmt::format("JOBC_HOME={} timeout 30 zsh -f {}/tests/cli/zsh_complete.zsh {} {}",
                    shell_quote(jobc_home), shell_quote(JOBC_SOURCE_DIR),
                    shell_quote(script.string()), shell_quote(line)));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    offered = lines_of(result.out);
  }
  return offered;
}

using Words = std::vector<std::string>;

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("bash completes commands, nested commands, options and their values") {
    jobc::testing::TempDir dir;
    fs::path script = write_script(dir, "bash", "jobc.bash");
    CHECK(bash_complete(script, {"jobc", "va"}) == Words{"validate"});
    CHECK(bash_complete(script, {"jobc", "runs", ""}) == Words{"list", "show", "logs", "metrics",
                                                               "cancel", "download", "delete",
                                                               "prune", "repair", "report"});
    CHECK(bash_complete(script, {"jobc", "validate", "--format", ""}) ==
          Words{"gcc", "json", "github"});
    // bash splits --format=j at '=' into three words.
    CHECK(bash_complete(script, {"jobc", "validate", "--format", "=", "j"}) == Words{"json"});
    CHECK(bash_complete(script, {"jobc", "validate", "--co"}) == Words{"--color"});
    CHECK(bash_complete(script, {"jobc", "compile", "--kind", "env"}) == Words{"environment"});
    CHECK(bash_complete(script, {"jobc", "runs", "list", "--output", ""}) ==
          Words{"table", "json"});
    CHECK(bash_complete(script, {"jobc", "completion", "z"}) == Words{"zsh"});
    CHECK(bash_complete(script, {"jobc", "explain", "W00"}) ==
          Words{"W001", "W002", "W003", "W004"});
  }

  TEST_CASE("bash offers every command --help lists and no hidden one") {
    jobc::testing::TempDir dir;
    fs::path script = write_script(dir, "bash", "jobc.bash");
    Words top;
    for (const std::string& command : commands_in_help()) {
      if (command.find(' ') == std::string::npos) top.push_back(command);
    }
    CHECK(top.size() >= 7);
    CHECK(bash_complete(script, {"jobc", ""}) == top);
    CHECK(bash_complete(script, {"jobc", "__"}).empty());  // __monitor, __man
  }

  TEST_CASE("bash completes files for spec paths and run ids for RUN, skipping option values") {
    jobc::testing::TempDir dir;
    fs::path script = write_script(dir, "bash", "jobc.bash");
    CHECK(bash_complete(script, {"jobc", "validate", "--format", "json", "exam"}) ==
          Words{"examples"});
    CHECK(bash_complete(script, {"jobc", "validate", "--werror", "exam"}) == Words{"examples"});
    fs::create_directories(dir.path / "home/runs/mnist_1700000000_0a1b2c3d");
    fs::create_directories(dir.path / "home/runs/mnist_1700000100_4e5f6a7b");
    fs::create_directories(dir.path / "home/runs/cifar_1700000200_8c9d0e1f");
    std::string home = "JOBC_HOME=" + shell_quote((dir.path / "home").string());
    CHECK(bash_complete(script, {"jobc", "runs", "show", "mn"}, home) ==
          Words{"mnist_1700000000_0a1b2c3d", "mnist_1700000100_4e5f6a7b"});
    // download RUN PATH: the second argument is a path, the first a run.
    CHECK(bash_complete(script, {"jobc", "runs", "download", "-o", "out", "ci"}, home) ==
          Words{"cifar_1700000200_8c9d0e1f"});
    CHECK(bash_complete(script, {"jobc", "runs", "download", "cifar", "exam"}, home) ==
          Words{"examples"});
    // No runs folder: nothing offered, no error.
    CHECK(bash_complete(script, {"jobc", "runs", "logs", ""}, "JOBC_HOME=/nonexistent").empty());
  }

  TEST_CASE("fish completes commands, nested commands and option values") {
    if (!has_program("fish")) {
      MESSAGE("skipped: fish is not installed (scripts/setup.sh installs it)");
      return;
    }
    jobc::testing::TempDir dir;
    fs::path script = write_script(dir, "fish", "jobc.fish");
    CHECK(run_command("fish --no-config -n " + shell_quote(script.string())).status == 0);
    CHECK(fish_complete(script, "jobc va") == Words{"validate"});
    CHECK(fish_complete(script, "jobc runs ") == Words{"cancel", "delete", "download", "list",
                                                       "logs", "metrics", "prune", "repair",
                                                       "report", "show"});
    CHECK(fish_complete(script, "jobc validate --format ") == Words{"gcc", "github", "json"});
  }

  TEST_CASE("zsh completes commands, nested commands, options and their values") {
    if (!has_program("zsh")) {
      MESSAGE("skipped: zsh is not installed (scripts/setup.sh installs it)");
      return;
    }
    jobc::testing::TempDir dir;
    fs::path script = write_script(dir, "zsh", "_jobc");
    CHECK(run_command("zsh -n " + shell_quote(script.string())).status == 0);
    CHECK(zsh_complete(script, "jobc va") == Words{"validate"});
    CHECK(zsh_complete(script, "jobc runs ") == Words{"list", "show", "logs", "metrics", "cancel",
                                                      "download", "delete", "prune", "repair",
                                                      "report"});
    CHECK(zsh_complete(script, "jobc validate --format ") == Words{"gcc", "json", "github"});
    fs::create_directories(dir.path / "home/runs/mnist_1700000000_0a1b2c3d");
    CHECK(zsh_complete(script, "jobc runs logs ", (dir.path / "home").string()) ==
          Words{"mnist_1700000000_0a1b2c3d"});
  }

  TEST_CASE("the man page renders without warnings and documents every command and option") {
    jobc::testing::TempDir dir;
    auto page = run_command(jobc_command("__man"));
    REQUIRE(page.status == 0);
    std::ofstream(dir.path / "jobc.1") << page.out;
    for (const std::string& command : commands_in_help()) {
      size_t section = page.out.find(fmt::format(".SS \"jobc {}\"", command));
      CHECK_MESSAGE(section != std::string::npos, command);
      for (std::string option : options_in_help(command)) {
        for (size_t dash = 0; (dash = option.find('-', dash)) != std::string::npos; dash += 2) {
          option.replace(dash, 1, "\\-");  // roff's minus sign
        }
        CHECK_MESSAGE(page.out.find("\\fB" + option + "\\fR", section) != std::string::npos,
                      command << " " << option);
      }
    }
    CHECK(page.out.find("__monitor") == std::string::npos);
    CHECK(page.out.find("\\fB\\-\\-format\\fR \\fIFORMAT\\fR") != std::string::npos);
    CHECK(page.out.find("\\fB\\-\\-output\\-dir\\fR") != std::string::npos);
    if (!has_program("groff")) {
      MESSAGE("skipped rendering: groff is not installed");
      return;
    }
    auto rendered =
        run_command("groff -man -Tascii -P-cbu -ww " + shell_quote((dir.path / "jobc.1").string()));
    CHECK(rendered.status == 0);
    CHECK_MESSAGE(rendered.err.empty(), rendered.err);
    CHECK(rendered.out.find("jobc runs download") != std::string::npos);
  }
}
