// The README documents every diagnostic code, so the table cannot fall out of date.
#include <doctest/doctest.h>

#include "common/run_command.h"
#include "jobc/diagnostics.h"

TEST_SUITE("docs") {
  TEST_CASE("README lists every diagnostic code") {
    std::string readme = jobc::testing::slurp(std::string(JOBC_SOURCE_DIR) + "/README.md");
    REQUIRE(!readme.empty());
    for (const jobc::DiagInfo& info : jobc::all_diagnostics()) {
      CAPTURE(info.code);
      CHECK(readme.find("| " + std::string(info.code) + " |") != std::string::npos);
    }
  }
}
