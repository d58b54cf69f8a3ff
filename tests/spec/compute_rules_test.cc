// The front end's view of the backends (jobc/compute_rules.h) is what the registry says:
// every backend's compute types and built-in names, its docker_args policy and its checks.
#include <doctest/doctest.h>

#include <cctype>

#include "jobc/backend_registry.h"
#include "jobc/compute_rules.h"

TEST_SUITE("spec") {
  TEST_CASE("every registry entry's compute types and built-in names reach the front end") {
    for (const jobc::BackendEntry& entry : jobc::backend_registry()) {
      for (const std::string& type : entry.compute_types) {
        const jobc::ComputeKind* kind = jobc::compute_kind_of_type(type);
        REQUIRE(kind != nullptr);
        CHECK(kind->refuses_unsupported_docker_args ==
              entry.capabilities.refuses_unsupported_docker_args);
        CHECK((kind->check_compute == entry.check_compute));
      }
      for (const std::string& name : entry.builtin_names)
        CHECK(jobc::compute_kind_of_builtin(name) != nullptr);
    }
    CHECK(jobc::compute_kind_of_type("no-such-type") == nullptr);
  }

  TEST_CASE("compute types are found whatever their case, as the schemas accept them") {
    const std::string& type = jobc::backend_registry().back().compute_types.front();
    std::string upper = type;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(jobc::compute_kind_of_type(upper) == jobc::compute_kind_of_type(type));
  }
}
