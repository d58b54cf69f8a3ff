// A re-implementation of the parts of PyYAML's Emitter that a JSON-like value reaches:
// block mappings and sequences, empty flow collections, and plain, single- and
// double-quoted scalars. The state it keeps (column, indent stack, "last written was
// whitespace", "last written was indentation") mirrors the Emitter's, because line folding
// and the placement of spaces depend on exactly that state.
#include "support/pyyaml_dump.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <vector>

#include "support/python_text.h"
#include "support/utf8.h"
#include "support/yaml11_scalar.h"

namespace jobc {
namespace {

constexpr long kBestIndent = 2;
constexpr long kBestWidth = 80;
constexpr char32_t kNone = 0xFFFFFFFF;  // "no character": past the end of a scalar

bool is_break(char32_t c) {
  return c == U'\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

bool is_blank_or_end(char32_t c) {
  return c == U'\0' || c == U' ' || c == U'\t' || c == U'\r' || is_break(c);
}

bool is_one_of(char32_t c, std::u32string_view set) {
  return set.find(c) != std::u32string_view::npos;
}

// Which styles can write a scalar (PyYAML's Emitter.analyze_scalar, allow_unicode off).
struct ScalarAnalysis {
  bool empty = false;
  bool multiline = false;
  bool allow_block_plain = true;
  bool allow_single_quoted = true;
};

ScalarAnalysis analyze_scalar(std::u32string_view text) {
  ScalarAnalysis result;
  if (text.empty()) {
    result.empty = true;
    return result;
  }
  bool block_indicators = text.starts_with(U"---") || text.starts_with(U"...");
  bool line_breaks = false, special_characters = false;
  bool leading_space = false, leading_break = false, trailing_space = false;
  bool trailing_break = false, break_space = false, space_break = false;
  bool preceded_by_whitespace = true;
  bool followed_by_whitespace = text.size() == 1 || is_blank_or_end(text[1]);
  bool previous_space = false, previous_break = false;
  const size_t last = text.size() - 1;
  for (size_t index = 0; index < text.size(); ++index) {
    const char32_t ch = text[index];
    if (index == 0) {
      if (is_one_of(ch, U"#,[]{}&*!|>'\"%@`")) block_indicators = true;
      if (is_one_of(ch, U"?:") && followed_by_whitespace) block_indicators = true;
      if (ch == U'-' && followed_by_whitespace) block_indicators = true;
    } else {
      if (ch == U':' && followed_by_whitespace) block_indicators = true;
      if (ch == U'#' && preceded_by_whitespace) block_indicators = true;
    }
    if (is_break(ch)) line_breaks = true;
    // Without allow_unicode, everything but printable ASCII and '\n' needs double quotes.
    if (!(ch == U'\n' || (ch >= 0x20 && ch <= 0x7E))) special_characters = true;
    if (ch == U' ') {
      leading_space = leading_space || index == 0;
      trailing_space = trailing_space || index == last;
      break_space = break_space || previous_break;
      previous_space = true;
      previous_break = false;
    } else if (is_break(ch)) {
      leading_break = leading_break || index == 0;
      trailing_break = trailing_break || index == last;
      space_break = space_break || previous_space;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = previous_break = false;
    }
    preceded_by_whitespace = is_blank_or_end(ch);
    followed_by_whitespace = index + 2 >= text.size() || is_blank_or_end(text[index + 2]);
  }
  result.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break || line_breaks ||
      block_indicators) {
    result.allow_block_plain = false;
  }
  if (break_space || space_break || special_characters) {
    result.allow_block_plain = result.allow_single_quoted = false;
  }
  return result;
}

// PyYAML's escapes for double-quoted scalars: short ones, else \xXX, \uXXXX, \UXXXXXXXX.
std::string double_quoted_escape(char32_t ch) {
  switch (ch) {
    case 0x00:
      return "\\0";
    case 0x07:
      return "\\a";
    case 0x08:
      return "\\b";
    case 0x09:
      return "\\t";
    case 0x0A:
      return "\\n";
    case 0x0B:
      return "\\v";
    case 0x0C:
      return "\\f";
    case 0x0D:
      return "\\r";
    case 0x1B:
      return "\\e";
    case U'"':
      return "\\\"";
    case U'\\':
      return "\\\\";
    case 0x85:
      return "\\N";
    case 0xA0:
      return "\\_";
    case 0x2028:
      return "\\L";
    case 0x2029:
      return "\\P";
    default:
      break;
  }
  char buffer[16];
  if (ch <= 0xFF) {
    std::snprintf(buffer, sizeof buffer, "\\x%02X", static_cast<unsigned>(ch));
  } else if (ch <= 0xFFFF) {
    std::snprintf(buffer, sizeof buffer, "\\u%04X", static_cast<unsigned>(ch));
  } else {
    std::snprintf(buffer, sizeof buffer, "\\U%08X", static_cast<unsigned>(ch));
  }
  return buffer;
}

// PyYAML's represent_float: .inf/.nan spellings, else repr() with ".0" added before a bare
// exponent ("1e+16" would not read back as a float).
std::string pyyaml_float(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  std::string text = python_float_repr(value);
  size_t e = text.find('e');
  if (e != std::string::npos && text.find('.') == std::string::npos) text.insert(e, ".0");
  return text;
}

class Emitter {
 public:
  std::string dump(const nlohmann::json& value) {
    expect_node(value, {.root = true});
    write_indent();  // document end
    if (open_ended_) {
      write_indicator(U"...", true);
      write_indent();
    }
    return std::move(out_);
  }

 private:
  struct Context {
    bool root = false;
    bool mapping = false;
    bool simple_key = false;
  };

  void expect_node(const nlohmann::json& value, Context context) {
    context_ = context;
    switch (value.type()) {
      case nlohmann::json::value_t::object:
        if (value.empty()) return write_empty_collection(U"{", U"}");
        return write_block_mapping(value);
      case nlohmann::json::value_t::array:
        if (value.empty()) return write_empty_collection(U"[", U"]");
        return write_block_sequence(value);
      case nlohmann::json::value_t::string:
        return write_scalar(decode_utf8(value.get_ref<const std::string&>()), true);
      case nlohmann::json::value_t::null:
        return write_scalar(U"null", false);
      case nlohmann::json::value_t::boolean:
        return write_scalar(value.get<bool>() ? U"true" : U"false", false);
      case nlohmann::json::value_t::number_integer:
        return write_scalar(decode_utf8(std::to_string(value.get<int64_t>())), false);
      case nlohmann::json::value_t::number_unsigned:
        return write_scalar(decode_utf8(std::to_string(value.get<uint64_t>())), false);
      case nlohmann::json::value_t::number_float:
        return write_scalar(decode_utf8(pyyaml_float(value.get<double>())), false);
      default:
        // A caller's defect, as an assertion would be: values made by model::to_json or
        // parsed from JSON text are never binary or discarded (a test asserts the throw).
        throw std::invalid_argument("pyyaml_dump: value has no YAML form");
    }
  }

  void write_empty_collection(std::u32string_view open, std::u32string_view close) {
    write_indicator(open, true, /*whitespace=*/true);
    write_indicator(close, false);
  }

  void write_block_sequence(const nlohmann::json& items) {
    // Under a key ("key:" just written), items line up with the key instead of indenting.
    bool indentless = context_.mapping && !indention_;
    increase_indent(indentless);
    for (const auto& item : items) {
      write_indent();
      write_indicator(U"-", true, false, /*indention=*/true);
      expect_node(item, {});
    }
    pop_indent();
  }

  void write_block_mapping(const nlohmann::json& mapping) {
    increase_indent(false);
    // nlohmann::json keeps keys in byte order, which for UTF-8 is Python's sorted() order.
    for (const auto& [key, value] : mapping.items()) {
      std::u32string key_text = decode_utf8(key);
      write_indent();
      if (is_simple_key(key_text)) {
        expect_node(key, {.mapping = true, .simple_key = true});
        write_indicator(U":", false);
      } else {
        write_indicator(U"?", true, false, /*indention=*/true);
        expect_node(key, {.mapping = true});
        write_indent();
        write_indicator(U":", true, false, /*indention=*/true);
      }
      expect_node(value, {.mapping = true});
    }
    pop_indent();
  }

  // PyYAML counts the "!!str" tag it would print into the 128-character simple key limit.
  static bool is_simple_key(std::u32string_view key) {
    ScalarAnalysis analysis = analyze_scalar(key);
    return key.size() + 5 < 128 && !analysis.empty && !analysis.multiline;
  }

  // A string may be plain only if the resolver would read it back as a string.
  void write_scalar(const std::u32string& text, bool is_string) {
    bool implicit = !is_string || plain_scalar_type(encode_utf8(text)) == Yaml11Type::Str;
    ScalarAnalysis analysis = analyze_scalar(text);
    bool split = !context_.simple_key;
    increase_indent(false, /*flow=*/true);
    if (implicit && !(context_.simple_key && (analysis.empty || analysis.multiline)) &&
        analysis.allow_block_plain) {
      write_plain(text, split);
    } else if (analysis.allow_single_quoted && !(context_.simple_key && analysis.multiline)) {
      write_single_quoted(text, split);
    } else {
      write_double_quoted(text, split);
    }
    pop_indent();
  }

  void increase_indent(bool indentless, bool flow = false) {
    indents_.push_back(indent_);
    if (!indent_) {
      indent_ = flow ? kBestIndent : 0;
    } else if (!indentless) {
      *indent_ += kBestIndent;
    }
  }

  void pop_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  void write(std::u32string_view data) {
    for (char32_t c : data) append_utf8(out_, c);
  }

  void write_indicator(std::u32string_view indicator, bool need_whitespace, bool whitespace = false,
                       bool indention = false) {
    if (!whitespace_ && need_whitespace) {
      write(U" ");
      ++column_;
    }
    write(indicator);
    column_ += static_cast<long>(indicator.size());
    whitespace_ = whitespace;
    indention_ = indention_ && indention;
    open_ended_ = false;
  }

  void write_indent() {
    long indent = indent_.value_or(0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) {
      write_line_break();
    }
    if (column_ < indent) {
      whitespace_ = true;
      write(std::u32string(indent - column_, U' '));
      column_ = indent;
    }
  }

  void write_line_break(char32_t line_break = U'\n') {
    whitespace_ = true;
    indention_ = true;
    column_ = 0;
    write(std::u32string_view(&line_break, 1));
  }

  void write_text(std::u32string_view text, size_t start, size_t end) {
    write(text.substr(start, end - start));
    column_ += static_cast<long>(end - start);
  }

  void write_breaks(std::u32string_view text, size_t start, size_t end) {
    if (text[start] == U'\n') write_line_break();
    for (size_t i = start; i < end; ++i) write_line_break(text[i]);
  }

  static char32_t at(std::u32string_view text, size_t index) {
    return index < text.size() ? text[index] : kNone;
  }

  void write_plain(std::u32string_view text, bool split) {
    if (context_.root) open_ended_ = true;
    if (text.empty()) return;
    if (!whitespace_) {
      write(U" ");
      ++column_;
    }
    whitespace_ = indention_ = false;
    bool spaces = false, breaks = false;
    size_t start = 0;
    for (size_t end = 0; end <= text.size(); ++end) {
      char32_t ch = at(text, end);
      if (spaces) {
        if (ch != U' ') {
          if (start + 1 == end && column_ > kBestWidth && split) {
            write_indent();  // fold at a single space
            whitespace_ = indention_ = false;
          } else {
            write_text(text, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (!is_break(ch)) {
          write_breaks(text, start, end);
          write_indent();
          whitespace_ = indention_ = false;
          start = end;
        }
      } else if (ch == kNone || ch == U' ' || is_break(ch)) {
        write_text(text, start, end);
        start = end;
      }
      if (ch != kNone) {
        spaces = ch == U' ';
        breaks = is_break(ch);
      }
    }
  }

  void write_single_quoted(std::u32string_view text, bool split) {
    write_indicator(U"'", true);
    bool spaces = false, breaks = false;
    size_t start = 0;
    for (size_t end = 0; end <= text.size(); ++end) {
      char32_t ch = at(text, end);
      if (spaces) {
        if (ch != U' ') {
          if (start + 1 == end && column_ > kBestWidth && split && start != 0 &&
              end != text.size()) {
            write_indent();
          } else {
            write_text(text, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (!is_break(ch)) {
          write_breaks(text, start, end);
          write_indent();
          start = end;
        }
      } else if (ch == kNone || ch == U' ' || is_break(ch) || ch == U'\'') {
        if (start < end) {
          write_text(text, start, end);
          start = end;
        }
      }
      if (ch == U'\'') {
        write(U"''");
        column_ += 2;
        start = end + 1;
      }
      if (ch != kNone) {
        spaces = ch == U' ';
        breaks = is_break(ch);
      }
    }
    write_indicator(U"'", false);
  }

  void write_double_quoted(std::u32string_view text, bool split) {
    write_indicator(U"\"", true);
    size_t start = 0;
    for (size_t end = 0; end <= text.size(); ++end) {
      char32_t ch = at(text, end);
      if (ch == kNone || ch == U'"' || ch == U'\\' || ch < 0x20 || ch > 0x7E) {
        if (start < end) {
          write_text(text, start, end);
          start = end;
        }
        if (ch != kNone) {
          std::string escape = double_quoted_escape(ch);
          out_ += escape;
          column_ += static_cast<long>(escape.size());
          start = end + 1;
        }
      }
      // Fold before a space (or right after an escape) once past the width: "...\" newline.
      long pending = static_cast<long>(end) - static_cast<long>(start);
      if (end > 0 && end + 1 < text.size() && (ch == U' ' || start >= end) &&
          column_ + pending > kBestWidth && split) {
        if (start < end) {
          write_text(text, start, end);
          start = end;
        }
        write(U"\\");
        ++column_;
        write_indent();
        whitespace_ = indention_ = false;
        if (text[start] == U' ') {
          write(U"\\");
          ++column_;
        }
      }
    }
    write_indicator(U"\"", false);
  }

  std::string out_;
  std::optional<long> indent_;  // PyYAML's None before the first collection
  std::vector<std::optional<long>> indents_;
  long column_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
  bool open_ended_ = false;
  Context context_;
};

}  // namespace

std::string pyyaml_dump(const nlohmann::json& value) {
  return Emitter().dump(value);
}

}  // namespace jobc
