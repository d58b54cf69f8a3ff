// Room to record how a run ended when the disk under $JOBC_HOME is full. A job whose output
// fills that disk would otherwise leave its run Running for good: SQLite cannot write the
// final status (SQLITE_FULL). The run store keeps a reserve file, created when it opens, and
// frees it when it cannot record a final status for want of space.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace jobc {

// HOME/runs.db.reserve.
std::filesystem::path space_reserve_file(const std::filesystem::path& home);

// Creates the reserve when it is missing and the disk has room for it.
void keep_space_reserve(const std::filesystem::path& home);

// Removes the reserve; true when there was one to free.
bool release_space_reserve(const std::filesystem::path& home);

// Why a run whose output goes to `folder` (under `home`) failed, when the disk holding it is
// full (nothing left for its owner): its output was cut short. nullopt while there is room.
// A reserve released meanwhile (to record the run) freed its size: that does not count.
std::optional<std::string> disk_full_reason(const std::filesystem::path& folder,
                                            const std::filesystem::path& home);

}  // namespace jobc
