// `jobc submit` of a job with Azure ML's optional arguments `$[[...]]` on the local backend:
// the program gets exactly the arguments whose inputs have values (from the spec or --set),
// and never the text None; and validate refuses an input without a value outside `$[[...]]`.
#include <doctest/doctest.h>

#include "common/jobc_sandbox.h"

using jobc::testing::shell_quote;

namespace {

// The job prints each of its arguments as [arg].
constexpr const char* kJob =
    "command: printf '[%s]' train.py --epochs ${{inputs.epochs}} $[[--lr ${{inputs.lr}}]] "
    "$[[--tag ${{inputs.tag}}]]\n"
    "inputs:\n"
    "  epochs: 3\n"
    "  lr: {type: number, optional: true}\n"
    "  tag: {type: string, default: a b, optional: true}\n";

// What the job printed when submitted with `arguments` (--set ...).
std::string run_job(const jobc::testing::JobcSandbox& box, const std::string& arguments,
                    const std::string& yaml = kJob) {
  auto result =
      box.jobc("submit --stream " + arguments + " " + shell_quote(box.job(yaml).string()));
  CHECK_MESSAGE(result.status == 0, result.err);
  return result.out;
}

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("a run gets an optional argument only when its input has a value") {
    jobc::testing::JobcSandbox box;
    std::string without = run_job(box, "");
    CHECK(without.find("[train.py][--epochs][3][--tag][a b]") != std::string::npos);
    CHECK(without.find("--lr") == std::string::npos);
    CHECK(without.find("None") == std::string::npos);

    std::string with = run_job(box, "--set inputs.lr=0.01 --set inputs.tag.default=x");
    CHECK(with.find("[train.py][--epochs][3][--lr][0.01][--tag][x]") != std::string::npos);

    // The default replaced by a literal value, and an input --set declares.
    std::string replaced =
        run_job(box, "--set 'inputs.tag=$[[x]] ${{inputs.lr}}'",
                "command: printf '[%s]' $[[--tag ${{inputs.tag}}]] $[[--new ${{inputs.new}}]]\n"
                "inputs:\n  tag: {type: string, optional: true}\n");
    CHECK(replaced.find("[--tag][$[[x]] ${{inputs.lr}}]") != std::string::npos);
    CHECK(replaced.find("--new") == std::string::npos);
  }

  TEST_CASE("submit refuses an input without a value outside $[[...]], before any run") {
    jobc::testing::JobcSandbox box;
    auto spec = box.job(
        "command: printf '[%s]' --lr ${{inputs.lr}}\n"
        "inputs:\n  lr: {type: number, optional: true}\n");
    auto refused = box.jobc("submit --stream " + shell_quote(spec.string()));
    CHECK(refused.status == 1);
    CHECK(refused.err.find("error[E031]") != std::string::npos);
    CHECK(refused.err.find("optional input 'lr' has no value") != std::string::npos);
    CHECK(box.jobc("runs list --output json").out.find("\"id\"") == std::string::npos);
    // --set gives it the value it lacked.
    auto given = box.jobc("submit --stream --set inputs.lr=0.1 " + shell_quote(spec.string()));
    CHECK_MESSAGE(given.status == 0, given.err);
    CHECK(given.out.find("[--lr][0.1]") != std::string::npos);
  }
}
