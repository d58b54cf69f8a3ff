// `jobc submit` on a real two-node Slurm cluster (tests/infra/slurm_up.sh: slurmctld, slurmd
// n1 and n2, slurmrestd with JWT on 127.0.0.1:6820): an MPI job over both nodes, pytorch-style
// ranks, a failing job, a canceled job, a job over its time limit, slurmctld and slurmrestd
// restarted while jobc waits, and the token kept out of every file and log. Each test is
// skipped, saying so, when slurmrestd does not answer.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/https_server.h"
#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using jobc::testing::shell_quote;
using jobc::testing::slurp;
using json = nlohmann::json;

namespace {

fs::path cluster_dir() {
  const char* dir = std::getenv("JOBC_SLURM_DIR");
  return dir && *dir ? fs::path(dir) : fs::path("/var/tmp/jobc-slurm");
}

bool slurmrestd_answers() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(6820);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok && fs::exists(cluster_dir() / "token");
}

// False, with a message saying the test is skipped, when there is no cluster to run on.
bool cluster_up() {
  if (slurmrestd_answers()) return true;
  std::string message =
      "skipped: no Slurm cluster (slurmrestd does not answer on "
      "127.0.0.1:6820, or no token in " +
      cluster_dir().string() + "); start one with tests/infra/slurm_up.sh";
  MESSAGE(message);
  return false;
}

// A job folder, a compute spec for the test cluster and a private JOBC_HOME.
struct Sandbox {
  jobc::testing::TempDir dir;
  fs::path home() const { return dir.path / "home"; }

  Sandbox(const std::string& token_line = "") {
    std::string token = token_line.empty()
                            ? "token_file: " + (cluster_dir() / "token").string() + "\n"
                            : token_line;
    std::ofstream(dir.path / "hpc.yml")
        << "name: hpc\ntype: slurm\nendpoint: http://127.0.0.1:6820\npartition: debug\n"
        << "user: root\nstaging_dir: " << (cluster_dir() / "staging").string() << "\n"
        << token;
  }
  // A test that stopped half-way leaves no Slurm job behind.
  ~Sandbox() {
    auto list = jobc("runs list --output json");
    json runs = json::parse(list.out, nullptr, false);
    if (!runs.is_array()) return;
    for (const json& run : runs) {
      std::string status = run.value("status", "");
      if (status == "Queued" || status == "Running") {
        jobc("runs cancel " + shell_quote(run.value("id", "")));
      }
    }
  }
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  fs::path job(const std::string& yaml) const {
    fs::create_directories(dir.path / "src");
    std::ofstream(dir.path / "src/README") << "code folder\n";  // a snapshot needs a file
    std::ofstream(dir.path / "job.yml")
        << yaml << "code: src\ncompute: hpc.yml\nenvironment: {image: python:3.11-slim}\n";
    return dir.path / "job.yml";
  }
  jobc::testing::CommandResult jobc(const std::string& args, const std::string& env = "") const {
    return jobc::testing::run_command(env + " JOBC_HOME=" + shell_quote(home().string()) + " " +
                                      jobc::testing::jobc_command(args));
  }
  json run(const std::string& id) const {
    return json::parse(jobc("runs show --output json " + id).out);
  }
  // A sweep on the cluster whose trials run `command` in src/ (which has MLflow's stand-in
  // and `script` as train.py); `rest` is the spec after the trial.
  fs::path sweep(const std::string& script, const std::string& command,
                 const std::string& rest) const {
    fs::create_directories(dir.path / "src/mlflow");
    for (const char* file : {"__init__.py", "exceptions.py"}) {
      fs::copy_file(fs::path(JOBC_SOURCE_DIR) / "tests/runs/tracking/mlflow_standin/mlflow" / file,
                    dir.path / "src/mlflow" / file, fs::copy_options::overwrite_existing);
    }
    std::ofstream(dir.path / "src/train.py") << script;
    std::ofstream(dir.path / "sweep.yml")
        << "$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json\n"
           "type: sweep\n"
           "compute: hpc.yml\n"
           "trial:\n"
           "  code: src\n"
           "  command: "
        << command
        << "\n"
           "  environment: {image: python:3.11-slim}\n"
        << rest;
    return dir.path / "sweep.yml";
  }
  // Runs the job `yaml` describes on two nodes, streaming; the test fails unless it completes.
  jobc::testing::CommandResult run_on_two_nodes(const std::string& yaml) const {
    auto spec = job(yaml + "resources: {instance_count: 2}\n");
    auto result = jobc("submit --stream " + shell_quote(spec.string()));
    CHECK_MESSAGE(result.status == 0, result.err);
    return result;
  }
  json only_run() const {
    json runs = json::parse(jobc("runs list --output json").out);
    REQUIRE(runs.size() == 1);
    return run(runs[0]["id"]);
  }
  // Waits until the run's log contains `text`.
  bool wait_for_log(const std::string& id, const std::string& text, int seconds) const {
    for (int i = 0; i < seconds * 5; ++i) {
      if (jobc("runs logs " + id).out.find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }
  json wait_for_end(const std::string& id, int seconds) const {
    json run;
    for (int i = 0; i < seconds * 2; ++i) {
      run = this->run(id);
      std::string status = run["status"];
      if (status == "Completed" || status == "Failed" || status == "Canceled") return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return run;
  }
};

// A trial's Slurm job "A_T" (as Slurm writes an array task): its array and task; the test
// stops when the run's job is not an array task.
std::pair<std::string, std::string> array_task_of(const json& run) {
  std::string job_id = run["backend_job_id"];
  size_t bar = job_id.find('_');
  REQUIRE_MESSAGE(bar != std::string::npos, job_id);
  return {job_id.substr(0, bar), job_id.substr(bar + 1)};
}

// `jobc submit --detach` prints the run id.
std::string run_id_from(const std::string& output) {
  std::string id = output.substr(0, output.find('\n'));
  REQUIRE(!id.empty());
  return id;
}

// True while Slurm lists the job in squeue (pending, running or completing).
bool in_squeue(const std::string& job_id) {
  auto result = jobc::testing::run_command("squeue -h -o %i -j " + shell_quote(job_id));
  return result.out.find(job_id) != std::string::npos;
}

bool gone_from_squeue(const std::string& job_id, int seconds) {
  for (int i = 0; i < seconds * 5; ++i) {
    if (!in_squeue(job_id)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

// Starts a long job, then kills its monitor (kill -9); the run's id and Slurm job id.
std::pair<std::string, std::string> start_and_kill_monitor(const Sandbox& box) {
  auto spec = box.job("command: echo ready; sleep 300\n");
  auto submit = box.jobc("submit --detach " + shell_quote(spec.string()));
  REQUIRE_MESSAGE(submit.status == 0, submit.err);
  std::string id = run_id_from(submit.out);
  REQUIRE(box.wait_for_log(id, "ready", 60));
  json run = box.run(id);
  auto monitor = jobc::testing::run_command(
      "pkill -KILL -f " + shell_quote("[_]_monitor " + run["folder"].get<std::string>()));
  REQUIRE(monitor.status == 0);
  return {id, run["backend_job_id"]};
}

void copy_mpi_example(const Sandbox& box) {
  fs::create_directories(box.dir.path / "src");
  fs::copy(fs::path(JOBC_SOURCE_DIR) / "examples/mpi-distributed/src/ranks.py",
           box.dir.path / "src/ranks.py");
}

// Every file under `root` that contains `secret`.
std::vector<std::string> files_containing(const fs::path& root, const std::string& secret) {
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::exists(root, ec)) return found;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    if (slurp(it->path()).find(secret) != std::string::npos) found.push_back(it->path().string());
  }
  return found;
}

}  // namespace

TEST_SUITE("slurm") {
  TEST_CASE("a 2-node x 2-process MPI job: four ranks over n1 and n2") {
    if (!cluster_up()) return;
    Sandbox box;
    copy_mpi_example(box);
    auto result = box.run_on_two_nodes(
        "command: python3 ranks.py\ndistribution: {type: mpi, process_count_per_instance: 2}\n"
        "limits: {timeout: 600}\n");
    for (int rank = 0; rank < 4; ++rank) {
      CHECK(result.out.find("rank " + std::to_string(rank) + " of 4 on n") != std::string::npos);
    }
    CHECK(result.out.find("of 4 on n1") != std::string::npos);
    CHECK(result.out.find("of 4 on n2") != std::string::npos);
    json run = box.only_run();
    CHECK(run["status"] == "Completed");
    CHECK(run["backend"] == "slurm");
    CHECK(run["exit_code"] == 0);
    std::string job_id = run["backend_job_id"];
    CHECK(!job_id.empty());
    CHECK(fs::exists(fs::path(run["folder"].get<std::string>()) / "artifacts/slurm/job.json"));
    CHECK(!fs::exists(cluster_dir() / "staging" / run["id"].get<std::string>()));
  }

  TEST_CASE("pytorch over 2 nodes: one rank per task, MASTER_ADDR from the first node") {
    if (!cluster_up()) return;
    Sandbox box;
    auto result = box.run_on_two_nodes(
        "command: echo \"rank=$RANK local=$LOCAL_RANK world=$WORLD_SIZE "
        "master=$MASTER_ADDR node=$SLURMD_NODENAME\"\n"
        "distribution: {type: pytorch, process_count_per_instance: 2}\n");
    std::set<std::string> master;
    for (int rank = 0; rank < 4; ++rank) {
      auto at = result.out.find("rank=" + std::to_string(rank) + " ");
      REQUIRE_MESSAGE(at != std::string::npos, result.out);
      std::string line = result.out.substr(at, result.out.find('\n', at) - at);
      CHECK(line.find("world=4") != std::string::npos);
      CHECK(line.find(rank < 2 ? "node=n1" : "node=n2") != std::string::npos);
      master.insert(line.substr(line.find("master="), line.find(" node=") - line.find("master=")));
    }
    CHECK(master.size() == 1);
    CHECK(*master.begin() != "master=");
  }

  TEST_CASE("tensorflow over 2 nodes: TF_CONFIG lists both hosts, indexes by node") {
    if (!cluster_up()) return;
    Sandbox box;
    auto result = box.run_on_two_nodes(
        "command: echo \"node=$SLURMD_NODENAME tf=$TF_CONFIG\"\n"
        "distribution: {type: tensorflow, worker_count: 2}\n");
    for (std::string node : {"n1", "n2"}) {
      auto at = result.out.find("node=" + node + " tf=");
      REQUIRE_MESSAGE(at != std::string::npos, result.out);
      at = result.out.find("tf=", at) + 3;
      json config = json::parse(result.out.substr(at, result.out.find('\n', at) - at));
      CHECK(config["cluster"]["worker"] == json::array({"n1:23456", "n2:23456"}));
      CHECK(config["task"]["index"] == (node == "n1" ? 0 : 1));
    }
  }

  TEST_CASE("a failing job: Failed with its exit code; outputs and logs still come back") {
    if (!cluster_up()) return;
    Sandbox box;
    auto spec = box.job(
        "command: echo about to fail; echo 42 > outputs/answer.txt; echo note > logs/x.log; "
        "exit 3\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(result.status == 1);
    CHECK(result.out.find("about to fail") != std::string::npos);
    json run = box.only_run();
    CHECK(run["status"] == "Failed");
    CHECK(run["exit_code"] == 3);
    CHECK(run["reason"] == "exit code 3");
    fs::path work = fs::path(run["folder"].get<std::string>()) / "work";
    CHECK(slurp(work / "outputs/answer.txt") == "42\n");
    CHECK(slurp(work / "logs/x.log") == "note\n");
  }

  TEST_CASE("jobc runs cancel: the Slurm job is canceled and leaves squeue") {
    if (!cluster_up()) return;
    Sandbox box;
    auto spec = box.job("command: echo partial > outputs/partial.txt; echo ready; sleep 300\n");
    auto submit = box.jobc("submit --detach " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(submit.status == 0, submit.err);
    std::string id = run_id_from(submit.out);
    REQUIRE(box.wait_for_log(id, "ready", 60));
    std::string job_id = box.run(id)["backend_job_id"];
    CHECK(in_squeue(job_id));
    auto cancel = box.jobc("runs cancel " + id);
    CHECK_MESSAGE(cancel.status == 0, cancel.err);
    json run = box.wait_for_end(id, 60);
    CHECK(run["status"] == "Canceled");
    CHECK(gone_from_squeue(job_id, 30));
    fs::path work = fs::path(run["folder"].get<std::string>()) / "work";
    CHECK(slurp(work / "outputs/partial.txt") == "partial\n");
  }

  TEST_CASE("submit --detach returns once Slurm has the job; a refused job fails at once") {
    if (!cluster_up()) return;
    Sandbox box;
    auto spec = box.job("command: sleep 300\n");
    auto submit = box.jobc("submit --detach " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(submit.status == 0, submit.err);
    std::string id = run_id_from(submit.out);
    // No waiting: the id is recorded and Slurm lists the job as soon as submit returns.
    std::string job_id = box.run(id)["backend_job_id"];
    REQUIRE(!job_id.empty());
    CHECK(in_squeue(job_id));
    CHECK(box.jobc("runs cancel " + id).status == 0);
    CHECK(gone_from_squeue(job_id, 30));

    std::string compute = slurp(box.dir.path / "hpc.yml");
    compute.replace(compute.find("partition: debug"), 16, "partition: nosuch");
    std::ofstream(box.dir.path / "bad.yml") << compute;
    auto refused = box.jobc("submit --detach --set compute=bad.yml " + shell_quote(spec.string()));
    CHECK(refused.status == 1);
    CHECK_MESSAGE(refused.err.find("the job was refused") != std::string::npos, refused.err);
    CHECK_MESSAGE(refused.err.find("Invalid partition name") != std::string::npos, refused.err);
    json runs = json::parse(box.jobc("runs list --output json").out);
    REQUIRE(!runs.empty());
    CHECK(runs[0]["status"] == "Failed");
    CHECK(fs::exists(cluster_dir() / "staging" / runs[0]["id"].get<std::string>()) == false);
  }

  TEST_CASE("a run whose monitor is gone: jobc runs cancel still cancels its Slurm job") {
    if (!cluster_up()) return;
    Sandbox box;
    auto [id, job_id] = start_and_kill_monitor(box);
    CHECK(in_squeue(job_id));
    auto cancel = box.jobc("runs cancel " + id);
    CHECK_MESSAGE(cancel.status == 0, cancel.err);
    // Every jobc runs command first reconciles: the run failed when its monitor died.
    json run = box.run(id);
    CHECK(run["status"] == "Failed");
    CHECK_MESSAGE(run["reason"].get<std::string>().find("the job was stopped") != std::string::npos,
                  run["reason"]);
    CHECK(gone_from_squeue(job_id, 30));
    std::error_code ec;
    fs::remove_all(cluster_dir() / "staging" / id, ec);  // no monitor collected it
  }

  TEST_CASE("a job waiting for nodes is Queued with Slurm's reason, then runs") {
    if (!cluster_up()) return;
    Sandbox box;
    // Each job takes both nodes' two CPUs: the second waits for the first.
    std::string whole_cluster =
        "resources: {instance_count: 2}\ndistribution: {type: mpi, process_count_per_instance: "
        "2}\n";
    auto first = box.jobc("submit --detach " +
                          shell_quote(box.job("command: sleep 300\n" + whole_cluster).string()));
    REQUIRE_MESSAGE(first.status == 0, first.err);
    std::string blocker = run_id_from(first.out);
    auto second = box.jobc("submit --detach " +
                           shell_quote(box.job("command: echo second\n" + whole_cluster).string()));
    REQUIRE_MESSAGE(second.status == 0, second.err);
    std::string waiting = run_id_from(second.out);
    json run;
    for (int i = 0; i < 100; ++i) {
      run = box.run(waiting);
      if (run["reason"].get<std::string>().find("PENDING") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    CHECK(run["status"] == "Queued");
    CHECK_MESSAGE(run["reason"].get<std::string>().find("is PENDING (") != std::string::npos,
                  run["reason"]);
    CHECK(run["started"] == "");
    CHECK(box.jobc("runs cancel " + blocker).status == 0);
    run = box.wait_for_end(waiting, 120);
    CHECK(run["status"] == "Completed");
    CHECK(run["started"] != "");
  }

  TEST_CASE("a job over its time limit fails, and the reason names the time limit") {
    if (!cluster_up()) return;
    Sandbox box;
    auto spec = box.job("command: echo started; sleep 300\nlimits: {timeout: 5}\n");
    auto started = std::chrono::steady_clock::now();
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(result.status == 1);
    // Slurm: 1 min (5 s rounded up), checked every 30 s, then KillWait.
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(150));
    json run = box.only_run();
    CHECK(run["status"] == "Failed");
    std::string reason = run["reason"];
    CHECK_MESSAGE(reason.find("time limit of 1 min") != std::string::npos, reason);
    CHECK(reason.find("limits.timeout 5 s") != std::string::npos);
    CHECK(gone_from_squeue(run["backend_job_id"], 30));
  }

  TEST_CASE("slurmctld and slurmrestd restarted while jobc waits: the run still completes") {
    if (!cluster_up()) return;
    Sandbox box;
    auto spec = box.job("command: echo started; sleep 15; echo finished\n");
    auto submit = box.jobc("submit --detach " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(submit.status == 0, submit.err);
    std::string id = run_id_from(submit.out);
    REQUIRE(box.wait_for_log(id, "started", 60));
    auto stop = jobc::testing::run_command(
        "kill $(cat /run/slurmctld.pid) && kill $(cat " +
        shell_quote((cluster_dir() / "slurmrestd.pid").string()) +
        ") && for i in $(seq 50); do scontrol ping >/dev/null 2>&1 || break; sleep 0.2; done; "
        "! scontrol ping >/dev/null 2>&1");
    REQUIRE_MESSAGE(stop.status == 0, stop.err);
    std::this_thread::sleep_for(std::chrono::seconds(3));  // jobc finds no one to ask
    auto up = jobc::testing::run_command(
        shell_quote((fs::path(JOBC_SOURCE_DIR) / "tests/infra/slurm_up.sh").string()));
    REQUIRE_MESSAGE(up.status == 0, up.err);
    json run = box.wait_for_end(id, 120);
    CHECK(run["status"] == "Completed");
    std::string log = box.jobc("runs logs " + id).out;
    CHECK(log.find("finished") != std::string::npos);
    CHECK(log.find("cannot reach Slurm") != std::string::npos);
  }

  TEST_CASE("an MLflow script on the cluster records into its run through the endpoint") {
    if (!cluster_up()) return;
    Sandbox box;
    auto spec = box.job("command: python3 train.py\n");
    // The test stand-in for MLflow's client (MLflow cannot be installed here), shipped with
    // the code as a package of the job would be.
    fs::create_directories(box.dir.path / "src/mlflow");
    for (const char* file : {"__init__.py", "exceptions.py"}) {
      fs::copy_file(fs::path(JOBC_SOURCE_DIR) / "tests/runs/tracking/mlflow_standin/mlflow" / file,
                    box.dir.path / "src/mlflow" / file);
    }
    std::ofstream(box.dir.path / "src/train.py")
        << "import os, mlflow\n"
           "print('uri', os.environ['MLFLOW_TRACKING_URI'], flush=True)\n"
           "with mlflow.start_run():\n"
           "    mlflow.log_param('nodes', os.environ.get('SLURM_JOB_NUM_NODES', '?'))\n"
           "    for step in range(3):\n"
           "        mlflow.log_metric('loss', 1.0 / (step + 1), step=step)\n"
           "    open('w.txt', 'w').write('9')\n"
           "    mlflow.log_artifact('w.txt')\n";
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(result.status == 0, std::string(result.out + result.err));
    CHECK(result.out.find("uri http://127.0.0.1:") != std::string::npos);
    json run = box.only_run();
    std::string id = run["id"];
    CHECK(run["params"]["nodes"] == "1");
    CHECK(run["metrics"]["loss"] == doctest::Approx(1.0 / 3));
    auto series = box.jobc("runs metrics " + id + " loss --output csv");
    CHECK(series.out.find("loss,0,1,") != std::string::npos);
    CHECK(slurp(box.home() / "runs" / id / "work/outputs/w.txt") == "9");
  }

  TEST_CASE("a sweep runs its trials as one Slurm job array and ranks them by what they logged") {
    if (!cluster_up()) return;
    Sandbox box;
    fs::path spec = box.sweep(
        "import os, sys, mlflow\n"
        "x = int(sys.argv[1])\n"
        "task = os.environ.get('SLURM_ARRAY_JOB_ID', '?') + '_' + "
        "os.environ.get('SLURM_ARRAY_TASK_ID', '?')\n"
        "print('slurm job', task, 'x', x, flush=True)\n"
        "with mlflow.start_run():\n"
        "    for step in range(2):\n"
        "        mlflow.log_metric('acc', x * 10 + step, step=step)\n",
        "python3 train.py ${{search_space.x}}",
        "search_space:\n"
        "  x: {type: choice, values: [1, 3, 2]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: maximize, primary_metric: acc}\n"
        "limits: {max_total_trials: 3, max_concurrent_trials: 3}\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(result.status == 0, std::string(result.out + result.err));
    json sweep_run = box.only_run();
    CHECK(sweep_run["type"] == "sweep");
    CHECK(sweep_run["backend"] == "slurm");
    json trials = sweep_run["sweep"]["trials"];
    REQUIRE(trials.size() == 3);
    CHECK(trials[0]["parameters"]["x"] == 3);  // maximize: best first
    CHECK(trials[0]["metric"].get<double>() == doctest::Approx(31));
    std::set<std::string> arrays, tasks;
    for (const json& trial : trials) {
      json run = box.run(trial["run_id"]);
      CHECK(run["status"] == "Completed");
      CHECK(run["backend"] == "slurm");
      auto [array, task] = array_task_of(run);
      arrays.insert(array);
      tasks.insert(task);
      std::string job_id = run["backend_job_id"];
      std::string log = box.jobc("runs logs " + std::string(trial["run_id"])).out;
      CHECK(log.find("slurm job " + job_id) != std::string::npos);
    }
    CHECK(arrays.size() == 1);
    CHECK(tasks == std::set<std::string>{"0", "1", "2"});
  }

  TEST_CASE(
      "a job array runs max_concurrent_trials at once, and early termination cancels the task "
      "of the trial that falls behind") {
    if (!cluster_up()) return;
    Sandbox box;
    fs::path spec = box.sweep(
        "import sys, time, mlflow\n"
        "x = int(sys.argv[1])\n"
        "with mlflow.start_run():\n"
        "    for step in range(30):\n"
        "        mlflow.log_metric('loss', x, step=step)\n"
        "        time.sleep(0.3)\n",
        "python3 train.py ${{search_space.x}}",
        "search_space:\n"
        "  x: {type: choice, values: [1, 2, 3, 50]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 4, max_concurrent_trials: 2}\n"
        "early_termination: {type: bandit, slack_amount: 10, evaluation_interval: 1, "
        "delay_evaluation: 3}\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(result.status == 0, std::string(result.out + result.err));
    json sweep_run = box.only_run();
    json trials = sweep_run["sweep"]["trials"];
    REQUIRE(trials.size() == 4);
    std::string array;
    for (const json& trial : trials) {
      CAPTURE(trial.dump());
      json run = box.run(trial["run_id"]);
      std::string job_id = run["backend_job_id"];
      std::string its_array = array_task_of(run).first;
      if (array.empty()) array = its_array;
      CHECK(its_array == array);
      // Each trial's metric reached its own run: the tasks' tracking variables were apart.
      CHECK(trial["metric"].get<double>() == doctest::Approx(trial["parameters"]["x"].get<int>()));
      auto state = jobc::testing::run_command("scontrol -o show job " + shell_quote(job_id));
      if (trial["parameters"]["x"] == 50) {
        CHECK(run["status"] == "Canceled");
        CHECK(run["reason"].get<std::string>().find("bandit") != std::string::npos);
        CHECK(state.out.find("JobState=CANCELLED") != std::string::npos);
      } else {
        CHECK(run["status"] == "Completed");
        CHECK(state.out.find("JobState=COMPLETED") != std::string::npos);
      }
      // Slurm kept the array's `%`: max_concurrent_trials.
      CHECK(state.out.find("ArrayTaskThrottle=2") != std::string::npos);
    }
  }

  TEST_CASE("a bayesian sweep sends a new array each time trials end, as many as can start") {
    if (!cluster_up()) return;
    Sandbox box;
    fs::path spec = box.sweep(
        "import sys, mlflow\n"
        "x = float(sys.argv[1])\n"
        "with mlflow.start_run():\n"
        "    mlflow.log_metric('loss', (x - 0.3) ** 2)\n",
        "python3 train.py ${{search_space.x}}",
        "search_space:\n"
        "  x: {type: uniform, min_value: 0, max_value: 1}\n"
        "sampling_algorithm: bayesian\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 5, max_concurrent_trials: 2}\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(result.status == 0, std::string(result.out + result.err));
    json trials = box.only_run()["sweep"]["trials"];
    REQUIRE(trials.size() == 5);
    std::map<std::string, int> tasks_per_array;
    for (const json& trial : trials) {
      json run = box.run(trial["run_id"]);
      CHECK(run["status"] == "Completed");
      ++tasks_per_array[array_task_of(run).first];
    }
    // The first array holds 2 trials; each later one as many as had ended: never more than 2.
    CHECK(tasks_per_array.size() >= 3);
    for (const auto& [array, tasks] : tasks_per_array) CHECK(tasks <= 2);
  }

  TEST_CASE("canceling a sweep cancels its job array's running and waiting tasks") {
    if (!cluster_up()) return;
    Sandbox box;
    fs::path spec = box.sweep("", "echo trial ${{search_space.x}}; sleep 300",
                              "search_space:\n"
                              "  x: {type: choice, values: [1, 2, 3]}\n"
                              "sampling_algorithm: grid\n"
                              "objective: {goal: minimize, primary_metric: loss}\n"
                              "limits: {max_total_trials: 3, max_concurrent_trials: 1}\n");
    auto submit = box.jobc("submit --detach " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(submit.status == 0, submit.err);
    std::string sweep_id = run_id_from(submit.out);
    // The first trial runs; the two others wait in the array.
    json trials;
    for (int i = 0; i < 120 && trials.size() < 3; ++i) {
      trials = box.run(sweep_id)["sweep"]["trials"];
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    REQUIRE(trials.size() == 3);
    std::string first = trials[0]["run_id"];
    REQUIRE(box.wait_for_log(first, "trial 1", 60));
    std::string array = array_task_of(box.run(first)).first;
    CHECK(box.run(trials[2]["run_id"])["status"] == "Queued");
    auto cancel = box.jobc("runs cancel " + sweep_id);
    CHECK_MESSAGE(cancel.status == 0, cancel.err);
    CHECK(box.wait_for_end(sweep_id, 90)["status"] == "Canceled");
    for (const json& trial : trials) {
      CHECK(box.wait_for_end(trial["run_id"], 60)["status"] == "Canceled");
    }
    CHECK(gone_from_squeue(array, 60));
  }

  TEST_CASE(
      "submit --detach of a sweep returns once Slurm has every trial; a refused array fails the "
      "sweep at once, with no trial run") {
    if (!cluster_up()) return;
    Sandbox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 2, 3, 4, 5, 6]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 6, max_concurrent_trials: 2}\n";
    fs::path spec = box.sweep("", "echo trial ${{search_space.x}}; sleep 300", rest);
    auto submit = box.jobc("submit --detach " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(submit.status == 0, submit.err);
    std::string sweep_id = run_id_from(submit.out);
    // No waiting: Slurm lists all six tasks (the array is named after the sweep) at once.
    auto listed = jobc::testing::run_command("squeue -h -r -t all -o %i -n " + sweep_id);
    CHECK(std::count(listed.out.begin(), listed.out.end(), '\n') == 6);
    CHECK(box.jobc("runs cancel " + sweep_id).status == 0);
    CHECK(box.wait_for_end(sweep_id, 90)["status"] == "Canceled");

    std::string compute = slurp(box.dir.path / "hpc.yml");
    compute.replace(compute.find("partition: debug"), 16, "partition: nosuch");
    std::ofstream(box.dir.path / "hpc.yml") << compute;
    auto refused = box.jobc("submit --detach " + shell_quote(spec.string()));
    CHECK(refused.status == 1);
    CHECK_MESSAGE(refused.err.find("could not start the trials") != std::string::npos, refused.err);
    CHECK_MESSAGE(refused.err.find("Invalid partition name") != std::string::npos, refused.err);
    json runs = json::parse(box.jobc("runs list --output json").out);
    REQUIRE(runs.size() == 2);  // the two sweeps (runs list shows no trials)
    json failed = box.run(runs[0]["id"] == sweep_id ? runs[1]["id"] : runs[0]["id"]);
    CHECK(failed["status"] == "Failed");
    CHECK(failed["reason"].get<std::string>().find("Invalid partition name") != std::string::npos);
    CHECK(failed["sweep"]["trials"].empty());
    auto all = json::parse(box.jobc("runs list --trials --output json").out);
    CHECK(all.size() == 2 + 6);  // the first sweep's trials only
  }

  TEST_CASE(
      "--compute with a Slurm compute spec runs a job and a sweep that name another compute") {
    if (!cluster_up()) return;
    Sandbox box;
    fs::create_directories(box.dir.path / "src");
    std::ofstream(box.dir.path / "src/README") << "code folder\n";
    std::ofstream(box.dir.path / "job.yml")
        << "command: echo on slurm $SLURM_JOB_ID\ncode: src\ncompute: azureml:cpu-cluster\n"
           "environment: {image: python:3.11-slim}\n";
    std::string compute = " --compute " + shell_quote((box.dir.path / "hpc.yml").string());
    auto job =
        box.jobc("submit --stream " + shell_quote((box.dir.path / "job.yml").string()) + compute);
    CHECK_MESSAGE(job.status == 0, job.err);
    CHECK(job.out.find("on slurm ") != std::string::npos);
    fs::path sweep = box.sweep("", "echo trial ${{search_space.x}}",
                               "search_space:\n"
                               "  x: {type: choice, values: [1, 2]}\n"
                               "sampling_algorithm: grid\n"
                               "objective: {goal: minimize, primary_metric: loss}\n"
                               "limits: {max_total_trials: 2, max_concurrent_trials: 2}\n");
    std::string text = slurp(sweep);
    std::ofstream(sweep) << std::string(text).replace(text.find("compute: hpc.yml"), 16,
                                                      "compute: azureml:cpu-cluster");
    auto swept = box.jobc("submit --stream " + shell_quote(sweep.string()) + compute);
    CHECK_MESSAGE(swept.status == 0, std::string(swept.out + swept.err));
    CHECK((swept.out + swept.err).find("started on slurm") != std::string::npos);
  }

  TEST_CASE("the token is in no file jobc writes and in no log") {
    if (!cluster_up()) return;
    std::string token = slurp(cluster_dir() / "token");
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
      token.pop_back();
    }
    REQUIRE(token.size() > 20);
    for (std::string mode : {"token_env", "token_file"}) {
      CAPTURE(mode);
      Sandbox box(mode == "token_env" ? "token_env: JOBC_E2E_JWT\n" : "");
      auto spec = box.job("command: echo hello; env | sort; exit 0\n");
      std::string env = "JOBC_KEEP_STAGING=1 JOBC_E2E_JWT=\"$(cat " +
                        shell_quote((cluster_dir() / "token").string()) + ")\"";
      auto result = box.jobc("submit --stream " + shell_quote(spec.string()), env);
      CHECK_MESSAGE(result.status == 0, result.err);
      CHECK(result.out.find("hello") != std::string::npos);
      CHECK(result.out.find(token) == std::string::npos);
      CHECK(result.err.find(token) == std::string::npos);
      json run = box.only_run();
      CHECK(files_containing(box.dir.path, token).empty());
      fs::path stage = cluster_dir() / "staging" / run["id"].get<std::string>();
      CHECK(fs::exists(stage / "std_log.txt"));
      CHECK(files_containing(stage, token).empty());
      std::error_code ec;
      fs::remove_all(stage, ec);
    }
  }

  TEST_CASE(
      "an https input is downloaded, staged and read by the job; ro_mount stages it read-only") {
    if (!cluster_up()) return;
    jobc::testing::HttpsServer server;
    server.serve("weights.txt", "from the web\n", "\"w1\"");
    Sandbox box;
    std::ofstream(box.dir.path / "ro.txt") << "original\n";
    auto spec = box.job(
        "command: cat ${{inputs.web}}; echo at=$JOBC_INPUT_web; stat -c 'ro=%A' ${{inputs.ro}}\n"
        "inputs:\n"
        "  web: {type: uri_file, path: '" +
        server.url("/weights.txt") +
        "'}\n"
        "  ro: {type: uri_file, path: ro.txt, mode: ro_mount}\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()),
                           "CURL_CA_BUNDLE=" + shell_quote(server.ca_file().string()));
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("from the web") != std::string::npos);
    CHECK(result.out.find("at=" + (cluster_dir() / "staging").string()) != std::string::npos);
    CHECK(result.out.find("/inputs/web/weights.txt") != std::string::npos);
    CHECK(result.out.find("ro=-r--r--r--") != std::string::npos);
  }
}
