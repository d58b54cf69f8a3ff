// resources.docker_args parsed once for `jobc validate` and the Docker backend: the options,
// and each problem with the place of its text inside the string.
#include "spec/docker_args.h"

#include <doctest/doctest.h>

using jobc::DockerArgsProblem;
using jobc::parse_docker_args;

namespace {

// The text a problem points at.
std::string pointed(std::string_view args, const DockerArgsProblem& problem) {
  return std::string(args.substr(problem.offset, problem.length));
}

}  // namespace

TEST_SUITE("spec") {
  TEST_CASE("docker_args: the options jobc takes are parsed into their fields") {
    auto parsed = parse_docker_args(
        "--network=host --shm-size 8g -e A=1 --env 'B=two words' -eC=3 --ipc host --cpus 1.5 "
        "-m4g --memory-swap -1 --pids-limit 100 --ulimit memlock=-1:-1 -u 1000 --gpus "
        "'\"device=0,2\"'");
    REQUIRE(parsed.problems.empty());
    const jobc::DockerArgs& args = parsed.args;
    CHECK(args.network == "host");
    CHECK(args.shm_size == 8LL << 30);
    CHECK(args.env == std::vector<std::string>{"A=1", "B=two words", "C=3"});
    CHECK(args.ipc_mode == "host");
    CHECK(args.nano_cpus == 1500000000LL);
    CHECK(args.memory == 4LL << 30);
    CHECK(args.memory_swap == -1);
    CHECK(args.pids_limit == 100);
    REQUIRE(args.ulimits.size() == 1);
    CHECK(args.ulimits[0].name == "memlock");
    CHECK(args.ulimits[0].soft == -1);
    CHECK(args.user == "1000");
    REQUIRE(args.gpus);
    CHECK(args.gpus->device_ids == std::vector<std::string>{"0", "2"});
  }

  TEST_CASE("docker_args: every problem is reported, each at the text it is about") {
    std::string args = "--privileged --shm-size lots -v /:/host --network bridge -e TOKEN --cpus";
    auto parsed = parse_docker_args(args);
    REQUIRE(parsed.problems.size() == 6);
    using Kind = DockerArgsProblem::Kind;
    CHECK(pointed(args, parsed.problems[0]) == "--privileged");
    CHECK(parsed.problems[0].kind == Kind::Unsupported);
    CHECK(pointed(args, parsed.problems[1]) == "lots");
    CHECK(parsed.problems[1].kind == Kind::Malformed);
    CHECK(parsed.problems[1].message == "--shm-size 'lots' is not a size like 2g or 512m");
    CHECK(pointed(args, parsed.problems[2]) == "-v /:/host");  // the value goes with it
    CHECK(pointed(args, parsed.problems[3]) == "bridge");
    CHECK(parsed.problems[3].kind == Kind::Unsupported);
    CHECK(pointed(args, parsed.problems[4]) == "TOKEN");
    CHECK(pointed(args, parsed.problems[5]) == "--cpus");
    CHECK(parsed.problems[5].message == "--cpus needs a value");
  }

  TEST_CASE("docker_args: an unclosed quote is reported at the quote, and nothing else") {
    std::string args = "--ipc host -e 'A=1 --privileged";
    auto parsed = parse_docker_args(args);
    REQUIRE(parsed.problems.size() == 1);
    CHECK(parsed.problems[0].offset == args.find('\''));
    CHECK(parsed.problems[0].message.find("never closed") != std::string::npos);
  }

  TEST_CASE("docker_args: an attached value that is wrong points at its whole word") {
    std::string args = "--ipc=sometimes";
    auto parsed = parse_docker_args(args);
    REQUIRE(parsed.problems.size() == 1);
    CHECK(pointed(args, parsed.problems[0]) == "--ipc=sometimes");
  }

  TEST_CASE("sizes and CPU counts too large for the engine's fields are refused, not wrapped") {
    CHECK(jobc::parse_byte_size("512m") == 512LL << 20);
    CHECK(jobc::parse_byte_size("1.5GB") == 3LL << 29);
    CHECK_FALSE(jobc::parse_byte_size("99999999999t"));
    CHECK_FALSE(jobc::parse_byte_size("1.2.3g"));
    CHECK_FALSE(parse_docker_args("--cpus 1e300").problems.empty());
    CHECK_FALSE(parse_docker_args("--cpus inf").problems.empty());
    CHECK_FALSE(parse_docker_args("--cpus nan").problems.empty());
  }
}
