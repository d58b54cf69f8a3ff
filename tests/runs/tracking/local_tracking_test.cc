// A local job that logs with MLflow's API records into its jobc run: the monitor serves the
// run's tracking endpoint (jobc-server track), the job finds it through MLflow's variables,
// and the token that guards it is nowhere but in the job's environment.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/jobc_sandbox.h"
#include "common/run_command.h"

namespace fs = std::filesystem;
using jobc::testing::slurp;

namespace {

// The test stand-in for MLflow's client (MLflow cannot be installed here): see its README.
const std::string kStandIn = JOBC_SOURCE_DIR "/tests/runs/tracking/mlflow_standin";

const char* kTrain = R"PY(
import json, os, sys, urllib.request, urllib.error
import mlflow
from mlflow.exceptions import MlflowException

# The test reads the token back to prove it is written nowhere else.
open(os.environ["TOKEN_OUT"], "w").write(os.environ["MLFLOW_TRACKING_TOKEN"])
print("experiment", os.environ["MLFLOW_EXPERIMENT_NAME"], flush=True)
with mlflow.start_run() as run:
    mlflow.log_param("lr", 0.01)
    mlflow.log_params({"epochs": 3, "optimizer": "adam"})
    for step in range(3):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=2)
    mlflow.set_tag("model", "cnn")
    open("weights.txt", "w").write("42")
    mlflow.log_artifact("weights.txt", "model")
    history = mlflow.MlflowClient().get_metric_history(run.info.run_id, "loss")
    print("history", len(history), flush=True)
    try:
        mlflow.log_param("lr", 0.02)
    except MlflowException as error:
        print("refused", error.error_code, flush=True)
    request = urllib.request.Request(
        os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/get?run_id=" + run.info.run_id,
        headers={"Authorization": "Bearer not-the-token"})
    try:
        urllib.request.urlopen(request)
    except urllib.error.HTTPError as error:
        print("wrong token", error.code, flush=True)
)PY";

}  // namespace

TEST_SUITE("tracking") {
  TEST_CASE("an unchanged MLflow script on the local backend records metrics, params and tags") {
    jobc::testing::JobcSandbox box;
    fs::create_directories(box.dir.path / "src");
    std::ofstream(box.dir.path / "src" / "train.py") << kTrain;
    fs::path token_file = box.dir.path / "token.txt";
    auto spec = box.job(
        "command: python3 train.py\ncode: src\nexperiment_name: mnist\n"
        "environment_variables:\n  PYTHONPATH: " +
        kStandIn + "\n  TOKEN_OUT: " + token_file.string() + "\n");
    auto result = box.jobc("submit --stream " + jobc::testing::shell_quote(spec.string()));
    REQUIRE_MESSAGE(result.status == 0, std::string(result.out + result.err));
    CHECK(result.out.find("experiment mnist") != std::string::npos);
    CHECK(result.out.find("history 3") != std::string::npos);
    CHECK(result.out.find("refused INVALID_PARAMETER_VALUE") != std::string::npos);
    CHECK(result.out.find("wrong token 401") != std::string::npos);

    auto list = nlohmann::json::parse(box.jobc("runs list --output json").out);
    REQUIRE(list.size() == 1);
    std::string id = list[0]["id"];
    std::string db = (box.home() / "runs.db").string();
    auto sql = [&](const std::string& query) { return jobc::testing::run_sql(db, query).out; };
    CHECK(sql("select group_concat(step || '=' || value, ' ') from (select * from metrics "
              "where run_id = '" +
              id + "' and key = 'loss' order by step)") == "0=1.0 1=0.5 2=0.333333333333333\n");
    CHECK(sql("select group_concat(key || '=' || value, ' ') from (select * from params where "
              "run_id = '" +
              id + "' order by key)") == "epochs=3 lr=0.01 optimizer=adam\n");
    CHECK(sql("select value from tags where run_id = '" + id + "' and key = 'model'") == "cnn\n");
    fs::path run_dir = box.home() / "runs" / id;
    CHECK(slurp(run_dir / "work" / "outputs" / "model" / "weights.txt") == "42");

    // What the runs commands show of it.
    auto show = nlohmann::json::parse(box.jobc("runs show --output json " + id).out);
    CHECK(show["params"] == nlohmann::json{{"epochs", "3"}, {"lr", "0.01"}, {"optimizer", "adam"}});
    CHECK(show["metrics"]["acc"] == 0.9);
    CHECK(show["metrics"]["loss"] == doctest::Approx(1.0 / 3));
    CHECK(show["tags"]["model"] == "cnn");
    auto csv = box.jobc("runs metrics " + id + " loss acc --output csv");
    REQUIRE(csv.status == 0);
    std::vector<std::string> lines;
    for (size_t at = 0, next; (next = csv.out.find('\n', at)) != std::string::npos; at = next + 1) {
      std::string line = csv.out.substr(at, next - at);
      lines.push_back(line.substr(0, line.rfind(',')));  // without the timestamp
    }
    CHECK(lines == std::vector<std::string>{"key,step,value", "loss,0,1", "loss,1,0.5",
                                            "loss,2,0.3333333333333333", "acc,2,0.9"});
    auto typo = box.jobc("runs metrics " + id + " los");
    CHECK(typo.status == 2);
    CHECK(typo.err.find("did you mean 'loss'?") != std::string::npos);

    std::string token = slurp(token_file);
    REQUIRE(token.size() == 64);
    for (const auto& entry : fs::recursive_directory_iterator(box.home())) {
      if (!entry.is_regular_file()) continue;
      CAPTURE(entry.path());
      CHECK(slurp(entry.path()).find(token) == std::string::npos);
    }
    CHECK(result.out.find(token) == std::string::npos);
    CHECK(result.err.find(token) == std::string::npos);

    // A deleted run's metrics go with it.
    REQUIRE(box.jobc("runs delete " + id).status == 0);
    CHECK(sql("select count(*) from metrics where run_id = '" + id + "'") == "0\n");
    CHECK(sql("select count(*) from params where run_id = '" + id + "'") == "0\n");
  }
}

TEST_SUITE("tracking") {
  TEST_CASE("runs list sorts by a metric's last value, runs without it last") {
    jobc::testing::JobcSandbox box;
    fs::create_directories(box.dir.path / "src");
    std::ofstream(box.dir.path / "src" / "train.py")
        << "import os, mlflow\n"
           "if os.environ['LOSS']:\n"
           "    mlflow.log_metric('loss', 9.0, step=0)\n"
           "    mlflow.log_metric('loss', float(os.environ['LOSS']), step=1)\n";
    std::map<std::string, std::string> id_of_loss;
    for (std::string loss : {"0.3", "0.1", "", "0.2"}) {
      auto spec = box.job(
          "command: python3 train.py\ncode: src\nenvironment_variables:\n"
          "  PYTHONPATH: " +
          kStandIn + "\n  LOSS: '" + loss + "'\n");
      auto result = box.jobc("submit --stream " + jobc::testing::shell_quote(spec.string()));
      REQUIRE_MESSAGE(result.status == 0, std::string(result.out + result.err));
      auto list = nlohmann::json::parse(box.jobc("runs list --output json --limit 1").out);
      id_of_loss[loss.empty() ? "none" : loss] = list[0]["id"];
    }
    auto ids = [&](const std::string& arguments) {
      auto result = box.jobc("runs list --output json " + arguments);
      REQUIRE_MESSAGE(result.status == 0, result.err);
      std::vector<std::string> order;
      for (const auto& run : nlohmann::json::parse(result.out)) order.push_back(run["id"]);
      return order;
    };
    CHECK(ids("--sort metrics.loss") ==
          std::vector<std::string>{id_of_loss["0.1"], id_of_loss["0.2"], id_of_loss["0.3"],
                                   id_of_loss["none"]});
    CHECK(ids("--sort 'metrics.loss desc' --limit 2") ==
          std::vector<std::string>{id_of_loss["0.3"], id_of_loss["0.2"]});
    auto table = box.jobc("runs list --sort metrics.loss");
    CHECK(table.out.find("metrics.loss") != std::string::npos);
    CHECK(table.out.find(" 0.1\n") != std::string::npos);
    auto bad = box.jobc("runs list --sort loss");
    CHECK(bad.status == 2);
    CHECK(bad.err.find("is not metrics.KEY") != std::string::npos);
  }
}

namespace {

// Processes that hold `file` open (its tracking server writes its messages there).
std::vector<std::string> holders_of(const fs::path& file) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& process : fs::directory_iterator("/proc", ec)) {
    std::error_code fd_ec;
    for (const auto& fd : fs::directory_iterator(process.path() / "fd", fd_ec)) {
      std::error_code link_ec;
      fs::path target = fs::read_symlink(fd.path(), link_ec);
      if (!link_ec && target == file) found.push_back(process.path().filename().string());
    }
  }
  return found;
}

}  // namespace

TEST_SUITE("tracking") {
  TEST_CASE("the tracking server of a job that ends at once stops with its run") {
    jobc::testing::JobcSandbox box;
    auto spec = box.job("command: 'true'\n");
    auto result = box.jobc("submit --stream " + jobc::testing::shell_quote(spec.string()));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    auto list = nlohmann::json::parse(box.jobc("runs list --output json").out);
    fs::path log = box.home() / "runs" / list[0]["id"].get<std::string>() / "tracking.log";
    REQUIRE(fs::exists(log));
    std::vector<std::string> left = holders_of(log);
    for (int i = 0; i < 100 && !left.empty(); ++i) {  // it stops within moments of the monitor
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      left = holders_of(log);
    }
    CHECK(left.empty());
  }
}
