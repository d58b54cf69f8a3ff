#include "jobc/diagnostics.h"

#include <algorithm>
#include <map>
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

const DiagInfo& info(DiagCode code) {
  return all_diagnostics()[static_cast<size_t>(code)];
}

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
  // Files keep the order in which they were first reported; lines ascend within a file.
  std::map<std::string, size_t> file_order;
  for (const Diagnostic& d : diagnostics_) file_order.emplace(d.location.file, file_order.size());
  std::stable_sort(
      diagnostics_.begin(), diagnostics_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
        return std::make_tuple(file_order[a.location.file], a.location.line, a.location.column) <
               std::make_tuple(file_order[b.location.file], b.location.line, b.location.column);
      });
}

void DiagnosticSink::append(const DiagnosticSink& other) {
  diagnostics_.insert(diagnostics_.end(), other.diagnostics_.begin(), other.diagnostics_.end());
}

}  // namespace jobc
