#include "support/python_text.h"

#include <doctest/doctest.h>

TEST_SUITE("support") {
  TEST_CASE("python_float_repr matches Python's repr") {
    // Each expected string was printed by Python 3.11's repr().
    CHECK(jobc::python_float_repr(0.2) == "0.2");
    CHECK(jobc::python_float_repr(1.0) == "1.0");
    CHECK(jobc::python_float_repr(100.0) == "100.0");
    CHECK(jobc::python_float_repr(1e-05) == "1e-05");
    CHECK(jobc::python_float_repr(0.0001) == "0.0001");
    CHECK(jobc::python_float_repr(1e16) == "1e+16");
    CHECK(jobc::python_float_repr(1234567890123456.0) == "1234567890123456.0");
    CHECK(jobc::python_float_repr(-2.5e-10) == "-2.5e-10");
    CHECK(jobc::python_float_repr(0.1 + 0.2) == "0.30000000000000004");
    CHECK(jobc::python_float_repr(1.5e300) == "1.5e+300");
    CHECK(jobc::python_float_repr(0.0) == "0.0");
  }

  TEST_CASE("python_str of JSON values") {
    CHECK(jobc::python_str(nlohmann::json(true)) == "True");
    CHECK(jobc::python_str(nlohmann::json(nullptr)) == "None");
    CHECK(jobc::python_str(nlohmann::json(42)) == "42");
    CHECK(jobc::python_str(nlohmann::json("x y")) == "x y");
    CHECK(jobc::python_str(nlohmann::json(0.05)) == "0.05");
  }
}
