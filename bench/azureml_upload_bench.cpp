// Upload benchmark (issue 14), against the Azurite of tests/infra/azurite_up.sh:
//  1. a code folder of --files small files (default 10,000, sizes like a source tree): jobc's
//     uploader (in this process, keep-alive connections) vs the official SDK's own
//     BlobStorageClient.upload (azureml_sdk_upload.py, timed inside its process, so Python's
//     start-up is not counted against it); goal >= 5x;
//  2. one --big-mb file (default 1024, sparse, in --dir): the same two; goal >= 1.5x;
//  3. the folder again, unchanged: the requests jobc sends (goal: no blob request; jobc sends
//     no blob, but reads the indicator and its legacy copy, as the SDK does).
// Each side uploads under its own fresh LocalUpload/<hash>/ so neither reuses the other's.
// Usage: azureml_upload_bench [--files N] [--big-mb M] [--threads T] [--blocks B] [--dir D]
//        [--sdk-first] [--check]   (T: files in flight, default 2 x CPUs; B: blocks of one large
//        file in flight)
// Without the services it prints "skipped: ..." and exits 0.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "backends/azureml/storage/uploader.h"
#include "bench_util.h"

namespace {

namespace fs = std::filesystem;
using namespace jobc::azureml;

const char* const kContainer = "azureml-blobstore-00000000-0000-0000-0000-000000000000";

// Counts the requests and bytes that go through a transport, by method.
class CountingTransport : public jobc::HttpTransport {
 public:
  explicit CountingTransport(std::shared_ptr<jobc::HttpTransport> inner)
      : inner_(std::move(inner)) {}
  jobc::HttpResult perform(const jobc::HttpRequest& request) override {
    if (request.method == "HEAD")
      ++heads;
    else if (request.method == "PUT")
      ++puts;
    else
      ++others;
    return inner_->perform(request);
  }
  std::atomic<size_t> heads{0}, puts{0}, others{0};
  void clear() { heads = puts = others = 0; }

 private:
  std::shared_ptr<jobc::HttpTransport> inner_;
};

std::map<std::string, std::string> read_env_file(const fs::path& file) {
  std::map<std::string, std::string> values;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

// A source tree: 100 files per folder, sizes mostly 1-8 KiB with a long tail (log-normal,
// median ~3 KiB, a few of 100+ KiB), deterministic.
uint64_t make_code_folder(const fs::path& root, int files) {
  std::mt19937_64 random(14);
  std::lognormal_distribution<double> size(8.0, 1.0);
  std::string chunk(1 << 20, 'x');
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>('a' + random() % 26);
  uint64_t total = 0;
  for (int i = 0; i < files; ++i) {
    fs::path dir = root / ("pkg" + std::to_string(i / 100));
    fs::create_directories(dir);
    size_t n = std::min<size_t>(static_cast<size_t>(size(random)), chunk.size());
    std::ofstream(dir / ("module_" + std::to_string(i) + ".py"), std::ios::binary)
        .write(chunk.data() + (i % 4096),
               static_cast<std::streamsize>(std::min(n, chunk.size() - 4096)));
    total += std::min(n, chunk.size() - 4096);
  }
  return total;
}

UploadRequest request_for(const fs::path& source, const std::string& hash) {
  UploadRequest request;
  request.container = kContainer;
  request.asset_name = "bench-" + hash;
  request.asset_version = "1";
  std::string base = source.filename().string();
  request.upload_prefix = "LocalUpload/" + hash + "/" + base;
  request.legacy_prefix = "az-ml-artifacts/" + hash + "/" + base;
  if (fs::is_regular_file(source)) {
    request.files.push_back({source, request.upload_prefix});
    return request;
  }
  for (const auto& entry : fs::recursive_directory_iterator(source))
    if (entry.is_regular_file())
      request.files.push_back(
          {entry.path(),
           request.upload_prefix + "/" + entry.path().lexically_relative(source).generic_string()});
  return request;
}

struct Timed {
  double seconds = NAN;
  std::string note;
  double client_cpu = NAN, server_cpu = NAN;  // s: the uploading process's, Azurite's
};

// CPU seconds (user + sys) of process `pid` so far, from /proc; NAN when unknown. Azurite is
// one Node process: its CPU time against the wall time shows whether it is the bottleneck.
double process_cpu_seconds(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (pid <= 0 || close == std::string::npos) return NAN;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());  // utime, stime
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long azurite_pid = 0;

// jobc: walk the source and upload it, in this process.
Timed jobc_upload(BlobClient& client, const fs::path& source, const std::string& hash,
                  unsigned threads, UploadOutcome* outcome = nullptr) {
  double server0 = process_cpu_seconds(azurite_pid), cpu0 = bench::self_cpu_ms();
  auto t0 = std::chrono::steady_clock::now();
  UploadRequest request = request_for(source, hash);
  auto result = upload(client, request, threads);
  Timed timed{bench::ms_since(t0) / 1e3,
              {},
              (bench::self_cpu_ms() - cpu0) / 1e3,
              process_cpu_seconds(azurite_pid) - server0};
  if (!result) return {NAN, result.error().message};
  if (outcome) *outcome = *result;
  return timed;
}

// The SDK: its own process; the upload is timed inside it.
Timed sdk_upload(const std::map<std::string, std::string>& env, const fs::path& source,
                 const std::string& hash, const fs::path& work) {
  std::string script = std::string(JOBC_BENCH_SOURCE_DIR) + "/azureml_sdk_upload.py";
  bench::SpawnIo io;
  io.out = (work / "sdk.out").string();
  io.err = (work / "sdk.err").string();
  double server0 = process_cpu_seconds(azurite_pid);
  auto proc = bench::run(
      {"/usr/bin/python3", script, env.at("JOBC_TEST_AZURITE_URL"),
       env.at("JOBC_TEST_AZURE_STORAGE_ACCOUNT"), env.at("JOBC_TEST_AZURE_STORAGE_KEY_FILE"),
       kContainer, source.string(), hash, "sdk-" + hash},
      bench::environment(), io);
  if (proc.rc == 77) return {NAN, "skipped: " + bench::slurp(io.err)};
  if (proc.rc != 0) return {NAN, "the SDK's upload failed: " + bench::slurp(io.err)};
  try {
    auto reply = nlohmann::json::parse(bench::slurp(io.out));
    char note[80];
    std::snprintf(note, sizeof note, "process %.2f s, import %.2f s", proc.wall_ms / 1e3,
                  reply["import_s"].get<double>());
    return {reply["upload_s"].get<double>(), note, proc.cpu_ms / 1e3,
            process_cpu_seconds(azurite_pid) - server0};
  } catch (const std::exception& e) {
    return {NAN, std::string("the SDK's output: ") + e.what()};
  }
}

int usage(const char* message) {
  std::fprintf(
      stderr,
      "%s\nusage: azureml_upload_bench [--files N] [--big-mb M] [--threads T] [--blocks B] "
      "[--dir D] [--sdk-first] [--check]\n",
      message);
  return 2;
}

bool report(const char* what, const Timed& jobc, const Timed& sdk, double goal, double bytes) {
  double ratio = sdk.seconds / jobc.seconds;
  std::printf("%-28s jobc %8.2f s (%6.1f MiB/s)   SDK %8.2f s (%6.1f MiB/s; %s)\n", what,
              jobc.seconds, bytes / jobc.seconds / 1048576, sdk.seconds,
              bytes / sdk.seconds / 1048576, sdk.note.c_str());
  bool pass = ratio >= goal;
  std::printf("  %s  SDK/jobc %.2fx (goal >= %.1fx)\n", pass ? "PASS" : "FAIL", ratio, goal);
  std::printf(
      "  CPU s: jobc %.2f, Azurite during jobc's upload %.2f; SDK process %.2f (import "
      "included), Azurite during the SDK's %.2f\n",
      jobc.client_cpu, jobc.server_cpu, sdk.client_cpu, sdk.server_cpu);
  return pass;
}

}  // namespace

int main(int argc, char** argv) {
  int files = 10000, big_mb = 1024, threads = 0, blocks = 0;
  fs::path dir = "/tmp";
  bool check = false, sdk_first = false;
  bench::ArgReader args(argc, argv, usage);
  while (args.next()) {
    if (args.option() == "--files")
      files = args.number();
    else if (args.option() == "--big-mb")
      big_mb = args.number();
    else if (args.option() == "--threads")
      threads = args.number();
    else if (args.option() == "--blocks")
      blocks = args.number();
    else if (args.option() == "--dir")
      dir = args.value();
    else if (args.option() == "--check")
      check = true;
    else if (args.option() == "--sdk-first")
      sdk_first = true;
    else
      return usage(("unknown option " + args.option()).c_str());
  }
  const char* state = std::getenv("JOBC_AZURE_TEST_STATE");
  auto env = read_env_file(fs::path(state ? state : "/tmp/jobc-azure-test") / "env");
  if (!env.contains("JOBC_TEST_AZURITE_URL")) {
    std::puts("skipped: no Azurite (start it with tests/infra/azurite_up.sh)");
    return 0;
  }
  std::ifstream(fs::path(state ? state : "/tmp/jobc-azure-test") / "azurite.pid") >> azurite_pid;
  BlobAccount account{env["JOBC_TEST_AZURITE_URL"] + "/" + env["JOBC_TEST_AZURE_STORAGE_ACCOUNT"],
                      env["JOBC_TEST_AZURE_STORAGE_ACCOUNT"], ""};
  std::ifstream(env["JOBC_TEST_AZURE_STORAGE_KEY_FILE"]) >> account.key;
  auto counting = std::make_shared<CountingTransport>(jobc::make_keep_alive_curl_transport());
  BlobClientOptions options;
  if (blocks) options.parallel_blocks = static_cast<unsigned>(blocks);
  BlobClient client(counting, account, options);

  std::string work_template = (dir / "jobc-azureml-upload-bench.XXXXXX").string();
  if (!mkdtemp(work_template.data())) return usage("cannot create a folder in --dir");
  fs::path work = work_template;
  // Fresh hashes per run: nothing from an earlier run is reused.
  std::string nonce = std::to_string(std::random_device{}());
  auto cleanup = [&] {
    std::error_code ignored;
    fs::remove_all(work, ignored);
  };

  std::printf("Azure ML upload benchmark: Azurite %s, %u CPUs, load average %s at start\n",
              env["JOBC_TEST_AZURITE_URL"].c_str(), std::thread::hardware_concurrency(),
              bench::loadavg().c_str());
  fs::path code = work / "src";
  uint64_t code_bytes = make_code_folder(code, files);
  std::printf(
      "code folder: %d files, %.1f MiB; jobc: %s files at once, %u blocks of a large "
      "file at once\n",
      files, code_bytes / 1048576.0,
      threads ? std::to_string(threads).c_str() : "default (2 x CPUs, as the SDK)",
      options.parallel_blocks);
  std::fflush(stdout);

  bool pass = true;
  UploadOutcome outcome;
  // Azurite gets slower as its account holds more blobs: --sdk-first swaps who goes first.
  Timed sdk_code;
  if (sdk_first) sdk_code = sdk_upload(env, code, "sdk" + nonce, work);
  Timed jobc_code = jobc_upload(client, code, "jobc" + nonce, threads, &outcome);
  size_t first_requests = counting->heads + counting->puts + counting->others;
  if (!sdk_first) sdk_code = sdk_upload(env, code, "sdk" + nonce, work);
  if (!jobc_code.note.empty() || std::isnan(sdk_code.seconds)) {
    std::printf("jobc: %s\nSDK: %s\n", jobc_code.note.c_str(), sdk_code.note.c_str());
    cleanup();
    return sdk_code.note.starts_with("skipped") ? 0 : 1;
  }
  pass &= report("code folder", jobc_code, sdk_code, 5.0, static_cast<double>(code_bytes));
  std::printf("  jobc sent %zu blobs, %zu requests\n", outcome.blobs_sent, first_requests);

  counting->clear();
  Timed again = jobc_upload(client, code, "jobc" + nonce, threads, &outcome);
  std::printf(
      "unchanged code folder again: jobc %.3f s, %zu HEAD, %zu PUT, %zu other requests; "
      "reused=%s, %zu blobs sent\n",
      again.seconds, counting->heads.load(), counting->puts.load(), counting->others.load(),
      outcome.reused ? "yes" : "no", outcome.blobs_sent);
  bool none_sent = outcome.reused && counting->puts == 0;
  size_t requests_again = counting->heads + counting->puts + counting->others;
  std::printf(
      "  %s  no blob sent\n  %s  no blob request: %zu (HEAD of the indicator and of its "
      "legacy copy, as the SDK; none would need a local record of confirmed uploads)\n",
      none_sent ? "PASS" : "FAIL", requests_again == 0 ? "PASS" : "FAIL", requests_again);
  pass &= none_sent;
  fs::remove_all(code);
  std::fflush(stdout);

  // One large input, sparse: both sides read and MD5 the same bytes; the disk is not the test.
  fs::path big = work / "input.bin";
  {
    std::ofstream(big).close();
    fs::resize_file(big, static_cast<uint64_t>(big_mb) << 20);
  }
  Timed sdk_big;
  if (sdk_first) sdk_big = sdk_upload(env, big, "sdkbig" + nonce, work);
  Timed jobc_big = jobc_upload(client, big, "jobcbig" + nonce, threads);
  if (!sdk_first) sdk_big = sdk_upload(env, big, "sdkbig" + nonce, work);
  if (!jobc_big.note.empty() || std::isnan(sdk_big.seconds)) {
    std::printf("jobc: %s\nSDK: %s\n", jobc_big.note.c_str(), sdk_big.note.c_str());
    pass = false;
  } else {
    pass &= report((std::to_string(big_mb) + " MiB file").c_str(), jobc_big, sdk_big, 1.5,
                   static_cast<double>(static_cast<uint64_t>(big_mb) << 20));
  }
  std::printf("load average %s at end\n", bench::loadavg().c_str());
  cleanup();
  return check && !pass ? 1 : 0;
}
