#include "cli/command_tree.h"

#include <algorithm>
#include <cctype>

#include "jobc/diagnostics.h"

namespace jobc::cli {
namespace {

// CLI::IsMember describes its set as "{a,b,c}" in the option's type name ("TEXT:{a,b,c}"):
// the only place CLI11 2.1 exposes it.
std::vector<std::string> member_choices(const CLI::Option& option) {
  std::string type = option.get_type_name();
  size_t open = type.find(":{");
  size_t close = type.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  std::vector<std::string> choices;
  std::string set = type.substr(open + 2, close - open - 2);
  for (size_t start = 0; start <= set.size();) {
    size_t comma = std::min(set.find(',', start), set.size());
    if (comma > start) choices.push_back(set.substr(start, comma - start));
    start = comma + 1;
  }
  return choices;
}

// "--output-dir" -> "OUTPUT_DIR": how the man page names an option's value.
std::string value_name_of(const CLI::Option& option) {
  std::string name = option.get_positional() || option.get_lnames().empty()
                         ? option.get_name()
                         : option.get_lnames().front();
  std::string out;
  for (char c : name) out += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

// Whether a value names a file or folder, from its name: the last word of SPEC, JOB, PATH,
// OUTPUT, OUTPUT_DIR, or one ending in FILE (DEPFILE); JOB_NAME or SUBSCRIPTION is plain text.
bool names_a_path(const std::string& value_name) {
  std::string last = value_name.substr(value_name.rfind('_') + 1);
  return last == "SPEC" || last == "JOB" || last == "PATH" || last == "OUTPUT" || last == "DIR" ||
         last.ends_with("FILE");
}

OptionInfo describe_option(const CLI::Option& option) {
  OptionInfo info;
  for (const std::string& name : option.get_snames()) info.names.push_back("-" + name);
  for (const std::string& name : option.get_lnames()) info.names.push_back("--" + name);
  info.help = option.get_description();
  info.required = option.get_required();
  info.repeats = option.get_items_expected_max() > 1;
  if (option.get_items_expected_max() == 0) return info;  // a flag
  info.value_name = value_name_of(option);
  info.choices = member_choices(option);
  if (!info.choices.empty()) {
    info.kind = ValueKind::Choices;
  } else if (info.value_name == "CODE") {  // `jobc explain CODE`
    info.kind = ValueKind::Choices;
    for (const DiagInfo& entry : all_diagnostics()) info.choices.emplace_back(entry.code);
  } else if (info.value_name == "RUN") {
    info.kind = ValueKind::Run;
  } else {
    info.kind = names_a_path(info.value_name) ? ValueKind::Path : ValueKind::Text;
  }
  return info;
}

// `inherited`: the footers above this command, which CLI11 copies into new subcommands.
CommandInfo describe(const CLI::App& app, std::vector<std::string> path,
                     std::vector<std::string> inherited) {
  CommandInfo info;
  info.path = std::move(path);
  info.help = app.get_description();
  info.footer = app.get_footer();
  if (std::find(inherited.begin(), inherited.end(), info.footer) != inherited.end()) {
    info.footer.clear();
  }
  inherited.push_back(app.get_footer());
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;  // hidden
    OptionInfo described = describe_option(*option);
    (option->get_positional() ? info.positionals : info.options).push_back(std::move(described));
  }
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->get_group().empty()) continue;  // hidden, such as __monitor
    std::vector<std::string> child = info.path;
    child.push_back(command->get_name());
    info.commands.push_back(describe(*command, std::move(child), inherited));
  }
  return info;
}

}  // namespace

CommandInfo describe_commands(const CLI::App& app) {
  return describe(app, {app.get_name()}, {});
}

const CLI::App& root_of(const CLI::App& app) {
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  return *root;
}

std::string joined_path(const CommandInfo& command) {
  std::string out;
  for (const std::string& word : command.path) out += (out.empty() ? "" : " ") + word;
  return out;
}

}  // namespace jobc::cli
