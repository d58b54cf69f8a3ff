#include "support/read_only_mounts.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jobc {
namespace {

bool write_proc_file(const char* file, const std::string& text) {
  int fd = ::open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// A namespace of our own: as root a mount namespace; otherwise a user namespace too, in
// which this user is still itself (so the files it writes stay its own).
int enter_namespace(const ReadOnlyMounts& plan) {
  if (plan.uid == 0) return ::unshare(CLONE_NEWNS) == 0 ? 0 : errno;
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return errno;
  if (!write_proc_file("/proc/self/setgroups", "deny") ||
      !write_proc_file("/proc/self/uid_map", plan.uid_map) ||
      !write_proc_file("/proc/self/gid_map", plan.gid_map)) {
    return errno ? errno : EPERM;
  }
  return 0;
}

// The flags a read-only remount must keep: in a user namespace the kernel refuses to drop
// nosuid, nodev or noexec from a mount it inherited.
unsigned long kept_flags(const char* path) {
  struct statfs info {};
  if (::statfs(path, &info) != 0) return 0;
  unsigned long flags = 0;
  if (info.f_flags & ST_NOSUID) flags |= MS_NOSUID;
  if (info.f_flags & ST_NODEV) flags |= MS_NODEV;
  if (info.f_flags & ST_NOEXEC) flags |= MS_NOEXEC;
  if (info.f_flags & ST_NOATIME) flags |= MS_NOATIME;
  if (info.f_flags & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (info.f_flags & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

}  // namespace

ReadOnlyMounts plan_read_only_mounts(std::vector<std::string> paths) {
  ReadOnlyMounts plan;
  plan.paths = std::move(paths);
  plan.uid = ::geteuid();
  plan.gid = ::getegid();
  plan.uid_map = fmt::format("{0} {0} 1\n", plan.uid);
  plan.gid_map = fmt::format("{0} {0} 1\n", plan.gid);
  return plan;
}

int enter_read_only_mounts(const ReadOnlyMounts& plan) {
  if (int failed = enter_namespace(plan)) return failed;
  // Mounts made here never propagate back to the machine's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) return errno;
  for (const std::string& path : plan.paths) {
    const char* where = path.c_str();
    if (::mount(where, where, nullptr, MS_BIND | MS_REC, nullptr) != 0) return errno;
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(where);
    if (::mount(nullptr, where, nullptr, flags, nullptr) != 0) return errno;
  }
  return 0;
}

bool read_only_mounts_possible() {
  ReadOnlyMounts plan = plan_read_only_mounts({});
  pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) _exit(enter_read_only_mounts(plan) == 0 ? 0 : 1);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace jobc
