// tracking_ingest_bench (issue 15): metric ingestion through jobc's MLflow tracking endpoint,
// and reading the series back with `jobc runs metrics`.
// Goals: 100,000 points of one trial through runs/log-batch at >= 50,000 points/s, and
// `jobc runs metrics RUN KEY` of those 100,000 points in <= 100 ms.
//
// Ingestion: a fresh JOBC_HOME with one recorded run (RunStore, as a submit records it), a real
// `jobc-server track` started the way the run monitor starts it (its configuration as one JSON
// line on stdin, {"port": N} back on stdout), and 100 log-batch requests of 1000 points of one
// metric (steps 0..99999, MLflow's limit of 1000 per request) POSTed one after another over one
// keep-alive connection (jobc's KeepAliveCurlTransport), as MLflow's client sends them. The
// request bodies are built before the clock starts: the client's cost is not the server's.
// MLflow's own tracking server cannot be installed here, so the alternative in the same run is
// the floor: the same 100,000 rows inserted straight into SQLite (same schema, one prepared
// statement, one transaction, WAL as jobc's store). Timing splits, in process and on the same
// bodies: MetricsStore::record of 100 batches (the store alone), and MlflowApi::handle (JSON
// parsing and checks + the store, without HTTP).
//
// Reading: `jobc runs metrics RUN loss --output csv > /dev/null` (the real binary, a cold
// process each time) beside `sqlite3 -csv runs.db "SELECT ..."` of the same rows (ordered the
// same way) to /dev/null, best of --reads runs each, alternating. Split: MetricsStore::history
// in process with a callback that does nothing (the rest of the process is start-up and output).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "bench_util.h"
#include "jobc/run_store.h"
#include "runs/tracking/metrics_store.h"
#include "runs/tracking/mlflow_api.h"
#include "support/http_client.h"

namespace {

using namespace bench;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kGoalPointsPerSecond = 50000;
constexpr double kGoalReadMs = 100;
constexpr int kBatch = 1000;  // MLflow's limit of metrics per log-batch
constexpr const char* kRunId = "ingest_bench_00000001";
constexpr const char* kToken = "bench-token";
constexpr int64_t kFirstTimestamp = 1764547200000;  // 2025-12-01

int usage(const char* msg) {
  if (msg) std::fprintf(stderr, "tracking_ingest_bench: %s\n", msg);
  std::fprintf(stderr,
               "usage: tracking_ingest_bench [--jobc-dir DIR] [--points N] [--repeat R] "
               "[--reads N] [--dir PARENT] [--check]\n"
               "  --jobc-dir  the jobc build folder holding jobc and jobc-server (default: %s)\n"
               "  --points    points of the one metric (default 100000)\n"
               "  --repeat    ingestions, each into a fresh JOBC_HOME (default 3)\n"
               "  --reads     runs of each reader; the best counts (default 10)\n"
               "  --dir       where the temporary JOBC_HOMEs go (default /tmp)\n"
               "  --check     exit 1 when a goal is missed (default: report only, exit 0)\n",
               JOBC_BENCH_BUILD_DIR);
  return 2;
}

// The point MLflow's client would log at `step`: a decaying loss with noise, full precision.
double loss_at(int64_t step) {
  uint64_t z = static_cast<uint64_t>(step) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z ^= z >> 31;
  return 2.0 * std::exp(-static_cast<double>(step) / 20000.0) + (z % 1000000) / 1e7;
}

// The log-batch bodies of MLflow's client: {"run_id", "metrics": [{key, value, timestamp,
// step}], "params": [], "tags": []}, 1000 points each.
std::vector<std::string> batch_bodies(int points) {
  std::vector<std::string> bodies;
  for (int first = 0; first < points; first += kBatch) {
    json metrics = json::array();
    for (int step = first; step < std::min(points, first + kBatch); ++step) {
      metrics.push_back({{"key", "loss"},
                         {"value", loss_at(step)},
                         {"timestamp", kFirstTimestamp + step},
                         {"step", step}});
    }
    bodies.push_back(json{
        {"run_id", kRunId},
        {"metrics", std::move(metrics)},
        {"params", json::array()},
        {"tags",
         json::array()}}.dump());
  }
  return bodies;
}

fs::path g_temporary;  // removed by die() too (std::exit runs no destructor of main's)

void die(const std::string& message) {
  std::printf("FAIL: %s\n", message.c_str());
  if (!g_temporary.empty()) TempDir::remove_tree(g_temporary);
  std::exit(1);
}

// A JOBC_HOME with the one run recorded, as `jobc submit` records it.
void record_run(const fs::path& home) {
  auto store = jobc::RunStore::open(home);
  if (!store) die("RunStore::open: " + store.error().message);
  jobc::RunRecord run;
  run.id = kRunId;
  run.name = "ingest_bench";
  run.experiment = "bench";
  run.status = jobc::RunStatus::Completed;
  run.created_ms = kFirstTimestamp;
  run.backend = "local";
  fs::create_directories((*store)->run_dir(kRunId));
  if (auto inserted = (*store)->insert(run); !inserted)
    die("RunStore::insert: " + inserted.error().message);
}

// `jobc-server track` for one home, started as the run monitor starts it.
struct TrackingServer {
  pid_t pid = -1;
  int control = -1;  // its stdin: closing it stops the server
  int port = 0;

  TrackingServer(const fs::path& program, const fs::path& home, const fs::path& log) {
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0) die("pipe2");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    std::string path = program.string(), command = "track";
    char* argv[] = {path.data(), command.data(), nullptr};
    char* no_environment[] = {nullptr};
    if (posix_spawn(&pid, path.c_str(), &fa, nullptr, argv, no_environment) != 0)
      die("cannot start " + path);
    posix_spawn_file_actions_destroy(&fa);
    close(to[0]);
    close(from[1]);
    control = to[1];
    json config = {{"home", home.string()},
                   {"host", "127.0.0.1"},
                   {"token", kToken},
                   {"runs", json::array({{{"run_id", kRunId},
                                          {"run_name", "ingest_bench"},
                                          {"experiment_name", "bench"},
                                          {"artifact_uri", "file:///tmp"},
                                          {"start_ms", kFirstTimestamp}}})}};
    std::string line = config.dump() + "\n";
    if (write(control, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      die("cannot configure the tracking server");
    std::string answer;
    char c;
    while (read(from[0], &c, 1) == 1 && c != '\n') answer += c;
    close(from[0]);
    json reply = json::parse(answer, nullptr, false);
    if (!reply.is_object() || !reply.contains("port"))
      die("the tracking server did not start: " + slurp(log));
    port = reply["port"].get<int>();
  }
  // CPU time (user + sys) the server has used so far, from /proc.
  double cpu_ms() const {
    std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string skip;
    for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    return (utime + stime) * 1000.0 / sysconf(_SC_CLK_TCK);
  }
  ~TrackingServer() {
    close(control);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
};

struct Ingest {
  double wall_ms = 0, client_cpu_ms = 0, server_cpu_ms = 0;
};

Ingest ingest_over_http(const fs::path& server_program, const fs::path& home,
                        const std::vector<std::string>& bodies) {
  TrackingServer server(server_program, home, home / "tracking.log");
  auto transport = jobc::make_keep_alive_curl_transport();
  const std::string url =
      "http://127.0.0.1:" + std::to_string(server.port) + "/api/2.0/mlflow/runs/log-batch";
  auto post = [&](const std::string& body) {
    jobc::HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {{"Authorization", std::string("Bearer ") + kToken},
                       {"Content-Type", "application/json"}};
    request.body = body;
    auto response = transport->perform(request);
    if (!response) die("log-batch: " + response.error().message);
    if (!response->ok())
      die("log-batch: HTTP " + std::to_string(response->status) + " " + response->body);
  };
  // One request first, so the connection is open (MLflow's client opens it at start_run).
  jobc::HttpRequest get;
  get.url = "http://127.0.0.1:" + std::to_string(server.port) +
            "/api/2.0/mlflow/runs/get?run_id=" + kRunId;
  get.headers = {{"Authorization", std::string("Bearer ") + kToken}};
  if (auto got = transport->perform(get); !got || !got->ok()) die("runs/get failed");
  Ingest result;
  double server0 = server.cpu_ms(), client0 = self_cpu_ms();
  auto t0 = Clock::now();
  for (const std::string& body : bodies) post(body);
  result.wall_ms = ms_since(t0);
  result.client_cpu_ms = self_cpu_ms() - client0;
  result.server_cpu_ms = server.cpu_ms() - server0;
  return result;
}

// The floor: the same rows straight into SQLite, one prepared statement, one transaction.
double insert_directly(const fs::path& home, int points) {
  fs::create_directories(home);
  {
    auto store = jobc::MetricsStore::open(home);  // the same schema and WAL mode
    if (!store) die(store.error().message);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open((home / "runs.db").c_str(), &db) != SQLITE_OK) die("sqlite3_open");
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
               nullptr);
  auto t0 = Clock::now();
  sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO metrics (run_id, key, step, timestamp_ms, value, is_nan) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                     -1, &insert, nullptr);
  for (int step = 0; step < points; ++step) {
    sqlite3_bind_text(insert, 1, kRunId, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, "loss", -1, SQLITE_STATIC);
    sqlite3_bind_int64(insert, 3, step);
    sqlite3_bind_int64(insert, 4, kFirstTimestamp + step);
    sqlite3_bind_double(insert, 5, loss_at(step));
    if (sqlite3_step(insert) != SQLITE_DONE) die(sqlite3_errmsg(db));
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db));
  double ms = ms_since(t0);
  sqlite3_close(db);
  return ms;
}

// Split: the store alone, 100 batches of 1000 (one transaction each), no JSON, no HTTP.
double record_in_process(const fs::path& home, int points) {
  fs::create_directories(home);
  auto store = jobc::MetricsStore::open(home);
  if (!store) die(store.error().message);
  std::vector<jobc::TrackingBatch> batches;
  for (int first = 0; first < points; first += kBatch) {
    jobc::TrackingBatch batch;
    for (int step = first; step < std::min(points, first + kBatch); ++step)
      batch.metrics.push_back({"loss", loss_at(step), kFirstTimestamp + step, step});
    batches.push_back(std::move(batch));
  }
  auto t0 = Clock::now();
  for (const auto& batch : batches)
    if (auto recorded = (*store)->record(kRunId, batch); !recorded) die(recorded.error().message);
  return ms_since(t0);
}

// Split: MlflowApi::handle on the same bodies (JSON, checks and the store), no HTTP.
double api_in_process(const fs::path& home, const std::vector<std::string>& bodies) {
  fs::create_directories(home);
  auto store = jobc::MetricsStore::open(home);
  if (!store) die(store.error().message);
  jobc::MlflowApi api(**store, kToken,
                      {{kRunId, "ingest_bench", "bench", "file:///tmp", kFirstTimestamp}});
  auto t0 = Clock::now();
  for (const std::string& body : bodies) {
    auto reply = api.handle({"POST", "runs/log-batch", {}, body, std::string("Bearer ") + kToken});
    if (reply.status != 200) die("log-batch: " + reply.body);
  }
  return ms_since(t0);
}

// Split of the read: MetricsStore::history in process with a callback that does nothing.
double history_in_process(const fs::path& home, int points) {
  auto store = jobc::MetricsStore::open(home);
  if (!store) die(store.error().message);
  long seen = 0;
  auto t0 = Clock::now();
  (void)(*store)->history(kRunId, "loss", [&](const jobc::MetricPoint&) { return ++seen, true; });
  double ms = ms_since(t0);
  if (seen != points) die("history read " + std::to_string(seen) + " points");
  return ms;
}

double points_per_second(int points, double ms) {
  return points / (ms / 1000.0);
}

}  // namespace

int main(int argc, char** argv) {
  int points = 100000, repeat = 3, reads = 10;
  bool check = false;
  fs::path jobc_dir = JOBC_BENCH_BUILD_DIR, parent = "/tmp";
  bench::ArgReader args(argc, argv, usage);
  while (args.next()) {
    const std::string& a = args.option();
    if (a == "--jobc-dir")
      jobc_dir = args.value();
    else if (a == "--points")
      points = args.number();
    else if (a == "--repeat")
      repeat = args.number();
    else if (a == "--reads")
      reads = args.number();
    else if (a == "--dir")
      parent = args.value();
    else if (a == "--check")
      check = true;
    else if (a == "-h" || a == "--help")
      return usage(nullptr), 0;
    else
      return usage(("unknown argument " + a).c_str());
  }
  const fs::path jobc = jobc_dir / "jobc", server = jobc_dir / "jobc-server";
  const std::string sqlite = "/usr/bin/sqlite3";
  for (const fs::path& p : {jobc, server, fs::path(sqlite)})
    if (access(p.c_str(), X_OK) != 0) {
      std::printf("skipped: no %s\n", p.c_str());
      return 0;
    }

  std::printf(
      "jobc tracking benchmark: %d points of one metric through log-batch (%d a request) into "
      "jobc-server track, and `jobc runs metrics` of them\n",
      points, kBatch);
  print_machine("tracking_ingest_bench");
  TempDir tmp("tracking_ingest_bench", parent);
  g_temporary = tmp.path;
  const std::vector<std::string> bodies = batch_bodies(points);
  size_t body_bytes = 0;
  for (const auto& b : bodies) body_bytes += b.size();
  std::printf("requests: %zu log-batch bodies, %.1f MB of JSON in all\n\n", bodies.size(),
              body_bytes / 1048576.0);

  // ---- ingestion ------------------------------------------------------------------------
  std::vector<double> http, http_client_cpu, http_server_cpu, direct, store_only, api_only;
  fs::path read_home;
  for (int r = 0; r < repeat; ++r) {
    const std::string n = std::to_string(r);
    fs::path home = tmp.path / ("http-" + n);
    record_run(home);
    Ingest got = ingest_over_http(server, home, bodies);
    http.push_back(got.wall_ms);
    http_client_cpu.push_back(got.client_cpu_ms);
    http_server_cpu.push_back(got.server_cpu_ms);
    if (read_home.empty()) read_home = home;
    direct.push_back(insert_directly(tmp.path / ("direct-" + n), points));
    store_only.push_back(record_in_process(tmp.path / ("store-" + n), points));
    api_only.push_back(api_in_process(tmp.path / ("api-" + n), bodies));
    std::printf(
        "  ingestion %d: HTTP %.1f ms (server CPU %.1f ms, client CPU %.1f ms), SQLite direct "
        "%.1f ms, MetricsStore::record %.1f ms, MlflowApi::handle %.1f ms\n",
        r + 1, got.wall_ms, got.server_cpu_ms, got.client_cpu_ms, direct.back(), store_only.back(),
        api_only.back());
    std::fflush(stdout);
  }

  // ---- reading --------------------------------------------------------------------------
  const std::vector<std::string> env = environment({"JOBC_HOME=" + read_home.string()});
  const std::vector<std::string> jobc_read = {jobc.string(), "runs",     "metrics", kRunId,
                                              "loss",        "--output", "csv"};
  const std::string query =
      std::string("SELECT key, step, value, timestamp_ms FROM metrics WHERE run_id = '") + kRunId +
      "' AND key = 'loss' ORDER BY step, timestamp_ms, rowid";
  const std::vector<std::string> sqlite_read = {sqlite, "-csv", (read_home / "runs.db").string(),
                                                query};
  {  // warm-up, and a check that both print every point
    fs::path out = tmp.path / "read.csv";
    SpawnIo to_file;
    to_file.out = out.string();
    to_file.err = (tmp.path / "read.err").string();
    Proc p = run(jobc_read, env, to_file);
    std::string text = slurp(out, 1 << 30);
    long lines = std::count(text.begin(), text.end(), '\n');
    if (p.rc != 0 || lines != points + 1)
      die("jobc runs metrics exited " + std::to_string(p.rc) + " with " + std::to_string(lines) +
          " lines: " + slurp(tmp.path / "read.err"));
    p = run(sqlite_read, env, to_file);
    text = slurp(out, 1 << 30);
    if (p.rc != 0 || std::count(text.begin(), text.end(), '\n') != points)
      die("sqlite3 did not print every point");
  }
  std::vector<Proc> jobc_runs, sqlite_runs;
  for (int r = 0; r < reads; ++r) {
    jobc_runs.push_back(run(jobc_read, env));
    sqlite_runs.push_back(run(sqlite_read, env));
  }
  for (const Proc& p : jobc_runs)
    if (p.rc != 0) die("jobc runs metrics exited " + std::to_string(p.rc));
  std::vector<double> history_bare;
  for (int r = 0; r < reads; ++r) history_bare.push_back(history_in_process(read_home, points));

  // ---- summary --------------------------------------------------------------------------
  std::printf("\n%-64s %9s %9s %9s\n", "", "median", "best", "worst");
  auto row = [](const char* name, const std::vector<double>& v) {
    std::printf("%-64s %9s %9s %9s\n", name, fmt(median(v), 1).c_str(), fmt(vmin(v), 1).c_str(),
                fmt(vmax(v), 1).c_str());
  };
  std::printf("ingest %d points (ms)\n", points);
  row("  jobc-server track, log-batch over HTTP", http);
  row("    its server's CPU (user+sys)", http_server_cpu);
  row("    the client's CPU (libcurl)", http_client_cpu);
  row("  split: MlflowApi::handle in process (JSON + checks + store)", api_only);
  const std::string record_row =
      "  split: MetricsStore::record in process (" + std::to_string(bodies.size()) + " batches)";
  row(record_row.c_str(), store_only);
  row("  alternative: SQLite direct, one transaction (the floor)", direct);
  std::printf("read %d points (ms)\n", points);
  row("  jobc runs metrics RUN loss --output csv > /dev/null", walls(jobc_runs));
  row("    its CPU (user+sys)", cpus(jobc_runs));
  row("  split: MetricsStore::history in process, no output", history_bare);
  row("  alternative: sqlite3 -csv runs.db \"SELECT ...\" > /dev/null", walls(sqlite_runs));

  double rate = points_per_second(points, median(http));
  double floor_rate = points_per_second(points, median(direct));
  double read_best = vmin(walls(jobc_runs)), sqlite_best = vmin(walls(sqlite_runs));
  std::printf("\nSummary (load average %s at end)\n", loadavg().c_str());
  std::printf(
      "  ingestion: %.0f points/s over HTTP (median of %d), SQLite direct %.0f points/s: "
      "the floor is %s faster\n",
      rate, repeat, floor_rate, fmt_ratio(floor_rate / rate).c_str());
  std::printf("  read: jobc runs metrics %.1f ms, sqlite3 %.1f ms (best of %d): jobc/sqlite3 %s\n",
              read_best, sqlite_best, reads, fmt_ratio(read_best / sqlite_best).c_str());
  std::printf("Goals\n");
  bool ingest_pass = rate >= kGoalPointsPerSecond;
  bool read_pass = read_best <= kGoalReadMs;
  std::printf("  %s  ingest %d points at >= 50,000 points/s          %.0f points/s\n",
              ingest_pass ? "PASS" : "FAIL", points, rate);
  std::printf("  %s  runs metrics of %d points in <= 100 ms          %.1f ms\n",
              read_pass ? "PASS" : "FAIL", points, read_best);
  return check && !(ingest_pass && read_pass) ? 1 : 0;
}
