// Read-only views of some paths for one process and its children: a private mount namespace
// in which each path is bind-mounted over itself, read-only. Nothing outside the process
// sees the mounts. Root can do this; another user only where user namespaces are allowed
// (the process then runs in one that maps its own user and group to themselves).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace jobc {

// What the child needs, prepared before fork (the child may only make system calls).
struct ReadOnlyMounts {
  std::vector<std::string> paths;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string uid_map;  // "UID UID 1\n"
  std::string gid_map;
};

ReadOnlyMounts plan_read_only_mounts(std::vector<std::string> paths);

// In a child after fork, before exec: enters a private mount namespace and makes each path
// read-only there. 0, or the errno of the step that failed (the paths are then writable).
int enter_read_only_mounts(const ReadOnlyMounts& plan);

// True when enter_read_only_mounts can work for this user on this machine (tried in a
// short-lived child).
bool read_only_mounts_possible();

}  // namespace jobc
