// Each rule is compiled the way pathspec turns a gitwildmatch line into a Python regex, but
// into a tiny matching program (characters, classes, splits, jumps) run with a visited set,
// so matching stays linear however many '*' a line has.
#include "support/ignore_rules.h"

#include <optional>
#include <utility>

#include "support/utf8.h"

namespace jobc {
namespace {

// Python's str.isspace() set, which str.strip() removes.
bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

std::u32string_view python_strip(std::u32string_view text) {
  while (!text.empty() && is_python_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_python_space(text.back())) text.remove_suffix(1);
  return text;
}

struct CharClass {
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;

  bool contains(char32_t c) const {
    bool found = false;
    for (const auto& [low, high] : ranges) found = found || (c >= low && c <= high);
    return found != negated;
  }
};

// A compiled regular expression of the restricted shape pathspec produces, anchored at both
// ends. Python's '.' excludes '\n' and its '$' also matches before a final '\n'; kept here.
class PathProgram {
 public:
  void literal(char32_t c) { code_.push_back({Op::Char, c, 0, 0}); }
  void not_slash() { code_.push_back({Op::NotSlash, 0, 0, 0}); }
  void not_newline() { code_.push_back({Op::NotNewline, 0, 0, 0}); }
  void char_class(CharClass c) {
    code_.push_back({Op::Class, 0, static_cast<uint32_t>(classes_.size()), 0});
    classes_.push_back(std::move(c));
  }

  // body?
  template <typename Body>
  void optional(Body body) {
    size_t split = emit_split();
    body();
    patch_split(split);
  }
  // body*
  template <typename Body>
  void star(Body body) {
    size_t split = emit_split();
    body();
    code_.push_back({Op::Jump, 0, static_cast<uint32_t>(split), 0});
    patch_split(split);
  }

  bool matches(std::u32string_view text) const { return run(text, false); }
  // Whether some text that starts with `prefix` (and is longer) might match: a thread of the
  // program is still alive once the prefix is read. May say yes where no match exists.
  bool may_match_longer(std::u32string_view prefix) const { return run(prefix, true); }

 private:
  enum class Op : uint8_t { Char, NotSlash, NotNewline, Class, Split, Jump };
  struct Instruction {
    Op op;
    char32_t c;
    uint32_t a;  // Class: class index; Split: first branch; Jump: target
    uint32_t b;  // Split: second branch
  };

  size_t emit_split() {
    code_.push_back({Op::Split, 0, 0, 0});
    return code_.size() - 1;
  }
  void patch_split(size_t split) {
    code_[split].a = static_cast<uint32_t>(split + 1);
    code_[split].b = static_cast<uint32_t>(code_.size());
  }

  bool run(std::u32string_view text, bool prefix_only) const;

  std::vector<Instruction> code_;
  std::vector<CharClass> classes_;
};

bool PathProgram::run(std::u32string_view text, bool prefix_only) const {
  const size_t width = text.size() + 1;
  std::vector<bool> visited((code_.size() + 1) * width);
  std::vector<std::pair<size_t, size_t>> pending{{0, 0}};
  while (!pending.empty()) {
    auto [pc, pos] = pending.back();
    pending.pop_back();
    if (visited[pc * width + pos]) continue;
    visited[pc * width + pos] = true;
    if (pc == code_.size()) {
      if (prefix_only) continue;
      if (pos == text.size() || (pos + 1 == text.size() && text[pos] == U'\n')) return true;
      continue;
    }
    // A consuming instruction reached at the prefix's end: some longer text goes on from here.
    if (prefix_only && pos == text.size() && code_[pc].op != Op::Split &&
        code_[pc].op != Op::Jump) {
      return true;
    }
    const Instruction& in = code_[pc];
    const bool has_char = pos < text.size();
    const char32_t c = has_char ? text[pos] : 0;
    switch (in.op) {
      case Op::Char:
        if (has_char && c == in.c) pending.emplace_back(pc + 1, pos + 1);
        break;
      case Op::NotSlash:
        if (has_char && c != U'/') pending.emplace_back(pc + 1, pos + 1);
        break;
      case Op::NotNewline:
        if (has_char && c != U'\n') pending.emplace_back(pc + 1, pos + 1);
        break;
      case Op::Class:
        if (has_char && classes_[in.a].contains(c)) pending.emplace_back(pc + 1, pos + 1);
        break;
      case Op::Split:
        pending.emplace_back(in.b, pos);
        pending.emplace_back(in.a, pos);
        break;
      case Op::Jump:
        pending.emplace_back(in.a, pos);
        break;
    }
  }
  return false;
}

// One token of the regex class body pathspec writes: a character, possibly escaped.
struct ClassToken {
  char32_t c;
  bool escaped;
};

// Python's regex parser applied to the class body "[" (^)? tokens: ']' closes the class
// unless it comes first, "a-z" is a range, '-' first or last is literal. The body always
// ends with the closing ']'. Returns nullopt for a reversed range, which Python rejects.
std::optional<CharClass> parse_class(bool negated, const std::vector<ClassToken>& tokens) {
  CharClass out;
  out.negated = negated;
  size_t i = 0;
  auto is_plain = [&](size_t at, char32_t c) {
    return at < tokens.size() && !tokens[at].escaped && tokens[at].c == c;
  };
  while (i < tokens.size()) {
    if (is_plain(i, U']') && !out.ranges.empty()) return out;
    char32_t low = tokens[i++].c;
    if (is_plain(i, U'-') && i + 1 < tokens.size()) {
      if (is_plain(i + 1, U']')) {
        out.ranges.emplace_back(low, low);
        out.ranges.emplace_back(U'-', U'-');
        return out;
      }
      char32_t high = tokens[i + 1].c;
      if (high < low) return std::nullopt;
      out.ranges.emplace_back(low, high);
      i += 2;
    } else {
      out.ranges.emplace_back(low, low);
    }
  }
  return out;
}

// pathspec's _translate_segment_glob: one path segment's glob, emitted into `program`.
// Returns false where pathspec raises (a trailing escape, a bad range).
bool emit_segment_glob(std::u32string_view glob, PathProgram& program) {
  const size_t end = glob.size();
  bool escape = false;
  size_t i = 0;
  while (i < end) {
    char32_t c = glob[i++];
    if (escape) {
      escape = false;
      program.literal(c);
    } else if (c == U'\\') {
      escape = true;
    } else if (c == U'*') {
      program.star([&] { program.not_slash(); });
    } else if (c == U'?') {
      program.not_slash();
    } else if (c == U'[') {
      size_t j = i;
      if (j < end && glob[j] == U'!') ++j;
      if (j < end && glob[j] == U']') ++j;
      while (j < end && glob[j] != U']') ++j;
      if (j >= end) {
        program.literal(U'[');  // no closing bracket: a literal '['
        continue;
      }
      ++j;  // one past the closing bracket
      bool negated = false;
      std::vector<ClassToken> tokens;
      if (glob[i] == U'!') {
        negated = true;
        ++i;
      } else if (glob[i] == U'^') {
        tokens.push_back({U'^', true});  // pathspec escapes a leading caret
        ++i;
      }
      for (; i < j; ++i) tokens.push_back({glob[i], glob[i] == U'\\'});
      std::optional<CharClass> parsed = parse_class(negated, tokens);
      if (!parsed) return false;
      program.char_class(std::move(*parsed));
    } else {
      program.literal(c);
    }
  }
  return !escape;
}

std::vector<std::u32string_view> split_segments(std::u32string_view pattern) {
  std::vector<std::u32string_view> segments;
  size_t start = 0;
  while (true) {
    size_t slash = pattern.find(U'/', start);
    segments.push_back(pattern.substr(start, slash - start));
    if (slash == std::u32string_view::npos) return segments;
    start = slash + 1;
  }
}

void emit_any_plus(PathProgram& program) {  // .+
  program.not_newline();
  program.star([&] { program.not_newline(); });
}

void emit_slash_any(PathProgram& program) {  // /.*
  program.literal(U'/');
  program.star([&] { program.not_newline(); });
}

struct CompiledRule {
  PathProgram program;
  bool negated = false;
  bool directory_only = false;
};

// pathspec's GitWildMatchPattern.pattern_to_regex for a stripped, non-comment line.
std::optional<CompiledRule> compile_rule(std::u32string_view pattern) {
  CompiledRule rule;
  if (pattern.front() == U'!') {
    rule.negated = true;
    pattern.remove_prefix(1);
  }
  std::vector<std::u32string_view> segments = split_segments(pattern);
  for (size_t i = segments.size() - 1; i > 0; --i) {
    if (segments[i - 1] == U"**" && segments[i] == U"**") segments.erase(segments.begin() + i);
  }
  // "**/" matches everything except files in the root; pathspec special-cases it.
  const bool any_directory = segments.size() == 2 && segments[0] == U"**" && segments[1].empty();
  if (segments[0].empty()) {
    segments.erase(segments.begin());  // leading '/': anchored at the root
  } else if (segments.size() == 1 || (segments.size() == 2 && segments[1].empty())) {
    if (segments[0] != U"**") segments.insert(segments.begin(), U"**");  // any depth
  }
  if (segments.empty()) return std::nullopt;
  if (segments.size() > 1 && segments.back().empty()) {
    segments.back() = U"**";  // trailing '/': everything below
    rule.directory_only = true;
  }
  PathProgram& program = rule.program;
  if (any_directory) {
    emit_any_plus(program);
    emit_slash_any(program);
    return rule;
  }
  bool need_slash = false;
  const size_t last = segments.size() - 1;
  for (size_t i = 0; i <= last; ++i) {
    std::u32string_view segment = segments[i];
    if (segment == U"**") {
      if (i == 0 && i == last) {
        emit_any_plus(program);
      } else if (i == 0) {
        program.optional([&] {
          emit_any_plus(program);
          program.literal(U'/');
        });
        need_slash = false;
      } else if (i == last) {
        emit_slash_any(program);
      } else {
        program.optional([&] {
          program.literal(U'/');
          emit_any_plus(program);
        });
        need_slash = true;
      }
      continue;
    }
    if (need_slash) program.literal(U'/');
    if (segment == U"*") {
      program.not_slash();
      program.star([&] { program.not_slash(); });
    } else if (!emit_segment_glob(segment, program)) {
      return std::nullopt;
    }
    if (i == last) program.optional([&] { emit_slash_any(program); });
    need_slash = true;
  }
  return rule;
}

// Python text-mode line iteration: "\n", "\r\n" and "\r" all end a line.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') {
      ++end;
    }
    start = end + 1;
  }
  return lines;
}

}  // namespace

struct IgnoreRules::Rule : CompiledRule {};

IgnoreRules::IgnoreRules() = default;
IgnoreRules::~IgnoreRules() = default;
IgnoreRules::IgnoreRules(const IgnoreRules&) = default;
IgnoreRules::IgnoreRules(IgnoreRules&&) noexcept = default;
IgnoreRules& IgnoreRules::operator=(const IgnoreRules&) = default;
IgnoreRules& IgnoreRules::operator=(IgnoreRules&&) noexcept = default;

IgnoreRules IgnoreRules::parse(std::string_view text) {
  IgnoreRules rules;
  std::vector<std::string_view> lines = split_lines(text);
  for (size_t index = 0; index < lines.size(); ++index) {
    std::u32string decoded = decode_utf8(lines[index]);
    std::u32string_view pattern = python_strip(decoded);
    // Blank lines, comments and a lone "/" (which matches nothing) are no rules.
    if (pattern.empty() || pattern.front() == U'#' || pattern == U"/") continue;
    std::optional<CompiledRule> rule = compile_rule(pattern);
    if (rule) {
      rules.rules_.push_back(Rule{std::move(*rule)});
    } else {
      rules.invalid_lines_.push_back({index + 1, std::string(lines[index])});
    }
  }
  return rules;
}

bool IgnoreRules::ignored(std::string_view relative_path, bool is_dir) const {
  if (relative_path.starts_with('/')) {
    relative_path.remove_prefix(1);
  } else if (relative_path.starts_with("./")) {
    relative_path.remove_prefix(2);
  }
  const std::u32string path = decode_utf8(relative_path);
  const std::u32string as_directory = path + U'/';
  bool result = false;
  for (const Rule& rule : rules_) {
    bool matched = rule.program.matches(path) ||
                   (is_dir && rule.directory_only && rule.program.matches(as_directory));
    if (matched) result = !rule.negated;
  }
  return result;
}

bool IgnoreRules::excludes_everything_below(std::string_view folder) const {
  if (!ignored(folder, true)) return false;
  if (folder.starts_with('/')) {
    folder.remove_prefix(1);
  } else if (folder.starts_with("./")) {
    folder.remove_prefix(2);
  }
  // The rule that leaves the folder out also matches every path below it ("/.*"), so only a
  // later '!' rule could bring one back.
  const std::u32string below = decode_utf8(folder) + U'/';
  for (const Rule& rule : rules_) {
    if (rule.negated && rule.program.may_match_longer(below)) return false;
  }
  return true;
}

}  // namespace jobc
