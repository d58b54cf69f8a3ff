// sweep_bench (issue 15): the overhead of a local sweep per trial. A 200-trial grid sweep of a
// trivial command at max_concurrent_trials 4 (`jobc submit --stream`, until it has ended),
// beside the same 200 commands run with `xargs -P 4`. Goal: (sweep - xargs) / 200 <= 25 ms.
// Each trial is a run of its own (record, code copy, compiled launch script, run monitor,
// MLflow endpoint), which xargs has none of: that is the overhead measured.
#include <optional>

#include "bench_util.h"

#ifndef JOBC_BENCH_REPO_ROOT
#define JOBC_BENCH_REPO_ROOT "."
#endif

namespace {

using namespace bench;

constexpr double kGoalOverheadMs = 25.0;

int usage(const char* error) {
  if (error) std::fprintf(stderr, "sweep_bench: %s\n", error);
  std::fprintf(stderr,
               "usage: sweep_bench [--jobc PATH] [--trials N] [--repeat N]\n"
               "  a local sweep of N trials (default 200) at 4 at once, against xargs -P 4\n");
  return 2;
}

std::string sweep_spec(int trials) {
  std::string values;
  for (int i = 0; i < trials; ++i) values += (i ? ", " : "") + std::to_string(i);
  return "$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json\n"
         "type: sweep\n"
         "trial:\n"
         "  command: echo trial ${{search_space.x}}\n"
         "  environment: {image: python:3.11-slim}\n"
         "search_space:\n"
         "  x: {type: choice, values: [" +
         values +
         "]}\n"
         "sampling_algorithm: grid\n"
         "objective: {goal: minimize, primary_metric: loss}\n"
         "limits: {max_total_trials: " +
         std::to_string(trials) + ", max_concurrent_trials: 4}\n";
}

}  // namespace

int main(int argc, char** argv) {
  fs::path repo = fs::weakly_canonical(JOBC_BENCH_REPO_ROOT), jobc;
  int trials = 200, repeat = 3;
  ArgReader args(argc, argv, usage);
  while (args.next()) {
    const std::string& a = args.option();
    if (a == "--jobc")
      jobc = args.value();
    else if (a == "--trials")
      trials = args.number();
    else if (a == "--repeat")
      repeat = args.number();
    else if (a == "-h" || a == "--help")
      return usage(nullptr), 0;
    else
      return usage(("unknown argument " + a).c_str());
  }
  if (jobc.empty()) jobc = repo / "build" / "jobc";
  jobc = fs::absolute(jobc);
  if (access(jobc.c_str(), X_OK) != 0) {
    std::printf("skipped: no executable jobc at %s (build it, or pass --jobc PATH)\n",
                jobc.c_str());
    return 0;
  }
  print_machine("sweep_bench");
  TempDir dir("sweep-bench");
  fs::path spec = dir.path / "sweep.yml";
  std::ofstream(spec) << sweep_spec(trials);
  std::string inputs = (dir.path / "inputs.txt").string();
  {
    std::ofstream out(inputs);
    for (int i = 0; i < trials; ++i) out << i << "\n";
  }
  std::vector<double> sweep_ms, xargs_ms;
  for (int round = 0; round < repeat; ++round) {
    fs::path home = dir.path / ("home" + std::to_string(round));
    SpawnIo io;
    io.out = (dir.path / "sweep.out").string();
    io.err = (dir.path / "sweep.err").string();
    Proc sweep = run({jobc.string(), "submit", "--stream", "-q", spec.string()},
                     environment({"JOBC_HOME=" + home.string()}), io);
    if (sweep.rc != 0) {
      std::printf("jobc submit failed (%d): %s\n", sweep.rc, slurp(io.err).c_str());
      return 1;
    }
    sweep_ms.push_back(sweep.wall_ms);
    SpawnIo xio;
    xio.in = inputs;
    Proc xargs = run({"/usr/bin/xargs", "-P", "4", "-I{}", "/bin/bash", "-c", "echo trial {}"},
                     environment(), xio);
    xargs_ms.push_back(xargs.wall_ms);
  }
  double sweep = median(sweep_ms), plain = median(xargs_ms);
  double per_trial = (sweep - plain) / trials;
  std::printf("%d trials, 4 at once, median of %d:\n", trials, repeat);
  std::printf("  jobc submit --stream (sweep)  %10s ms   [%s]\n", fmt(sweep, 0).c_str(),
              mmm(sweep_ms, 0).c_str());
  std::printf("  xargs -P 4 bash -c            %10s ms   [%s]\n", fmt(plain, 0).c_str(),
              mmm(xargs_ms, 0).c_str());
  std::printf("  ratio sweep / xargs: %s; overhead per trial: %s ms (goal <= %.0f ms): %s\n",
              fmt_ratio(sweep / plain).c_str(), fmt(per_trial, 1).c_str(), kGoalOverheadMs,
              per_trial <= kGoalOverheadMs ? "met" : "NOT met");
  return 0;
}
