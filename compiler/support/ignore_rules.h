// .amlignore / .gitignore rules ("gitwildmatch") with the semantics of the pathspec
// GitWildMatchPattern that the Azure ML SDK vendors (azure/ai/ml/_utils/_pathspec.py), so
// jobc leaves out exactly the files the SDK leaves out when it hashes and uploads a folder.
//
// How the SDK reads and applies the rules (jobc does the same):
//  * Only the ignore file in the root of the uploaded folder counts (.amlignore, else
//    .gitignore). Paths are matched relative to that root with '/' separators: "src/x.py".
//  * Every line is stripped of surrounding whitespace (Python's str.strip), so git's escaped
//    trailing space ("foo\ ") does not exist, and leading spaces are dropped too.
//  * '#' starts a comment, '\' escapes the next character, '!' negates a rule.
//  * A rule without a '/' (or with only a trailing one) matches at any depth; a leading or
//    inner '/' anchors it at the root. A rule matching "foo" also matches all of "foo/...".
//  * `*` and `?` never match '/', `[...]` classes follow Python's regex rules (`[!a]` negates,
//    and a negated class does match '/'), `**/`, `/**` and `/**/` span directories.
//  * A directory-only rule (`build/`) matches the paths under build/, never "build" itself
//    unless is_dir is true. The SDK never says a path is a directory, so with `build/` it still
//    hashes the directory name "build" (but nothing inside): pass is_dir=false to get that.
//  * Negation: git and jobc let the last matching rule win. The SDK puts the lines in a Python
//    set and lets the first match in set order win, which depends on PYTHONHASHSEED: with
//    overlapping negations the SDK's own result is not reproducible. Without them, all agree.
//  * A line the SDK cannot compile (a trailing '\', a range like [z-a], a lone '!') would make
//    the SDK fail; jobc skips it and lists it in invalid_lines() for the caller to report.
//
// Walking a tree: skip a directory when ignored(dir, true) – as in git, nothing below an
// ignored directory comes back – and test each file with ignored(file, false).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace jobc {

class IgnoreRules {
 public:
  struct InvalidLine {
    size_t line;       // 1-based
    std::string text;  // as written
  };

  static IgnoreRules parse(std::string_view text);

  IgnoreRules();
  ~IgnoreRules();
  IgnoreRules(const IgnoreRules&);
  IgnoreRules(IgnoreRules&&) noexcept;
  IgnoreRules& operator=(const IgnoreRules&);
  IgnoreRules& operator=(IgnoreRules&&) noexcept;

  // `relative_path` uses '/' and is relative to the ignore file's folder (a leading "/" or
  // "./" is dropped, as the SDK's normalize_file does).
  bool ignored(std::string_view relative_path, bool is_dir) const;
  // True when `folder` is ignored and no '!' rule could bring back anything below it, so a
  // walk need not open the folder at all. (The SDK's rules let "/.*" stop at a newline: a
  // name holding one under such a folder is where jobc and the SDK could differ.)
  bool excludes_everything_below(std::string_view folder) const;
  bool empty() const { return rules_.empty(); }
  const std::vector<InvalidLine>& invalid_lines() const { return invalid_lines_; }

 private:
  struct Rule;
  std::vector<Rule> rules_;
  std::vector<InvalidLine> invalid_lines_;
};

}  // namespace jobc
