// The visible command tree of a CLI11 App as plain data: the one source from which shell
// completions and the man page are generated, so they never fall out of step with --help.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace jobc::cli {

// What a shell may offer for an option's or argument's value.
enum class ValueKind {
  None,     // a flag: takes no value
  Choices,  // one of `choices`
  Run,      // a run id (the RUN argument of `jobc runs ...`)
  Path,     // files and folders (a value named like PATH, SPEC, JOB, OUTPUT_DIR, DEPFILE)
  Text,     // anything else: nothing to offer
};

struct OptionInfo {
  std::vector<std::string> names;  // "-q", "--quiet"; a positional has none
  std::string value_name;          // "FORMAT", "PATH", "RUN"; empty for a flag
  std::string help;
  ValueKind kind = ValueKind::None;
  std::vector<std::string> choices;
  bool repeats = false;  // may be given several times (options) or take several words
  bool required = false;
};

struct CommandInfo {
  std::vector<std::string> path;  // {"jobc", "runs", "list"}
  std::string help;
  std::string footer;
  std::vector<OptionInfo> options;      // in the order --help shows them
  std::vector<OptionInfo> positionals;  // in order
  std::vector<CommandInfo> commands;    // visible subcommands only
};

CommandInfo describe_commands(const CLI::App& app);

// The top-level App above a subcommand: completions and the man page describe it all.
const CLI::App& root_of(const CLI::App& app);

// "jobc runs list" (words joined by spaces).
std::string joined_path(const CommandInfo& command);

}  // namespace jobc::cli
