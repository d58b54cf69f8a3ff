// `jobc runs ...` on real local runs: ambiguous names and prefixes, list filters, delete and
// prune, logs --follow's exit status, download of std_log.txt, -q, and --output json.
#include <doctest/doctest.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <set>

#include "common/child_process.h"
#include "common/jobc_sandbox.h"

namespace fs = std::filesystem;
using jobc::testing::ChildProcess;
using jobc::testing::CommandResult;
using jobc::testing::JobcSandbox;
using jobc::testing::shell_quote;
using json = nlohmann::json;

namespace {

// Submits `yaml` (in its own spec file) and waits for the run to end; its id.
std::string ended_run(const JobcSandbox& box, const std::string& yaml) {
  static int count = 0;
  auto spec = box.job(yaml, "job" + std::to_string(count++) + ".yml");
  auto detached = box.jobc("submit --detach " + shell_quote(spec.string()));
  REQUIRE_MESSAGE(detached.status == 0, detached.err);
  std::string id = detached.out.substr(0, detached.out.find('\n'));
  box.jobc("runs logs --follow " + id);
  return id;
}

// Moves run `id`'s times `hours` into the past, as if it had run then.
void age_run(const JobcSandbox& box, const std::string& id, int hours) {
  std::string shift = std::to_string(int64_t(hours) * 3600 * 1000);
  auto result = jobc::testing::run_sql((box.home() / "runs.db").string(),
                                       "UPDATE runs SET created_ms = created_ms - " + shift +
                                           ", started_ms = started_ms - " + shift +
                                           ", ended_ms = CASE WHEN ended_ms > 0 THEN ended_ms - " +
                                           shift + " ELSE 0 END WHERE id = '" + id + "'");
  REQUIRE_MESSAGE(result.status == 0, result.err);
}

std::vector<std::string> listed(const JobcSandbox& box, const std::string& options) {
  auto result = box.jobc("runs list --output json " + options);
  REQUIRE_MESSAGE(result.status == 0, result.err);
  std::vector<std::string> ids;
  for (const json& run : json::parse(result.out)) ids.push_back(run["id"].get<std::string>());
  return ids;
}

std::string utc_date(int days_from_now) {
  std::time_t when = std::time(nullptr) + days_from_now * 86400;
  std::tm utc{};
  gmtime_r(&when, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("a name or id prefix two runs share is ambiguous: both are listed, nothing shown") {
    JobcSandbox box;
    std::string first = ended_run(box, "command: echo one\nexperiment_name: twins\nname: same\n");
    std::string second = ended_run(box, "command: exit 4\nexperiment_name: twins\nname: same\n");
    for (const std::string& given : {std::string("same"), std::string("twins_")}) {
      auto shown = box.jobc("runs show " + given);
      CAPTURE(shown.err);
      CHECK(shown.status == 2);
      CHECK(shown.out.empty());
      CHECK(has(shown.err, "'" + given + "' is ambiguous: it names 2 runs"));
      CHECK(has(shown.err, first + "  same  Completed  20"));  // id, name, status, start time
      CHECK(has(shown.err, second + "  same  Failed  20"));
    }
    CHECK(box.jobc("runs logs twins_").status == 2);
    CHECK(box.run(first)["id"] == first);  // a whole id is never ambiguous
  }

  TEST_CASE("runs list filters by experiment, status and --since, and --limit keeps the newest") {
    JobcSandbox box;
    std::string old_a = ended_run(box, "command: echo a\nexperiment_name: alpha\n");
    std::string b = ended_run(box, "command: exit 2\nexperiment_name: beta\n");
    std::string c = ended_run(
        box, "command: echo c\nexperiment_name: alpha\ndisplay_name: Learning rate 0.1\n");
    age_run(box, old_a, 72);
    CHECK(listed(box, "") == Ids{c, b, old_a});
    CHECK(listed(box, "--experiment alpha") == Ids{c, old_a});
    CHECK(listed(box, "--status failed") == Ids{b});
    CHECK(listed(box, "--since 2h") == Ids{c, b});
    CHECK(listed(box, "--since " + utc_date(-2)) == Ids{c, b});
    CHECK(listed(box, "--since " + utc_date(-4) + "T00:00Z") == Ids{c, b, old_a});
    CHECK(listed(box, "--since " + utc_date(1)).empty());
    CHECK(listed(box, "--limit 2") == Ids{c, b});
    CHECK(listed(box, "--experiment alpha --limit 1") == Ids{c});
    CHECK(box.jobc("runs list --since 2x").status == 2);
    CHECK(box.jobc("runs list --since 2026-02-31").status == 2);
    CHECK(box.jobc("runs list --limit 0").status == 2);

    auto table = box.jobc("runs list");
    REQUIRE(table.status == 0);
    CHECK(has(table.out, "DISPLAY NAME"));
    CHECK(has(table.out, "DURATION"));
    CHECK(has(table.out, "Learning rate 0.1"));
    std::string row_c = table.out.substr(table.out.find(c));
    row_c = row_c.substr(0, row_c.find('\n'));
    CHECK(row_c.find("s ") != std::string::npos);  // a duration such as 0.1s
  }

  TEST_CASE("runs delete removes ended runs; a running one is refused and nothing is deleted") {
    JobcSandbox box;
    std::string done = ended_run(box,
                                 "command: mkdir -p outputs; head -c 200000 /dev/zero > "
                                 "outputs/big\n");
    std::string running = box.start("command: echo ready; sleep 81\n");
    auto refused = box.jobc("runs delete " + done + " " + running);
    CHECK(refused.status == 1);
    CHECK(has(refused.err, "run " + running + " is Running"));
    CHECK(has(refused.err, "nothing deleted"));
    CHECK(fs::exists(box.home() / "runs" / done / "work/outputs/big"));
    CHECK(box.run(done)["status"] == "Completed");

    auto deleted = box.jobc("runs delete " + done);
    CAPTURE(deleted.err);
    CHECK(deleted.status == 0);
    CHECK(has(deleted.out, "deleted " + done + " ("));
    CHECK(has(deleted.err, "deleted 1 run, "));
    CHECK(!fs::exists(box.home() / "runs" / done));
    CHECK(box.jobc("runs show " + done).status == 2);
    CHECK(fs::is_empty(box.home() / "trash"));
    CHECK(box.jobc("runs delete no-such-run").status == 2);
    CHECK(box.jobc("runs cancel " + running).status == 0);
    CHECK(box.jobc("runs delete -q " + running).err.empty());  // canceled: it has ended
  }

  TEST_CASE("runs prune deletes only ended runs older than asked; --dry-run deletes nothing") {
    JobcSandbox box;
    std::string old_done = ended_run(box, "command: echo old\n");
    std::string recent = ended_run(box, "command: echo recent\n");
    std::string old_running = box.start("command: echo ready; sleep 82\n");
    age_run(box, old_done, 10 * 24);
    age_run(box, old_running, 10 * 24);

    auto dry = box.jobc("runs prune --older-than 7d --dry-run");
    CHECK(dry.status == 0);
    CHECK(dry.out.rfind("would delete " + old_done + " (", 0) == 0);
    CHECK(std::count(dry.out.begin(), dry.out.end(), '\n') == 1);
    CHECK(has(dry.err, "would delete 1 run"));
    CHECK(listed(box, "").size() == 3);

    auto pruned = box.jobc("runs prune --older-than 7d");
    CAPTURE(pruned.err);
    CHECK(pruned.status == 0);
    CHECK(has(pruned.out, "deleted " + old_done));
    CHECK(!has(pruned.out, recent));
    CHECK(has(pruned.err, "freed"));
    CHECK(listed(box, "") == Ids{recent, old_running});
    CHECK(fs::exists(box.home() / "runs" / recent));
    CHECK(box.jobc("runs prune --older-than 1week").status == 2);
    CHECK(box.jobc("runs cancel " + old_running).status == 0);
  }

  TEST_CASE("runs logs --follow exits with the run's status: 0, 1 and 130") {
    JobcSandbox box;
    std::string completed = box.start("command: echo ready; sleep 1\n");
    auto followed = box.jobc("runs logs --follow " + completed);
    CHECK(followed.status == 0);
    CHECK(has(followed.out, "ready"));
    CHECK(has(followed.err, "Completed"));

    std::string failed = box.start("command: echo ready; sleep 1; exit 3\n");
    CHECK(box.jobc("runs logs --follow " + failed).status == 1);  // before: 0
    CHECK(box.jobc("runs logs --follow " + failed).status == 1);  // once it has ended, too

    std::string canceled = box.start("command: echo ready; sleep 83\n");
    ChildProcess follow({"runs", "logs", "--follow", canceled}, box.home());
    REQUIRE(follow.wait_for_output("ready", 20));
    CHECK(box.jobc("runs cancel " + canceled).status == 0);
    CHECK(follow.wait(20) == 130);
  }

  TEST_CASE("runs download RUN std_log.txt copies the run's output, as the README says") {
    JobcSandbox box;
    std::string id = ended_run(box, "command: echo hello from the job\n");
    fs::path dest = box.dir.path / "dest";
    auto result = box.jobc("runs download " + id + " std_log.txt -o " + shell_quote(dest.string()));
    CHECK_MESSAGE(result.status == 0, result.err);  // before: "the run has no 'std_log.txt'"
    CHECK(has(jobc::testing::slurp(dest / "std_log.txt"), "hello from the job"));
    CHECK(box.jobc("runs download " + id + " artifacts/launch.sh -o " + shell_quote(dest.string()))
              .status == 0);
    CHECK(fs::exists(dest / "launch.sh"));
    CHECK(box.jobc("runs download " + id + " ../runs.db -o " + shell_quote(dest.string())).status ==
          2);
  }

  TEST_CASE("runs list lines its columns up whatever the length of a display name") {
    JobcSandbox box;
    ended_run(box, "command: echo a\ndisplay_name: A display name longer than twenty-five\n");
    ended_run(box, "command: echo b\ndisplay_name: short\n");
    auto table = box.jobc("runs list");
    REQUIRE(table.status == 0);
    std::vector<size_t> status_columns;
    for (size_t start = 0; start < table.out.size();) {
      size_t end = table.out.find('\n', start);
      std::string line = table.out.substr(start, end - start);
      size_t column = line.find("STATUS");
      status_columns.push_back(column != std::string::npos ? column : line.find("Completed"));
      start = end == std::string::npos ? end : end + 1;
    }
    REQUIRE(status_columns.size() == 3);  // before: the long name pushed its row's STATUS right
    CHECK(status_columns[0] == status_columns[1]);
    CHECK(status_columns[1] == status_columns[2]);
  }

  TEST_CASE("-q never hides a warning: a likely secret in the code folder is still reported") {
    JobcSandbox box;
    fs::create_directories(box.dir.path / "src");
    std::ofstream(box.dir.path / "src" / ".env") << "API_KEY=not-a-real-one\n";
    auto spec = box.job("command: echo job\ncode: src\n");
    auto quiet = box.jobc("submit --stream -q " + shell_quote(spec.string()));
    CHECK_MESSAGE(quiet.status == 0, quiet.err);
    CHECK(has(quiet.err, "warning: '.env' looks like a secret"));  // before: a note, hidden by -q
    CHECK(!has(quiet.err, "note: "));
  }

  TEST_CASE("-q silences notes, progress and final status, never errors") {
    JobcSandbox box;
    auto spec = box.job("command: echo quiet job\n");
    auto loud = box.jobc("submit --stream " + shell_quote(spec.string()));
    REQUIRE(loud.status == 0);
    CHECK(has(loud.err, "note: "));
    CHECK(has(loud.err, "started on local"));

    auto quiet = box.jobc("submit --stream -q " + shell_quote(spec.string()));
    CHECK(quiet.status == 0);
    CHECK(has(quiet.out, "quiet job"));
    CHECK(quiet.err.empty());
    auto failing = box.jobc("submit --stream -q " +
                            shell_quote(box.job("command: exit 5\n", "fail.yml").string()));
    CHECK(failing.status == 1);
    CHECK(has(failing.err, "Failed (exit code 5)"));  // a failure is no notice
    CHECK(
        box.jobc("submit -q " + shell_quote(box.job("command: [\n", "bad.yml").string())).status !=
        0);
    CHECK(!box.jobc("submit -q " + shell_quote(box.job("command: [\n", "bad.yml").string()))
               .err.empty());

    std::string id = listed(box, "--status completed").front();
    fs::path dest = box.dir.path / "dest";
    auto download =
        box.jobc("runs download -q " + id + " std_log.txt -o " + shell_quote(dest.string()));
    CHECK(download.status == 0);
    CHECK(download.err.empty());
    auto follow = box.jobc("runs logs --follow -q " + id);
    CHECK(follow.status == 0);
    CHECK(follow.err.empty());
    CHECK(has(box.jobc("runs logs -q no-such-run").err, "no run 'no-such-run'"));
  }

  TEST_CASE("submit --output json prints one object on stdout: id, status, exit code, folder") {
    JobcSandbox box;
    auto spec = box.job("command: echo to stderr please; exit 3\ndisplay_name: Three\n");
    auto streamed = box.jobc("submit --stream --output json " + shell_quote(spec.string()));
    CHECK(streamed.status == 1);
    CHECK(has(streamed.err, "to stderr please"));  // the job's output is not in the object
    json run = json::parse(streamed.out);          // throws unless stdout is one JSON value
    REQUIRE(run.is_object());
    CHECK(run["status"] == "Failed");
    CHECK(run["exit_code"] == 3);
    CHECK(run["reason"] == "exit code 3");
    CHECK(run["display_name"] == "Three");
    CHECK(run["backend"] == "local");
    CHECK(run["duration_s"].is_number());
    std::string id = run["id"].get<std::string>();
    CHECK(fs::path(run["folder"].get<std::string>()) == box.home() / "runs" / id);
    CHECK(fs::exists(fs::path(run["folder"].get<std::string>()) / "std_log.txt"));
    CHECK(run["name"] == run["id"]);
    CHECK(box.run(id) == run);  // what runs show --output json prints, field by field

    auto detached = box.jobc("submit --detach --output json " +
                             shell_quote(box.job("command: sleep 1\n", "slow.yml").string()));
    CHECK(detached.status == 0);
    json started = json::parse(detached.out);
    CHECK(std::set<std::string>{"Queued", "Running"}.count(started["status"]) == 1);
    CHECK(started["exit_code"].is_null());
    CHECK(started["ended"] == "");
    CHECK(box.jobc("runs logs --follow " + started["id"].get<std::string>()).status == 0);

    auto alias = box.jobc("submit --detach --output-format json " + shell_quote(spec.string()));
    CHECK(json::parse(alias.out).is_object());
    CHECK(box.jobc("submit --output xml " + shell_quote(spec.string())).status == 2);
    auto invalid = box.jobc("submit --output json " +
                            shell_quote(box.job("command: [\n", "bad.yml").string()));
    CHECK(invalid.status != 0);
    CHECK(invalid.out.empty());  // no run, no object
  }

  TEST_CASE("runs show and runs list --output json print every field show prints") {
    JobcSandbox box;
    std::string id = ended_run(box, "command: exit 7\nexperiment_name: fields\n");
    auto text = box.jobc("runs show " + id);
    REQUIRE(text.status == 0);
    json shown = box.run(id);
    for (const char* field : {"id", "name", "display_name", "experiment", "status", "created",
                              "started", "ended", "duration_s", "exit_code", "reason", "backend",
                              "backend_job_id", "spec_hash", "type", "parent", "folder"}) {
      CAPTURE(field);
      CHECK(shown.contains(field));
      CHECK(has(text.out, std::string(field) + ":"));
    }
    CHECK(shown.size() == 17);
    CHECK(shown["experiment"] == "fields");
    CHECK(shown["exit_code"] == 7);
    CHECK(shown["started"].get<std::string>().size() == 20);  // 2026-11-30T13:44:11Z
    auto all = json::parse(box.jobc("runs list --output json").out);
    REQUIRE(all.is_array());
    REQUIRE(all.size() == 1);
    CHECK(all[0] == shown);
    CHECK(json::parse(box.jobc("runs show --output-format json " + id).out) == shown);
  }
}

TEST_SUITE("cli") {
  TEST_CASE("completions and the man page know runs delete, prune and their options") {
    auto bash = jobc::testing::run_command(jobc::testing::jobc_command("completion bash"));
    CHECK(has(bash.out, "--older-than"));
    CHECK(has(bash.out, "--since"));
    auto man = jobc::testing::run_command(jobc::testing::jobc_command("__man"));
    CHECK(has(man.out, ".SS \"jobc runs prune\""));
    CHECK(has(man.out, "\\fB\\-\\-older\\-than\\fR"));
    CHECK(has(man.out, "\\fB\\-\\-limit\\fR"));
  }
}
