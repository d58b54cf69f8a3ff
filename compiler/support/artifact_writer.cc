#include "jobc/artifact_writer.h"

#include <fmt/format.h>
#include <dtl/dtl.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "support/file_text.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

// Writes through a temporary file and a rename, so a crash never leaves half a file.
Status write_atomically(const fs::path& path, const std::string& content, bool executable) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path temporary = path;
  temporary += ".jobc-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) return fail(fmt::format("cannot write '{}'", temporary.string()));
  }
  fs::perms perms = executable ? fs::perms(0755) : fs::perms(0644);
  fs::permissions(temporary, perms, ec);
  fs::rename(temporary, path, ec);
  if (ec) {
    std::string why = ec.message();
    fs::remove(temporary, ec);
    return fail(fmt::format("cannot replace '{}': {}", path.string(), why));
  }
  return {};
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) lines.push_back(line);
  return lines;
}

// The artifacts an earlier compilation listed in its manifest: the only files jobc may remove.
std::set<std::string> previous_artifacts(const fs::path& dir) {
  std::set<std::string> out;
  Result<std::string> text = read_text(dir / "manifest.json");
  if (!text) return out;
  auto manifest = nlohmann::json::parse(*text, nullptr, false);
  if (!manifest.is_object() || !manifest["artifacts"].is_array()) return out;
  for (const auto& artifact : manifest["artifacts"]) {
    if (artifact.is_object() && artifact["path"].is_string()) {
      std::string path = artifact["path"].get<std::string>();
      // Never follow a manifest outside the output folder.
      if (path.find("..") == std::string::npos && !path.empty() && path[0] != '/') {
        out.insert(path);
      }
    }
  }
  out.insert("manifest.json");
  return out;
}

}  // namespace

bool WriteReport::up_to_date() const {
  for (const ArtifactChange& change : changes) {
    if (change.kind != ArtifactChange::Unchanged) return false;
  }
  return errors.empty();
}

std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& path) {
  std::vector<std::string> a = split_lines(before);
  std::vector<std::string> b = split_lines(after);
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  diff.onHuge();
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream out;
  out << "--- a/" << path << "\n+++ b/" << path << "\n";
  diff.printUnifiedFormat(out);
  return out.str();
}

std::string make_depfile(const std::string& target, const std::vector<std::string>& inputs) {
  auto escape = [](const std::string& path) {
    std::string out;
    for (char c : path) {
      if (c == ' ' || c == '#') out += '\\';
      if (c == '$') out += '$';
      out += c;
    }
    return out;
  };
  std::string out = escape(target) + ":";
  for (const std::string& input : inputs) out += " \\\n  " + escape(input);
  return out + "\n";
}

WriteReport write_artifacts(const OutputSet& outputs, const fs::path& dir, WriteMode mode) {
  WriteReport report;
  std::set<std::string> obsolete = previous_artifacts(dir);
  for (const auto& [path, file] : outputs.files()) {
    obsolete.erase(path);
    Result<std::string> read = read_text(dir / path);
    bool exists = read.ok();
    std::string existing = exists ? std::move(*read) : std::string();
    ArtifactChange change{exists ? ArtifactChange::Updated : ArtifactChange::Created, path, ""};
    if (exists && existing == file.content) {
      change.kind = ArtifactChange::Unchanged;
    } else if (mode == WriteMode::Check) {
      change.diff = unified_diff(existing, file.content, path);
    } else if (mode == WriteMode::Write) {
      if (Status written = write_atomically(dir / path, file.content, file.executable); !written) {
        report.errors.push_back(written.error().message);
      }
    }
    report.changes.push_back(std::move(change));
  }
  for (const std::string& path : obsolete) {
    Result<std::string> existing = read_text(dir / path);
    if (!existing) continue;
    ArtifactChange change{ArtifactChange::Removed, path, ""};
    if (mode == WriteMode::Check) change.diff = unified_diff(*existing, "", path);
    if (mode == WriteMode::Write) {
      std::error_code ec;
      fs::remove(dir / path, ec);
    }
    report.changes.push_back(std::move(change));
  }
  return report;
}

}  // namespace jobc
