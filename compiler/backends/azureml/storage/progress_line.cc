#include <cstdio>

#include "backends/azureml/storage/uploader.h"

namespace jobc::azureml {
namespace {

struct Unit {
  const char* name;
  double size;
};

// The unit that shows `bytes` with at most four digits before the point.
Unit unit_for(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) return {"GiB", double(uint64_t{1} << 30)};
  if (bytes >= (uint64_t{1} << 20)) return {"MiB", double(uint64_t{1} << 20)};
  if (bytes >= (uint64_t{1} << 10)) return {"KiB", 1024.0};
  return {"B", 1.0};
}

// One decimal, none for bytes: "3.1" MiB, "512" B.
std::string amount(double bytes, const Unit& unit) {
  char text[32];
  std::snprintf(text, sizeof text, unit.size > 1 ? "%.1f" : "%.0f", bytes / unit.size);
  return text;
}

}  // namespace

std::string progress_line(std::string_view what, const UploadProgress& progress, double seconds) {
  Unit unit = unit_for(progress.bytes_total);
  std::string line = "uploading " + std::string(what) + ": " + std::to_string(progress.files_done) +
                     "/" + std::to_string(progress.files_total) + " files, " +
                     amount(double(progress.bytes_done), unit) + "/" +
                     amount(double(progress.bytes_total), unit) + " " + unit.name;
  if (seconds > 0.05) {
    double rate = double(progress.bytes_done) / seconds;
    Unit rate_unit = unit_for(static_cast<uint64_t>(rate));
    line += ", " + amount(rate, rate_unit) + " " + rate_unit.name + "/s";
  }
  return line;
}

}  // namespace jobc::azureml
