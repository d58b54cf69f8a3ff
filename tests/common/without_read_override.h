// Test helper: makes chmod 000 mean something when the tests run as root. While a
// WithoutReadOverride lives, the calling thread has no CAP_DAC_OVERRIDE or
// CAP_DAC_READ_SEARCH in its effective set, so it obeys file permissions; the set is restored
// after. Child processes get the same through without_read_override_prefix().
#pragma once

#include <dirent.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace jobc::testing {

class WithoutReadOverride {
 public:
  WithoutReadOverride() {
    if (::syscall(SYS_capget, &header_, saved_) != 0) return;
    __user_cap_data_struct dropped[2] = {saved_[0], saved_[1]};
    dropped[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
    active_ = ::syscall(SYS_capset, &header_, dropped) == 0;
  }
  ~WithoutReadOverride() {
    if (active_) ::syscall(SYS_capset, &header_, saved_);
  }
  WithoutReadOverride(const WithoutReadOverride&) = delete;
  WithoutReadOverride& operator=(const WithoutReadOverride&) = delete;

 private:
  __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct saved_[2] = {};
  bool active_ = false;
};

// Whether this thread can list `folder` (access() would not tell: for root it checks the
// permitted capabilities, not the effective ones).
inline bool can_list(const std::filesystem::path& folder) {
  DIR* stream = ::opendir(folder.c_str());
  if (stream != nullptr) ::closedir(stream);
  return stream != nullptr;
}

// A command prefix that runs a program without those capabilities (empty when not root).
inline std::string without_read_override_prefix() {
  if (::geteuid() != 0) return "";
  return "setpriv --inh-caps=-dac_override,-dac_read_search "
         "--bounding-set=-dac_override,-dac_read_search ";
}

}  // namespace jobc::testing
