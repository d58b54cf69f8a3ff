// Files and folders only their owner may read: jobc's home, the run store and the run
// folders hold other people's code, output and history.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "jobc/result.h"

namespace jobc {

// Creates `folder` (and missing parents, as usual) with mode 0700 when it does not exist; an
// existing folder is left as it is.
Status create_private_folder(const std::filesystem::path& folder);

// Writes `content` to `file` with mode 0600 through a temporary file (named after this
// process, so concurrent writers never share one) and a rename: a reader sees the old
// content or the new, never half of it.
Status write_private_file_atomically(const std::filesystem::path& file, const std::string& content);

// The same with `mode` (less the umask), for a file others must read too (a Slurm job's
// marker in its stage, read on the cluster's nodes as the compute's user).
Status write_file_atomically(const std::filesystem::path& file, const std::string& content,
                             mode_t mode);

}  // namespace jobc
