// `jobc submit --compute docker` end to end, on the real Docker engine and private registry
// that tests/infra/docker_up.sh starts (its settings are read from $STATE/env). Without an
// engine answering, every test here is skipped with a message saying how to start one.
//   (a) a base image with user-managed dependencies   (d) a 2-rank mpi job in one container
//   (b) a custom Dockerfile with RUN apt-get install    (e) failing, timed-out, canceled jobs
//   (c) the private registry: right, wrong, no password (f) no rebuild of an unchanged image
//   (g) inputs: an https:// download, ro_mount and rw_mount
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "backends/docker/engine_client.h"
#include "backends/docker/registry_auth.h"
#include "common/child_process.h"
#include "common/https_server.h"
#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using jobc::testing::ChildProcess;
using jobc::testing::shell_quote;
using jobc::testing::slurp;

namespace {

fs::path state_file() {
  const char* dir = std::getenv("JOBC_DOCKER_TEST_STATE");
  return fs::path(dir && *dir ? dir : "/run/jobc-docker-test") / "env";
}

// What docker_up.sh wrote, plus a client of the engine it started.
struct Infra {
  std::map<std::string, std::string> vars;
  std::unique_ptr<jobc::docker::EngineClient> engine;

  const std::string& operator[](const std::string& key) const { return vars.at(key); }
  std::string password() const {
    std::string text = slurp(vars.at("JOBC_TEST_REGISTRY_PASSWORD_FILE"));
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
  }
  json get(const std::string& path) const {
    auto response = engine->call("GET", path);
    REQUIRE_MESSAGE((response && response->ok()), engine->describe_failure(response));
    return json::parse(response->body);
  }
  size_t image_count() const { return get("/images/json?all=1").size(); }
  bool has_image(const std::string& name) const {
    auto exists = engine->image_exists(name);
    return exists && *exists;
  }
  void remove_image(const std::string& name) const {
    (void)engine->call("DELETE", "/images/" + name + "?force=1");  // gone already is fine
  }
  size_t containers_of(const std::string& run_id) const {
    json filters = {{"label", {"org.jobc.run-id=" + run_id}}};
    return get("/containers/json?all=1&filters=" + jobc::url_encode(filters.dump())).size();
  }
};

// The infrastructure, or nullopt after saying why the tests skip.
std::optional<Infra> infra() {
  Infra infra;
  std::ifstream in(state_file());
  std::string line;
  while (std::getline(in, line)) {
    auto equals = line.find('=');
    if (line.empty() || line[0] == '#' || equals == std::string::npos) continue;
    infra.vars[line.substr(0, equals)] = line.substr(equals + 1);
  }
  std::string address = infra.vars.count("JOBC_TEST_DOCKER_HOST")
                            ? infra.vars["JOBC_TEST_DOCKER_HOST"]
                            : "unix:///var/run/docker.sock";
  auto endpoint = jobc::docker::parse_engine_address(address);
  REQUIRE(endpoint);
  infra.engine =
      std::make_unique<jobc::docker::EngineClient>(jobc::make_curl_transport(), *endpoint);
  if (jobc::Status connected = infra.engine->connect(); !connected) {
    MESSAGE("skipped: " << connected.error().message
                        << "; the test infrastructure: sudo tests/infra/docker_up.sh");
    return std::nullopt;
  }
  if (!infra.vars.count("JOBC_TEST_PYTHON_IMAGE")) {
    MESSAGE("skipped: an engine answers but "
            << state_file() << " is missing: run `sudo tests/infra/docker_up.sh`");
    return std::nullopt;
  }
  return infra;
}

#define REQUIRE_INFRA()  \
  auto infra_ = infra(); \
  if (!infra_) return;   \
  const Infra& infra = *infra_

std::string nonce() {
  std::random_device device;
  return std::to_string(device()) + std::to_string(device());
}

// A job folder and a private JOBC_HOME.
struct Sandbox {
  jobc::testing::TempDir dir;
  fs::path home() const { return dir.path / "home"; }
  fs::path job(const std::string& yaml, const std::string& name = "job.yml") const {
    fs::create_directories(dir.path / "src");
    if (!fs::exists(dir.path / "src/.keep")) std::ofstream(dir.path / "src/.keep") << "";
    std::ofstream(dir.path / name) << yaml;
    return dir.path / name;
  }
  void file(const std::string& relative, const std::string& text) const {
    fs::create_directories((dir.path / relative).parent_path());
    std::ofstream(dir.path / relative) << text;
  }
  jobc::testing::CommandResult jobc(const std::string& args, const std::string& env = "") const {
    return jobc::testing::run_command(env + " JOBC_HOME=" + shell_quote(home().string()) + " " +
                                      jobc::testing::jobc_command(args));
  }
  jobc::testing::CommandResult submit(const fs::path& spec, const std::string& env = "") const {
    return jobc("submit --stream --compute docker " + shell_quote(spec.string()), env);
  }
  // `jobc submit --detach --compute docker SPEC`, then waits until the job prints "ready".
  std::string start_until_ready(const fs::path& spec) const {
    auto detached = jobc("submit --detach --compute docker " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(detached.status == 0, detached.err);
    std::string id = detached.out.substr(0, detached.out.find('\n'));
    fs::path log = run_dir(id) / "std_log.txt";
    for (int i = 0; i < 300 && slurp(log).find("ready") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(slurp(log).find("ready") != std::string::npos);
    return id;
  }
  json runs() const { return json::parse(jobc("runs list --output json").out); }
  json run(const std::string& id) const {
    return json::parse(jobc("runs show --output json " + id).out);
  }
  std::string only_run_id() const {
    auto all = runs();
    REQUIRE(all.size() >= 1);
    return all[0]["id"];
  }
  fs::path run_dir(const std::string& id) const { return home() / "runs" / id; }
  // The image tag jobc builds for the spec's environment (from `jobc compile`'s manifest).
  std::string image_tag(const fs::path& spec) const {
    fs::path out = dir.path / ("compiled-" + nonce());
    auto result =
        jobc("compile " + shell_quote(spec.string()) + " -o " + shell_quote(out.string()));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    return json::parse(slurp(out / "manifest.json"))["environment"]["image"];
  }
  // Waits until the run reaches a final status (bounded).
  json wait_final(const std::string& id, double seconds) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    json run;
    while (std::chrono::steady_clock::now() < deadline) {
      run = this->run(id);
      std::string status = run["status"];
      if (status == "Completed" || status == "Failed" || status == "Canceled") return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return run;
  }
};

std::string python_job(const Infra& infra, const std::string& rest) {
  return "code: src\nenvironment: {image: " + infra["JOBC_TEST_PYTHON_IMAGE"] + "}\n" + rest;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// Every file under `root` (recursively) whose bytes contain `needle`.
std::vector<std::string> files_containing(const fs::path& root, const std::string& needle) {
  std::vector<std::string> hits;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    if (slurp(it->path()).find(needle) != std::string::npos) hits.push_back(it->path().string());
  }
  return hits;
}

// Watches every process's argument list while it runs; remembers any holding `needle`.
class CmdlineWatch {
 public:
  explicit CmdlineWatch(std::string needle) : needle_(std::move(needle)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        std::error_code ec;
        for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
          std::string name = it->path().filename();
          if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
          std::string cmdline = slurp(it->path() / "cmdline");
          ++scanned_;
          if (cmdline.find(needle_) != std::string::npos) {
            std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
            std::lock_guard lock(mutex_);
            hits_.push_back(name + ": " + cmdline);
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  ~CmdlineWatch() { finish(); }
  std::vector<std::string> finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    return hits_;
  }
  long scanned() const { return scanned_; }

 private:
  std::string needle_;
  std::atomic<bool> stop_{false};
  std::atomic<long> scanned_{0};
  std::mutex mutex_;
  std::vector<std::string> hits_;
  std::thread thread_;
};

// Runs `jobc submit --stream --compute docker SPEC` with extra environment variables passed
// through the environment (never through a shell command line).
int submit_with_env(const Sandbox& box, const fs::path& spec,
                    const std::map<std::string, std::string>& env, std::string& output) {
  for (const auto& [key, value] : env) setenv(key.c_str(), value.c_str(), 1);
  ChildProcess child({"submit", "--stream", "--compute", "docker", spec.string()}, box.home());
  for (const auto& [key, value] : env) unsetenv(key.c_str());
  int status = child.wait(300);
  output = child.output();
  return status;
}

}  // namespace

TEST_SUITE("docker") {
  TEST_CASE("a missing engine is a clear error saying how to start one") {
    Sandbox box;
    auto spec = box.job("command: echo hi\nenvironment: {image: local/debian:bookworm}\n");
    auto result = box.submit(spec, "DOCKER_HOST=unix:///nonexistent/docker.sock");
    CHECK(result.status == 2);
    CHECK(result.err.find("no Docker engine at unix:///nonexistent/docker.sock") !=
          std::string::npos);
    CHECK(result.err.find("systemctl start docker") != std::string::npos);
    CHECK(box.runs().empty());
    CHECK(fs::is_empty(box.home() / "runs"));  // no folder left behind either
  }

  TEST_CASE("an MLflow script in a container without a network records into its run") {
    REQUIRE_INFRA();
    Sandbox box;
    // The test stand-in for MLflow's client (MLflow cannot be installed here), shipped with
    // the code as a package of the job would be.
    for (const char* file : {"__init__.py", "exceptions.py"}) {
      box.file(
          std::string("src/mlflow/") + file,
          slurp(fs::path(JOBC_SOURCE_DIR) / "tests/runs/tracking/mlflow_standin/mlflow" / file));
    }
    box.file("src/train.py",
             "import os, mlflow\n"
             "print('net', ' '.join(sorted(os.listdir('/sys/class/net'))))\n"
             "print('uri', os.environ['MLFLOW_TRACKING_URI'])\n"
             "with mlflow.start_run() as run:\n"
             "    mlflow.log_param('lr', 0.1)\n"
             "    for step in range(3):\n"
             "        mlflow.log_metric('loss', 1.0 / (step + 1), step=step)\n"
             "    open('w.txt', 'w').write('7')\n"
             "    mlflow.log_artifact('w.txt', 'model')\n"
             "print('logged', flush=True)\n");
    auto spec = box.job(python_job(infra, "command: python3 train.py\n"));
    auto result = box.submit(spec);
    REQUIRE_MESSAGE(result.status == 0, std::string(result.out + result.err));
    CHECK(result.out.find("net lo\n") != std::string::npos);  // still no network
    CHECK(result.out.find("uri http://127.0.0.1:5000") != std::string::npos);
    CHECK(result.out.find("logged") != std::string::npos);
    std::string id = box.only_run_id();
    auto metrics = box.jobc("runs metrics " + id + " loss --output csv");
    REQUIRE(metrics.status == 0);
    CHECK(metrics.out.find("loss,2,0.3333333333333333,") != std::string::npos);
    CHECK(box.run(id)["params"]["lr"] == "0.1");
    CHECK(slurp(box.run_dir(id) / "work/outputs/model/w.txt") == "7");
  }

  TEST_CASE("a sweep runs its trials in containers and ranks them by what they logged") {
    REQUIRE_INFRA();
    Sandbox box;
    for (const char* file : {"__init__.py", "exceptions.py"}) {
      box.file(
          std::string("src/mlflow/") + file,
          slurp(fs::path(JOBC_SOURCE_DIR) / "tests/runs/tracking/mlflow_standin/mlflow" / file));
    }
    box.file("src/train.py",
             "import os, sys, mlflow\n"
             "lr = float(sys.argv[1])\n"
             "print('net', ' '.join(sorted(os.listdir('/sys/class/net'))), 'lr', lr)\n"
             "with mlflow.start_run():\n"
             "    for step in range(3):\n"
             "        mlflow.log_metric('loss', abs(lr - 0.2) + 1.0 / (step + 1), step=step)\n");
    auto spec = box.job(
        "$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json\n"
        "type: sweep\n"
        "trial:\n"
        "  code: src\n"
        "  command: python3 train.py ${{search_space.lr}}\n"
        "  environment: {image: " +
        infra["JOBC_TEST_PYTHON_IMAGE"] +
        "}\n"
        "search_space:\n"
        "  lr: {type: choice, values: [0.5, 0.2, 0.9]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 3, max_concurrent_trials: 2}\n");
    auto result = box.submit(spec);
    REQUIRE_MESSAGE(result.status == 0, std::string(result.out + result.err));
    std::string id = box.only_run_id();
    json shown = box.run(id);
    CHECK(shown["status"] == "Completed");
    CHECK(shown["backend"] == "docker");
    json trials = shown["sweep"]["trials"];
    REQUIRE(trials.size() == 3);
    CHECK(trials[0]["parameters"]["lr"] == 0.2);  // best first
    CHECK(trials[0]["metric"].get<double>() == doctest::Approx(1.0 / 3));
    CHECK(shown["sweep"]["best_trial"] == trials[0]["run_id"]);
    for (const json& trial : trials) {
      CHECK(trial["status"] == "Completed");
      std::string log = box.jobc("runs logs " + std::string(trial["run_id"])).out;
      CHECK(log.find("net lo lr") != std::string::npos);  // each in a container, no network
      CHECK(infra.containers_of(trial["run_id"]) == 0);
    }
    CHECK(result.out.find("best trial: ") != std::string::npos);
  }

  TEST_CASE("(a) a job on a base image with user-managed dependencies") {
    REQUIRE_INFRA();
    Sandbox box;
    box.file(
        "src/train.py",
        "import os, sys\n"
        "print('python', sys.version_info[0], 'in', os.getcwd(), flush=True)\n"
        "print('greeting', os.environ['GREETING'])\n"
        "print('rows', open(os.path.join(os.environ['JOBC_INPUT_table'], "
        "'rows.csv')).read().strip())\n"
        "print('net', ' '.join(sorted(os.listdir('/sys/class/net'))))\n"
        "st = os.statvfs('/dev/shm'); print('shm', st.f_blocks * st.f_frsize // 2**20, 'MiB')\n"
        "print('to stderr', file=sys.stderr)\n"
        "os.makedirs('outputs/model', exist_ok=True)\n"
        "open('outputs/model/weights.txt', 'w').write('42')\n"
        "open('logs/train.log', 'w').write('epoch 1')\n");
    box.file("data/rows.csv", "a,b");
    auto spec = box.job(python_job(infra,
                                   "command: python3 train.py\n"
                                   "environment_variables: {GREETING: hello}\n"
                                   "inputs:\n  table: {type: uri_folder, path: data}\n"
                                   "resources: {shm_size: 256m}\n"));
    auto result = box.submit(spec);
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("python 3 in /jobc/run") != std::string::npos);
    CHECK(result.out.find("greeting hello") != std::string::npos);
    CHECK(result.out.find("rows a,b") != std::string::npos);
    CHECK(result.out.find("net lo\n") != std::string::npos);  // network none
    CHECK_MESSAGE(result.out.find("shm 256 MiB") != std::string::npos, result.out);
    CHECK(result.out.find("to stderr") != std::string::npos);
    std::string id = box.only_run_id();
    auto run = box.run(id);
    CHECK(run["status"] == "Completed");
    CHECK(run["backend"] == "docker");
    CHECK(slurp(box.run_dir(id) / "work/outputs/model/weights.txt") == "42");
    CHECK(slurp(box.run_dir(id) / "work/logs/train.log") == "epoch 1");
    CHECK(infra.containers_of(id) == 0);
  }

  TEST_CASE("(a) docker_args --network host gives the job the host's network") {
    REQUIRE_INFRA();
    Sandbox box;
    auto spec = box.job(python_job(infra,
                                   "command: ls /sys/class/net | sort | tr '\\n' ' '\n"
                                   "resources: {docker_args: --network host}\n"));
    auto result = box.submit(spec);
    CHECK_MESSAGE(result.status == 0, result.err);
    auto host = jobc::testing::run_command("ls /sys/class/net | sort | tr '\\n' ' '").out;
    CHECK(result.out.find(host) != std::string::npos);
  }

  TEST_CASE("(a) non_root_user: the job runs as that user and still writes its outputs") {
    REQUIRE_INFRA();
    Sandbox box;
    box.file("src/whoami.py",
             "import os\nprint('uid', os.getuid())\nopen('outputs/done.txt', 'w').write('ok')\n");
    auto spec = box.job("code: src\ncommand: python3 whoami.py\nenvironment: {image: " +
                        infra["JOBC_TEST_PYTHON_IMAGE"] + ", non_root_user: trainer}\n");
    auto result = box.submit(spec);
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("uid 1000") != std::string::npos);
    CHECK(slurp(box.run_dir(box.only_run_id()) / "work/outputs/done.txt") == "ok");
  }

  TEST_CASE("(b) a custom Dockerfile from a build context with RUN apt-get install") {
    REQUIRE_INFRA();
    Sandbox box;
    box.file("context/Dockerfile", "FROM " + infra["JOBC_TEST_BASE_IMAGE"] +
                                       "\n"
                                       "ENV JOBC_TEST_NONCE=" +
                                       nonce() +
                                       "\n"
                                       "RUN apt-get update \\\n"
                                       " && apt-get install -y --no-install-recommends hello \\\n"
                                       " && rm -rf /var/lib/apt/lists/*\n"
                                       "COPY . /opt/context/\n");
    box.file("context/data.txt", "context data");
    box.file("context/secret.txt", "left out");
    box.file("context/.dockerignore", "secret.txt\n");
    box.file("env.yml", "name: custom\nbuild: {path: context}\n");
    auto spec = box.job(
        "code: src\nenvironment: env.yml\n"
        "command: hello && ls -A /opt/context | tr '\\n' ' ' && cat /opt/context/data.txt\n");
    auto result = box.submit(spec);
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("Hello, world!") != std::string::npos);
    CHECK(result.out.find(".dockerignore .jobc Dockerfile data.txt") != std::string::npos);
    CHECK(result.out.find("secret.txt") == std::string::npos);
    CHECK(result.out.find("context data") != std::string::npos);
    // Plain progress lines (not a terminal): the steps and the tag.
    CHECK(result.err.find("jobc: Step 3/") != std::string::npos);
    CHECK(result.err.find("RUN apt-get update") != std::string::npos);
    CHECK(result.err.find("built jobc-env:") != std::string::npos);
    CHECK(result.err.find("\r") == std::string::npos);
    CHECK(infra.has_image(box.image_tag(spec)));
  }

  TEST_CASE("(b) a failing build step is reported with its command and last output lines") {
    REQUIRE_INFRA();
    Sandbox box;
    box.file("context/Dockerfile", "FROM " + infra["JOBC_TEST_BASE_IMAGE"] +
                                       "\nENV JOBC_TEST_NONCE=" + nonce() +
                                       "\nRUN apt-get install -y jobc-no-such-package\n");
    box.file("env.yml", "name: broken\nbuild: {path: context}\n");
    auto spec = box.job("code: src\nenvironment: env.yml\ncommand: echo never\n");
    auto result = box.submit(spec);
    CHECK(result.status != 0);
    CHECK(result.err.find("failed at step 3/") != std::string::npos);
    CHECK(result.err.find("RUN apt-get install -y jobc-no-such-package") != std::string::npos);
    CHECK(result.err.find("exited with code 100") != std::string::npos);
    CHECK(result.err.find("Unable to locate package jobc-no-such-package") != std::string::npos);
    CHECK(box.runs().empty());
    CHECK(fs::is_empty(box.home() / "runs"));
    CHECK_FALSE(infra.has_image(box.image_tag(spec)));
  }

  TEST_CASE("(b) the custom-dockerfile example builds its generated Dockerfile and trains") {
    REQUIRE_INFRA();
    // The example starts FROM debian:bookworm-slim; no registry is reachable here, so the
    // locally built Debian image stands in under that name.
    auto tagged = infra.engine->call(
        "POST", "/images/" + infra["JOBC_TEST_BASE_IMAGE"] + "/tag?repo=debian&tag=bookworm-slim");
    REQUIRE((tagged && tagged->ok()));
    Sandbox box;
    fs::copy(fs::path(JOBC_SOURCE_DIR) / "examples/custom-dockerfile", box.dir.path / "example",
             fs::copy_options::recursive);
    auto result = box.submit(box.dir.path / "example/job.yml");
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("slope 2.4") != std::string::npos);  // y = 2.5 x - 4 + noise
    CHECK(result.out.find("intercept -4.0") != std::string::npos);
    CHECK(fs::exists(box.run_dir(box.only_run_id()) / "work/outputs/coefficients.npy"));
  }

  TEST_CASE("(c) the private registry with no, a wrong and the right password") {
    REQUIRE_INFRA();
    const std::string image = infra["JOBC_TEST_REGISTRY_IMAGE"];
    const std::string registry = infra["JOBC_TEST_REGISTRY"];
    const std::string password = infra.password();
    REQUIRE(password.size() >= 16);
    Sandbox box;
    box.file("src/train.py",
             "import time\nprint('pulled and running', flush=True)\ntime.sleep(1)\n");
    box.file("dockercfg/config.json", "{}");  // not root's own ~/.docker/config.json
    auto spec = box.job("code: src\ncommand: python3 train.py\nenvironment:\n  image: " + image +
                        "\n  registry:\n    address: " + registry +
                        "\n    username: " + infra["JOBC_TEST_REGISTRY_USER"] +
                        "\n    password_env: JOBC_E2E_REGISTRY_PASSWORD\n");
    std::string tag = box.image_tag(spec);
    auto fresh = [&] {
      infra.remove_image(tag);
      infra.remove_image(image);
      REQUIRE_FALSE(infra.has_image(image));
    };
    std::map<std::string, std::string> cfg = {
        {"DOCKER_CONFIG", (box.dir.path / "dockercfg").string()}};
    std::string output;

    SUBCASE("no password: the unset variable is named") {
      fresh();
      CHECK(submit_with_env(box, spec, cfg, output) == 2);
      CHECK(output.find("takes its password from $JOBC_E2E_REGISTRY_PASSWORD, which is not set") !=
            std::string::npos);
      CHECK_FALSE(infra.has_image(image));
    }
    SUBCASE("no credentials at all: the registry wants a login") {
      fresh();
      auto anonymous = box.job("code: src\ncommand: echo\nenvironment: {image: " + image + "}\n",
                               "anonymous.yml");
      infra.remove_image(box.image_tag(anonymous));
      CHECK(submit_with_env(box, anonymous, cfg, output) == 2);
      CHECK(output.find("the registry " + registry + " wants a login") != std::string::npos);
      CHECK(output.find("password_env") != std::string::npos);
    }
    SUBCASE("a wrong password: the login is refused") {
      fresh();
      auto env = cfg;
      env["JOBC_E2E_REGISTRY_PASSWORD"] = "wrong-" + nonce();
      CHECK(submit_with_env(box, spec, env, output) == 2);
      CHECK(output.find("the registry " + registry + " refused the login of user '" +
                        infra["JOBC_TEST_REGISTRY_USER"] + "' (401 unauthorized)") !=
            std::string::npos);
      CHECK(output.find("$JOBC_E2E_REGISTRY_PASSWORD") != std::string::npos);
      CHECK_FALSE(infra.has_image(image));
    }
    SUBCASE("an unreachable registry is named, with what to check") {
      auto env = cfg;
      env["JOBC_E2E_REGISTRY_PASSWORD"] = "unused";
      auto elsewhere = box.job(
          "code: src\ncommand: echo\nenvironment:\n  image: 127.0.0.1:5999/jobc/python:x\n"
          "  registry: {address: '127.0.0.1:5999', username: u, password_env: "
          "JOBC_E2E_REGISTRY_PASSWORD}\n",
          "unreachable.yml");
      CHECK(submit_with_env(box, elsewhere, env, output) == 2);
      CHECK(output.find("the registry 127.0.0.1:5999 cannot be reached") != std::string::npos);
      CHECK(output.find("connection refused") != std::string::npos);
    }
    SUBCASE("the right password: pulled, run; the password is nowhere jobc wrote") {
      fresh();
      auto env = cfg;
      env["JOBC_E2E_REGISTRY_PASSWORD"] = password;
      CmdlineWatch watch(password);
      int status = submit_with_env(box, spec, env, output);
      auto cmdline_hits = watch.finish();
      CHECK_MESSAGE(status == 0, output);
      CHECK(output.find("pulled and running") != std::string::npos);
      CHECK(output.find("pulling " + image) != std::string::npos);
      CHECK(infra.has_image(image));
      CHECK(watch.scanned() > 100);
      CHECK_MESSAGE(cmdline_hits.empty(), joined(cmdline_hits));
      std::string id = box.only_run_id();
      // JOBC_HOME holds the run store (runs.db), monitor.json, the artifacts, std_log.txt,
      // the snapshots and jobc's own output.
      CHECK(fs::exists(box.home() / "runs.db"));
      CHECK(fs::exists(box.run_dir(id) / "std_log.txt"));
      CHECK(fs::exists(box.run_dir(id) / "artifacts/Dockerfile"));
      auto leaks = files_containing(box.home(), password);
      CHECK_MESSAGE(leaks.empty(), joined(leaks));
      CHECK(files_containing(box.dir.path / "src", password).empty());
      CHECK(output.find(password) == std::string::npos);
      // Nor in the image jobc built.
      json image_info = infra.get("/images/" + tag + "/json");
      CHECK(image_info.dump().find(password) == std::string::npos);
    }
    SUBCASE("password_file, and ~/.docker/config.json auths, work too") {
      fresh();
      box.file("secret/pw", password + "\n");
      auto from_file =
          box.job("code: src\ncommand: python3 train.py\nenvironment:\n  image: " + image +
                      "\n  registry:\n    address: " + registry +
                      "\n    username: " + infra["JOBC_TEST_REGISTRY_USER"] +
                      "\n    password_file: " + (box.dir.path / "secret/pw").string() + "\n",
                  "from_file.yml");
      infra.remove_image(box.image_tag(from_file));
      CHECK_MESSAGE(submit_with_env(box, from_file, cfg, output) == 0, output);
      fresh();
      auto anonymous =
          box.job("code: src\ncommand: python3 train.py\nenvironment: {image: " + image + "}\n",
                  "config_json.yml");
      infra.remove_image(box.image_tag(anonymous));
      std::string auth =
          jobc::docker::base64_encode(infra["JOBC_TEST_REGISTRY_USER"] + ":" + password);
      json config;
      config["auths"]["http://" + registry]["auth"] = auth;
      box.file("dockercfg/config.json", config.dump());
      CHECK_MESSAGE(submit_with_env(box, anonymous, cfg, output) == 0, output);
      CHECK(output.find("pulled and running") != std::string::npos);
    }
  }

  TEST_CASE("(d) a 2-rank mpi job runs both ranks in one container") {
    REQUIRE_INFRA();
    Sandbox box;
    box.file("src/ranks.sh",
             "echo \"rank $OMPI_COMM_WORLD_RANK of $OMPI_COMM_WORLD_SIZE on $(hostname)\"\n");
    auto spec = box.job(python_job(
        infra,
        "command: bash ranks.sh\ndistribution: {type: mpi, process_count_per_instance: 2}\n"));
    auto result = box.submit(spec);
    CHECK_MESSAGE(result.status == 0, (result.err + result.out));
    auto host_of = [&](const std::string& rank) {
      auto at = result.out.find("rank " + rank + " of 2 on ");
      REQUIRE(at != std::string::npos);
      at = result.out.find(" on ", at) + 4;
      return result.out.substr(at, result.out.find('\n', at) - at);
    };
    CHECK(host_of("0") == host_of("1"));
    CHECK(infra.containers_of(box.only_run_id()) == 0);
  }

  TEST_CASE("(e) a failing job fails the run with its exit code; the container is removed") {
    REQUIRE_INFRA();
    Sandbox box;
    auto spec =
        box.job(python_job(infra, "command: echo about to fail; printf 'no newline'; exit 3\n"));
    auto result = box.submit(spec);
    CHECK(result.status == 1);
    CHECK(result.out.find("about to fail\nno newline") != std::string::npos);
    std::string id = box.only_run_id();
    auto run = box.run(id);
    CHECK(run["status"] == "Failed");
    CHECK(run["exit_code"] == 3);
    CHECK(run["reason"] == "exit code 3");
    CHECK(infra.containers_of(id) == 0);
  }

  TEST_CASE("(e) limits.timeout stops the container and fails the run") {
    REQUIRE_INFRA();
    Sandbox box;
    auto spec =
        box.job(python_job(infra, "command: echo started; sleep 60\nlimits: {timeout: 2}\n"));
    auto started = std::chrono::steady_clock::now();
    auto result = box.submit(spec);
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(result.status == 1);
    CHECK(took < std::chrono::seconds(20));  // SIGTERM reaches the job (no 10 s grace wait)
    std::string id = box.only_run_id();
    auto run = box.run(id);
    CHECK(run["status"] == "Failed");
    CHECK(run["reason"].get<std::string>().find("timeout") == 0);
    CHECK(slurp(box.run_dir(id) / "std_log.txt").find("started") != std::string::npos);
    CHECK(infra.containers_of(id) == 0);
  }

  TEST_CASE("(e) jobc runs cancel stops and removes the container") {
    REQUIRE_INFRA();
    Sandbox box;
    auto spec = box.job(python_job(infra, "command: echo ready; sleep 60\n"));
    std::string id = box.start_until_ready(spec);
    CHECK(box.run(id)["status"] == "Running");
    CHECK(infra.containers_of(id) == 1);
    auto started = std::chrono::steady_clock::now();
    CHECK(box.jobc("runs cancel " + id).status == 0);
    auto run = box.wait_final(id, 30);
    CHECK(run["status"] == "Canceled");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
    for (int i = 0; i < 100 && infra.containers_of(id) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(infra.containers_of(id) == 0);
  }

  TEST_CASE("(e) with its monitor killed, jobc runs cancel still removes the container") {
    REQUIRE_INFRA();
    Sandbox box;
    auto spec = box.job(python_job(infra, "command: echo ready; sleep 62\n"));
    std::string id = box.start_until_ready(spec);
    auto killed = jobc::testing::run_command(
        "pkill -KILL -f " + shell_quote("[_]_monitor " + box.run_dir(id).string()));
    REQUIRE(killed.status == 0);
    CHECK(infra.containers_of(id) == 1);
    CHECK(box.jobc("runs cancel " + id).status == 0);
    // Every jobc runs command first reconciles: the run failed when its monitor died.
    json run = box.run(id);
    CHECK(run["status"] == "Failed");
    CHECK(run["reason"].get<std::string>().find("the job was stopped") != std::string::npos);
    CHECK(infra.containers_of(id) == 0);
  }

  TEST_CASE("(e) Ctrl-C while streaming cancels the run and removes the container") {
    REQUIRE_INFRA();
    Sandbox box;
    auto spec = box.job(python_job(infra, "command: echo ready; sleep 61\n"));
    ChildProcess submit({"submit", "--stream", "--compute", "docker", spec.string()}, box.home());
    REQUIRE(submit.wait_for_output("ready", 60));
    std::string id = box.only_run_id();
    submit.signal(SIGINT);
    CHECK(submit.wait(30) == 130);
    CHECK(box.run(id)["status"] == "Canceled");
    CHECK(infra.containers_of(id) == 0);
  }

  TEST_CASE("(f) an unchanged environment, and a code-only change, build nothing") {
    REQUIRE_INFRA();
    Sandbox box;
    box.file("context/Dockerfile",
             "FROM " + infra["JOBC_TEST_PYTHON_IMAGE"] + "\nENV JOBC_TEST_NONCE=" + nonce() + "\n");
    box.file("env.yml", "name: cached\nbuild: {path: context}\n");
    box.file("src/main.py", "print('version 1')\n");
    auto spec = box.job("code: src\nenvironment: env.yml\ncommand: python3 main.py\n");
    auto first = box.submit(spec);
    REQUIRE_MESSAGE(first.status == 0, first.err);
    CHECK(first.err.find("built jobc-env:") != std::string::npos);
    size_t images = infra.image_count();

    auto second = box.submit(spec);
    CHECK_MESSAGE(second.status == 0, second.err);
    CHECK(second.err.find("is up to date") != std::string::npos);
    CHECK(second.err.find("building") == std::string::npos);
    CHECK(infra.image_count() == images);

    box.file("src/main.py", "print('version 2')\n");
    auto third = box.submit(spec);
    CHECK_MESSAGE(third.status == 0, third.err);
    CHECK(third.out.find("version 2") != std::string::npos);
    CHECK(third.err.find("is up to date") != std::string::npos);
    CHECK(infra.image_count() == images);

    auto forced =
        box.jobc("submit --stream --rebuild --compute docker " + shell_quote(spec.string()));
    CHECK_MESSAGE(forced.status == 0, forced.err);
    CHECK(forced.err.find("built jobc-env:") != std::string::npos);
  }

  TEST_CASE("(g) an https input is downloaded and mounted; ro_mount is read-only, rw_mount not") {
    REQUIRE_INFRA();
    jobc::testing::HttpsServer server;
    server.serve("weights.txt", "from the web\n", "\"w1\"");
    Sandbox box;
    box.file("ro.txt", "original\n");
    box.file("rw.txt", "original\n");
    auto spec =
        box.job(python_job(infra,
                           "command: >-\n"
                           "  cat ${{inputs.web}}; echo at=$JOBC_INPUT_web;\n"
                           "  (echo x >>${{inputs.web}}) 2>/dev/null || echo web-read-only;\n"
                           "  (echo x >${{inputs.ro}}) 2>/dev/null || echo ro-read-only;\n"
                           "  echo changed >${{inputs.rw}} && echo rw-written\n"
                           "inputs:\n"
                           "  web: {type: uri_file, path: '" +
                               server.url("/weights.txt") +
                               "'}\n"
                               "  ro: {type: uri_file, path: ro.txt, mode: ro_mount}\n"
                               "  rw: {type: uri_file, path: rw.txt, mode: rw_mount}\n"));
    auto result = box.submit(spec, "CURL_CA_BUNDLE=" + shell_quote(server.ca_file().string()));
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("from the web") != std::string::npos);
    CHECK(result.out.find("at=/jobc/inputs/web/weights.txt") != std::string::npos);
    CHECK(result.out.find("web-read-only") != std::string::npos);
    CHECK(result.out.find("ro-read-only") != std::string::npos);
    CHECK(result.out.find("rw-written") != std::string::npos);
    CHECK(slurp(box.dir.path / "ro.txt") == "original\n");
    CHECK(slurp(box.dir.path / "rw.txt") == "changed\n");
  }
}
