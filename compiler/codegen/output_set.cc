#include "jobc/output_set.h"

namespace jobc {

void OutputSet::add(const std::string& path, std::string content, bool executable) {
  files_[path] = {std::move(content), executable};
}

const OutputSet::File* OutputSet::find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace jobc
