// Run folders without a record in runs.db. `jobc submit` fills a run's folder (code, compiled
// files, an image build's context, a Slurm stage elsewhere) before it records the run; while
// it does, the folder holds a claim naming the submitting process (pid and start time) and
// what it staged outside the folder. A claim whose process is gone and whose run was never
// recorded is an abandoned submit (jobc killed): a later jobc removes its folder and staging.
// A folder with neither record nor claim is not jobc's to remove: it is reported.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "jobc/run_store.h"

namespace jobc {

// Claims `run_dir` (created if needed, owner-only: 0700) for this process until
// release_run_folder().
Status claim_run_folder(const std::filesystem::path& run_dir);
// Adds `staging` (a folder outside the run's, made for it) to the claim on `run_dir`: it is
// removed with the folder if the submit is abandoned.
void note_run_staging(const std::filesystem::path& run_dir, const std::filesystem::path& staging);
// The run is recorded: the claim is over.
void release_run_folder(const std::filesystem::path& run_dir);

// Removes the folders (and staging) of abandoned submits in `store`'s runs/; an error (and
// nothing removed) when the store cannot be read.
Status remove_abandoned_run_folders(RunStore& store);

// The folders of `store`'s runs/ with no record and no live submitter's claim.
Result<std::vector<std::filesystem::path>> unrecorded_run_folders(RunStore& store);

}  // namespace jobc
