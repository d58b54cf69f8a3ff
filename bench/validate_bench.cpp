// validate_bench: time `jobc validate` on every spec the official Azure ML SDK accepts in
// ../shared/conformance, beside the SDK (azure-ai-ml 1.4.0, Debian python3-azure) loading the
// same files in the same run, and check the goals: >= 200x faster than the SDK per spec (warm
// vs warm and cold vs cold), <= 8 ms for one spec in a cold process, peak RSS <= 20 MB.
//
// Every program is started by this (small) process with posix_spawn and reaped with wait4:
// wall time from a monotonic clock around spawn..reap, CPU time and peak RSS (ru_maxrss) from
// the child's rusage.  Linux counts the spawning process's own high-water mark in a child's
// ru_maxrss (the pre-exec address space), so the harness must stay small; the "floor" lines
// (spawning /bin/true the same way) show how small it is.  See README.md for what each column
// means.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"

extern char** environ;
namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace bench;

namespace {

#ifndef JOBC_BENCH_REPO_ROOT
#define JOBC_BENCH_REPO_ROOT "."
#endif
#ifndef JOBC_BENCH_SOURCE_DIR
#define JOBC_BENCH_SOURCE_DIR JOBC_BENCH_REPO_ROOT "/bench"
#endif

constexpr double kGoalRatio = 200.0, kGoalColdMs = 8.0, kGoalRssMb = 20.0;

struct Options {
  fs::path repo = JOBC_BENCH_REPO_ROOT;
  fs::path jobc, shared, python = "/usr/bin/python3", sdk_script;
  int repeat = 20;       // cold jobc runs per spec
  int warm_copies = 51;  // copies of one spec in one jobc process for the warm marginal cost
  int sdk_passes = 4;    // passes over all specs in one SDK process (pass 1 = first call)
  int sdk_cold = 1;      // cold SDK processes per spec and per SDK mode
  bool quick = false, sdk_cold_enabled = true, check = false;
  std::string filter;
};

struct Case {
  std::string spec, kind, set;
  fs::path path;
  int jobc_rc = 0;
  std::string jobc_diag;
  std::vector<Proc> cold, one, many;  // cold runs; warm: 1 copy vs warm_copies copies
  std::vector<double> sdk_load, sdk_load_cpu, sdk_oracle;  // warm seconds, passes >= 2
  std::optional<double> sdk_load_first, sdk_oracle_first;
  std::vector<Proc> sdk_load_cold, sdk_oracle_cold;  // cold processes
  std::string sdk_problem;
};

template <class F>
std::vector<double> field(const std::vector<Proc>& ps, F f) {
  std::vector<double> out;
  for (const Proc& p : ps) out.push_back(f(p));
  return out;
}
std::vector<std::string>
    g_env;  // environ + PYTHONHASHSEED=0 (the oracle re-execs itself otherwise)

Proc run(const std::vector<std::string>& argv, const std::string& out = "/dev/null",
         const std::string& err = "/dev/null") {
  return bench::run(argv, g_env, {"/dev/null", out, err, ""});
}

int usage(const char* msg) {
  if (msg) std::fprintf(stderr, "validate_bench: %s\n", msg);
  std::fprintf(
      stderr,
      "usage: validate_bench [--jobc PATH] [--shared DIR] [--repeat N] [--quick]\n"
      "                      [--warm-copies K] [--sdk-passes P] [--sdk-cold N | --no-sdk-cold]\n"
      "                      [--python PATH] [--filter SUBSTRING] [--check]\n"
      "  --jobc PATH      jobc binary (default: <repo>/build/jobc)\n"
      "  --shared DIR     shared folder with conformance/ and tools/ (default: <repo>/../shared)\n"
      "  --repeat N       cold jobc processes per spec (default 20)\n"
      "  --quick          smoke run: 5 specs, 5 repeats, 2 SDK passes\n"
      "  --warm-copies K  copies of a spec in one jobc process for its warm cost (default 51)\n"
      "  --sdk-passes P   passes over all specs in one SDK process; pass 1 is discarded (default "
      "4)\n"
      "  --sdk-cold N     cold SDK processes per spec and mode (default 1); --no-sdk-cold skips "
      "them\n"
      "  --filter S       only specs whose path contains S\n"
      "  --check          exit 1 when a goal is missed (default: exit 0, report only)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::optional<int> repeat, passes, copies;
  bench::ArgReader args(argc, argv, usage);
  while (args.next()) {
    const std::string& a = args.option();
    if (a == "--jobc")
      o.jobc = args.value();
    else if (a == "--shared")
      o.shared = args.value();
    else if (a == "--python")
      o.python = args.value();
    else if (a == "--sdk-script")
      o.sdk_script = args.value();
    else if (a == "--repeat")
      repeat = args.number();
    else if (a == "--warm-copies")
      copies = args.number();
    else if (a == "--sdk-passes")
      passes = args.number();
    else if (a == "--sdk-cold")
      o.sdk_cold = args.number();
    else if (a == "--no-sdk-cold")
      o.sdk_cold_enabled = false;
    else if (a == "--quick")
      o.quick = true;
    else if (a == "--check")
      o.check = true;
    else if (a == "--filter")
      o.filter = args.value();
    else if (a == "-h" || a == "--help")
      return usage(nullptr), 0;
    else
      return usage(("unknown argument " + a).c_str());
  }
  if (o.quick) o.repeat = 5, o.warm_copies = 11, o.sdk_passes = 2;
  if (repeat) o.repeat = *repeat;
  if (copies) o.warm_copies = std::max(2, *copies);
  if (passes) o.sdk_passes = *passes;
  o.repo = fs::weakly_canonical(o.repo);
  if (o.jobc.empty()) o.jobc = o.repo / "build" / "jobc";
  if (o.shared.empty()) o.shared = o.repo / ".." / "shared";
  if (o.sdk_script.empty()) o.sdk_script = fs::path(JOBC_BENCH_SOURCE_DIR) / "sdk_load_only.py";
  o.jobc = fs::absolute(o.jobc);
  o.shared = fs::weakly_canonical(fs::absolute(o.shared));

  const fs::path conf = o.shared / "conformance", cases_tsv = conf / "CASES.tsv";
  const fs::path oracle = o.shared / "tools" / "aml-oracle" / "aml_oracle.py";
  const fs::path shim = o.shared / "tools" / "aml-oracle" / "shim";
  if (!fs::exists(cases_tsv)) {
    std::printf("skipped: no conformance corpus at %s (pass --shared DIR)\n", cases_tsv.c_str());
    return 0;
  }
  if (access(o.jobc.c_str(), X_OK) != 0) {
    std::fprintf(stderr,
                 "validate_bench: no executable jobc at %s (build it, or pass --jobc PATH)\n",
                 o.jobc.c_str());
    return 2;
  }

  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "PYTHONHASHSEED=", 15) != 0) g_env.push_back(*e);
  g_env.push_back("PYTHONHASHSEED=0");

  char tmpl[] = "/tmp/validate_bench.XXXXXX";
  if (!mkdtemp(tmpl)) return std::perror("mkdtemp"), 2;
  const fs::path tmp = tmpl;
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{tmp};

  // ---- the corpus: every spec the SDK accepted, with its --set override --------------------
  std::vector<Case> cases;
  {
    std::ifstream f(cases_tsv);
    std::string line;
    std::getline(f, line);  // header
    while (std::getline(f, line)) {
      std::vector<std::string> col;
      std::string cell;
      std::istringstream in(line);
      while (std::getline(in, cell, '\t')) col.push_back(cell);
      if (col.size() < 4 || col[3] != "accepted") continue;
      if (!o.filter.empty() && col[0].find(o.filter) == std::string::npos) continue;
      Case c;
      c.spec = col[0], c.kind = col[1], c.set = col[2], c.path = conf / "specs" / col[0];
      cases.push_back(std::move(c));
    }
  }
  if (o.quick) {  // one spec per (kind, has --set), plus the sweep job
    std::vector<Case> pick;
    std::set<std::string> seen;
    for (Case& c : cases) {
      std::string key = c.kind + (c.set.empty() ? "" : "+set");
      if (c.spec.find("sweep") != std::string::npos) key = "sweep";
      if (seen.insert(key).second && pick.size() < 5) pick.push_back(c);
    }
    cases = pick;
  }
  if (cases.empty()) {
    std::printf("skipped: no accepted spec selected in %s\n", cases_tsv.c_str());
    return 0;
  }
  std::map<std::string, std::vector<size_t>> groups;  // --set value -> cases (one process each)
  for (size_t i = 0; i < cases.size(); ++i) groups[cases[i].set].push_back(i);
  auto jobc_argv = [&](const std::string& set) {
    std::vector<std::string> a = {o.jobc.string(), "validate", "-q"};
    if (!set.empty()) a.insert(a.end(), {"--set", set});
    return a;
  };

  // ---- is the SDK there? ----------------------------------------------------------------------
  std::string sdk_skip;
  if (access(o.python.c_str(), X_OK) != 0)
    sdk_skip = "no Python at " + o.python.string();
  else if (!fs::exists(oracle))
    sdk_skip = "no oracle at " + oracle.string();
  else if (!fs::exists(o.sdk_script))
    sdk_skip = "no " + o.sdk_script.string();
  else {
    Proc p =
        run({o.python.string(), "-c",
             "import sys; sys.path.insert(0, sys.argv[1]); import azure.ai.ml", shim.string()});
    if (p.rc != 0)
      sdk_skip = "azure.ai.ml does not import with " + o.python.string() +
                 " (apt-get install python3-azure)";
  }

  struct utsname un {};
  uname(&un);
  std::printf("jobc validate benchmark: %zu specs the SDK accepts (%s)\n", cases.size(),
              cases_tsv.c_str());
  std::printf("jobc: %s\nmachine: %s %s, %ld CPUs, load average %s at start\n", o.jobc.c_str(),
              un.sysname, un.release, sysconf(_SC_NPROCESSORS_ONLN), loadavg().c_str());
  std::printf(
      "jobc cold: %d processes per spec; jobc warm: 1 vs %d copies per process; SDK: %d passes, "
      "%s\n",
      o.repeat, o.warm_copies, o.sdk_passes,
      o.sdk_cold_enabled
          ? (std::to_string(o.sdk_cold) + " cold process(es) per spec and mode").c_str()
          : "no cold processes");
  if (!sdk_skip.empty())
    std::printf("skipped: SDK comparison: %s; measuring jobc only\n", sdk_skip.c_str());
  if (double load = std::atof(loadavg().c_str()); load > 0.5 * sysconf(_SC_NPROCESSORS_ONLN))
    std::printf(
        "warning: the machine is busy (load average %.2f): wall times are inflated; compare the "
        "min and CPU\n"
        "         columns, or run it under `nice -n -10` / when the machine is idle\n",
        load);
  std::fflush(stdout);

  // ---- floors: what spawning costs here, and the smallest ru_maxrss this harness can see -----
  std::vector<Proc> floor_true, floor_version;
  for (int r = 0; r < o.repeat; ++r) {
    floor_true.push_back(run({"/bin/true"}));
    floor_version.push_back(run({o.jobc.string(), "--version"}));
  }

  // ---- jobc: check every spec once (and warm the page cache), then cold processes -------------
  for (Case& c : cases) {
    auto a = jobc_argv(c.set);
    a.push_back(c.path.string());
    Proc p = run(a, "/dev/null", (tmp / "diag.txt").string());
    c.jobc_rc = p.rc;
    if (p.rc != 0) c.jobc_diag = slurp(tmp / "diag.txt", 600);
  }
  for (int r = 0; r < o.repeat; ++r)  // round-robin so that background noise spreads over all specs
    for (Case& c : cases) {
      auto a = jobc_argv(c.set);
      a.push_back(c.path.string());
      c.cold.push_back(run(a));
    }
  // warm: one spec K times in one process vs once; the difference / (K-1) is its marginal cost
  const int warm_reps = std::max(3, o.repeat / 2);
  for (int r = 0; r < warm_reps; ++r)
    for (Case& c : cases) {
      auto a = jobc_argv(c.set);
      a.push_back(c.path.string());
      c.one.push_back(run(a));
      for (int k = 1; k < o.warm_copies; ++k) a.push_back(c.path.string());
      c.many.push_back(run(a));
    }
  // warm batch: all specs at once (one process per distinct --set)
  std::vector<double> batch_ms;
  long batch_rss = 0;
  for (int r = 0; r < warm_reps; ++r) {
    double total = 0;
    for (auto& [set, idx] : groups) {
      auto a = jobc_argv(set);
      for (size_t i : idx) a.push_back(cases[i].path.string());
      Proc p = run(a);
      total += p.wall_ms;
      batch_rss = std::max(batch_rss, p.rss_kb);
    }
    batch_ms.push_back(total);
  }

  // ---- the SDK
  // -----------------------------------------------------------------------------------
  double sdk_import_s = NAN;
  std::vector<std::string> sdk_notes;
  if (sdk_skip.empty()) {
    std::map<std::string, size_t> by_path;
    for (size_t i = 0; i < cases.size(); ++i) by_path[cases[i].path.string()] = i;
    auto manifest = [&](const std::vector<size_t>& idx, const fs::path& file) {
      std::ofstream m(file);
      for (size_t i : idx)
        m << cases[i].kind << '\t' << cases[i].set << '\t' << cases[i].path.string() << '\n';
    };
    std::vector<size_t> all(cases.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;

    // (1) validation only: load_job/load_environment/load_compute, all specs, P passes, one process
    manifest(all, tmp / "all.tsv");
    Proc p = run({o.python.string(), o.sdk_script.string(), "--shim", shim.string(), "--passes",
                  std::to_string(o.sdk_passes), (tmp / "all.tsv").string()},
                 (tmp / "load.jsonl").string(), (tmp / "load.err").string());
    if (p.rc != 0)
      sdk_notes.push_back("sdk_load_only.py exited " + std::to_string(p.rc) + ": " +
                          slurp(tmp / "load.err", 400));
    {
      std::ifstream f(tmp / "load.jsonl");
      std::string line;
      while (std::getline(f, line)) {
        json j = json::parse(line, nullptr, false);
        if (j.is_discarded()) continue;
        if (j.contains("import_seconds")) {
          sdk_import_s = j["import_seconds"].get<double>();
          continue;
        }
        auto it = by_path.find(j.value("file", ""));
        if (it == by_path.end()) continue;
        Case& c = cases[it->second];
        double s = j.value("seconds", NAN);
        if (j.value("pass", 1) == 1) c.sdk_load_first = s;
        if (j.value("pass", 1) >= 2 || o.sdk_passes == 1)
          c.sdk_load.push_back(s), c.sdk_load_cpu.push_back(j.value("cpu_seconds", NAN));
        if (!j.value("ok", true)) c.sdk_problem = "SDK load: " + j.value("error", std::string());
      }
    }
    // (2) the oracle: load_* + create_or_update against its fake workspace, --loop per --set value
    for (auto& [set, idx] : groups) {
      std::vector<std::string> a = {o.python.string(), oracle.string(), "--loop"};
      if (!set.empty()) a.insert(a.end(), {"--set", set});
      for (int n = 0; n < o.sdk_passes; ++n)
        for (size_t i : idx) a.push_back(cases[i].path.string());
      Proc q = run(a, (tmp / "oracle.jsonl").string(), (tmp / "oracle.err").string());
      if (q.rc != 0)
        sdk_notes.push_back("oracle --loop exited " + std::to_string(q.rc) + ": " +
                            slurp(tmp / "oracle.err", 400));
      std::ifstream f(tmp / "oracle.jsonl");
      std::string line;
      std::map<size_t, int> seen;
      while (std::getline(f, line)) {
        json j = json::parse(line, nullptr, false);
        if (j.is_discarded()) continue;
        auto it = by_path.find(j.value("file", ""));
        if (it == by_path.end()) continue;
        Case& c = cases[it->second];
        int pass = ++seen[it->second];
        double s = j.value("seconds", NAN);
        if (pass == 1) c.sdk_oracle_first = s;
        if (pass >= 2 || o.sdk_passes == 1) c.sdk_oracle.push_back(s);
        if (j.contains("errors") && !j["errors"].empty())
          c.sdk_problem = "oracle: " + j["errors"].dump().substr(0, 300);
      }
    }
    // (3) cold processes: interpreter start + SDK import + one spec
    if (o.sdk_cold_enabled)
      for (int r = 0; r < o.sdk_cold; ++r)
        for (size_t i = 0; i < cases.size(); ++i) {
          Case& c = cases[i];
          fs::path m = tmp / "one.tsv";
          manifest({i}, m);
          Proc q =
              run({o.python.string(), o.sdk_script.string(), "--shim", shim.string(), m.string()});
          if (q.rc != 0) c.sdk_problem = "cold SDK load exited " + std::to_string(q.rc);
          c.sdk_load_cold.push_back(q);
          std::vector<std::string> a = {o.python.string(), oracle.string()};
          if (!c.set.empty()) a.insert(a.end(), {"--set", c.set});
          a.push_back(c.path.string());
          q = run(a);
          if (q.rc != 0) c.sdk_problem = "cold oracle exited " + std::to_string(q.rc);
          c.sdk_oracle_cold.push_back(q);
        }
  }

  // ---- report
  // ------------------------------------------------------------------------------------
  const bool sdk = sdk_skip.empty();
  auto warm_ms = [&](const Case& c) {  // marginal ms per spec inside one warm process
    double d = (median(walls(c.many)) - median(walls(c.one))) / (o.warm_copies - 1);
    return d > 0 ? d : NAN;
  };
  auto warm_cpu_ms = [&](const Case& c) {
    auto cpu = [](const Proc& p) { return p.cpu_ms; };
    double d = (median(field(c.many, cpu)) - median(field(c.one, cpu))) / (o.warm_copies - 1);
    return d > 0 ? d : NAN;
  };
  auto cold_cpu_ms = [](const std::vector<Proc>& ps) {
    return median(field(ps, [](const Proc& p) { return p.cpu_ms; }));
  };
  auto s2ms = [](const std::vector<double>& s) { return median(s) * 1e3; };
  const int W = 44;
  std::printf(
      "\nPer spec: times in ms; 'x' = SDK time / jobc time (higher is better, goal >= %.0fx)\n",
      kGoalRatio);
  std::printf(
      "  jobc cold    = `jobc validate -q [--set ..] SPEC` in a fresh process: min/median/max "
      "wall,\n"
      "                 median CPU (user+sys), peak RSS\n");
  std::printf(
      "  jobc warm    = marginal cost of one more copy of SPEC in one `jobc validate` process\n");
  std::printf(
      "  SDK load     = azure.ai.ml load_job/load_environment/load_compute only (validation; no "
      "MLClient)\n");
  std::printf(
      "                 warm: median of passes 2..%d in one process; cold: fresh python3 incl. "
      "import\n",
      o.sdk_passes);
  std::printf("%-*s %6s %6s %6s %5s %5s | %7s | %8s %7s | %8s %7s\n", W, "spec", "cold", "min",
              "max", "CPU", "RSS", "warm", "SDK warm", "x warm", "SDK cold", "x cold");
  std::printf("%-*s %6s %6s %6s %5s %5s | %7s | %8s %7s | %8s %7s\n", W, "", "median", "", "", "ms",
              "MB", "ms/spec", "load ms", "", "load ms", "");
  std::vector<double> r_warm, r_cold, r_owarm, r_ocold, cold_meds, cold_mins, r_warm_cpu,
      r_cold_cpu;
  double worst_cold = 0, worst_run = 0, max_rss_mb = 0;
  std::string worst_cold_spec;
  int jobc_failures = 0;
  for (const Case& c : cases) {
    auto w = walls(c.cold);
    double med = median(w), jw = warm_ms(c);
    double rss = max_rss(c.cold) / 1024.0;
    cold_meds.push_back(med), cold_mins.push_back(vmin(w));
    if (med > worst_cold) worst_cold = med, worst_cold_spec = c.spec;
    worst_run = std::max(worst_run, vmax(w));
    max_rss_mb = std::max({max_rss_mb, rss, max_rss(c.one) / 1024.0});
    if (c.jobc_rc != 0) ++jobc_failures;
    double sw = s2ms(c.sdk_load), sc = median(walls(c.sdk_load_cold));
    double xw = sw / jw, xc = sc / med;
    if (sdk) {
      r_warm.push_back(std::isfinite(xw) ? xw : NAN), r_cold.push_back(xc);
      r_owarm.push_back(s2ms(c.sdk_oracle) / jw),
          r_ocold.push_back(median(walls(c.sdk_oracle_cold)) / med);
      r_warm_cpu.push_back(s2ms(c.sdk_load_cpu) / warm_cpu_ms(c));
      r_cold_cpu.push_back(cold_cpu_ms(c.sdk_load_cold) / cold_cpu_ms(c.cold));
    }
    double cpu = median(field(c.cold, [](const Proc& p) { return p.cpu_ms; }));
    std::printf("%-*s %6s %6s %6s %5s %5s | %7s | %8s %7s | %8s %7s%s\n", W,
                shorten(c.spec, W).c_str(), fmt(med).c_str(), fmt(vmin(w)).c_str(),
                fmt(vmax(w)).c_str(), fmt(cpu, 1).c_str(), fmt(rss, 1).c_str(), fmt(jw, 3).c_str(),
                fmt(sw).c_str(), fmt_ratio(xw).c_str(), fmt(sc, 0).c_str(), fmt_ratio(xc).c_str(),
                c.jobc_rc ? "  <- jobc rejected it" : "");
  }
  if (sdk) {
    std::printf(
        "\nSDK load_*+create_or_update (fake workspace) = the oracle: REST payloads, asset hashing "
        "and uploads\n"
        "to its in-process fake workspace, i.e. more than validation (for context; same jobc "
        "columns)\n");
    std::printf("%-*s %9s %9s %7s | %9s %7s\n", W, "spec", "1st call", "warm ms", "x warm",
                "cold ms", "x cold");
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      std::printf("%-*s %9s %9s %7s | %9s %7s\n", W, shorten(c.spec, W).c_str(),
                  fmt(c.sdk_oracle_first.value_or(NAN) * 1e3).c_str(),
                  fmt(s2ms(c.sdk_oracle)).c_str(), fmt_ratio(r_owarm[i]).c_str(),
                  fmt(median(walls(c.sdk_oracle_cold)), 0).c_str(), fmt_ratio(r_ocold[i]).c_str());
    }
  }
  for (const Case& c : cases) {
    if (c.jobc_rc != 0)
      std::printf("\nnote: jobc exited %d on %s (the SDK accepts it):\n%s", c.jobc_rc,
                  c.spec.c_str(), c.jobc_diag.c_str());
    if (!c.sdk_problem.empty())
      std::printf("\nnote: %s: %s\n", c.spec.c_str(), c.sdk_problem.c_str());
  }
  for (const std::string& n : sdk_notes) std::printf("\nnote: %s\n", n.c_str());

  // ---- summary
  // -----------------------------------------------------------------------------------
  std::vector<double> all_sdk_load, all_sdk_load_cold, all_oracle, all_oracle_cold, all_warm;
  long sdk_rss = 0, oracle_rss = 0;
  for (const Case& c : cases) {
    all_warm.push_back(warm_ms(c));
    if (!sdk) continue;
    all_sdk_load.push_back(s2ms(c.sdk_load));
    all_oracle.push_back(s2ms(c.sdk_oracle));
    all_sdk_load_cold.push_back(median(walls(c.sdk_load_cold)));
    all_oracle_cold.push_back(median(walls(c.sdk_oracle_cold)));
    sdk_rss = std::max(sdk_rss, max_rss(c.sdk_load_cold));
    oracle_rss = std::max(oracle_rss, max_rss(c.sdk_oracle_cold));
  }
  auto worst =
      [](const std::vector<double>& v) {  // smallest ratio; a non-finite one counts as missing
        double m = INFINITY;
        for (double x : v) m = std::isfinite(x) ? std::min(m, x) : m;
        return std::isfinite(m) ? m : NAN;
      };
  size_t n = cases.size();
  double batch = median(batch_ms);
  std::printf("\nSummary (%zu specs, load average %s at end)\n", n, loadavg().c_str());
  std::printf(
      "  harness floor: spawning /bin/true %s ms median, ru_maxrss %.1f MB; `jobc --version` %s "
      "ms, %.1f MB\n",
      fmt(median(walls(floor_true))).c_str(), max_rss(floor_true) / 1024.0,
      fmt(median(walls(floor_version))).c_str(), max_rss(floor_version) / 1024.0);
  std::printf(
      "  jobc cold: median of per-spec medians %s ms, geomean %s ms, worst %s ms (%s), slowest "
      "single run %s ms\n",
      fmt(median(cold_meds)).c_str(), fmt(geomean(cold_meds)).c_str(), fmt(worst_cold).c_str(),
      shorten(worst_cold_spec, 60).c_str(), fmt(worst_run).c_str());
  std::vector<double> cold_cpus;
  for (const Case& c : cases) cold_cpus.push_back(cold_cpu_ms(c.cold));
  std::printf(
      "  jobc cold CPU time (user+sys): median %s ms, worst spec %s ms; fastest run, worst spec %s "
      "ms\n",
      fmt(median(cold_cpus)).c_str(), fmt(vmax(cold_cpus)).c_str(), fmt(vmax(cold_mins)).c_str());
  std::printf(
      "  jobc warm: geomean %s ms per spec (marginal); all %zu specs in %zu process(es): %s ms "
      "total = %s ms/spec, peak RSS %.1f MB\n",
      fmt(geomean(all_warm), 3).c_str(), n, groups.size(), fmt(batch).c_str(),
      fmt(batch / n, 3).c_str(), batch_rss / 1024.0);
  std::printf("  jobc peak RSS (one spec per process): %.1f MB\n", max_rss_mb);
  if (sdk) {
    std::printf(
        "  SDK import of azure.ai.ml: %s ms; SDK load only: warm geomean %s ms/spec, cold geomean "
        "%s ms, peak RSS %s MB\n",
        fmt(sdk_import_s * 1e3, 0).c_str(), fmt(geomean(all_sdk_load)).c_str(),
        fmt(geomean(all_sdk_load_cold), 0).c_str(),
        sdk_rss ? fmt(sdk_rss / 1024.0, 1).c_str() : "-");
    std::printf(
        "  SDK load_*+create_or_update (fake workspace): warm geomean %s ms/spec, cold geomean %s "
        "ms, peak RSS %s MB\n",
        fmt(geomean(all_oracle)).c_str(), fmt(geomean(all_oracle_cold), 0).c_str(),
        oracle_rss ? fmt(oracle_rss / 1024.0, 1).c_str() : "-");
    std::printf(
        "  ratio vs SDK load only:        warm geomean %s (worst %s), cold geomean %s (worst %s)\n",
        fmt_ratio(geomean(r_warm)).c_str(), fmt_ratio(worst(r_warm)).c_str(),
        fmt_ratio(geomean(r_cold)).c_str(), fmt_ratio(worst(r_cold)).c_str());
    std::printf(
        "  ratio vs SDK load+create (fake ws): warm geomean %s (worst %s), cold geomean %s (worst "
        "%s)\n",
        fmt_ratio(geomean(r_owarm)).c_str(), fmt_ratio(worst(r_owarm)).c_str(),
        fmt_ratio(geomean(r_ocold)).c_str(), fmt_ratio(worst(r_ocold)).c_str());
    std::printf(
        "  same on CPU time (user+sys; insensitive to other load) vs SDK load only: warm geomean "
        "%s (worst %s),"
        " cold geomean %s (worst %s)\n",
        fmt_ratio(geomean(r_warm_cpu)).c_str(), fmt_ratio(worst(r_warm_cpu)).c_str(),
        fmt_ratio(geomean(r_cold_cpu)).c_str(), fmt_ratio(worst(r_cold_cpu)).c_str());
  }
  bool all_pass = true;
  auto goal = [&](const char* what, std::optional<bool> ok, const std::string& detail) {
    const char* verdict = !ok ? "n/a " : *ok ? "PASS" : "FAIL";
    if (ok && !*ok) all_pass = false;
    std::printf("  %s  %-52s %s\n", verdict, what, detail.c_str());
  };
  std::printf("Goals\n");
  auto every = [&](const std::vector<double>& v) -> std::optional<bool> {
    if (!sdk || (!o.sdk_cold_enabled && &v == &r_cold)) return std::nullopt;
    for (double x : v)
      if (!(x >= kGoalRatio))
        return false;  // a missing ratio (warm cost below noise) does not pass
    return true;
  };
  goal(">= 200x SDK load only, warm vs warm, every spec", every(r_warm),
       sdk ? "worst " + fmt_ratio(worst(r_warm)) + ", geomean " + fmt_ratio(geomean(r_warm))
           : "skipped");
  goal(">= 200x SDK load only, cold vs cold, every spec", every(r_cold),
       sdk && o.sdk_cold_enabled
           ? "worst " + fmt_ratio(worst(r_cold)) + ", geomean " + fmt_ratio(geomean(r_cold))
           : "skipped");
  goal("<= 8 ms one spec in a cold process (median, worst spec)", worst_cold <= kGoalColdMs,
       fmt(worst_cold) + " ms (" + shorten(worst_cold_spec, 50) + ")");
  goal("peak RSS <= 20 MB", max_rss_mb <= kGoalRssMb, fmt(max_rss_mb, 1) + " MB");
  if (sdk)
    std::printf(
        "  (info) on CPU time: warm %s (worst %s), cold %s (worst %s); <= 8 ms: worst spec CPU %s "
        "ms\n",
        every(r_warm_cpu).value_or(false) ? "PASS" : "FAIL", fmt_ratio(worst(r_warm_cpu)).c_str(),
        !o.sdk_cold_enabled                 ? "n/a"
        : every(r_cold_cpu).value_or(false) ? "PASS"
                                            : "FAIL",
        fmt_ratio(worst(r_cold_cpu)).c_str(), fmt(vmax(cold_cpus)).c_str());
  if (jobc_failures)
    std::printf("  note: jobc rejected %d spec(s) the SDK accepts (see notes above)\n",
                jobc_failures);
  std::printf(
      "  (info) vs SDK load+create (fake ws): warm %s, cold %s\n",
      sdk ? (every(r_owarm).value_or(false) ? "PASS" : "FAIL") : "n/a",
      sdk && o.sdk_cold_enabled ? (every(r_ocold).value_or(false) ? "PASS" : "FAIL") : "n/a");
  return o.check && !all_pass ? 1 : 0;
}
