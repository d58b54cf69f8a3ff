#include "backends/run_log_note.h"

#include <fcntl.h>
#include <unistd.h>

namespace jobc {

void append_run_note(const std::filesystem::path& log_file, const std::string& line) {
  int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  std::string text = "[jobc] " + line + "\n";
  // One write: a whole line, even while the job's own output is appended.
  ssize_t ignored = ::write(fd, text.data(), text.size());
  (void)ignored;
  ::close(fd);
}

}  // namespace jobc
