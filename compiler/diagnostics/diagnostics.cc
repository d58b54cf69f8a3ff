#include "jobc/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace jobc {

const std::vector<DiagInfo>& all_diagnostics() {
  static const std::vector<DiagInfo> table = {
#define JOBC_DIAG(name, code, severity, summary) \
  {DiagCode::name, code, Severity::severity, summary},
#include "jobc/diagnostic_codes.def"
#undef JOBC_DIAG
  };
  return table;
}

const DiagInfo& info(DiagCode code) { return all_diagnostics()[static_cast<size_t>(code)]; }

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

void DiagnosticSink::report(DiagCode code, Location location, std::string message,
                            std::vector<std::string> notes) {
  diagnostics_.push_back(
      {code, info(code).severity, std::move(location), std::move(message), std::move(notes)});
}

size_t DiagnosticSink::error_count() const {
  return std::count_if(diagnostics_.begin(), diagnostics_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

size_t DiagnosticSink::warning_count() const {
  return std::count_if(diagnostics_.begin(), diagnostics_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

void DiagnosticSink::sort() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.location.file, a.location.line, a.location.column) <
                            std::tie(b.location.file, b.location.line, b.location.column);
                   });
}

void DiagnosticSink::append(const DiagnosticSink& other) {
  diagnostics_.insert(diagnostics_.end(), other.diagnostics_.begin(), other.diagnostics_.end());
}

}  // namespace jobc
