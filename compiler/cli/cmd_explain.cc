// `jobc explain [CODE]`: what a diagnostic code means, an example of the mistake and its fix
// (diagnostics/CODE.md, embedded); without a code, the whole table, one line per code.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "cli/commands.h"
#include "embedded/embedded.h"
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
  CLI::App* command =
      app.add_subcommand("explain", "Explain a diagnostic code (e.g. E010): meaning, example, fix");
  auto code = std::make_shared<std::string>();
  command->add_option("CODE", *code, "a code such as E010; omit to list every code");
  return {command, [code]() {
            bool found = false;
            for (const DiagInfo& entry : all_diagnostics()) {
              if (!code->empty() && !same_code(entry.code, *code)) continue;
              std::cout << fmt::format("{}  {:<7}  {}\n", entry.code, severity_name(entry.severity),
                                       entry.summary);
              found = true;
              if (code->empty()) continue;
              std::string file = fmt::format("{}.md", entry.code);
              if (auto text = embedded::find(embedded::diagnostics(), file)) {
                std::cout << "\n" << *text;
              }
            }
            if (!found) {
              std::cerr << "jobc explain: no diagnostic has code '" << *code << "'\n";
              return kExitUsage;
            }
            return kExitOk;
          }};
}

}  // namespace jobc::cli
