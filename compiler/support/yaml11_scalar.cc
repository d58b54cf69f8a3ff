// Hand-written matchers for PyYAML's implicit resolver regexes (resolver.py) and the
// SafeConstructor conversions that follow them. Hand-written rather than std::regex so that
// long scalars cannot exhaust the stack of a backtracking matcher.
#include "support/yaml11_scalar.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "support/text.h"

namespace jobc {
namespace {

// A read position in a scalar, with the few moves the resolver grammars need.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  std::string_view rest() const { return text_.substr(pos_); }
  bool eat(char c) {
    if (done() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool eat_one_of(std::string_view set) {
    if (done() || set.find(text_[pos_]) == std::string_view::npos) return false;
    ++pos_;
    return true;
  }
  size_t eat_all_of(std::string_view set) {
    size_t start = pos_;
    while (eat_one_of(set)) {
    }
    return pos_ - start;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kDigitsOrUnderscore = "0123456789_";

bool is_one_of(std::string_view text, std::initializer_list<std::string_view> words) {
  for (std::string_view word : words) {
    if (text == word) return true;
  }
  return false;
}

bool is_null(std::string_view text) {
  return is_one_of(text, {"", "~", "null", "Null", "NULL"});
}

bool is_true(std::string_view text) {
  return is_one_of(text, {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"});
}

bool is_false(std::string_view text) {
  return is_one_of(text, {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"});
}

// (?::[0-5]?[0-9])+ – base-60 groups. Each digit run is maximal because what follows a
// group (':', '.', or the end) is never a digit.
bool eat_sexagesimal_groups(Cursor& at) {
  bool any = false;
  while (at.eat(':')) {
    std::string_view rest = at.rest();
    size_t run = at.eat_all_of(kDigits);
    if (run == 0 || run > 2 || (run == 2 && rest[0] > '5')) return false;
    any = true;
  }
  return any;
}

// [-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
// | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
bool matches_int(std::string_view text) {
  Cursor at(text);
  at.eat_one_of("-+");
  if (at.eat('0')) {
    if (at.done()) return true;
    if (at.eat('b')) return at.eat_all_of("01_") > 0 && at.done();
    if (at.eat('x')) return at.eat_all_of("0123456789abcdefABCDEF_") > 0 && at.done();
    return at.eat_all_of("01234567_") > 0 && at.done();
  }
  if (!at.eat_one_of("123456789")) return false;
  at.eat_all_of(kDigitsOrUnderscore);
  if (at.done()) return true;
  return eat_sexagesimal_groups(at) && at.done();
}

// (?:[eE][-+][0-9]+)?$
bool exponent_then_end(Cursor& at) {
  if (at.done()) return true;
  return at.eat_one_of("eE") && at.eat_one_of("-+") && at.eat_all_of(kDigits) > 0 && at.done();
}

// [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)? | \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
// | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
bool matches_float(std::string_view text) {
  Cursor at(text);
  bool has_sign = at.eat_one_of("-+");
  if (at.eat('.')) {
    if (is_one_of(at.rest(), {"inf", "Inf", "INF"})) return true;
    if (has_sign) return false;
    if (is_one_of(at.rest(), {"nan", "NaN", "NAN"})) return true;
    if (!at.eat_one_of(kDigits)) return false;
    at.eat_all_of(kDigitsOrUnderscore);
    return exponent_then_end(at);
  }
  if (!at.eat_one_of(kDigits)) return false;
  at.eat_all_of(kDigitsOrUnderscore);
  if (at.eat('.')) {
    at.eat_all_of(kDigitsOrUnderscore);
    return exponent_then_end(at);
  }
  if (!eat_sexagesimal_groups(at) || !at.eat('.')) return false;
  at.eat_all_of(kDigitsOrUnderscore);
  return at.done();
}

bool eat_digits(Cursor& at, size_t min, size_t max) {
  size_t run = at.eat_all_of(kDigits);
  return run >= min && run <= max;
}

// [0-9]{4}-[0-9]{2}-[0-9]{2}
// | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
//   (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?
bool matches_timestamp(std::string_view text) {
  Cursor at(text);
  if (!eat_digits(at, 4, 4) || !at.eat('-') || !eat_digits(at, 1, 2) || !at.eat('-') ||
      !eat_digits(at, 1, 2)) {
    return false;
  }
  if (at.done()) return text.size() == 10;  // the date-only form wants two-digit fields
  if (!at.eat_one_of("Tt") && at.eat_all_of(" \t") == 0) return false;
  if (!eat_digits(at, 1, 2) || !at.eat(':') || !eat_digits(at, 2, 2) || !at.eat(':') ||
      !eat_digits(at, 2, 2)) {
    return false;
  }
  if (at.eat('.')) at.eat_all_of(kDigits);
  if (at.done()) return true;
  at.eat_all_of(" \t");
  if (at.eat('Z')) return at.done();
  if (!at.eat_one_of("-+") || !eat_digits(at, 1, 2)) return false;
  if (at.eat(':') && !eat_digits(at, 2, 2)) return false;
  return at.done();
}

std::string without_underscores(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// Splits a leading sign off, as SafeConstructor does: returns -1 or +1.
int take_sign(std::string& digits) {
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    int sign = digits[0] == '-' ? -1 : 1;
    digits.erase(0, 1);
    return sign;
  }
  return 1;
}

std::optional<uint64_t> parse_unsigned(std::string_view digits, int base) {
  uint64_t value = 0;
  if (digits.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::optional<uint64_t> parse_sexagesimal_int(std::string_view digits) {
  uint64_t value = 0;
  size_t start = 0;
  while (true) {
    size_t colon = digits.find(':', start);
    auto part = parse_unsigned(digits.substr(start, colon - start), 10);
    if (!part || __builtin_mul_overflow(value, 60u, &value) ||
        __builtin_add_overflow(value, *part, &value)) {
      return std::nullopt;
    }
    if (colon == std::string_view::npos) return value;
    start = colon + 1;
  }
}

// Python's int(): 017 is octal, 0b/0x prefixes, base 60 with ':'.
nlohmann::json construct_int(std::string_view text) {
  std::string digits = without_underscores(text);
  int sign = take_sign(digits);
  std::optional<uint64_t> magnitude;
  if (digits.rfind("0b", 0) == 0) {
    magnitude = parse_unsigned(std::string_view(digits).substr(2), 2);
  } else if (digits.rfind("0x", 0) == 0) {
    magnitude = parse_unsigned(std::string_view(digits).substr(2), 16);
  } else if (digits.size() > 1 && digits[0] == '0') {
    magnitude = parse_unsigned(digits, 8);
  } else if (digits.find(':') != std::string::npos) {
    magnitude = parse_sexagesimal_int(digits);
  } else {
    magnitude = parse_unsigned(digits, 10);
  }
  if (!magnitude) return std::string(text);  // beyond 64 bits, or SafeLoader would fail
  constexpr uint64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
  if (sign > 0) {
    if (*magnitude <= kMaxInt64) return static_cast<int64_t>(*magnitude);
    return *magnitude;
  }
  if (*magnitude <= kMaxInt64) return -static_cast<int64_t>(*magnitude);
  if (*magnitude == kMaxInt64 + 1) return std::numeric_limits<int64_t>::min();
  return std::string(text);
}

// Decimal exponent of the leading significant digit of "123.45e+6"-style text, saturated.
long decimal_magnitude(std::string_view digits) {
  size_t e = digits.find_first_of("eE");
  long exponent = 0;
  if (e != std::string_view::npos) {
    for (char c : digits.substr(e + 1)) {
      if (c >= '0' && c <= '9') exponent = std::min(exponent * 10 + (c - '0'), 1L << 40);
    }
    if (digits.substr(e + 1).starts_with('-')) exponent = -exponent;
  }
  std::string_view mantissa = digits.substr(0, e);
  size_t first = mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return exponent;
  size_t point = std::min(mantissa.find('.'), mantissa.size());
  long shift =
      first < point ? static_cast<long>(point - first) - 1 : -static_cast<long>(first - point);
  return exponent + shift;
}

double parse_double(std::string_view digits) {
  double value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  // Python's float() overflows to inf and underflows to 0; from_chars reports both.
  if (error == std::errc::result_out_of_range) {
    return decimal_magnitude(digits) > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  }
  return value;
}

// Python's float() with SafeConstructor's extras: .inf, .nan, base 60 with ':'.
double construct_float(std::string_view text) {
  std::string digits = lower(without_underscores(text));
  int sign = take_sign(digits);
  if (digits == ".inf") return sign * std::numeric_limits<double>::infinity();
  if (digits == ".nan") return std::numeric_limits<double>::quiet_NaN();
  if (digits.find(':') == std::string::npos) {
    return sign * parse_double(digits);  // from_chars takes "1.", ".5", "1.e+5" like float()
  }
  // Same arithmetic order as SafeConstructor: least significant group first.
  double value = 0.0;
  double base = 1;
  size_t end = digits.size();
  while (true) {
    size_t colon = digits.rfind(':', end - 1);
    size_t start = colon == std::string::npos ? 0 : colon + 1;
    value += parse_double(std::string_view(digits).substr(start, end - start)) * base;
    base *= 60;
    if (colon == std::string::npos) break;
    end = colon;
  }
  return sign * value;
}

}  // namespace

Yaml11Type plain_scalar_type(std::string_view text) {
  if (is_null(text)) return Yaml11Type::Null;
  if (is_true(text) || is_false(text)) return Yaml11Type::Bool;
  if (matches_float(text)) return Yaml11Type::Float;
  if (matches_int(text)) return Yaml11Type::Int;
  if (matches_timestamp(text)) return Yaml11Type::Timestamp;
  if (text == "<<") return Yaml11Type::Merge;
  if (text == "=") return Yaml11Type::Value;
  return Yaml11Type::Str;
}

nlohmann::json resolve_plain_scalar(std::string_view text) {
  switch (plain_scalar_type(text)) {
    case Yaml11Type::Null:
      return nullptr;
    case Yaml11Type::Bool:
      return is_true(text);
    case Yaml11Type::Int:
      return construct_int(text);
    case Yaml11Type::Float:
      return construct_float(text);
    default:
      return std::string(text);
  }
}

}  // namespace jobc
