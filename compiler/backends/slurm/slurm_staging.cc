#include "backends/slurm/slurm_staging.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codegen/launch_script.h"
#include "codegen/slurm/slurm_job.h"

namespace jobc::slurm {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr auto kCopyTree = fs::copy_options::recursive | fs::copy_options::copy_symlinks;

bool copy_tree(const fs::path& from, const fs::path& to, std::string& error,
               fs::copy_options extra = fs::copy_options::none) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!ec) fs::copy(from, to, kCopyTree | extra, ec);
  if (ec) {
    error = fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message());
    return false;
  }
  return true;
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

bool stage_run(const LoadedSpec& spec, const RunContext& context, const fs::path& stage,
               std::string& error) {
  std::error_code ec;
  if (fs::exists(stage, ec)) {
    error = fmt::format("the staging folder {} exists already", stage.string());
    return false;
  }
  fs::create_directories(stage, ec);
  if (ec) {
    error = fmt::format("cannot create the staging folder {}: {} (the compute's staging_dir)",
                        stage.string(), ec.message());
    return false;
  }
  if (!copy_tree(context.work_dir, stage / "work", error)) return false;
  // The job writes outputs/ and logs/ in its working folder.
  fs::permissions(stage / "work", fs::perms::owner_all, fs::perm_options::add, ec);
  if (!copy_tree(context.artifacts_dir, stage / "artifacts", error)) return false;
  json inputs = spec.doc.root.value("inputs", json::object());
  if (!inputs.is_object()) return true;
  for (const auto& [name, input] : inputs.items()) {
    if (!input.is_object() || !input.contains("path") || !input["path"].is_string()) continue;
    // Where submit put the input: its local path, or its download in the run's folder.
    auto prepared = context.environment.find(input_variable(name));
    if (prepared == context.environment.end()) continue;
    fs::path source = prepared->second;
    if (!fs::exists(source, ec)) {
      error = fmt::format("input '{}': {} does not exist", name, source.string());
      return false;
    }
    fs::path staged = stage / slurm_staged_input(name, input["path"].get<std::string>());
    if (!copy_tree(source, staged, error)) return false;
    auto access = context.input_read_only.find(input_variable(name));
    if (access != context.input_read_only.end() && access->second) make_read_only(staged);
  }
  return true;
}

bool collect_outputs(const fs::path& stage, const fs::path& work_dir, std::string& error) {
  bool ok = true;
  for (const char* folder : {"outputs", "logs"}) {
    std::error_code ec;
    fs::path from = stage / "work" / folder;
    if (!fs::exists(from, ec)) continue;
    std::string failure;
    if (!copy_tree(from, work_dir / folder, failure, fs::copy_options::overwrite_existing)) {
      error += (error.empty() ? "" : "; ") + failure;
      ok = false;
    }
  }
  return ok;
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
