// Plain scalar typing against PyYAML 6 SafeLoader. Every row was checked with
// yaml.resolver.Resolver().resolve(ScalarNode, text, (True, False)) and yaml.safe_load(text).
#include "support/yaml11_scalar.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

namespace {

using jobc::Yaml11Type;

struct ScalarCase {
  const char* text;
  Yaml11Type type;
  const char* value_json;  // what SafeLoader constructs, as JSON (floats checked separately)
};

const ScalarCase kCases[] = {
    {"", Yaml11Type::Null, "null"},
    {"~", Yaml11Type::Null, "null"},
    {"null", Yaml11Type::Null, "null"},
    {"Null", Yaml11Type::Null, "null"},
    {"NULL", Yaml11Type::Null, "null"},
    {"nULL", Yaml11Type::Str, "\"nULL\""},
    {"yes", Yaml11Type::Bool, "true"},
    {"Yes", Yaml11Type::Bool, "true"},
    {"YES", Yaml11Type::Bool, "true"},
    {"yEs", Yaml11Type::Str, "\"yEs\""},
    {"no", Yaml11Type::Bool, "false"},
    {"on", Yaml11Type::Bool, "true"},
    {"ON", Yaml11Type::Bool, "true"},
    {"off", Yaml11Type::Bool, "false"},
    {"Off", Yaml11Type::Bool, "false"},
    {"true", Yaml11Type::Bool, "true"},
    {"False", Yaml11Type::Bool, "false"},
    {"y", Yaml11Type::Str, "\"y\""},
    {"n", Yaml11Type::Str, "\"n\""},
    {"0", Yaml11Type::Int, "0"},
    {"-0", Yaml11Type::Int, "0"},
    {"+0", Yaml11Type::Int, "0"},
    {"00", Yaml11Type::Int, "0"},
    {"017", Yaml11Type::Int, "15"},
    {"018", Yaml11Type::Str, "\"018\""},
    {"0_17", Yaml11Type::Int, "15"},
    {"0o17", Yaml11Type::Str, "\"0o17\""},
    {"0b101", Yaml11Type::Int, "5"},
    {"-0b1_01", Yaml11Type::Int, "-5"},
    {"0b", Yaml11Type::Str, "\"0b\""},
    {"0b2", Yaml11Type::Str, "\"0b2\""},
    {"0x1F", Yaml11Type::Int, "31"},
    {"0xff_FF", Yaml11Type::Int, "65535"},
    {"0xg", Yaml11Type::Str, "\"0xg\""},
    {"1_000", Yaml11Type::Int, "1000"},
    {"1_", Yaml11Type::Int, "1"},
    {"_1", Yaml11Type::Str, "\"_1\""},
    {"-42", Yaml11Type::Int, "-42"},
    {"+7", Yaml11Type::Int, "7"},
    {"1:30", Yaml11Type::Int, "90"},
    {"1:30:05", Yaml11Type::Int, "5405"},
    {"-1:30", Yaml11Type::Int, "-90"},
    {"1:5", Yaml11Type::Int, "65"},
    {"190:20:30", Yaml11Type::Int, "685230"},
    {"1:60", Yaml11Type::Str, "\"1:60\""},
    {"1:123", Yaml11Type::Str, "\"1:123\""},
    {"01:30", Yaml11Type::Str, "\"01:30\""},
    {"9223372036854775807", Yaml11Type::Int, "9223372036854775807"},
    {"9223372036854775808", Yaml11Type::Int, "9223372036854775808"},
    {"18446744073709551615", Yaml11Type::Int, "18446744073709551615"},
    {"-9223372036854775808", Yaml11Type::Int, "-9223372036854775808"},
    // Python ints have no limit; beyond 64 bits jobc keeps the text.
    {"18446744073709551616", Yaml11Type::Int, "\"18446744073709551616\""},
    {"-9223372036854775809", Yaml11Type::Int, "\"-9223372036854775809\""},
    {"+.5", Yaml11Type::Str, "\"+.5\""},
    {"1e5", Yaml11Type::Str, "\"1e5\""},
    {"1.0e5", Yaml11Type::Str, "\"1.0e5\""},
    {"1e+5", Yaml11Type::Str, "\"1e+5\""},
    {"._5", Yaml11Type::Str, "\"._5\""},
    {"-.nan", Yaml11Type::Str, "\"-.nan\""},
    {"2001-12-14", Yaml11Type::Timestamp, "\"2001-12-14\""},
    {"2001-12-14t21:59:43.10-05:00", Yaml11Type::Timestamp, "\"2001-12-14t21:59:43.10-05:00\""},
    {"2001-12-14 21:59:43.10 -5", Yaml11Type::Timestamp, "\"2001-12-14 21:59:43.10 -5\""},
    {"2001-12-14 21:59:43", Yaml11Type::Timestamp, "\"2001-12-14 21:59:43\""},
    {"2001-12-14T21:59:43Z", Yaml11Type::Timestamp, "\"2001-12-14T21:59:43Z\""},
    {"2001-12-14 21:59:43.1 +05:30", Yaml11Type::Timestamp, "\"2001-12-14 21:59:43.1 +05:30\""},
    {"2001-12-14  1:59:43", Yaml11Type::Timestamp, "\"2001-12-14  1:59:43\""},
    {"2001-1-14", Yaml11Type::Str, "\"2001-1-14\""},
    {"2001-12-14 21:59:4", Yaml11Type::Str, "\"2001-12-14 21:59:4\""},
    {"<<", Yaml11Type::Merge, "\"<<\""},
    {"=", Yaml11Type::Value, "\"=\""},
    {"==", Yaml11Type::Str, "\"==\""},
    {"abc", Yaml11Type::Str, "\"abc\""},
    {"1.2.3", Yaml11Type::Str, "\"1.2.3\""},
    {"python=3.8", Yaml11Type::Str, "\"python=3.8\""},
    {"-", Yaml11Type::Str, "\"-\""},
    {".", Yaml11Type::Str, "\".\""},
    {"+", Yaml11Type::Str, "\"+\""},
};

struct FloatCase {
  const char* text;
  double value;
};

const FloatCase kFloats[] = {
    {"1.5", 1.5},      {"1.", 1.0},
    {"-1.", -1.0},     {".5", 0.5},
    {"1.0e+5", 1e5},   {"1.0E-5", 1e-5},
    {"1_0.5_0", 10.5}, {"1:30.5", 90.5},
    {"1:30.", 90.0},   {"-1:30.5", -90.5},
    {"3.8", 3.8},      {"0.", 0.0},
    {"1.e+5", 1e5},    {"12:34:56.5", 45296.5},
};

}  // namespace

TEST_SUITE("support") {
  TEST_CASE("plain scalars resolve like PyYAML's SafeLoader") {
    for (const auto& row : kCases) {
      CAPTURE(row.text);
      CHECK(jobc::plain_scalar_type(row.text) == row.type);
      CHECK(jobc::resolve_plain_scalar(row.text) == nlohmann::json::parse(row.value_json));
    }
  }

  TEST_CASE("integers keep their sign and width") {
    CHECK(jobc::resolve_plain_scalar("-9223372036854775808").get<int64_t>() == INT64_MIN);
    CHECK(jobc::resolve_plain_scalar("18446744073709551615").get<uint64_t>() == UINT64_MAX);
    CHECK(jobc::resolve_plain_scalar("42").is_number_integer());
  }

  TEST_CASE("floats are constructed like Python's float()") {
    for (const auto& row : kFloats) {
      CAPTURE(row.text);
      CHECK(jobc::plain_scalar_type(row.text) == Yaml11Type::Float);
      nlohmann::json value = jobc::resolve_plain_scalar(row.text);
      REQUIRE(value.is_number_float());
      CHECK(value.get<double>() == row.value);
    }
    CHECK(std::signbit(jobc::resolve_plain_scalar("-0.0").get<double>()));
    CHECK(jobc::resolve_plain_scalar(".inf").get<double>() == INFINITY);
    CHECK(jobc::resolve_plain_scalar("-.Inf").get<double>() == -INFINITY);
    CHECK(jobc::resolve_plain_scalar("+.INF").get<double>() == INFINITY);
    CHECK(jobc::resolve_plain_scalar("1.5e+400").get<double>() == INFINITY);
    CHECK(jobc::resolve_plain_scalar("-1_000.0e+400").get<double>() == -INFINITY);
    CHECK(jobc::resolve_plain_scalar("0.001e+309").get<double>() == 1e306);
    CHECK(jobc::resolve_plain_scalar("1.0e-400").get<double>() == 0.0);
    CHECK(jobc::resolve_plain_scalar("0.0001e-320").get<double>() == 0.0);
    CHECK(jobc::resolve_plain_scalar("4.9e-324").get<double>() > 0.0);
    CHECK(std::isnan(jobc::resolve_plain_scalar(".NaN").get<double>()));
    CHECK(std::isnan(jobc::resolve_plain_scalar(".nan").get<double>()));
  }

  TEST_CASE("long scalars are matched without deep recursion") {
    std::string digits(200000, '7');
    CHECK(jobc::plain_scalar_type(digits) == Yaml11Type::Int);
    CHECK(jobc::resolve_plain_scalar(digits).is_string());
    CHECK(jobc::plain_scalar_type(digits + ".5") == Yaml11Type::Float);
    CHECK(jobc::plain_scalar_type(digits + "x") == Yaml11Type::Str);
  }
}
