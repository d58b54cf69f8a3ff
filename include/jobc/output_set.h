// The artifacts one compilation produces. Emitters add files here and never touch the
// filesystem; one writer commits them (write-if-changed, --check, --dry-run), as protoc's
// GeneratorContext does.
#pragma once

#include <map>
#include <string>

namespace jobc {

class OutputSet {
 public:
  // `path` is relative to the output folder, with '/' separators.
  void add(const std::string& path, std::string content, bool executable = false);
  struct File {
    std::string content;
    bool executable = false;
  };
  const std::map<std::string, File>& files() const { return files_; }
  const File* find(const std::string& path) const;

 private:
  std::map<std::string, File> files_;
};

}  // namespace jobc
