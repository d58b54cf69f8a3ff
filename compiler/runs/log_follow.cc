#include "runs/log_follow.h"

#include <chrono>
#include <fstream>
#include <thread>

#include "runs/folder_watch.h"

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
  // The log's folder also gets the file that says the run is over (final_status.json), so
  // a watch of it wakes us for the run's lines and for its end alike.
  FolderWatch watch(file.parent_path());
  auto pause = std::chrono::milliseconds(1);
  while (!(interrupted && *interrupted)) {
    bool done = finished();  // checked before the copy, so nothing written earlier is missed
    size_t reached = copy_from(file, out, offset);
    if (done) return reached;
    if (watch.active()) {
      // The timeout bounds how late an end that no file in the folder shows is noticed.
      watch.wait(std::chrono::milliseconds(100));
    } else {
      // Without inotify: poll fast while output flows, back off to 5 ms while it is quiet.
      pause = reached != offset ? std::chrono::milliseconds(1)
                                : std::min(pause * 2, std::chrono::milliseconds(5));
      std::this_thread::sleep_for(pause);
    }
    offset = reached;
  }
  return offset;
}

void print_log(const std::filesystem::path& file, std::ostream& out) {
  copy_from(file, out, 0);
}

}  // namespace jobc
