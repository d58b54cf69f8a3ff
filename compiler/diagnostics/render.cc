#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "jobc/diagnostic_render.h"

namespace jobc {
namespace {

Severity shown_severity(const Diagnostic& d, const RenderOptions& options) {
  return options.werror && d.severity == Severity::Warning ? Severity::Error : d.severity;
}

std::string location_prefix(const Location& location) {
  if (location.line <= 0) return location.file;
  return fmt::format("{}:{}:{}", location.file, location.line, location.column);
}

// Length of the token at `column` to underline: up to the next space, ':' or end of line.
size_t token_length(std::string_view line, size_t start) {
  size_t end = start;
  bool quoted = end < line.size() && (line[end] == '"' || line[end] == '\'');
  if (quoted) {
    size_t close = line.find(line[end], end + 1);
    return close == std::string_view::npos ? line.size() - start : close - start + 1;
  }
  auto ends_key = [&](size_t i) {
    return line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ');
  };
  while (end < line.size() && line[end] != ' ' && !ends_key(end) && line[end] != ',' &&
         line[end] != ']' && line[end] != '}') {
    ++end;
  }
  return std::max<size_t>(1, end - start);
}

// A span the diagnostic gives (a whole ${{inputs.x}}) when it fits the line, else the token.
size_t caret_length(const Location& location, std::string_view line, size_t column) {
  if (location.length > 0 && column + static_cast<size_t>(location.length) <= line.size()) {
    return static_cast<size_t>(location.length);
  }
  return token_length(line, column);
}

void render_gcc(const Diagnostic& d, const SourceManager& sources, const RenderOptions& options,
                std::ostream& out) {
  Severity severity = shown_severity(d, options);
  const char* bold = options.color ? "\033[1m" : "";
  const char* reset = options.color ? "\033[0m" : "";
  const char* tone = !options.color                ? ""
                     : severity == Severity::Error ? "\033[1;31m"
                                                   : "\033[1;35m";
  out << fmt::format("{}{}:{} {}{}[{}]:{} {}{}{}\n", bold, location_prefix(d.location), reset, tone,
                     severity_name(severity), info(d.code).code, reset, bold, d.message, reset);
  if (auto excerpt = sources.excerpt(d.location.file, d.location.line, d.location.column)) {
    std::string& text = excerpt->text;
    for (char& c : text) {
      if (c == '\t') c = ' ';
    }
    size_t column = std::min(excerpt->column, text.size());
    std::string gutter(std::to_string(d.location.line).size(), ' ');
    out << fmt::format(" {} | {}\n", d.location.line, text);
    out << fmt::format(" {} | {}{}^{}{}\n", gutter, std::string(column, ' '), tone,
                       std::string(caret_length(d.location, text, column) - 1, '~'), reset);
  }
  for (const std::string& note : d.notes) {
    out << fmt::format("{}note:{} {}\n", options.color ? "\033[1;36m" : "", reset, note);
  }
}

nlohmann::json to_json(const Diagnostic& d, const RenderOptions& options) {
  return {{"file", d.location.file},
          {"line", d.location.line},
          {"column", d.location.column},
          {"severity", severity_name(shown_severity(d, options))},
          {"code", info(d.code).code},
          {"message", d.message},
          {"notes", d.notes}};
}

// GitHub workflow commands need %, CR and LF escaped in data, and also : and , in properties.
std::string github_escape(std::string_view text, bool property) {
  std::string out;
  for (char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (property && c == ':') {
      out += "%3A";
    } else if (property && c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

void render_github(const Diagnostic& d, const RenderOptions& options, std::ostream& out) {
  std::string message = d.message;
  for (const std::string& note : d.notes) message += "\nnote: " + note;
  std::string properties = "file=" + github_escape(d.location.file, true);
  if (d.location.line > 0) {
    properties += fmt::format(",line={},col={}", d.location.line, d.location.column);
  }
  properties +=
      ",title=" + github_escape(std::string("jobc ") + std::string(info(d.code).code), true);
  out << fmt::format("::{} {}::{}\n", severity_name(shown_severity(d, options)), properties,
                     github_escape(message, false));
}

// The diagnostic with every secret the sources hold masked in its message and notes.
Diagnostic redacted(const Diagnostic& d, const SourceManager& sources) {
  Diagnostic out = d;
  out.message = sources.redact(std::move(out.message));
  for (std::string& note : out.notes) note = sources.redact(std::move(note));
  return out;
}

}  // namespace

std::optional<DiagFormat> parse_diag_format(std::string_view text) {
  if (text == "gcc") return DiagFormat::Gcc;
  if (text == "json") return DiagFormat::Json;
  if (text == "github") return DiagFormat::Github;
  return std::nullopt;
}

void render_diagnostics(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                        const RenderOptions& options, std::ostream& out) {
  if (options.format == DiagFormat::Json) {
    nlohmann::json all = nlohmann::json::array();
    for (const Diagnostic& d : diagnostics) all.push_back(to_json(redacted(d, sources), options));
    out << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  for (const Diagnostic& shown : diagnostics) {
    Diagnostic d = redacted(shown, sources);
    if (options.format == DiagFormat::Github) {
      render_github(d, options, out);
    } else {
      render_gcc(d, sources, options, out);
    }
  }
}

}  // namespace jobc
