// `jobc completion bash|zsh|fish`: prints a completion script generated from the commands
// jobc has now, so it cannot fall out of date.
#include <iostream>

#include "cli/command_tree.h"
#include "cli/commands.h"
#include "cli/completion_scripts.h"

namespace jobc::cli {

Command add_completion_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("completion", "Print a shell completion script");
  auto shell = std::make_shared<std::string>();
  command->add_option("SHELL", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  command->footer(
      "bash: jobc completion bash > ~/.local/share/bash-completion/completions/jobc\n"
      "zsh:  jobc completion zsh > ~/.zfunc/_jobc (with ~/.zfunc in $fpath before compinit)\n"
      "fish: jobc completion fish > ~/.config/fish/completions/jobc.fish\n"
      "'cmake --install' installs all three, and the man page.");
  return {command, [command, shell]() {
            CommandInfo tree = describe_commands(root_of(*command));
            if (*shell == "bash") std::cout << bash_completion(tree);
            if (*shell == "zsh") std::cout << zsh_completion(tree);
            if (*shell == "fish") std::cout << fish_completion(tree);
            return kExitOk;
          }};
}

}  // namespace jobc::cli
