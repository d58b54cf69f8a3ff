// `jobc submit` on the local backend with real processes: completion, failure, timeout,
// Ctrl-C, kill -9 of jobc, Open MPI ranks, and the runs commands.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/child_process.h"
#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using jobc::testing::ChildProcess;
using jobc::testing::shell_quote;
using jobc::testing::slurp;

namespace {

// A job folder and a private JOBC_HOME.
struct Sandbox {
  jobc::testing::TempDir dir;
  fs::path home() const { return dir.path / "home"; }

  // A job spec; every jobc job names an environment (as Azure ML requires), which the
  // local backend does not use.
  fs::path job(const std::string& yaml, const std::string& name = "job.yml") const {
    fs::create_directories(dir.path / "src");
    std::ofstream(dir.path / name) << yaml << "environment: {image: python:3.11-slim}\n";
    return dir.path / name;
  }
  void code(const std::string& file, const std::string& text) const {
    fs::create_directories(dir.path / "src");
    std::ofstream(dir.path / "src" / file) << text;
  }
  jobc::testing::CommandResult jobc(const std::string& args) const {
    return jobc::testing::run_command("JOBC_HOME=" + shell_quote(home().string()) + " " +
                                      jobc::testing::jobc_command(args));
  }
  nlohmann::json runs() const {
    auto result = jobc("runs list --output json");
    return nlohmann::json::parse(result.out);
  }
  nlohmann::json run(const std::string& id) const {
    return nlohmann::json::parse(jobc("runs show --output json " + id).out);
  }
  // `jobc submit --detach SPEC` (with `environment` before it); the run's id once its log
  // holds `ready`.
  std::string submit_detached(const fs::path& spec, const std::string& environment = "") const {
    auto detached = jobc::testing::run_command(
        environment + " JOBC_HOME=" + shell_quote(home().string()) + " " +
        jobc::testing::jobc_command("submit --detach " + shell_quote(spec.string())));
    REQUIRE_MESSAGE(detached.status == 0, detached.err);
    std::string id = detached.out.substr(0, detached.out.find('\n'));
    for (int i = 0;
         i < 1000 && slurp(home() / "runs" / id / "std_log.txt").find("ready") == std::string::npos;
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return id;
  }
  // The pid of the run's monitor, from runs.db.
  pid_t monitor_of(const std::string& id) const {
    std::string db = (home() / "runs.db").string();
    auto pid = jobc::testing::run_sql(db, "select monitor_pid from runs where id='" + id + "'").out;
    REQUIRE(!pid.empty());
    pid_t monitor = std::stoi(pid);
    REQUIRE(monitor > 1);  // never signal a process group by accident
    return monitor;
  }
};

// The live processes whose environment holds `entry` (NAME=value); zombies do not count.
std::vector<pid_t> processes_with(const std::string& entry) {
  std::vector<pid_t> found;
  for (const auto& item : fs::directory_iterator("/proc")) {
    std::string pid = item.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = slurp(item.path() / "stat");
    if (stat.empty() || stat.substr(stat.rfind(')') + 2, 1) == "Z") continue;
    std::string environment = slurp(item.path() / "environ");
    const std::string nul(1, '\0');
    if ((nul + environment).find(nul + entry + nul) != std::string::npos) {
      found.push_back(std::stoi(pid));
    }
  }
  return found;
}

// Waits up to `seconds` for no live process to hold `entry`; true when none is left.
bool none_left_with(const std::string& entry, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!processes_with(entry).empty()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string run_id_from(const std::string& output) {
  auto start = output.find("jobc: run ");
  REQUIRE(start != std::string::npos);
  start += 10;
  return output.substr(start, output.find(' ', start) - start);
}

// True while a process whose command line contains `text` runs. The pattern is written
// "[s]leep 60" so that it does not match the shell running pgrep itself.
bool process_running(const std::string& text) {
  std::string pattern = "[" + text.substr(0, 1) + "]" + text.substr(1);
  return jobc::testing::run_command("pgrep -f " + shell_quote(pattern)).status == 0;
}

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("the quickstart runs to completion; outputs and logs are kept with the run") {
    Sandbox box;
    fs::copy(fs::path(JOBC_SOURCE_DIR) / "examples/quickstart", box.dir.path / "quickstart",
             fs::copy_options::recursive);
    auto result =
        box.jobc("submit --stream " + shell_quote((box.dir.path / "quickstart/job.yml").string()));
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("model: y = ") != std::string::npos);
    CHECK(result.err.find("Completed") != std::string::npos);
    CHECK(result.err.find("image is not used") != std::string::npos);
    auto runs = box.runs();
    REQUIRE(runs.size() == 1);
    CHECK(runs[0]["status"] == "Completed");
    CHECK(runs[0]["experiment"] == "quickstart");
    CHECK(runs[0]["backend"] == "local");
    std::string id = runs[0]["id"];
    fs::path dest = box.dir.path / "download";
    CHECK(box.jobc("runs download " + id + " outputs/model/model.json -o " +
                   shell_quote(dest.string()))
              .status == 0);
    CHECK(slurp(dest / "model.json").find("\"a\"") != std::string::npos);
    CHECK(box.jobc("runs download " + id + " -o " + shell_quote(dest.string())).status == 0);
    CHECK(fs::exists(dest / "logs/train.log"));
    CHECK(box.jobc("runs download " + id + " ../../etc/passwd -o x").status == 2);
    CHECK(box.jobc("runs logs " + id).out.find("loss") != std::string::npos);
  }

  TEST_CASE("a failing job fails the run and jobc's exit status") {
    Sandbox box;
    auto spec = box.job("command: echo about to fail; exit 3\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(result.status == 1);
    CHECK(result.out.find("about to fail") != std::string::npos);
    auto runs = box.runs();
    CHECK(runs[0]["status"] == "Failed");
    CHECK(runs[0]["exit_code"] == 3);
    CHECK(runs[0]["reason"] == "exit code 3");
  }

  TEST_CASE("limits.timeout stops the job and fails the run") {
    Sandbox box;
    auto spec = box.job("command: echo started; sleep 60.17\nlimits: {timeout: 1}\n");
    auto started = std::chrono::steady_clock::now();
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(result.status == 1);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
    auto runs = box.runs();
    CHECK(runs[0]["status"] == "Failed");
    CHECK(runs[0]["reason"].get<std::string>().find("timeout") == 0);
    CHECK(!process_running("sleep 60.17"));
  }

  TEST_CASE("Ctrl-C while streaming cancels the run") {
    Sandbox box;
    auto spec = box.job("command: echo ready; sleep 61\n");
    ChildProcess submit({"submit", "--stream", spec.string()}, box.home());
    REQUIRE(submit.wait_for_output("ready", 20));
    submit.signal(SIGINT);
    CHECK(submit.wait(30) == 130);
    auto runs = box.runs();
    CHECK(runs[0]["status"] == "Canceled");
    CHECK(!process_running("sleep 61"));
  }

  TEST_CASE("--detach-on-interrupt leaves the run going; runs cancel stops it") {
    Sandbox box;
    auto spec = box.job("command: echo ready; sleep 62\n");
    ChildProcess submit({"submit", "--stream", "--detach-on-interrupt", spec.string()}, box.home());
    REQUIRE(submit.wait_for_output("ready", 20));
    submit.signal(SIGINT);
    CHECK(submit.wait(10) == 0);
    std::string id = run_id_from(submit.output());
    CHECK(box.run(id)["status"] == "Running");
    CHECK(process_running("sleep 62"));
    auto cancel = box.jobc("runs cancel " + id);
    CHECK(cancel.status == 0);
    CHECK(box.run(id)["status"] == "Canceled");
    CHECK(!process_running("sleep 62"));
  }

  TEST_CASE("kill -9 of the submitting jobc does not lose the run") {
    Sandbox box;
    auto spec = box.job("command: echo ready; sleep 2; echo finished\n");
    ChildProcess submit({"submit", "--stream", spec.string()}, box.home());
    REQUIRE(submit.wait_for_output("ready", 20));
    std::string id = run_id_from(submit.output());
    submit.signal(SIGKILL);
    submit.wait(5);
    auto follow = box.jobc("runs logs --follow " + id);
    CHECK(follow.out.find("finished") != std::string::npos);
    CHECK(box.run(id)["status"] == "Completed");
  }

  TEST_CASE("a run whose monitor was killed is marked Failed the next time jobc looks") {
    Sandbox box;
    auto spec = box.job("command: echo ready; sleep 63\n");
    auto detached = box.jobc("submit --detach " + shell_quote(spec.string()));
    REQUIRE(detached.status == 0);
    std::string id = detached.out.substr(0, detached.out.find('\n'));
    for (int i = 0; i < 200 && box.run(id)["status"] != "Running"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string db = (box.home() / "runs.db").string();
    auto pid = jobc::testing::run_sql(db, "select monitor_pid from runs").out;
    REQUIRE(!pid.empty());
    int monitor = std::stoi(pid);
    REQUIRE(monitor > 1);  // never signal a process group by accident
    kill(monitor, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto run = box.run(id);
    CHECK(run["status"] == "Failed");
    CHECK(run["reason"].get<std::string>().find("is gone") != std::string::npos);
    CHECK(!process_running("sleep 63"));
  }

  TEST_CASE("mpi with 2 processes runs 2 ranks through mpirun") {
    Sandbox box;
    box.code("ranks.sh", "echo \"rank $OMPI_COMM_WORLD_RANK of $OMPI_COMM_WORLD_SIZE\"\n");
    auto spec = box.job(
        "code: src\ncommand: bash ranks.sh\n"
        "distribution: {type: mpi, process_count_per_instance: 2}\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("rank 0 of 2") != std::string::npos);
    CHECK(result.out.find("rank 1 of 2") != std::string::npos);
  }

  TEST_CASE("pytorch distribution starts one process per rank with the rendezvous variables") {
    Sandbox box;
    auto spec = box.job(
        "command: echo \"rank=$RANK local=$LOCAL_RANK world=$WORLD_SIZE "
        "master=$MASTER_ADDR:$MASTER_PORT\"\n"
        "distribution: {type: pytorch, process_count_per_instance: 2}\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(result.status == 0);
    CHECK(result.out.find("rank=0 local=0 world=2 master=127.0.0.1:29500") != std::string::npos);
    CHECK(result.out.find("rank=1 local=1 world=2") != std::string::npos);
  }

  TEST_CASE("more than one instance is refused, naming the backends that can") {
    Sandbox box;
    auto spec = box.job("command: echo\nresources: {instance_count: 2}\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(result.status == 1);
    CHECK(result.err.find("the local backend runs one instance") != std::string::npos);
    CHECK(result.err.find("Slurm") != std::string::npos);
    CHECK(box.runs().empty());
  }

  TEST_CASE("two submits at once get distinct runs and both complete") {
    Sandbox box;
    auto spec = box.job("code: src\ncommand: cat data.txt\n");
    box.code("data.txt", "shared code\n");
    ChildProcess first({"submit", "--stream", spec.string()}, box.home());
    ChildProcess second({"submit", "--stream", spec.string()}, box.home());
    CHECK_MESSAGE(first.wait(60) == 0, first.output());
    CHECK_MESSAGE(second.wait(60) == 0, second.output());
    auto runs = box.runs();
    REQUIRE(runs.size() == 2);
    CHECK(runs[0]["id"] != runs[1]["id"]);
    CHECK(runs[0]["status"] == "Completed");
    CHECK(runs[1]["status"] == "Completed");
  }

  TEST_CASE("local input paths reach the job") {
    Sandbox box;
    fs::create_directories(box.dir.path / "data");
    std::ofstream(box.dir.path / "data/rows.csv") << "a,b\n";
    auto spec = box.job(
        "command: cat ${{inputs.table}}/rows.csv\n"
        "inputs:\n  table: {type: uri_folder, path: data}\n");
    auto result = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(result.status == 0);
    CHECK(result.out.find("a,b") != std::string::npos);
  }

  TEST_CASE("--rebuild is documented, and says it does nothing on the local backend") {
    Sandbox box;
    CHECK(box.jobc("submit --help").out.find("--rebuild") != std::string::npos);
    auto spec = box.job("command: echo done\n");
    auto result = box.jobc("submit --stream --rebuild " + shell_quote(spec.string()));
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.err.find("--rebuild: the local backend builds no image") != std::string::npos);
  }

  TEST_CASE("a job its backend cannot prepare leaves no run behind: no record, no folder") {
    Sandbox box;
    box.code("train.py", "print(1)\n");
    auto spec = box.job("code: src\ncommand: python train.py\n");
    auto nothing_left = [&] {
      CHECK(box.runs().empty());
      CHECK(fs::is_empty(box.home() / "runs"));
    };
    // docker: no engine.
    auto docker = jobc::testing::run_command(
        "DOCKER_HOST=unix://" + shell_quote((box.dir.path / "none.sock").string()) +
        " JOBC_HOME=" + shell_quote(box.home().string()) + " " +
        jobc::testing::jobc_command("submit --stream --compute docker " +
                                    shell_quote(spec.string())));
    CHECK(docker.status == 2);
    CHECK(docker.err.find("no Docker engine") != std::string::npos);
    nothing_left();
    // slurm: no token.
    std::ofstream(box.dir.path / "hpc.yml")
        << "name: hpc\ntype: slurm\nendpoint: http://127.0.0.1:1\nuser: u\nstaging_dir: "
        << (box.dir.path / "stage").string() << "\ntoken_env: JOBC_TEST_NO_SUCH_TOKEN\n";
    auto slurm =
        box.jobc("submit --stream --compute " + shell_quote((box.dir.path / "hpc.yml").string()) +
                 " " + shell_quote(spec.string()));
    CHECK(slurm.status == 2);
    CHECK(slurm.err.find("JOBC_TEST_NO_SUCH_TOKEN") != std::string::npos);
    nothing_left();
    // The code cannot be read: a link leads out of its folder (refused as compile refuses it).
    fs::create_symlink("/etc/hostname", box.dir.path / "src/outside");
    auto local = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(local.status == 1);
    CHECK(local.err.find("'outside' is a symbolic link to '/etc/hostname'") != std::string::npos);
    nothing_left();
  }

  TEST_CASE("runs list filters and rejects unknown statuses") {
    Sandbox box;
    auto spec = box.job("command: echo hi\nexperiment_name: filtered\n");
    REQUIRE(box.jobc("submit --stream " + shell_quote(spec.string())).status == 0);
    CHECK(box.jobc("runs list --output json --experiment filtered").out.find("filtered") !=
          std::string::npos);
    CHECK(nlohmann::json::parse(box.jobc("runs list --output json --status Failed").out).empty());
    CHECK(box.jobc("runs list --status Done").status == 2);
    CHECK(box.jobc("runs list").out.find("filtered") != std::string::npos);
    CHECK(box.jobc("runs show no-such-run").status == 2);
  }

  TEST_CASE("a bare file name in the current folder and an empty code folder work") {
    Sandbox box;
    box.job("code: src\ncommand: echo from-empty-code\n");
    auto result =
        jobc::testing::run_command("cd " + shell_quote(box.dir.path.string()) +
                                   " && JOBC_HOME=" + shell_quote(box.home().string()) + " " +
                                   jobc::testing::jobc_command("submit --stream job.yml"));
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("from-empty-code") != std::string::npos);
  }

  TEST_CASE("a job never sees the registry password jobc reads for its environment") {
    Sandbox box;
    fs::create_directories(box.dir.path / "src");
    std::ofstream(box.dir.path / "job.yml")
        << "command: env; echo ready; sleep 2\n"
           "environment:\n  image: registry.example.com/team/base:1\n"
           "  registry: {address: registry.example.com, username: u, "
           "password_env: JOBC_TEST_REGISTRY_PASSWORD}\n";
    std::string id = box.submit_detached(box.dir.path / "job.yml",
                                         "JOBC_TEST_REGISTRY_PASSWORD=s3cret-registry-value");
    // Nor does the monitor, which has no use for it.
    std::string monitor_environment =
        slurp("/proc/" + std::to_string(box.monitor_of(id)) + "/environ");
    CHECK(monitor_environment.find("s3cret-registry-value") == std::string::npos);
    CHECK(monitor_environment.find("JOBC_HOME=") != std::string::npos);  // it is readable
    auto logs = box.jobc("runs logs --follow " + id);
    CHECK(logs.out.find("JOBC_RUN_ID=" + id) != std::string::npos);  // the job printed `env`
    CHECK(logs.out.find("JOBC_TEST_REGISTRY_PASSWORD") == std::string::npos);
    CHECK(logs.out.find("s3cret-registry-value") == std::string::npos);
    CHECK(box.run(id)["status"] == "Completed");
  }

  TEST_CASE("a job that ends while its monitor is dead is recorded with its own exit code") {
    for (int code : {0, 3}) {
      CAPTURE(code);
      Sandbox box;
      auto spec = box.job("command: echo ready; sleep 2; exit " + std::to_string(code) + "\n");
      std::string id = box.submit_detached(spec);
      kill(box.monitor_of(id), SIGKILL);
      // No jobc looks at the run until its job has ended on its own.
      REQUIRE(none_left_with("JOBC_RUN_ID=" + id, 30));
      auto run = box.run(id);
      CHECK(run["status"] == (code == 0 ? "Completed" : "Failed"));
      CHECK(run["exit_code"] == code);
      CHECK(run["reason"].get<std::string>().find("is gone") != std::string::npos);
      CHECK(box.jobc("runs list").out.find(code == 0 ? "Completed" : "Failed") !=
            std::string::npos);
    }
  }

  TEST_CASE("runs cancel stops the processes a job moved out of its group, monitor alive or not") {
    for (bool monitor_killed : {false, true}) {
      CAPTURE(monitor_killed);
      Sandbox box;
      // A process in a session of its own, a daemon (double-forked, in its own session), and
      // a double-forked daemon that also cleared its environment (only `token` in it).
      std::string token = "JOBC_TEST_DAEMON=" + box.dir.path.filename().string();
      auto spec =
          box.job("command: setsid sleep 300 & (setsid sh -c 'sleep 301 & sleep 302' &); (env -i " +
                  token + " setsid sleep 304 &); sleep 0.5; echo ready; sleep 303\n");
      std::string id = box.submit_detached(spec);
      std::string marker = "JOBC_RUN_ID=" + id;
      REQUIRE(processes_with(marker).size() >= 4);
      REQUIRE(processes_with(token).size() == 1);
      if (monitor_killed) kill(box.monitor_of(id), SIGKILL);
      auto cancel = box.jobc("runs cancel " + id);
      CHECK_MESSAGE(cancel.status == 0, cancel.err);
      CHECK(none_left_with(marker, 5));
      CHECK(box.run(id)["status"] == (monitor_killed ? "Failed" : "Canceled"));
      if (!monitor_killed) {
        // The monitor, a child subreaper, adopted it when its parent exited.
        CHECK(none_left_with(token, 5));
      } else {
        // Out of reach once the monitor is gone (no marker, not in the group, init's child):
        // documented. Stopped here by its pid.
        for (pid_t escaped : processes_with(token)) kill(escaped, SIGKILL);
      }
    }
  }

  TEST_CASE("a jobc submit killed while it prepares a run leaves nothing a later command keeps") {
    Sandbox box;
    box.code("train.py", "print(1)\n");
    auto spec = box.job("code: src\ncommand: python train.py\n");
    // A Docker engine that never answers: jobc submit waits in its first request, with the
    // run's folder (code, compiled files) written and not recorded yet.
    fs::path socket_path = box.dir.path / "silent.sock";
    int silent = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
    REQUIRE(bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(silent, 4) == 0);
    setenv("DOCKER_HOST", ("unix://" + socket_path.string()).c_str(), 1);
    ChildProcess submit({"submit", "--compute", "docker", spec.string()}, box.home());
    unsetenv("DOCKER_HOST");
    auto claimed = [&] {
      std::error_code ec;
      for (const auto& run : fs::directory_iterator(box.home() / "runs", ec)) {
        if (fs::exists(run.path() / "work/train.py")) return true;
      }
      return false;
    };
    for (int i = 0; i < 1000 && !claimed(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(claimed());
    submit.signal(SIGKILL);
    submit.wait(5);
    close(silent);
    auto list = box.jobc("runs list");
    CHECK(list.status == 0);
    CHECK_MESSAGE(list.err.find("warning") == std::string::npos, list.err);
    CHECK(fs::is_empty(box.home() / "runs"));
  }
}
