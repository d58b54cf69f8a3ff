// compile_bench (issue 3): time `jobc compile` of every spec the official Azure ML SDK accepts in
// ../shared/conformance, beside the SDK producing its REST requests for the same files (the
// conformance oracle ../shared/tools/aml-oracle/aml_oracle.py: azure-ai-ml 1.4.0 load_* +
// create_or_update against an in-process fake workspace), and check the goals:
//   * >= 200x faster than the SDK per spec, cold process vs cold process (and warm vs warm);
//   * all specs compiled in <= 50 ms in one process (compile_all, built beside this program).
// Programs are started with posix_spawn and reaped with wait4 (see bench_util.h); the machine
// may be busy, so CPU time (user+sys) is printed next to wall time.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "bench_util.h"

#ifndef JOBC_BENCH_REPO_ROOT
#define JOBC_BENCH_REPO_ROOT "."
#endif

namespace {

using namespace bench;
using json = nlohmann::json;

constexpr double kGoalRatio = 200.0, kGoalAllMs = 50.0;
const char* kScope[] = {"--subscription",   "00000000-0000-0000-0000-000000000000",
                        "--resource-group", "rg",
                        "--workspace-name", "ws"};

struct Options {
  fs::path repo = JOBC_BENCH_REPO_ROOT;
  fs::path jobc, shared, python = "/usr/bin/python3", compile_all, tmp = "/tmp";
  int repeat = 10;      // cold `jobc compile` processes per spec
  int passes = 6;       // in-process passes (jobc compile_all, SDK --loop); pass 1 = first call
  int batch_runs = 10;  // compile_all processes compiling every spec once
  int sdk_cold = 1;     // cold SDK processes per spec
  bool quick = false, sdk_cold_enabled = true, check = false;
  std::string filter;
  bool digest_cache = true;
};

struct Case {
  std::string spec, kind, set;
  fs::path path;
  int jobc_rc = 0;
  std::string jobc_diag;
  std::vector<Proc> cold;                                             // `jobc compile` processes
  std::vector<double> warm, warm_validate, warm_compile, warm_write;  // compile_all passes >= 2
  std::optional<double> first;   // compile_all pass 1 (in a warm-up process)
  std::vector<double> sdk_warm;  // oracle --loop seconds, passes >= 2
  std::optional<double> sdk_first;
  std::vector<Proc> sdk_cold;
  std::string sdk_problem;
};

int usage(const char* msg) {
  if (msg) std::fprintf(stderr, "compile_bench: %s\n", msg);
  std::fprintf(
      stderr,
      "usage: compile_bench [--jobc PATH] [--compile-all PATH] [--shared DIR] [--repeat N]\n"
      "                     [--passes P] [--batch-runs B] [--sdk-cold N | --no-sdk-cold]\n"
      "                     [--python PATH] [--filter SUBSTRING] [--tmp DIR] [--quick] [--check]\n"
      "  --jobc PATH         jobc binary (default: <repo>/build/jobc)\n"
      "  --compile-all PATH  the in-process harness (default: compile_all beside this program)\n"
      "  --shared DIR        folder with conformance/ and tools/ (default: <repo>/../shared)\n"
      "  --repeat N          cold `jobc compile` processes per spec (default 10)\n"
      "  --passes P          passes over all specs in one process, jobc and SDK; pass 1 is\n"
      "                      reported apart, 2..P give the warm time (default 6)\n"
      "  --batch-runs B      compile_all processes compiling every spec once (default 10)\n"
      "  --sdk-cold N        cold SDK processes per spec (default 1); --no-sdk-cold skips them\n"
      "  --tmp DIR           where the artifacts are written (default /tmp; /dev/shm: tmpfs)\n"
      "  --no-digest-cache   JOBC_DIGEST_CACHE=off: every run hashes large inputs, as a first\n"
      "                      compile does (default: a private cache the untimed runs fill, as\n"
      "                      on every recompile)\n"
      "  --quick             smoke run: 5 specs, 3 repeats, 3 passes, 3 batch runs\n"
      "  --check             exit 1 when a goal is missed (default: report only, exit 0)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::optional<int> repeat, passes, batch;
  bench::ArgReader args(argc, argv, usage);
  while (args.next()) {
    const std::string& a = args.option();
    if (a == "--jobc")
      o.jobc = args.value();
    else if (a == "--compile-all")
      o.compile_all = args.value();
    else if (a == "--shared")
      o.shared = args.value();
    else if (a == "--python")
      o.python = args.value();
    else if (a == "--tmp")
      o.tmp = args.value();
    else if (a == "--repeat")
      repeat = args.number();
    else if (a == "--passes")
      passes = args.number();
    else if (a == "--batch-runs")
      batch = args.number();
    else if (a == "--sdk-cold")
      o.sdk_cold = args.number();
    else if (a == "--no-sdk-cold")
      o.sdk_cold_enabled = false;
    else if (a == "--quick")
      o.quick = true;
    else if (a == "--no-digest-cache")
      o.digest_cache = false;
    else if (a == "--check")
      o.check = true;
    else if (a == "--filter")
      o.filter = args.value();
    else if (a == "-h" || a == "--help")
      return usage(nullptr), 0;
    else
      return usage(("unknown argument " + a).c_str());
  }
  if (o.quick) o.repeat = 3, o.passes = 3, o.batch_runs = 3;
  if (repeat) o.repeat = *repeat;
  if (passes) o.passes = *passes;
  if (batch) o.batch_runs = *batch;
  o.passes = std::max(2, o.passes);
  o.repo = fs::weakly_canonical(o.repo);
  if (o.jobc.empty()) o.jobc = o.repo / "build" / "jobc";
  if (o.shared.empty()) o.shared = o.repo / ".." / "shared";
  if (o.compile_all.empty()) o.compile_all = self_dir() / "compile_all";
  o.jobc = fs::absolute(o.jobc);
  o.compile_all = fs::absolute(o.compile_all);
  o.shared = fs::weakly_canonical(fs::absolute(o.shared));

  const fs::path conf = o.shared / "conformance", cases_tsv = conf / "CASES.tsv";
  const fs::path oracle = o.shared / "tools" / "aml-oracle" / "aml_oracle.py";
  const fs::path shim = o.shared / "tools" / "aml-oracle" / "shim";
  if (!fs::exists(cases_tsv)) {
    std::printf("skipped: no conformance corpus at %s (pass --shared DIR)\n", cases_tsv.c_str());
    return 0;
  }
  if (access(o.jobc.c_str(), X_OK) != 0) {
    std::printf("skipped: no executable jobc at %s (build it, or pass --jobc PATH)\n",
                o.jobc.c_str());
    return 0;
  }
  std::string batch_skip;
  if (access(o.compile_all.c_str(), X_OK) != 0)
    batch_skip = "no compile_all at " + o.compile_all.string() +
                 " (configure bench/ with -DJOBC_BUILD_DIR=<jobc build with libjobc_core.a>)";

  // the oracle re-execs itself unless PYTHONHASHSEED=0: set it so a cold run is one process
  TempDir tmp("compile_bench", o.tmp);
  // jobc's digest cache (support/digest_cache.h): a private one, or none.
  const std::string digest_cache =
      o.digest_cache ? (tmp.path / "digest-cache").string() : std::string("off");
  const std::vector<std::string> env =
      environment({"PYTHONHASHSEED=0", "JOBC_DIGEST_CACHE=" + digest_cache});

  // ---- the corpus ------------------------------------------------------------------------
  std::vector<Case> cases;
  {
    std::ifstream f(cases_tsv);
    std::string line;
    std::getline(f, line);
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
  if (o.quick) {  // one spec per (kind, has --set), plus a sweep job
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
  std::map<std::string, size_t> by_path;
  for (size_t i = 0; i < cases.size(); ++i) by_path[cases[i].path.string()] = i;
  std::map<std::string, std::vector<size_t>> groups;  // --set value -> cases
  for (size_t i = 0; i < cases.size(); ++i) groups[cases[i].set].push_back(i);
  const fs::path manifest = tmp.path / "cases.tsv";  // CASES.tsv format, absolute spec paths
  {
    std::ofstream m(manifest);
    m << "spec\tkind\tset\tsdk_verdict\texpected\n";
    for (const Case& c : cases)
      m << c.path.string() << '\t' << c.kind << '\t' << c.set << "\taccepted\t\n";
  }

  std::string sdk_skip;
  if (access(o.python.c_str(), X_OK) != 0)
    sdk_skip = "no Python at " + o.python.string();
  else if (!fs::exists(oracle))
    sdk_skip = "no oracle at " + oracle.string();
  else if (run({o.python.string(), "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); import azure.ai.ml", shim.string()},
               env)
               .rc != 0)
    sdk_skip = "azure.ai.ml does not import with " + o.python.string() +
               " (apt-get install python3-azure)";
  const bool sdk = sdk_skip.empty();

  std::printf("jobc compile benchmark: %zu specs the SDK accepts (%s)\n", cases.size(),
              cases_tsv.c_str());
  std::printf("jobc: %s\ncompile_all: %s\nartifacts written under: %s\n", o.jobc.c_str(),
              batch_skip.empty() ? o.compile_all.c_str() : "(none)", tmp.path.c_str());
  std::printf("jobc's digest cache: %s\n",
              o.digest_cache ? "a private one, filled by the untimed first run of each spec"
                             : "off (every run hashes its large inputs)");
  print_machine("compile_bench");
  std::printf(
      "jobc cold: %d `jobc compile` processes per spec; in-process: %d passes, %d one-process "
      "runs; SDK: oracle, %d passes, %s\n",
      o.repeat, o.passes, o.batch_runs, o.passes,
      o.sdk_cold_enabled ? (std::to_string(o.sdk_cold) + " cold process(es) per spec").c_str()
                         : "no cold processes");
  if (!batch_skip.empty())
    std::printf("skipped: one-process measurements: %s\n", batch_skip.c_str());
  if (!sdk) std::printf("skipped: SDK comparison: %s; measuring jobc only\n", sdk_skip.c_str());
  std::fflush(stdout);

  // ---- floors ------------------------------------------------------------------------------
  std::vector<Proc> floor_true, floor_version;
  for (int r = 0; r < std::max(5, o.repeat); ++r) {
    floor_true.push_back(run({"/bin/true"}, env));
    floor_version.push_back(run({o.jobc.string(), "--version"}, env));
  }

  // ---- jobc compile: once each (check + page cache), then cold processes round-robin ------
  // Every run writes to a new, empty output folder; nothing is deleted before the end: on an
  // ext4 without a journal (as here) creating files soon after deleting many makes the inode
  // allocator scan the recently deleted ones (ext4 find_inode_bit -> recently_deleted), which
  // made each `jobc compile` 1-3 ms slower and compile_all 3x slower in a first version.
  int out_seq = 0;
  auto jobc_argv = [&](const Case& c) {
    const fs::path out = tmp.path / "out" / std::to_string(out_seq++);
    std::vector<std::string> a = {o.jobc.string(), "compile", c.path.string(), "-o", out.string()};
    a.insert(a.end(), std::begin(kScope), std::end(kScope));
    if (!c.set.empty()) a.insert(a.end(), {"--set", c.set});
    return a;
  };
  for (Case& c : cases) {
    SpawnIo io;
    io.err = (tmp.path / "diag.txt").string();
    Proc p = run(jobc_argv(c), env, io);
    c.jobc_rc = p.rc;
    if (p.rc != 0) c.jobc_diag = slurp(tmp.path / "diag.txt", 600);
  }
  for (int r = 0; r < o.repeat; ++r)
    for (Case& c : cases) {
      c.cold.push_back(run(jobc_argv(c), env));  // a fresh, empty output folder each time
    }

  // ---- compile_all: every spec in one process ---------------------------------------------
  std::vector<Proc> batch_procs, nowrite_procs;
  std::vector<double> batch_inproc, batch_inproc_cpu, nowrite_inproc_cpu;
  std::string batch_problem;
  auto parse_compile_all = [&](const fs::path& file, bool record) {
    std::ifstream f(file);
    std::string line;
    std::optional<json> summary;
    while (std::getline(f, line)) {
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      if (j.contains("summary")) {
        summary = j;
        continue;
      }
      auto it = by_path.find(j.value("spec", ""));
      if (it == by_path.end() || !record) continue;
      Case& c = cases[it->second];
      if (j.value("pass", 1) == 1)
        c.first = j.value("ms", NAN);
      else {
        c.warm.push_back(j.value("ms", NAN));
        c.warm_validate.push_back(j.value("validate_ms", NAN));
        c.warm_compile.push_back(j.value("compile_ms", NAN));
        c.warm_write.push_back(j.value("write_ms", NAN));
      }
    }
    return summary;
  };
  if (batch_skip.empty()) {
    fs::path all_out = tmp.path / "all" / "warm";
    SpawnIo io;
    io.out = (tmp.path / "all.jsonl").string(), io.err = (tmp.path / "all.err").string();
    // warm: P passes in one process (artifacts written to a fresh folder in pass 1, found
    // unchanged in later passes, as a repeated `jobc compile` would)
    Proc w = run({o.compile_all.string(), "--cases", manifest.string(), "--passes",
                  std::to_string(o.passes), "-o", all_out.string(), "--jsonl"},
                 env, io);
    if (w.rc != 0)
      batch_problem = "compile_all exited " + std::to_string(w.rc) + ": " + slurp(io.err, 600);
    parse_compile_all(io.out, true);
    // one pass per process, fresh output folder: the "all specs in one process" goal
    for (int r = 0; r < o.batch_runs; ++r) {
      all_out = tmp.path / "all" / std::to_string(r);
      Proc p = run({o.compile_all.string(), "--cases", manifest.string(), "--passes", "1", "-o",
                    all_out.string(), "--jsonl"},
                   env, io);
      batch_procs.push_back(p);
      if (auto s = parse_compile_all(io.out, false)) {
        batch_inproc.push_back((*s)["pass_ms"][0].get<double>());
        batch_inproc_cpu.push_back((*s)["pass_cpu_ms"][0].get<double>());
      }
      // the same without writing artifacts (jobc's own work, no filesystem writes)
      nowrite_procs.push_back(
          run({o.compile_all.string(), "--cases", manifest.string(), "--passes", "1", "--jsonl"},
              env, io));
      if (auto s = parse_compile_all(io.out, false))
        nowrite_inproc_cpu.push_back((*s)["pass_cpu_ms"][0].get<double>());
    }
  }

  // ---- the SDK (oracle) ---------------------------------------------------------------------
  std::vector<std::string> sdk_notes;
  if (sdk) {
    for (auto& [set, idx] : groups) {  // warm: --loop, all specs of one --set value, P passes
      std::vector<std::string> a = {o.python.string(), oracle.string(), "--loop"};
      if (!set.empty()) a.insert(a.end(), {"--set", set});
      for (int n = 0; n < o.passes; ++n)
        for (size_t i : idx) a.push_back(cases[i].path.string());
      SpawnIo io;
      io.out = (tmp.path / "oracle.jsonl").string(), io.err = (tmp.path / "oracle.err").string();
      Proc q = run(a, env, io);
      if (q.rc != 0)
        sdk_notes.push_back("oracle --loop exited " + std::to_string(q.rc) + ": " +
                            slurp(io.err, 400));
      std::ifstream f(io.out);
      std::string line;
      std::map<size_t, int> seen;
      while (std::getline(f, line)) {
        json j = json::parse(line, nullptr, false);
        if (j.is_discarded()) continue;
        auto it = by_path.find(j.value("file", ""));
        if (it == by_path.end()) continue;
        Case& c = cases[it->second];
        int pass = ++seen[it->second];
        double s = j.value("seconds", NAN) * 1e3;
        if (pass == 1)
          c.sdk_first = s;
        else
          c.sdk_warm.push_back(s);
        if (j.contains("errors") && !j["errors"].empty())
          c.sdk_problem = "oracle: " + j["errors"].dump().substr(0, 300);
      }
    }
    if (o.sdk_cold_enabled)  // cold: interpreter + import azure.ai.ml + one spec
      for (int r = 0; r < o.sdk_cold; ++r)
        for (Case& c : cases) {
          std::vector<std::string> a = {o.python.string(), oracle.string()};
          if (!c.set.empty()) a.insert(a.end(), {"--set", c.set});
          a.push_back(c.path.string());
          Proc q = run(a, env);
          if (q.rc != 0) c.sdk_problem = "cold oracle exited " + std::to_string(q.rc);
          c.sdk_cold.push_back(q);
        }
  }

  // ---- report ---------------------------------------------------------------------------------
  const int W = 44;
  std::printf(
      "\nPer spec: ms; 'x' = SDK time / jobc time (higher is better; goal >= %.0fx)\n"
      "  jobc cold = `jobc compile SPEC -o EMPTY_DIR --subscription .. [--set ..]` in a fresh "
      "process:\n"
      "              median/min/max wall, median CPU (user+sys), peak RSS\n"
      "  jobc warm = in one process (compile_all): load_and_validate + compile_spec + "
      "write_artifacts,\n"
      "              median of passes 2..%d (its 'val'/'comp'/'write' parts in the summary)\n"
      "  SDK       = the oracle (load_* + create_or_update to a fake workspace): warm = --loop,\n"
      "              median of passes 2..%d; cold = a fresh python3 incl. `import azure.ai.ml`\n",
      kGoalRatio, o.passes, o.passes);
  std::printf("%-*s %6s %6s %6s %5s %5s | %7s | %8s %7s | %8s %6s %7s %7s\n", W, "spec", "cold",
              "min", "max", "CPU", "RSS", "warm", "SDK warm", "x warm", "SDK cold", "CPU", "x cold",
              "x CPU");
  std::vector<double> r_warm, r_cold, r_cold_cpu, cold_meds, cold_cpus, warm_all;
  double worst_cold = 0, max_rss_mb = 0;
  std::string worst_cold_spec;
  int jobc_failures = 0;
  for (Case& c : cases) {
    auto w = walls(c.cold);
    double med = median(w), cpu = median(cpus(c.cold)), jw = median(c.warm);
    double rss = max_rss(c.cold) / 1024.0;
    cold_meds.push_back(med), cold_cpus.push_back(cpu), warm_all.push_back(jw);
    if (med > worst_cold) worst_cold = med, worst_cold_spec = c.spec;
    max_rss_mb = std::max(max_rss_mb, rss);
    if (c.jobc_rc != 0) ++jobc_failures;
    double sw = median(c.sdk_warm), sc = median(walls(c.sdk_cold)), scc = median(cpus(c.sdk_cold));
    double xw = sw / jw, xc = sc / med, xcc = scc / cpu;
    if (sdk) r_warm.push_back(xw), r_cold.push_back(xc), r_cold_cpu.push_back(xcc);
    std::printf("%-*s %6s %6s %6s %5s %5s | %7s | %8s %7s | %8s %6s %7s %7s%s\n", W,
                shorten(c.spec, W).c_str(), fmt(med).c_str(), fmt(vmin(w)).c_str(),
                fmt(vmax(w)).c_str(), fmt(cpu, 1).c_str(), fmt(rss, 1).c_str(), fmt(jw, 3).c_str(),
                fmt(sw).c_str(), fmt_ratio(xw).c_str(), fmt(sc, 0).c_str(), fmt(scc, 0).c_str(),
                fmt_ratio(xc).c_str(), fmt_ratio(xcc).c_str(),
                c.jobc_rc ? "  <- jobc rejected it" : "");
  }
  for (const Case& c : cases) {
    if (c.jobc_rc != 0)
      std::printf("\nnote: `jobc compile` exited %d on %s (the SDK accepts it):\n%s", c.jobc_rc,
                  c.spec.c_str(), c.jobc_diag.c_str());
    if (!c.sdk_problem.empty())
      std::printf("\nnote: %s: %s\n", c.spec.c_str(), c.sdk_problem.c_str());
  }
  for (const std::string& n : sdk_notes) std::printf("\nnote: %s\n", n.c_str());
  if (!batch_problem.empty()) std::printf("\nnote: %s\n", batch_problem.c_str());

  auto worst = [](const std::vector<double>& v) {
    double m = INFINITY;
    for (double x : v) m = std::isfinite(x) ? std::min(m, x) : m;
    return std::isfinite(m) ? m : NAN;
  };
  auto every = [](const std::vector<double>& v) {
    if (v.empty()) return false;
    for (double x : v)
      if (!(x >= kGoalRatio)) return false;
    return true;
  };
  size_t n = cases.size();
  std::printf("\nSummary (%zu specs, load average %s at end)\n", n, loadavg().c_str());
  std::printf("  harness floor: spawning /bin/true %s ms; `jobc --version` %s ms wall, %s ms CPU\n",
              fmt(median(walls(floor_true))).c_str(), fmt(median(walls(floor_version))).c_str(),
              fmt(median(cpus(floor_version))).c_str());
  std::printf(
      "  jobc compile, cold process: median of per-spec medians %s ms (geomean %s), worst %s ms "
      "(%s);\n"
      "                              CPU median %s ms, worst spec %s ms; peak RSS %.1f MB\n",
      fmt(median(cold_meds)).c_str(), fmt(geomean(cold_meds)).c_str(), fmt(worst_cold).c_str(),
      shorten(worst_cold_spec, 50).c_str(), fmt(median(cold_cpus)).c_str(),
      fmt(vmax(cold_cpus)).c_str(), max_rss_mb);
  double batch_wall = median(walls(batch_procs));
  if (batch_skip.empty()) {
    std::vector<double> wv, cv, wr;
    for (const Case& c : cases)
      wv.push_back(median(c.warm_validate)), cv.push_back(median(c.warm_compile)),
          wr.push_back(median(c.warm_write));
    std::printf(
        "  jobc warm (in one process): geomean %s ms/spec, sum over specs %s ms = validate %s + "
        "compile %s + write %s\n",
        fmt(geomean(warm_all), 3).c_str(), fmt(vsum(warm_all)).c_str(), fmt(vsum(wv)).c_str(),
        fmt(vsum(cv)).c_str(), fmt(vsum(wr)).c_str());
    std::printf(
        "  all %zu specs in one process (compile_all, artifacts written): process wall %s ms,\n"
        "      CPU %s ms, peak RSS %.1f MB; inside the process: %s ms wall, %s ms CPU\n",
        n, mmm(walls(batch_procs)).c_str(), fmt(median(cpus(batch_procs))).c_str(),
        max_rss(batch_procs) / 1024.0, mmm(batch_inproc).c_str(),
        fmt(median(batch_inproc_cpu)).c_str());
    std::printf(
        "  the same without writing artifacts: process wall %s ms, CPU %s ms (inside: %s ms "
        "CPU)\n",
        mmm(walls(nowrite_procs)).c_str(), fmt(median(cpus(nowrite_procs))).c_str(),
        fmt(median(nowrite_inproc_cpu)).c_str());
  }
  if (sdk) {
    std::vector<double> sw, sc, scc, sf;
    long srss = 0;
    for (const Case& c : cases) {
      sw.push_back(median(c.sdk_warm)), sc.push_back(median(walls(c.sdk_cold)));
      scc.push_back(median(cpus(c.sdk_cold))), sf.push_back(c.sdk_first.value_or(NAN));
      srss = std::max(srss, max_rss(c.sdk_cold));
    }
    std::printf(
        "  SDK (oracle): warm geomean %s ms/spec (first call geomean %s ms), all specs warm %s "
        "ms;\n"
        "      cold geomean %s ms wall, %s ms CPU, peak RSS %.1f MB\n",
        fmt(geomean(sw)).c_str(), fmt(geomean(sf)).c_str(), fmt(vsum(sw), 1).c_str(),
        fmt(geomean(sc), 0).c_str(), fmt(geomean(scc), 0).c_str(), srss / 1024.0);
    std::printf(
        "  ratios SDK/jobc: cold wall geomean %s (worst %s); cold CPU geomean %s (worst %s);\n"
        "                   warm geomean %s (worst %s)\n",
        fmt_ratio(geomean(r_cold)).c_str(), fmt_ratio(worst(r_cold)).c_str(),
        fmt_ratio(geomean(r_cold_cpu)).c_str(), fmt_ratio(worst(r_cold_cpu)).c_str(),
        fmt_ratio(geomean(r_warm)).c_str(), fmt_ratio(worst(r_warm)).c_str());
  }
  bool all_pass = true;
  auto goal = [&](const char* what, std::optional<bool> ok, const std::string& detail) {
    const char* verdict = !ok ? "n/a " : *ok ? "PASS" : "FAIL";
    if (ok && !*ok) all_pass = false;
    std::printf("  %s  %-50s %s\n", verdict, what, detail.c_str());
  };
  std::printf("Goals\n");
  goal(">= 200x SDK, cold vs cold, every spec (wall)",
       sdk && o.sdk_cold_enabled ? std::optional<bool>(every(r_cold)) : std::nullopt,
       sdk && o.sdk_cold_enabled
           ? "worst " + fmt_ratio(worst(r_cold)) + ", geomean " + fmt_ratio(geomean(r_cold))
           : "skipped");
  goal(">= 200x SDK, warm vs warm, every spec",
       sdk && batch_skip.empty() ? std::optional<bool>(every(r_warm)) : std::nullopt,
       sdk && batch_skip.empty()
           ? "worst " + fmt_ratio(worst(r_warm)) + ", geomean " + fmt_ratio(geomean(r_warm))
           : "skipped");
  goal("all specs in one process <= 50 ms (process wall)",
       batch_skip.empty() ? std::optional<bool>(batch_wall <= kGoalAllMs) : std::nullopt,
       batch_skip.empty() ? fmt(batch_wall) + " ms median for " + std::to_string(n) + " specs"
                          : "skipped");
  if (sdk && o.sdk_cold_enabled)
    std::printf("  (info) cold vs cold on CPU time: %s (worst %s)\n",
                every(r_cold_cpu) ? "PASS" : "FAIL", fmt_ratio(worst(r_cold_cpu)).c_str());
  if (batch_skip.empty())
    std::printf("  (info) all specs in one process on CPU time: %s ms (%s)\n",
                fmt(median(cpus(batch_procs))).c_str(),
                median(cpus(batch_procs)) <= kGoalAllMs ? "PASS" : "FAIL");
  if (jobc_failures)
    std::printf("  note: jobc rejected %d spec(s) the SDK accepts (see notes above)\n",
                jobc_failures);
  return o.check && !all_pass ? 1 : 0;
}
