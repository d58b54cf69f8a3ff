// YAML text -> JSON with a source map. yaml-cpp parses; this file resolves scalars the
// way PyYAML does (the Azure ML SDK's loader), finds duplicate keys, applies merge keys,
// and bounds alias expansion.
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "jobc/spec_document.h"
#include "spec/secret_names.h"
#include "spec/text_checks.h"
#include "spec/yaml_scalar_extent.h"
#include "spec/yaml_syntax_message.h"
#include "support/url_download.h"
#include "support/yaml11_scalar.h"
#include "support/yaml_cpp.h"

#include <yaml-cpp/eventhandler.h>

namespace jobc {
namespace {

Location to_location(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

// A scalar held by a secret key (`password: ...`): where it starts, the column of the key
// that holds it, and its value.
struct SecretScalar {
  Location at;
  int key_column;
  std::string value;
};

class Converter {
 public:
  Converter(SpecDocument& doc, DiagnosticSink& sink, size_t max_values)
      : doc_(doc), sink_(sink), budget_(max_values) {}

  // Returns false once the value budget is spent; the document is then unusable. `secret`:
  // a key above the node holds a secret, so its scalars are recorded for masking.
  bool convert(const YAML::Node& node, const std::string& pointer, Location key,
               nlohmann::json& out, bool secret) {
    if (budget_ == 0) return false;
    if (depth_ >= kMaxDepth) {
      sink_.report(DiagCode::InputTooLarge, to_location(doc_.display_path, node.Mark()),
                   "nesting is too deep for a spec (an alias inside itself?)");
      budget_ = 0;
      return false;
    }
    if (node.IsScalar() && node.Scalar().size() > kMaxScalar) {
      sink_.report(DiagCode::InputTooLarge, to_location(doc_.display_path, node.Mark()),
                   fmt::format("value is {} bytes long; spec values are limited to {} bytes",
                               node.Scalar().size(), kMaxScalar));
      budget_ = 0;
      return false;
    }
    struct Deeper {
      int& d;
      explicit Deeper(int& d) : d(++d) {}
      ~Deeper() { --d; }
    } deeper(depth_);
    if (--budget_ == 0) {
      sink_.report(DiagCode::InputTooLarge, to_location(doc_.display_path, node.Mark()),
                   "document expands to too many values (aliases expanding exponentially?)",
                   {"jobc stops after the limit to keep time and memory bounded"});
      return false;
    }
    Location value = to_location(doc_.display_path, node.Mark());
    // An empty value (`key:` and nothing) is marked where the next token starts, a line
    // below: its key is where the user looks.
    if (value.line == 0 || (node.IsNull() && value.line > key.line)) value = key;
    doc_.map.set(pointer, {key, value, {}});
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return convert_map(node, pointer, out, secret);
      case YAML::NodeType::Sequence:
        return convert_sequence(node, pointer, out, secret);
      case YAML::NodeType::Scalar:
        out = convert_scalar(node);
        // A URL's user:password@ or query (a SAS token) is as secret as a password.
        if (secret || url_carries_credentials(node.Scalar())) {
          secrets_.push_back({value, key.column, node.Scalar()});
        }
        return true;
      default:
        out = nullptr;
        return true;
    }
  }

  const std::vector<SecretScalar>& secrets() const { return secrets_; }

 private:
  static nlohmann::json convert_scalar(const YAML::Node& node) {
    const std::string& tag = node.Tag();
    if (tag == "?") return resolve_plain_scalar(node.Scalar());
    return node.Scalar();  // quoted ("!") or explicitly tagged: keep the text
  }

  bool convert_sequence(const YAML::Node& node, const std::string& pointer, nlohmann::json& out,
                        bool secret) {
    out = nlohmann::json::array();
    size_t index = 0;
    for (const YAML::Node& item : node) {
      nlohmann::json value;
      Location at = to_location(doc_.display_path, item.Mark());
      if (!convert(item, pointer_append(pointer, index++), at, value, secret)) return false;
      out.push_back(std::move(value));
    }
    return true;
  }

  bool convert_map(const YAML::Node& node, const std::string& pointer, nlohmann::json& out,
                   bool secret) {
    out = nlohmann::json::object();
    std::unordered_map<std::string, Location> seen;
    std::vector<YAML::Node> merges;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      Location key_at = to_location(doc_.display_path, key.Mark());
      if (!key.IsScalar()) {
        sink_.report(DiagCode::WrongType, key_at, "mapping keys must be plain text");
        continue;
      }
      if (key.Tag() == "?" && key.Scalar() == "<<") {
        merges.push_back(it->second);
        continue;
      }
      const std::string& name = key.Scalar();
      auto [previous, inserted] = seen.emplace(name, key_at);
      if (!inserted) {
        sink_.report(DiagCode::DuplicateKey, key_at, fmt::format("duplicate key '{}'", name),
                     {fmt::format("first defined at line {}", previous->second.line)});
        continue;
      }
      nlohmann::json value;
      if (!convert(it->second, pointer_append(pointer, name), key_at, value,
                   secret || holds_secret(name))) {
        return false;
      }
      out[name] = std::move(value);
    }
    for (const YAML::Node& merge : merges) {
      if (!apply_merge(merge, pointer, out, secret)) return false;
    }
    return true;
  }

  // YAML 1.1 merge keys (`<<: *base`), which PyYAML applies: explicit keys win.
  bool apply_merge(const YAML::Node& merge, const std::string& pointer, nlohmann::json& out,
                   bool secret) {
    std::vector<YAML::Node> sources;
    if (merge.IsMap()) sources.push_back(merge);
    if (merge.IsSequence()) {
      for (const YAML::Node& item : merge) sources.push_back(item);
    }
    for (const YAML::Node& source : sources) {
      if (!source.IsMap()) {
        sink_.report(DiagCode::WrongType, to_location(doc_.display_path, source.Mark()),
                     "a merge key ('<<') needs a mapping or a list of mappings");
        continue;
      }
      nlohmann::json merged;
      if (!convert(source, pointer, to_location(doc_.display_path, source.Mark()), merged,
                   secret)) {
        return false;
      }
      for (auto& [name, value] : merged.items()) {
        if (!out.contains(name)) out[name] = value;
      }
    }
    return true;
  }

  SpecDocument& doc_;
  DiagnosticSink& sink_;
  std::vector<SecretScalar> secrets_;
  size_t budget_;
  int depth_ = 0;
  static constexpr int kMaxDepth = 1000;
  // Long enough for any real command; short enough that no regex recursion overflows.
  static constexpr size_t kMaxScalar = 16384;
};

// Records where a document starts and where its last quoted scalar does.
class DocumentStart : public YAML::EventHandler {
 public:
  YAML::Mark mark = YAML::Mark::null_mark();
  YAML::Mark last_quoted = YAML::Mark::null_mark();
  void OnDocumentStart(const YAML::Mark& at) override { mark = at; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark& at, const std::string& tag, YAML::anchor_t,
                const std::string&) override {
    if (tag == "!") last_quoted = at;
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp takes an unclosed quote's value to the end of the file, keys and all; PyYAML
// (the Azure ML SDK's loader) refuses it, and so does jobc. Only the last quoted scalar can
// be unclosed.
bool quotes_closed(const SpecDocument& doc, const YAML::Mark& last_quoted, DiagnosticSink& sink) {
  if (last_quoted.is_null() || last_quoted.pos < 0) return true;
  // yaml-cpp counts positions after a byte order mark, which the text still holds.
  size_t begin =
      static_cast<size_t>(last_quoted.pos) + (doc.text.starts_with("\xEF\xBB\xBF") ? 3 : 0);
  if (begin >= doc.text.size() || (doc.text[begin] != '"' && doc.text[begin] != '\'') ||
      quoted_scalar_end(doc.text, begin) != std::string::npos) {
    return true;
  }
  Location at = to_location(doc.display_path, last_quoted);
  at.length = 1;
  sink.report(
      DiagCode::YamlSyntax, at,
      fmt::format("this {} opens a quoted value that is never closed", doc.text[begin]),
      {fmt::format("the value runs to the end of the file; end it with {}", doc.text[begin])});
  return false;
}

bool parse_yaml(const SpecDocument& doc, DiagnosticSink& sink, YAML::Node& out) {
  try {
    // Not YAML::LoadAll: yaml-cpp 0.7 loops forever there on a stray ',' after a
    // top-level flow collection (jbeder/yaml-cpp#1040, fixed upstream by #1319).
    out = YAML::Load(doc.text);
    std::istringstream in(doc.text);
    YAML::Parser parser(in);
    DocumentStart first, second;
    if (parser.HandleNextDocument(first) && parser.HandleNextDocument(second)) {
      sink.report(DiagCode::YamlSyntax, to_location(doc.display_path, second.mark),
                  "a spec file holds one YAML document, this is a second one",
                  {"split the documents into separate files"});
      return false;
    }
    return quotes_closed(doc, first.last_quoted, sink);
  } catch (const YAML::DeepRecursion& e) {
    sink.report(DiagCode::InputTooLarge, to_location(doc.display_path, e.mark),
                "nesting is too deep for a spec", {"jobc stops at 2000 levels"});
  } catch (const YAML::Exception& e) {
    Location at = to_location(doc.display_path, e.mark);
    YamlSyntaxProblem problem = explain_yaml_error(doc.text, at.line, at.column, e.msg);
    sink.report(DiagCode::YamlSyntax,
                {doc.display_path, problem.line, problem.column, problem.length}, problem.message,
                std::move(problem.notes));
  } catch (const std::exception& e) {
    sink.report(DiagCode::YamlSyntax, {doc.display_path, 0, 0}, e.what());
  }
  return false;
}

// Tells `sources` where each secret value stands in the text, so no diagnostic shows it.
void hide_secrets(const SpecDocument& doc, const std::vector<SecretScalar>& secrets,
                  SourceManager& sources) {
  std::vector<size_t> line_starts = {0};
  for (size_t i = 0; i < doc.text.size(); ++i) {
    if (doc.text[i] == '\n') line_starts.push_back(i + 1);
  }
  // yaml-cpp counts columns after a byte order mark, which the text still holds.
  size_t bom = doc.text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  // Thousands of secret values on one long line would make finding each end quadratic:
  // past a budget, a value is masked to the end of the file (too much is safe, too little
  // is not).
  size_t scanned = 0;
  size_t budget = 4 * doc.text.size() + 65536;
  for (const SecretScalar& secret : secrets) {
    size_t line = static_cast<size_t>(secret.at.line);
    if (line == 0 || line > line_starts.size()) continue;
    size_t begin =
        line_starts[line - 1] + static_cast<size_t>(secret.at.column - 1) + (line == 1 ? bom : 0);
    if (begin >= doc.text.size()) continue;
    size_t key_indent = static_cast<size_t>(std::max(1, secret.key_column) - 1);
    size_t end =
        scanned < budget ? scalar_text_end(doc.text, begin, key_indent, scanned) : doc.text.size();
    sources.hide_secret(doc.display_path, begin, end, secret.value);
  }
}

}  // namespace

std::optional<SpecDocument> load_spec_text(std::string text, const std::string& display_path,
                                           const std::filesystem::path& dir, SourceManager& sources,
                                           DiagnosticSink& sink, const LoadLimits& limits) {
  SpecDocument doc;
  doc.display_path = display_path;
  doc.dir = dir;
  if (text.size() > limits.max_file_bytes) {
    sink.report(DiagCode::InputTooLarge, {display_path, 0, 0},
                fmt::format("file is larger than {} MiB; spec files are small text files",
                            limits.max_file_bytes >> 20));
    return std::nullopt;
  }
  if (auto problem = check_text(text)) {
    problem->location.file = display_path;
    sink.report(DiagCode::NotText, problem->location, problem->message);
    return std::nullopt;
  }
  doc.text = std::move(text);
  sources.add(display_path, doc.text);

  YAML::Node node;
  if (!parse_yaml(doc, sink, node)) return std::nullopt;
  if (!node.IsDefined() || node.IsNull()) {
    sink.report(DiagCode::EmptySpec, {display_path, 0, 0}, "spec file is empty");
    return std::nullopt;
  }
  if (!node.IsMap()) {
    sink.report(DiagCode::NotAMapping, to_location(display_path, node.Mark()),
                fmt::format("a spec must be a mapping of keys to values, found a {}",
                            node.IsSequence() ? "list" : "single value"));
    return std::nullopt;
  }
  // Duplicate or complex keys are reported but do not stop validation of the rest.
  Converter converter(doc, sink, limits.max_values);
  bool converted = converter.convert(node, "", {display_path, 1, 1}, doc.root, false);
  hide_secrets(doc, converter.secrets(), sources);
  if (!converted) return std::nullopt;
  return doc;
}

std::optional<SpecDocument> load_spec_file(const std::filesystem::path& path,
                                           const std::string& display_path, SourceManager& sources,
                                           DiagnosticSink& sink, const LoadLimits& limits) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    sink.report(DiagCode::PathKindMismatch, {display_path, 0, 0}, "is a folder, not a spec file");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    sink.report(DiagCode::FileUnreadable, {display_path, 0, 0},
                fmt::format("cannot read file: {}", std::strerror(errno)));
    return std::nullopt;
  }
  // Read in chunks, and at most one byte past the limit, so a huge file costs no more
  // than the limit and a small one no more than its size.
  std::string text;
  char chunk[1 << 16];
  while (text.size() <= limits.max_file_bytes && in.read(chunk, sizeof chunk).gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    sink.report(DiagCode::FileUnreadable, {display_path, 0, 0}, "cannot read file");
    return std::nullopt;
  }
  // A bare file name lives in the current folder: "." rather than an empty path, which
  // std::filesystem cannot make absolute.
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  return load_spec_text(std::move(text), display_path, dir, sources, sink, limits);
}

}  // namespace jobc
