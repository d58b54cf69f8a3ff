// The build context jobc sends to the engine: a tar stream holding only what the generated
// Dockerfile needs: jobc's files under .jobc/ (the Dockerfile, conda.yaml / requirements.txt
// from the compiled artifacts), and for a build environment the user's build context folder
// (less what its .dockerignore leaves out), whose own files keep their names. Entries are sorted,
// with fixed owners, modes and times, so the same inputs give the same bytes (and the engine's
// layer cache holds).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/result.h"

namespace jobc::docker {

// Where the generated Dockerfile goes in the context (the user's own "Dockerfile" may sit at
// the root); passed to the engine as `dockerfile=`.
inline constexpr const char* kContextDockerfile = ".jobc/Dockerfile";

// .dockerignore rules, as the Docker engine reads them: one pattern per line, '#' comments,
// '!' exceptions, patterns relative to the context root (a leading '/' is dropped, the path is
// cleaned), Go filepath.Match syntax (`*`, `?`, `[...]`, `\` escapes) plus `**` for any
// number of folders. A pattern that matches a folder leaves out everything under it; the
// last matching line wins.
class DockerIgnore {
 public:
  static DockerIgnore parse(std::string_view text);
  bool excluded(std::string_view relative_path) const;
  bool has_exceptions() const;  // any '!' line
  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    std::string pattern;  // cleaned
    bool exception = false;
  };
  static bool matches(std::string_view pattern, std::string_view path);
  std::vector<Rule> rules_;
};

struct BuildContextInputs {
  std::filesystem::path artifacts_dir;                // Dockerfile, conda.yaml, requirements.txt
  std::optional<std::filesystem::path> user_context;  // an environment's build.path
  std::string user_dockerfile = "Dockerfile";         // its dockerfile_path
};

struct BuildContextEntry {
  std::string name;              // path inside the tar ('/'-separated; folders end with '/')
  std::filesystem::path source;  // the file on disk (empty for folders)
  enum class Type { File, Folder, Symlink } type = Type::File;
  bool executable = false;
};

// The entries of the context, sorted by name. An error when the user's context
// cannot be read, breaks the symbolic link or name rules of support/tree_walk.h (a link
// leading outside the context, a loop, a name that is not UTF-8), or has a .jobc folder of
// its own.
Result<std::vector<BuildContextEntry>> list_build_context(const BuildContextInputs& inputs);

// Writes the entries as an uncompressed tar (pax where needed) to `tar_file`.
Status write_build_context(const std::vector<BuildContextEntry>& entries,
                           const std::filesystem::path& tar_file);

}  // namespace jobc::docker
