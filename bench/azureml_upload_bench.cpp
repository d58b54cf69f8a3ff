// Upload benchmark (issue 14): jobc's uploader (in this process, keep-alive connections) vs the
// official SDK's own BlobStorageClient.upload (azureml_sdk_upload.py, timed inside its process,
// so Python's start-up is not counted against it), each upload into a FRESH Azurite started by
// tests/infra/azurite_up.sh (azurite_down.sh first: a new empty data folder), because Azurite
// slows as its account fills and would penalise whichever side went second:
//  1. a code folder of --files small files (default 10,000, sizes like a source tree); goal >= 5x;
//  2. the folder again, unchanged, into the same Azurite: the requests each side sends (goal: no
//     blob request; both read the indicator and its legacy copy);
//  3. one --big-mb file (default 1024, sparse, in --dir): goal >= 1.5x.
// Each is repeated --repeat times per side (default 3), the order alternating (jobc first in odd
// trials, the SDK first in even ones); medians, the ratio, client and Azurite CPU time and the
// requests per side are printed. The services are those of $JOBC_AZURE_TEST_STATE (default
// /tmp/jobc-azure-bench), which the benchmark restarts: never point it at a test's services.
// Usage: azureml_upload_bench [--files N] [--big-mb M] [--repeat R] [--threads T] [--blocks B]
//        [--dir D] [--only code|big] [--check]   (T: files in flight, default 2 x CPUs as the
//        SDK; B: blocks of one large file in flight, default the client's)
// Without npm/Azurite it prints "skipped: ..." and exits 0.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <utility>

#include "backends/azureml/storage/uploader.h"
#include "bench_util.h"

namespace {

namespace fs = std::filesystem;
using namespace jobc::azureml;

const char* const kContainer = "azureml-blobstore-00000000-0000-0000-0000-000000000000";

using Requests = std::map<std::string, size_t>;  // by HTTP method

// Counts the requests that go through a transport, by method.
class CountingTransport : public jobc::HttpTransport {
 public:
  explicit CountingTransport(std::shared_ptr<jobc::HttpTransport> inner)
      : inner_(std::move(inner)) {}
  jobc::HttpResult perform(const jobc::HttpRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      ++counts_[request.method];
    }
    return inner_->perform(request);
  }
  Requests take() {
    std::lock_guard lock(mutex_);
    return std::exchange(counts_, {});
  }

 private:
  std::shared_ptr<jobc::HttpTransport> inner_;
  std::mutex mutex_;
  Requests counts_;
};

std::string describe(const Requests& requests) {
  size_t total = 0;
  std::string text;
  for (const auto& [method, count] : requests) {
    total += count;
    text += (text.empty() ? "" : " ") + std::to_string(count) + " " + method;
  }
  return std::to_string(total) + (text.empty() ? "" : " (" + text + ")");
}

size_t count_of(const Requests& requests) {
  size_t total = 0;
  for (const auto& entry : requests) total += entry.second;
  return total;
}

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

// Azurite's main (JavaScript) thread so far, from /proc/PID/schedstat: seconds on a CPU and
// seconds runnable but waiting for one (other processes had the CPUs). Over an upload, wall
// time minus both is the time it sat idle waiting for requests.
struct ThreadTimes {
  double running = NAN, waiting = NAN;
};
ThreadTimes main_thread_times(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/schedstat");
  double running_ns = NAN, waiting_ns = NAN;
  if (!(in >> running_ns >> waiting_ns)) return {};
  return {running_ns / 1e9, waiting_ns / 1e9};
}

// One upload by one side.
struct Sample {
  double seconds = NAN;
  double client_cpu = NAN, server_cpu = NAN;  // s: the uploader's (upload only), Azurite's
  ThreadTimes server_thread;                  // s: Azurite's main thread, running and waiting
  double process_cpu = NAN;  // s: the SDK's whole process (Python's start and import included)
  Requests requests;
  std::string error;  // empty: it worked
  bool skipped = false;
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

// The services of one fresh Azurite (and fake), started by the project's scripts.
struct Services {
  std::map<std::string, std::string> env;
  long azurite_pid = 0;
  BlobAccount account;
};

const fs::path kInfra = fs::path(JOBC_BENCH_SOURCE_DIR).parent_path() / "tests" / "infra";

// Stops the services of `state` and starts them again with an empty data folder.
std::optional<Services> fresh_services(const fs::path& state, const fs::path& log,
                                       std::string& why) {
  auto env = bench::environment({"JOBC_AZURE_TEST_STATE=" + state.string()});
  bench::SpawnIo io;
  io.out = io.err = log.string();
  if (bench::run({"/bin/bash", (kInfra / "azurite_down.sh").string()}, env, io).rc != 0 ||
      bench::run({"/bin/bash", (kInfra / "azurite_up.sh").string()}, env, io).rc != 0) {
    why = "tests/infra/azurite_up.sh failed: " + bench::slurp(log);
    return std::nullopt;
  }
  Services services;
  services.env = read_env_file(state / "env");
  std::ifstream(state / "azurite.pid") >> services.azurite_pid;
  const std::string& account = services.env["JOBC_TEST_AZURE_STORAGE_ACCOUNT"];
  services.account = {services.env["JOBC_TEST_AZURITE_URL"] + "/" + account, account, ""};
  std::ifstream(services.env["JOBC_TEST_AZURE_STORAGE_KEY_FILE"]) >> services.account.key;
  return services;
}

// jobc: walk the source and upload it, in this process.
Sample jobc_upload(const Services& services, CountingTransport& transport,
                   const BlobClientOptions& options, const fs::path& source,
                   const std::string& hash, unsigned threads) {
  // A transport per upload (one fresh Azurite each): its connections are part of the cost.
  auto counting = std::shared_ptr<CountingTransport>(&transport, [](CountingTransport*) {});
  BlobClient client(counting, services.account, options);
  transport.take();
  double server0 = process_cpu_seconds(services.azurite_pid), cpu0 = bench::self_cpu_ms();
  ThreadTimes thread0 = main_thread_times(services.azurite_pid);
  auto t0 = std::chrono::steady_clock::now();
  UploadRequest request = request_for(source, hash);
  auto result = upload(client, request, threads);
  Sample sample;
  sample.seconds = bench::ms_since(t0) / 1e3;
  sample.client_cpu = (bench::self_cpu_ms() - cpu0) / 1e3;
  sample.server_cpu = process_cpu_seconds(services.azurite_pid) - server0;
  ThreadTimes thread1 = main_thread_times(services.azurite_pid);
  sample.server_thread = {thread1.running - thread0.running, thread1.waiting - thread0.waiting};
  sample.requests = transport.take();
  if (!result) sample.error = result.error().message;
  return sample;
}

// The SDK: its own process; the upload is timed inside it.
Sample sdk_upload(const Services& services, const fs::path& source, const std::string& hash,
                  const fs::path& work) {
  std::string script = std::string(JOBC_BENCH_SOURCE_DIR) + "/azureml_sdk_upload.py";
  bench::SpawnIo io;
  io.out = (work / "sdk.out").string();
  io.err = (work / "sdk.err").string();
  double server0 = process_cpu_seconds(services.azurite_pid);
  ThreadTimes thread0 = main_thread_times(services.azurite_pid);
  auto proc =
      bench::run({"/usr/bin/python3", script, services.env.at("JOBC_TEST_AZURITE_URL"),
                  services.account.name, services.env.at("JOBC_TEST_AZURE_STORAGE_KEY_FILE"),
                  kContainer, source.string(), hash, "sdk-" + hash},
                 bench::environment(), io);
  Sample sample;
  sample.server_cpu = process_cpu_seconds(services.azurite_pid) - server0;
  ThreadTimes thread1 = main_thread_times(services.azurite_pid);
  // Over the whole process: Azurite does nothing while Python starts and imports.
  sample.server_thread = {thread1.running - thread0.running, thread1.waiting - thread0.waiting};
  if (proc.rc == 77) {
    sample.skipped = true;
    sample.error = "skipped: " + bench::slurp(io.err);
    return sample;
  }
  if (proc.rc != 0) {
    sample.error = "the SDK's upload failed: " + bench::slurp(io.err);
    return sample;
  }
  try {
    auto reply = nlohmann::json::parse(bench::slurp(io.out));
    sample.seconds = reply["upload_s"].get<double>();
    sample.client_cpu = reply["upload_cpu_s"].get<double>();
    sample.process_cpu = proc.cpu_ms / 1e3;
    for (const auto& [method, count] : reply["requests"].items())
      sample.requests[method] = count.get<size_t>();
  } catch (const std::exception& e) {
    sample.error = std::string("the SDK's output: ") + e.what();
  }
  return sample;
}

int usage(const char* message) {
  std::fprintf(stderr,
               "%s\nusage: azureml_upload_bench [--files N] [--big-mb M] [--repeat R] "
               "[--threads T] [--blocks B] [--dir D] [--only code|big] [--check]\n",
               message);
  return 2;
}

struct Series {
  std::vector<double> seconds, client_cpu, server_cpu, server_waiting, requests;
  Requests first_requests;
  void add(const Sample& sample) {
    seconds.push_back(sample.seconds);
    client_cpu.push_back(sample.client_cpu);
    server_cpu.push_back(sample.server_cpu);
    server_waiting.push_back(sample.server_thread.waiting);
    requests.push_back(static_cast<double>(count_of(sample.requests)));
    if (first_requests.empty()) first_requests = sample.requests;
  }
};

void print_sample(int trial, const char* side, const Sample& sample, double bytes) {
  std::printf(
      "  trial %d %-4s %8.2f s (%6.1f MiB/s)  CPU: client %6.2f s, Azurite %6.2f s (main "
      "thread %.2f s, %.2f s waiting for a CPU);  requests %s%s  [load %s]\n",
      trial, side, sample.seconds, bytes / sample.seconds / 1048576, sample.client_cpu,
      sample.server_cpu, sample.server_thread.running, sample.server_thread.waiting,
      describe(sample.requests).c_str(),
      std::isnan(sample.process_cpu)
          ? ""
          : (";  SDK process CPU " + bench::fmt(sample.process_cpu) + " s with import").c_str(),
      bench::loadavg().c_str());
  std::fflush(stdout);
}

bool summarise(const char* what, const Series& jobc, const Series& sdk, double goal) {
  double ratio = bench::median(sdk.seconds) / bench::median(jobc.seconds);
  std::printf("%s: medians of %zu uploads per side, each into a fresh Azurite\n", what,
              jobc.seconds.size());
  auto line = [](const char* side, const Series& series) {
    std::printf(
        "  %-4s wall %s s   client CPU %s s   Azurite CPU %s s (waited %s s for a CPU)   "
        "requests %s\n",
        side, bench::mmm(series.seconds).c_str(),
        bench::fmt(bench::median(series.client_cpu)).c_str(),
        bench::fmt(bench::median(series.server_cpu)).c_str(),
        bench::fmt(bench::median(series.server_waiting)).c_str(),
        describe(series.first_requests).c_str());
  };
  line("jobc", jobc);
  line("SDK", sdk);
  bool pass = ratio >= goal;
  std::printf(
      "  %s  SDK/jobc %.2fx wall (goal >= %.1fx); client CPU %.1fx less; Azurite CPU "
      "SDK/jobc %.2fx\n",
      pass ? "PASS" : "FAIL", ratio, goal,
      bench::median(sdk.client_cpu) / bench::median(jobc.client_cpu),
      bench::median(sdk.server_cpu) / bench::median(jobc.server_cpu));
  std::fflush(stdout);
  return pass;
}

}  // namespace

int main(int argc, char** argv) {
  int files = 10000, big_mb = 1024, threads = 0, blocks = 0, repeat = 3;
  fs::path dir = "/tmp";
  std::string only;
  bool check = false;
  bench::ArgReader args(argc, argv, usage);
  while (args.next()) {
    if (args.option() == "--files")
      files = args.number();
    else if (args.option() == "--big-mb")
      big_mb = args.number();
    else if (args.option() == "--repeat")
      repeat = args.number();
    else if (args.option() == "--threads")
      threads = args.number();
    else if (args.option() == "--blocks")
      blocks = args.number();
    else if (args.option() == "--dir")
      dir = args.value();
    else if (args.option() == "--only")
      only = args.value();
    else if (args.option() == "--check")
      check = true;
    else
      return usage(("unknown option " + args.option()).c_str());
  }
  if (!only.empty() && only != "code" && only != "big") return usage("--only takes code or big");
  const char* state_variable = std::getenv("JOBC_AZURE_TEST_STATE");
  fs::path state = state_variable ? state_variable : "/tmp/jobc-azure-bench";
  BlobClientOptions options;
  if (blocks) options.parallel_blocks = static_cast<unsigned>(blocks);
  CountingTransport transport(jobc::make_keep_alive_curl_transport());

  std::string work_template = (dir / "jobc-azureml-upload-bench.XXXXXX").string();
  if (!mkdtemp(work_template.data())) return usage("cannot create a folder in --dir");
  fs::path work = work_template;
  fs::path log = work / "services.log";
  // Fresh hashes per run: nothing from an earlier run is reused.
  std::string nonce = std::to_string(std::random_device{}());
  auto cleanup = [&] {
    std::error_code ignored;
    fs::remove_all(work, ignored);
  };
  std::string why;
  auto services = fresh_services(state, log, why);
  if (!services) {
    std::printf("skipped: %s\n", why.c_str());
    cleanup();
    return 0;
  }

  std::printf(
      "Azure ML upload benchmark: %u CPUs, load average %s at start; services in %s, "
      "restarted empty before every upload\n",
      std::thread::hardware_concurrency(), bench::loadavg().c_str(), state.c_str());
  std::printf("jobc: %s files at once, %u blocks of a large file at once; the SDK as shipped\n",
              threads ? std::to_string(threads).c_str() : "default (2 x CPUs, as the SDK)",
              options.parallel_blocks);
  std::fflush(stdout);

  bool pass = true;
  // Runs `repeat` trials of both sides on `source`, alternating who goes first.
  auto compare = [&](const fs::path& source, const std::string& tag, double bytes, Series& jobc,
                     Series& sdk, bool again) -> bool {
    for (int trial = 1; trial <= repeat; ++trial) {
      for (int turn = 0; turn < 2; ++turn) {
        bool jobc_turn = (turn == 0) == (trial % 2 == 1);
        services = fresh_services(state, log, why);
        if (!services) {
          std::printf("error: %s\n", why.c_str());
          return false;
        }
        std::string hash = tag + std::to_string(trial) + nonce;
        Sample sample = jobc_turn ? jobc_upload(*services, transport, options, source,
                                                "jobc" + hash, static_cast<unsigned>(threads))
                                  : sdk_upload(*services, source, "sdk" + hash, work);
        if (!sample.error.empty()) {
          std::printf("%s: %s\n", jobc_turn ? "jobc" : "SDK", sample.error.c_str());
          if (sample.skipped) std::exit((cleanup(), 0));
          return false;
        }
        print_sample(trial, jobc_turn ? "jobc" : "SDK", sample, bytes);
        (jobc_turn ? jobc : sdk).add(sample);
        if (again && trial == 1) {
          // The same source again into the same Azurite: what a second submit sends.
          Sample second = jobc_turn ? jobc_upload(*services, transport, options, source,
                                                  "jobc" + hash, static_cast<unsigned>(threads))
                                    : sdk_upload(*services, source, "sdk" + hash, work);
          std::printf("    unchanged, again: %s %.3f s, requests %s\n", jobc_turn ? "jobc" : "SDK",
                      second.seconds, describe(second.requests).c_str());
          if (jobc_turn) {
            size_t puts = second.requests.contains("PUT") ? second.requests.at("PUT") : 0;
            bool ok = second.error.empty() && puts == 0;
            std::printf(
                "  %s  unchanged code: no blob sent (%zu PUT)\n  %s  no blob request "
                "at all: %zu (HEAD of the indicator and its legacy copy, as the SDK)\n",
                ok ? "PASS" : "FAIL", puts, count_of(second.requests) == 0 ? "PASS" : "FAIL",
                count_of(second.requests));
            pass &= ok;
          }
        }
      }
    }
    return true;
  };

  if (only.empty() || only == "code") {
    fs::path code = work / "src";
    uint64_t code_bytes = make_code_folder(code, files);
    std::printf("code folder: %d files, %.1f MiB\n", files, code_bytes / 1048576.0);
    Series jobc, sdk;
    if (!compare(code, "code", static_cast<double>(code_bytes), jobc, sdk, true)) {
      cleanup();
      return 1;
    }
    pass &= summarise("code folder", jobc, sdk, 5.0);
    fs::remove_all(code);
  }

  if (only.empty() || only == "big") {
    // One large input, sparse: both sides read and MD5 the same bytes; the disk is not the test.
    fs::path big = work / "input.bin";
    std::ofstream(big).close();
    fs::resize_file(big, static_cast<uint64_t>(big_mb) << 20);
    std::printf("one file of %d MiB\n", big_mb);
    Series jobc, sdk;
    if (!compare(big, "big", static_cast<double>(static_cast<uint64_t>(big_mb) << 20), jobc, sdk,
                 false)) {
      cleanup();
      return 1;
    }
    pass &= summarise((std::to_string(big_mb) + " MiB file").c_str(), jobc, sdk, 1.5);
  }
  // Leave the services empty and small for whoever uses the state folder next.
  services = fresh_services(state, log, why);
  std::printf("load average %s at end\n", bench::loadavg().c_str());
  cleanup();
  return check && !pass ? 1 : 0;
}
