#include "runs/log_follow.h"

#include <chrono>
#include <fstream>
#include <thread>

namespace jobc {

static size_t copy_from(const std::filesystem::path& file, std::ostream& out, size_t offset) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return offset;
  in.seekg(static_cast<std::streamoff>(offset));
  char buffer[1 << 15];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out.write(buffer, in.gcount());
    offset += static_cast<size_t>(in.gcount());
  }
  out.flush();
  return offset;
}

size_t follow_log(const std::filesystem::path& file, std::ostream& out,
                  const std::function<bool()>& finished,
                  const volatile std::sig_atomic_t* interrupted, size_t offset) {
  auto pause = std::chrono::milliseconds(1);
  while (!(interrupted && *interrupted)) {
    bool done = finished();  // checked before the copy, so nothing written earlier is missed
    size_t reached = copy_from(file, out, offset);
    if (done) return reached;
    // Poll fast while output flows, back off to 50 ms while the job is quiet.
    pause = reached != offset ? std::chrono::milliseconds(1)
                              : std::min(pause * 2, std::chrono::milliseconds(50));
    offset = reached;
    std::this_thread::sleep_for(pause);
  }
  return offset;
}

void print_log(const std::filesystem::path& file, std::ostream& out) {
  copy_from(file, out, 0);
}

}  // namespace jobc
