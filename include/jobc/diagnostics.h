// Diagnostics: what jobc reports about a spec, with a stable code from
// diagnostic_codes.def, a severity and a source location.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jobc {

enum class Severity { Note, Warning, Error };

enum class DiagCode {
#define JOBC_DIAG(name, code, severity, summary) name,
#include "jobc/diagnostic_codes.def"
#undef JOBC_DIAG
};

struct DiagInfo {
  DiagCode id;
  std::string_view code;  // "E010"
  Severity severity;
  std::string_view summary;
};

const DiagInfo& info(DiagCode code);
const std::vector<DiagInfo>& all_diagnostics();
std::string_view severity_name(Severity severity);

// A point in a source file; line and column are 1-based, line 0 means "the whole file".
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  // How many columns the caret underlines; 0: the token at the column.
  int length = 0;
};

struct Diagnostic {
  DiagCode code;
  Severity severity;
  Location location;
  std::string message;             // lowercase, no trailing period (LLVM style)
  std::vector<std::string> notes;  // extra lines: "did you mean", "allowed forms are"
};

// Collects diagnostics from every stage so one run reports every problem.
class DiagnosticSink {
 public:
  void report(DiagCode code, Location location, std::string message,
              std::vector<std::string> notes = {});
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  size_t error_count() const;
  size_t warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  // Orders by file, line, column; stable for equal locations.
  void sort();
  void append(const DiagnosticSink& other);

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace jobc
