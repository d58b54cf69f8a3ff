// Inputs as jobc's backends provide them, with real runs on the local backend: https:// files
// downloaded from a real HTTPS server and cached by ETag, inputs no backend here can fetch
// refused with their location before anything starts, and the input modes (ro_mount as a
// read-only mount, rw_mount, download) as the job sees them.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/https_server.h"
#include "common/jobc_sandbox.h"

namespace fs = std::filesystem;
using jobc::testing::CommandResult;
using jobc::testing::HttpsServer;
using jobc::testing::JobcSandbox;
using jobc::testing::shell_quote;
using jobc::testing::slurp;
using json = nlohmann::json;

namespace {

// Submits `yaml` in `box` and waits for the run to end. The server's CA is trusted through
// `variable` (curl's CURL_CA_BUNDLE, which wins, or SSL_CERT_FILE); with no server, neither
// variable is set and only the system's CAs are.
CommandResult submit(const JobcSandbox& box, const std::string& yaml, const HttpsServer* server,
                     const std::string& variable = "CURL_CA_BUNDLE") {
  fs::path spec = box.job(yaml);
  std::string trust = "env -u CURL_CA_BUNDLE -u SSL_CERT_FILE ";
  if (server) trust += variable + "=" + shell_quote(server->ca_file()) + " ";
  return jobc::testing::run_command(
      trust + "JOBC_HOME=" + shell_quote(box.home().string()) + " " +
      jobc::testing::jobc_command("submit --stream " + shell_quote(spec.string())));
}

json runs_of(const JobcSandbox& box) {
  return json::parse(box.jobc("runs list --output json").out, nullptr, false);
}

// Lines of the server's request log for `path`, e.g. "GET /data.csv 200 6".
int count_of(const std::string& log, const std::string& line) {
  int count = 0;
  for (size_t at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++count;
  return count;
}

std::string download_job(const std::string& url) {
  return "command: cat ${{inputs.data}}; echo \"at=$JOBC_INPUT_data\"\n"
         "inputs:\n  data: {type: uri_file, path: '" +
         url + "'}\n";
}

}  // namespace

TEST_SUITE("inputs") {
  TEST_CASE("an https uri_file is downloaded once, then revalidated with a 304 and reused") {
    HttpsServer server;
    server.serve("data.csv", "a,b\n1,2\n", "\"v1\"");
    JobcSandbox box;
    auto first = submit(box, download_job(server.url("/data.csv")), &server);
    REQUIRE_MESSAGE(first.status == 0, first.err);
    CHECK(first.out.find("a,b\n1,2") != std::string::npos);
    CHECK(first.err.find("jobc: downloaded https://127.0.0.1:") != std::string::npos);
    // The job reads the run's own file, not the URL.
    CHECK(first.out.find("at=" + (box.home() / "runs").string()) != std::string::npos);

    auto second = submit(box, download_job(server.url("/data.csv")), &server);
    REQUIRE_MESSAGE(second.status == 0, second.err);
    CHECK(second.out.find("a,b\n1,2") != std::string::npos);
    std::string log = server.requests();
    CHECK_MESSAGE(count_of(log, "GET /data.csv 200 8") == 1, log);  // one body transfer
    CHECK_MESSAGE(count_of(log, "GET /data.csv 304 0") == 1, log);
  }

  TEST_CASE("a changed ETag downloads the file again") {
    HttpsServer server;
    server.serve("data.csv", "old\n", "\"v1\"");
    JobcSandbox box;
    REQUIRE(submit(box, download_job(server.url("/data.csv")), &server).status == 0);
    server.serve("data.csv", "new!\n", "\"v2\"");
    auto again = submit(box, download_job(server.url("/data.csv")), &server);
    REQUIRE_MESSAGE(again.status == 0, again.err);
    CHECK(again.out.find("new!") != std::string::npos);
    CHECK(again.out.find("old") == std::string::npos);
    std::string log = server.requests();
    CHECK_MESSAGE(count_of(log, "GET /data.csv 200") == 2, log);
    // The cache keeps one file per URL: the old version is gone.
    int bodies = 0;
    for (const auto& item : fs::recursive_directory_iterator(box.home() / "downloads")) {
      bodies += item.path().filename().string().starts_with("body-");
    }
    CHECK(bodies == 1);
  }

  TEST_CASE("a job that writes into a downloaded file changes neither the cache nor a next run") {
    HttpsServer server;
    server.serve("data.csv", "pristine\n", "\"v1\"");
    JobcSandbox box;
    for (std::string mode : {"", ", mode: ro_mount"}) {
      CAPTURE(mode);
      auto writer = submit(box,
                           "command: echo spoiled >${{inputs.data}}; echo status=$?\n"
                           "inputs:\n  data: {type: uri_file, path: '" +
                               server.url("/data.csv") + "'" + mode + "}\n",
                           &server);
      REQUIRE_MESSAGE(writer.status == 0, writer.err);
      CHECK(writer.out.find(mode.empty() ? "status=0" : "status=1") != std::string::npos);
      auto reader = submit(box, download_job(server.url("/data.csv")), &server);
      CHECK(reader.out.find("pristine") != std::string::npos);
    }
  }

  TEST_CASE("a server error fails the submit with the status and leaves no run half-made") {
    HttpsServer server;
    JobcSandbox box;
    auto failed = submit(box, download_job(server.url("/error")), &server);
    CHECK(failed.status != 0);
    CHECK_MESSAGE(
        failed.err.find("input 'data': cannot download https://127.0.0.1:") != std::string::npos,
        failed.err);
    CHECK(failed.err.find("the server answered 500") != std::string::npos);
    CHECK(runs_of(box).empty());
    CHECK(fs::is_empty(box.home() / "runs"));
    // No partial download became a cache entry.
    for (const auto& item : fs::recursive_directory_iterator(box.home() / "downloads")) {
      CHECK_MESSAGE(!item.is_regular_file(), item.path());
    }
  }

  TEST_CASE("a server whose certificate is not trusted is refused") {
    HttpsServer server;
    server.serve("data.csv", "a\n", "\"v1\"");
    JobcSandbox box;
    auto refused = submit(box, download_job(server.url("/data.csv")), nullptr);
    CHECK(refused.status != 0);
    CHECK_MESSAGE(refused.err.find("certificate") != std::string::npos, refused.err);
    CHECK(server.requests().empty());
    CHECK(runs_of(box).empty());
  }

  TEST_CASE("credentials in a URL reach the server but never a message, log or cache file") {
    HttpsServer server;
    server.serve("data.csv", "rows\n", "\"v1\"");
    JobcSandbox box;
    std::string url = server.url("/data.csv?sig=QUERYSECRET");
    url.insert(url.find("127.0.0.1"), "user:PASSWORDSECRET@");
    auto result = submit(box, download_job(url), &server, "SSL_CERT_FILE");
    REQUIRE_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("rows") != std::string::npos);
    for (const std::string& text : {result.out, result.err}) {
      CHECK(text.find("PASSWORDSECRET") == std::string::npos);
      CHECK(text.find("QUERYSECRET") == std::string::npos);
    }
    CHECK(result.err.find("https://127.0.0.1:") != std::string::npos);
    auto grep = jobc::testing::run_command("grep -rl SECRET " +
                                           shell_quote((box.home() / "downloads").string()));
    CHECK_MESSAGE(grep.out.empty(), grep.out);
    // A failure does not show them either.
    auto failed =
        submit(box, download_job(url.replace(url.find("/data.csv"), 9, "/error")), &server);
    CHECK(failed.status != 0);
    CHECK(failed.err.find("SECRET") == std::string::npos);
    CHECK(failed.err.find("the server answered 500") != std::string::npos);
  }

  TEST_CASE("inputs no backend here can fetch are refused with their location, before any run") {
    JobcSandbox box;
    std::ofstream(box.dir.path / "hpc.yml")
        << "name: hpc\ntype: slurm\nendpoint: http://127.0.0.1:1\nuser: u\nstaging_dir: "
        << (box.dir.path / "stage").string() << "\ntoken_env: JOBC_TEST_NO_SUCH_TOKEN\n";
    fs::path spec = box.job(
        "command: echo ${{inputs.asset}} ${{inputs.store}} ${{inputs.blob}} ${{inputs.folder}}\n"
        "inputs:\n"
        "  asset: {type: uri_folder, path: 'azureml:training-data:3'}\n"
        "  store: {type: uri_file, path: 'azureml://datastores/main/paths/x.csv'}\n"
        "  blob: {type: uri_file, path: 'wasbs://c@acct.blob.core.windows.net/x?sig=SECRET'}\n"
        "  folder: {type: uri_folder, path: 'https://example.com/data/'}\n");
    for (std::string compute :
         {std::string("local"), std::string("docker"), (box.dir.path / "hpc.yml").string()}) {
      CAPTURE(compute);
      // DOCKER_HOST names no engine: the refusal comes before any backend is asked.
      auto refused = jobc::testing::run_command(
          "DOCKER_HOST=unix:///nonexistent.sock JOBC_HOME=" + shell_quote(box.home().string()) +
          " " +
          jobc::testing::jobc_command("submit --stream --compute " + shell_quote(compute) + " " +
                                      shell_quote(spec.string())));
      CHECK(refused.status == 1);
      std::string backend = compute == "local" || compute == "docker" ? compute : "slurm";
      CHECK_MESSAGE(refused.err.find("job.yml:3:") != std::string::npos, refused.err);
      CHECK(refused.err.find("input 'asset' is an Azure ML data asset, which the " + backend +
                             " backend cannot fetch") != std::string::npos);
      CHECK(refused.err.find("job.yml:4:") != std::string::npos);
      CHECK(refused.err.find("input 'store' is an Azure ML datastore URI") != std::string::npos);
      CHECK(refused.err.find("job.yml:5:") != std::string::npos);
      CHECK(refused.err.find("input 'blob' is a wasbs:// URL") != std::string::npos);
      CHECK(refused.err.find("SECRET") == std::string::npos);
      CHECK(refused.err.find("job.yml:6:") != std::string::npos);
      CHECK(refused.err.find("only a uri_file can be downloaded") != std::string::npos);
      CHECK(runs_of(box).empty());
      CHECK(!fs::exists(box.dir.path / "stage"));
    }
  }

  TEST_CASE("a ro_mount input cannot be written by the job; rw_mount and download inputs can") {
    JobcSandbox box;
    for (const char* name : {"ro.txt", "rw.txt", "copy.txt"}) {
      std::ofstream(box.dir.path / name) << "original\n";
    }
    auto result = submit(box,
                         "command: >-\n"
                         "  echo changed >${{inputs.ro}} || echo ro-refused;\n"
                         "  echo changed >${{inputs.rw}} && echo rw-written;\n"
                         "  echo changed >${{inputs.copy}} && echo copy-written\n"
                         "inputs:\n"
                         "  ro: {type: uri_file, path: ro.txt, mode: ro_mount}\n"
                         "  rw: {type: uri_file, path: rw.txt, mode: rw_mount}\n"
                         "  copy: {type: uri_file, path: copy.txt, mode: download}\n",
                         nullptr);
    REQUIRE_MESSAGE(result.status == 0, result.err);
    CHECK_MESSAGE(result.out.find("Read-only file system") != std::string::npos, result.out);
    CHECK(result.out.find("ro-refused") != std::string::npos);
    CHECK(result.out.find("rw-written") != std::string::npos);
    CHECK(result.out.find("copy-written") != std::string::npos);
    CHECK(slurp(box.dir.path / "ro.txt") == "original\n");
    CHECK(slurp(box.dir.path / "rw.txt") == "changed\n");
    CHECK(slurp(box.dir.path / "copy.txt") == "original\n");  // the job had its own copy
    // The read-only view was the job's alone: the file stays writable here.
    std::ofstream(box.dir.path / "ro.txt") << "still writable\n";
    CHECK(slurp(box.dir.path / "ro.txt") == "still writable\n");
  }

  TEST_CASE("as a user other than root, ro_mount is read-only through a user namespace") {
    if (geteuid() != 0 || jobc::testing::run_command("command -v setpriv").status != 0) {
      MESSAGE("skipped: needs root and setpriv to run jobc as the user nobody");
      return;
    }
    if (jobc::testing::run_command("setpriv --reuid=65534 --regid=65534 --clear-groups "
                                   "unshare -U -m true")
            .status != 0) {
      MESSAGE("skipped: user namespaces are disabled here (jobc warns instead: see README)");
      return;
    }
    JobcSandbox box;
    std::ofstream(box.dir.path / "ro.txt") << "original\n";
    fs::path spec = box.job(
        "command: (echo changed >${{inputs.ro}}) 2>/dev/null || echo ro-refused; id -u\n"
        "inputs:\n  ro: {type: uri_file, path: ro.txt, mode: ro_mount}\n");
    jobc::testing::run_command("chown -R 65534:65534 " + shell_quote(box.dir.path.string()));
    auto result = jobc::testing::run_command(
        "setpriv --reuid=65534 --regid=65534 --clear-groups env JOBC_HOME=" +
        shell_quote(box.home().string()) + " " +
        jobc::testing::jobc_command("submit --stream " + shell_quote(spec.string())));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    CHECK(result.out.find("ro-refused") != std::string::npos);
    CHECK(result.out.find("65534") != std::string::npos);  // still itself in the namespace
    CHECK(result.err.find("writable") == std::string::npos);
    CHECK(slurp(box.dir.path / "ro.txt") == "original\n");
  }
}
