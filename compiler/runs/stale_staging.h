// Staging folders a dead jobc left behind: the snapshot store stages a new snapshot in
// `.staging-<pid>-<n>` and renames it into place; a jobc killed meanwhile leaves it there.
// A later jobc removes those whose owner is gone.
#pragma once

#include <filesystem>

namespace jobc {

// Removes the `.staging-<pid>-<n>` folders of `snapshots` whose process is dead, or is a
// later process that reused the pid (it started after the folder was last written).
void remove_stale_staging(const std::filesystem::path& snapshots);

// Removes `folder` and everything in it, including folders without write permission for
// their owner (a copied 0500 folder). Quietly: what cannot be removed stays.
void remove_folder_forcibly(const std::filesystem::path& folder);

}  // namespace jobc
