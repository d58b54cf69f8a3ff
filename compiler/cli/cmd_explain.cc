// `jobc explain [CODE]`: what a diagnostic code means; without a code, the whole table.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "cli/commands.h"
#include "jobc/diagnostics.h"

namespace jobc::cli {
namespace {

// Codes are matched in any case: `jobc explain e010`.
bool same_code(std::string_view code, std::string_view asked) {
  return std::equal(code.begin(), code.end(), asked.begin(), asked.end(),
                    [](char a, char b) { return std::toupper(a) == std::toupper(b); });
}

}  // namespace

Command add_explain_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("explain", "Describe a diagnostic code (e.g. E010)");
  auto code = std::make_shared<std::string>();
  command->add_option("CODE", *code, "a code such as E010; omit to list every code");
  return {command, [code]() {
            bool found = false;
            for (const DiagInfo& entry : all_diagnostics()) {
              if (!code->empty() && !same_code(entry.code, *code)) continue;
              std::cout << fmt::format("{}  {:<7}  {}\n", entry.code, severity_name(entry.severity),
                                       entry.summary);
              found = true;
            }
            if (!found) {
              std::cerr << "jobc explain: no diagnostic has code '" << *code << "'\n";
              return kExitUsage;
            }
            return kExitOk;
          }};
}

}  // namespace jobc::cli
