// Digests of large files and folders kept across jobc processes, keyed by what stat() says
// about every file under the path (as git's index and ninja do), so compiling a job whose
// inputs hold megabytes or gigabytes of data does not hash them again while they are unchanged.
//
// Where: $JOBC_DIGEST_CACHE, else $XDG_CACHE_HOME/jobc/digests, else ~/.cache/jobc/digests;
// JOBC_DIGEST_CACHE=off turns it off. Only trees of at least kMinCachedBytes without symbolic
// links are cached (below that, hashing is cheaper than a lookup). A cache that cannot be read
// or written is ignored: the digest is then computed as without it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "jobc/result.h"
#include "support/tree_walk.h"

namespace jobc {

inline constexpr uint64_t kMinCachedBytes = 1 << 20;

// compute()'s digest of `path` (a file or a folder), or its error (never cached). `kind` names the
// digest ("sha256", "azureml-upload-md5"): entries of different kinds never mix. A folder's key
// covers what `walk` keeps (everything by default): at least every entry compute() reads, and
// whatever decides which entries those are (the ignore files).
Result<std::string> cached_digest(std::string_view kind, const std::filesystem::path& path,
                                  const std::function<Result<std::string>()>& compute,
                                  const TreeWalkOptions& walk = {});

}  // namespace jobc
