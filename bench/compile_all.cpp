// compile_all: `jobc compile` of many specs in ONE process, timed in-process. jobc has no
// multi-spec compile command, so this harness links libjobc_core.a and does what
// `jobc compile` does per spec (compiler/cli/cmd_compile.cc): jobc::load_and_validate, then
// jobc::compile_spec with the given workspace scope, then (with -o) jobc::write_artifacts.
//
//   compile_all [--passes P] [-o DIR] [--jsonl] --cases CASES.tsv [--all-rows] [--filter S]
//   compile_all [--passes P] [-o DIR] [--jsonl] [--set K=V]... SPEC...
//
// --cases takes the conformance table (spec, kind, set, sdk_verdict, expected; specs under
// <dir of CASES.tsv>/specs), rows the SDK accepted unless --all-rows, each with its own --set.
// Each pass compiles every spec once; pass 1 includes one-time costs (schema construction,
// first-use initialisation), later passes are warm. -o DIR writes each spec's artifacts to
// DIR/<n>/ as `jobc compile -o` would (pass 1 creates the files, later passes find them
// unchanged). Prints a table, or with --jsonl one JSON object per spec and pass, then a summary
// object.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "jobc/artifact_writer.h"
#include "jobc/compile.h"
#include "jobc/diagnostic_render.h"
#include "jobc/validate.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Spec {
  std::string path, shown;
  std::vector<std::string> sets;
};

struct Timing {
  double validate = 0, compile = 0, write = 0;
  bool ok = false;
  double total() const { return validate + compile + write; }
};

double ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double cpu_ms() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

// One spec, as `jobc compile SPEC -o OUT --subscription .. --resource-group .. --workspace-name ..`
Timing compile_one(const Spec& spec, const fs::path& out, bool report_errors) {
  Timing t;
  auto t0 = Clock::now();
  jobc::DiagnosticSink sink;
  jobc::SourceManager sources;
  jobc::ValidateOptions options;
  bool args_ok = true;
  for (const std::string& s : spec.sets) {
    jobc::Override parsed;
    if (jobc::parse_override(s, parsed, sink))
      options.overrides.push_back(std::move(parsed));
    else
      args_ok = false;
  }
  jobc::CompileOptions compile_options;
  compile_options.scope.subscription = "00000000-0000-0000-0000-000000000000";
  compile_options.scope.resource_group = "rg";
  compile_options.scope.workspace = "ws";
  std::optional<jobc::LoadedSpec> loaded;
  if (args_ok) loaded = jobc::load_and_validate(spec.path, options, sources, sink);
  auto t1 = Clock::now();
  jobc::CompileResult result;
  bool ok = loaded && !sink.has_errors();
  if (ok) {
    try {
      result = jobc::compile_spec(*loaded, compile_options, sink);
    } catch (const std::exception& e) {
      std::cerr << "compile_all: " << spec.shown << ": " << e.what() << "\n";
      ok = false;
    }
    ok = ok && !sink.has_errors();
  }
  auto t2 = Clock::now();
  if (ok && !out.empty()) {
    jobc::WriteReport report = jobc::write_artifacts(result.outputs, out, jobc::WriteMode::Write);
    for (const std::string& e : report.errors) std::cerr << "compile_all: " << e << "\n";
    ok = report.errors.empty();
  }
  auto t3 = Clock::now();
  if (!ok && report_errors) {
    sink.sort();
    std::cerr << "compile_all: " << spec.shown << " does not compile:\n";
    jobc::render_diagnostics(sink.diagnostics(), sources, {}, std::cerr);
  }
  t.validate = ms(t0, t1), t.compile = ms(t1, t2), t.write = ms(t2, t3), t.ok = ok;
  return t;
}

int usage(const char* msg) {
  if (msg) std::fprintf(stderr, "compile_all: %s\n", msg);
  std::fprintf(stderr,
               "usage: compile_all [--passes P] [-o DIR] [--jsonl] --cases CASES.tsv [--all-rows] "
               "[--filter S]\n"
               "       compile_all [--passes P] [-o DIR] [--jsonl] [--set K=V]... SPEC...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  auto start = Clock::now();
  int passes = 1;
  fs::path out, cases_tsv;
  bool jsonl = false, all_rows = false;
  std::string filter;
  std::vector<std::string> sets, positional;
  bench::ArgReader args(argc, argv, usage);
  while (args.next()) {
    const std::string& a = args.option();
    if (a == "--passes")
      passes = args.number();
    else if (a == "-o" || a == "--output")
      out = args.value();
    else if (a == "--jsonl")
      jsonl = true;
    else if (a == "--cases")
      cases_tsv = args.value();
    else if (a == "--all-rows")
      all_rows = true;
    else if (a == "--filter")
      filter = args.value();
    else if (a == "--set")
      sets.push_back(args.value());
    else if (a == "-h" || a == "--help")
      return usage(nullptr), 0;
    else if (a.rfind("-", 0) == 0)
      return usage(("unknown option " + a).c_str());
    else
      positional.push_back(a);
  }
  std::vector<Spec> specs;
  if (!cases_tsv.empty()) {
    std::ifstream f(cases_tsv);
    if (!f) return usage(("cannot read " + cases_tsv.string()).c_str());
    fs::path root = cases_tsv.parent_path() / "specs";
    std::string line;
    std::getline(f, line);  // header
    while (std::getline(f, line)) {
      std::vector<std::string> col;
      std::string cell;
      std::istringstream in(line);
      while (std::getline(in, cell, '\t')) col.push_back(cell);
      if (col.size() < 4 || (!all_rows && col[3] != "accepted")) continue;
      if (!filter.empty() && col[0].find(filter) == std::string::npos) continue;
      Spec s{(root / col[0]).string(), col[0], {}};
      if (!col[2].empty()) s.sets.push_back(col[2]);
      specs.push_back(std::move(s));
    }
  }
  for (const std::string& p : positional) specs.push_back({p, p, sets});
  if (specs.empty()) return usage("no spec given");

  std::vector<std::vector<Timing>> t(specs.size());
  std::vector<double> pass_wall, pass_cpu;
  size_t failures = 0;
  double setup_ms = ms(start, Clock::now());
  for (int p = 1; p <= passes; ++p) {
    double c0 = cpu_ms();
    auto p0 = Clock::now();
    for (size_t i = 0; i < specs.size(); ++i) {
      fs::path dir = out.empty() ? fs::path() : out / std::to_string(i);
      Timing one = compile_one(specs[i], dir, p == 1);
      if (p == 1 && !one.ok) ++failures;
      t[i].push_back(one);
    }
    pass_wall.push_back(ms(p0, Clock::now()));
    pass_cpu.push_back(cpu_ms() - c0);
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);

  auto warm = [&](size_t i, double Timing::*field) {  // median of passes 2..P
    std::vector<double> v;
    for (size_t p = 1; p < t[i].size(); ++p) v.push_back(t[i][p].*field);
    return median(v);
  };
  auto warm_total = [&](size_t i) {
    std::vector<double> v;
    for (size_t p = 1; p < t[i].size(); ++p) v.push_back(t[i][p].total());
    return median(v);
  };
  if (jsonl) {
    for (size_t i = 0; i < specs.size(); ++i)
      for (size_t p = 0; p < t[i].size(); ++p)
        std::cout << nlohmann::json{{"spec", specs[i].shown},
                                    {"pass", p + 1},
                                    {"ok", t[i][p].ok},
                                    {"ms", t[i][p].total()},
                                    {"validate_ms", t[i][p].validate},
                                    {"compile_ms", t[i][p].compile},
                                    {"write_ms", t[i][p].write}}
                         .dump()
                  << "\n";
    std::cout << nlohmann::json{{"summary", true},
                                {"specs", specs.size()},
                                {"failures", failures},
                                {"setup_ms", setup_ms},
                                {"pass_ms", pass_wall},
                                {"pass_cpu_ms", pass_cpu},
                                {"peak_rss_kb", ru.ru_maxrss}}
                     .dump()
              << "\n";
  } else {
    std::printf("%-60s %8s %8s %8s %8s | %9s\n", "spec (ms)", "pass 1", "validate", "compile",
                "write", passes > 1 ? "warm med" : "");
    for (size_t i = 0; i < specs.size(); ++i) {
      std::string name = specs[i].shown;
      if (name.size() > 60) name = "..." + name.substr(name.size() - 57);
      std::printf("%-60s %8.3f %8.3f %8.3f %8.3f | %9s%s\n", name.c_str(), t[i][0].total(),
                  t[i][0].validate, t[i][0].compile, t[i][0].write,
                  passes > 1 ? std::to_string(warm_total(i)).substr(0, 7).c_str() : "",
                  t[i][0].ok ? "" : "  FAILED");
    }
    for (int p = 0; p < passes; ++p)
      std::printf("pass %d: %zu specs in %.2f ms (%.3f ms/spec), CPU %.2f ms\n", p + 1,
                  specs.size(), pass_wall[p], pass_wall[p] / specs.size(), pass_cpu[p]);
    if (passes > 1) {
      double v = 0, c = 0, w = 0;
      for (size_t i = 0; i < specs.size(); ++i)
        v += warm(i, &Timing::validate), c += warm(i, &Timing::compile),
            w += warm(i, &Timing::write);
      std::printf(
          "warm (median of passes 2..%d), summed over specs: validate %.2f, compile %.2f, "
          "write %.2f ms\n",
          passes, v, c, w);
    }
    std::printf("set-up before pass 1: %.3f ms; peak RSS %.1f MB; %zu failure(s)\n", setup_ms,
                ru.ru_maxrss / 1024.0, failures);
  }
  return failures ? 1 : 0;
}
