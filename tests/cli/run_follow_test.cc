// Following a run from the command line ends: `jobc runs logs --follow` and `jobc submit
// --stream` notice within seconds that the run's monitor died, say so and exit non-zero;
// SIGTERM ends them as Ctrl-C does.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "common/child_process.h"
#include "common/jobc_sandbox.h"

using jobc::testing::ChildProcess;
using jobc::testing::JobcSandbox;
using jobc::testing::process_running;
using jobc::testing::shell_quote;
using Clock = std::chrono::steady_clock;

namespace {

std::string run_id_from(const std::string& output) {
  auto start = output.find("jobc: run ");
  REQUIRE(start != std::string::npos);
  start += 10;
  return output.substr(start, output.find(' ', start) - start);
}

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("runs logs --follow ends within seconds, saying so, when the run's monitor is killed") {
    JobcSandbox box;
    std::string id = box.start("command: echo ready; sleep 71\n");
    ChildProcess follow({"runs", "logs", "--follow", id}, box.home());
    REQUIRE(follow.wait_for_output("ready", 20));
    int monitor = box.monitor_of(id);
    REQUIRE(monitor > 1);  // never signal a process group by accident
    kill(monitor, SIGKILL);
    CHECK(follow.wait(10) == 1);  // before: followed for ever
    CHECK(follow.output().find("(pid " + std::to_string(monitor) + ") is gone") !=
          std::string::npos);
    CHECK(box.run(id)["status"] == "Failed");
    CHECK(!process_running("sleep 71"));
  }

  TEST_CASE("submit --stream ends within seconds, saying so, when the run's monitor is killed") {
    JobcSandbox box;
    ChildProcess submit({"submit", "--stream", box.job("command: echo ready; sleep 72\n")},
                        box.home());
    REQUIRE(submit.wait_for_output("ready", 20));
    std::string id = run_id_from(submit.output());
    int monitor = box.monitor_of(id);
    REQUIRE(monitor > 1);
    kill(monitor, SIGKILL);
    CHECK(submit.wait(10) == 1);  // before: streamed for ever
    CHECK(submit.output().find("is gone") != std::string::npos);
    CHECK(box.run(id)["status"] == "Failed");
    CHECK(!process_running("sleep 72"));
  }

  TEST_CASE("a canceled stream ends when the monitor dies before it records the cancel") {
    JobcSandbox box;
    ChildProcess submit({"submit", "--stream", box.job("command: echo ready; sleep 73\n")},
                        box.home());
    REQUIRE(submit.wait_for_output("ready", 20));
    int monitor = box.monitor_of(run_id_from(submit.output()));
    REQUIRE(monitor > 1);
    kill(monitor, SIGSTOP);  // the cancel reaches a monitor that cannot act on it
    submit.signal(SIGTERM);
    REQUIRE(submit.wait_for_output("canceling the run", 10));
    kill(monitor, SIGKILL);
    CHECK(submit.wait(10) == 1);  // before: waited for ever for the final status file
    CHECK(submit.output().find("is gone") != std::string::npos);
    CHECK(!process_running("sleep 73"));
  }

  TEST_CASE("SIGTERM ends runs logs --follow and submit --stream as Ctrl-C does") {
    JobcSandbox box;
    std::string id = box.start("command: echo ready; sleep 74\n");
    auto started = Clock::now();
    auto logs = jobc::testing::run_command("JOBC_HOME=" + shell_quote(box.home().string()) +
                                           " timeout -s TERM 2 " +
                                           jobc::testing::jobc_command("runs logs --follow " + id));
    CHECK(logs.status == 124);  // timeout's status: it had to stop the command, and could
    CHECK(logs.out.find("ready") != std::string::npos);
    CHECK(Clock::now() - started < std::chrono::seconds(10));
    ChildProcess follow({"runs", "logs", "--follow", id}, box.home());
    REQUIRE(follow.wait_for_output("ready", 20));
    follow.signal(SIGTERM);
    CHECK(follow.wait(5) == 128 + SIGTERM);
    CHECK(box.run(id)["status"] == "Running");  // following is not canceling
    CHECK(box.jobc("runs cancel " + id).status == 0);

    ChildProcess submit({"submit", "--stream", box.job("command: echo ready; sleep 75\n")},
                        box.home());
    REQUIRE(submit.wait_for_output("ready", 20));
    submit.signal(SIGTERM);
    CHECK(submit.wait(30) == 130);  // the run canceled, as Ctrl-C cancels it
    CHECK(box.run(run_id_from(submit.output()))["status"] == "Canceled");
    CHECK(!process_running("sleep 75"));

    auto streamed = jobc::testing::run_command(
        "JOBC_HOME=" + shell_quote(box.home().string()) + " timeout -s TERM 2 " +
        jobc::testing::jobc_command("submit --stream " +
                                    shell_quote(box.job("command: echo ready; sleep 77\n"))));
    CHECK(streamed.status == 124);
    CHECK(streamed.err.find("canceling the run") != std::string::npos);
    for (int i = 0; i < 500 && process_running("sleep 77"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(!process_running("sleep 77"));
  }
}
