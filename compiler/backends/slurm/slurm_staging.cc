#include "backends/slurm/slurm_staging.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/slurm/slurm_job.h"
#include "codegen/launch_script.h"
#include "jobc/artifact_writer.h"

namespace jobc::slurm {
namespace {

namespace fs = std::filesystem;

constexpr auto kCopyTree = fs::copy_options::recursive | fs::copy_options::copy_symlinks;

Status copy_tree(const fs::path& from, const fs::path& to,
                 fs::copy_options extra = fs::copy_options::none) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!ec) fs::copy(from, to, kCopyTree | extra, ec);
  if (ec)
    return fail(fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message()));
  return {};
}

// mode: ro_mount on Slurm: the staged files lose their write permissions (a job running as
// root can still write; the source is never affected: the job only has the copy). Folders
// keep theirs, so that the staging folder can still be removed after the run.
void make_read_only(const fs::path& staged) {
  std::error_code ec;
  constexpr auto kWrite = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
  auto protect = [&](const fs::path& path) {
    if (fs::is_regular_file(fs::symlink_status(path, ec))) {
      fs::permissions(path, kWrite, fs::perm_options::remove, ec);
    }
  };
  protect(staged);
  for (fs::recursive_directory_iterator it(staged, ec), end; !ec && it != end; it.increment(ec)) {
    protect(it->path());
  }
}

}  // namespace

Status stage_run(const model::JobCommon& job, const OutputSet& artifacts, const RunContext& context,
                 const fs::path& stage) {
  std::error_code ec;
  if (fs::exists(stage, ec))
    return fail(fmt::format("the staging folder {} exists already", stage.string()));
  fs::create_directories(stage, ec);
  if (ec) {
    return fail(fmt::format("cannot create the staging folder {}: {} (the compute's staging_dir)",
                            stage.string(), ec.message()));
  }
  if (Status copied = copy_tree(context.work_dir, stage / "work"); !copied) return copied;
  // The job writes outputs/ and logs/ in its working folder.
  fs::permissions(stage / "work", fs::perms::owner_all, fs::perm_options::add, ec);
  WriteReport written = write_artifacts(artifacts, stage / "artifacts", WriteMode::Write);
  if (!written.errors.empty()) return fail(written.errors.front());
  for (const model::Input& input : job.inputs) {
    if (input.form != model::Input::Form::Data || !input.path) continue;
    // Where submit put the input: its local path, or its download in the run's folder.
    auto prepared = context.environment.find(input_variable(input.name));
    if (prepared == context.environment.end()) continue;
    fs::path source = prepared->second;
    if (!fs::exists(source, ec)) {
      return fail(fmt::format("input '{}': {} does not exist", input.name, source.string()));
    }
    fs::path staged = stage / slurm_staged_input(input.name, *input.path);
    if (Status copied = copy_tree(source, staged); !copied) return copied;
    auto access = context.input_read_only.find(input_variable(input.name));
    if (access != context.input_read_only.end() && access->second) make_read_only(staged);
  }
  return {};
}

Status collect_outputs(const fs::path& stage, const fs::path& work_dir) {
  std::string failures;
  for (const char* folder : {"outputs", "logs"}) {
    std::error_code ec;
    fs::path from = stage / "work" / folder;
    if (!fs::exists(from, ec)) continue;
    Status copied = copy_tree(from, work_dir / folder, fs::copy_options::overwrite_existing);
    if (!copied) failures += (failures.empty() ? "" : "; ") + copied.error().message;
  }
  if (!failures.empty()) return fail(failures);
  return {};
}

uint64_t append_new_bytes(const fs::path& from, const fs::path& to, uint64_t offset) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return offset;
  struct stat info {};
  if (fstat(in, &info) != 0 || static_cast<uint64_t>(info.st_size) == offset) {
    ::close(in);
    return offset;
  }
  if (static_cast<uint64_t>(info.st_size) < offset) offset = 0;  // truncated: start over
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    return offset;
  }
  char buffer[65536];
  while (true) {
    ssize_t got = ::pread(in, buffer, sizeof buffer, static_cast<off_t>(offset));
    if (got <= 0) break;
    ssize_t done = 0;
    while (done < got) {
      ssize_t wrote = ::write(out, buffer + done, static_cast<size_t>(got - done));
      if (wrote <= 0) break;
      done += wrote;
    }
    offset += static_cast<uint64_t>(done);
    if (done < got) break;
  }
  ::close(out);
  ::close(in);
  return offset;
}

}  // namespace jobc::slurm
