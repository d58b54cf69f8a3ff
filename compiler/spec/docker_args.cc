#include "spec/docker_args.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <map>

#include "support/char_scan.h"
#include "support/text.h"

namespace jobc {
namespace {

using Kind = DockerArgsProblem::Kind;

const char* kSupported =
    "--network host|none, --shm-size, --gpus, -e/--env NAME=VALUE, --ipc, --memory/-m, "
    "--memory-swap, --cpus, --pids-limit, --ulimit, --user/-u";

// One word of docker_args as a shell would split it, and where it stands in the string.
struct Word {
  std::string text;
  size_t begin;
  size_t end;
};

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Splits like a shell: spaces, '...' and "..." quotes, '\' escapes. An unclosed quote is a
// problem at the quote.
std::vector<Word> split_words(std::string_view text, std::vector<DockerArgsProblem>& problems) {
  std::vector<Word> out;
  Word current{"", 0, 0};
  bool in_word = false;
  char quote = 0;
  size_t quote_at = 0;
  auto start_word = [&](size_t at) {
    if (!in_word) current.begin = at;
    in_word = true;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        current.text += text[++i];
      } else {
        current.text += c;
      }
    } else if (c == '\'' || c == '"') {
      start_word(i);
      quote = c;
      quote_at = i;
    } else if (c == '\\' && i + 1 < text.size()) {
      start_word(i);
      current.text += text[++i];
    } else if (is_regex_space(c)) {
      if (in_word) out.push_back({current.text, current.begin, i});
      current.text.clear();
      in_word = false;
    } else {
      start_word(i);
      current.text += c;
    }
  }
  if (quote) {
    problems.push_back({Kind::Malformed,
                        quote_at,
                        text.size() - quote_at,
                        fmt::format("this {} opens a quote that is never closed", quote),
                        {"docker_args is split into words like a shell command line"}});
    return {};
  }
  if (in_word) out.push_back({current.text, current.begin, text.size()});
  return out;
}

std::optional<GpuRequest> parse_gpu_pairs(std::string_view value) {
  GpuRequest request;
  size_t start = 0;
  bool any = false;
  auto next_item = [&](size_t& from) {
    size_t comma = value.find(',', from);
    std::string_view item =
        value.substr(from, comma == std::string_view::npos ? value.npos : comma - from);
    from = comma == std::string_view::npos ? value.size() : comma + 1;
    return item;
  };
  while (start < value.size()) {
    std::string_view part = next_item(start);
    size_t equals = part.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    std::string_view key = part.substr(0, equals);
    std::string item(part.substr(equals + 1));
    any = true;
    if (key == "device") {
      request.device_ids.push_back(item);
      // device=0,1: the ids after a comma without '=' belong to it.
      while (start < value.size()) {
        size_t from = start;
        std::string_view id = next_item(from);
        if (id.find('=') != std::string_view::npos) break;
        request.device_ids.emplace_back(id);
        start = from;
      }
    } else if (key == "count") {
      auto count = parse_integer(item);
      if (item == "all") {
        request.count = -1;
      } else if (count && *count > 0) {
        request.count = *count;
      } else {
        return std::nullopt;
      }
    } else if (key == "driver") {
      request.driver = item;
    } else if (key == "capabilities") {
      request.capability = item;
    } else {
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  return request;
}

// Reads the options one by one; each reports its own problems and goes on to the next.
class OptionReader {
 public:
  OptionReader(std::vector<Word> words, ParsedDockerArgs& out)
      : words_(std::move(words)), out_(out) {}

  void read_all() {
    for (i_ = 0; i_ < words_.size(); ++i_) read_option();
  }

 private:
  void read_option() {
    const Word& word = words_[i_];
    option_ = word.text;
    option_word_ = i_;
    value_.clear();
    value_word_ = i_;
    has_value_ = false;
    if (auto equals = option_.find('='); option_.starts_with("--") && equals != option_.npos) {
      value_ = option_.substr(equals + 1);
      option_ = option_.substr(0, equals);
      has_value_ = true;
    } else if (option_.size() > 2 && option_[0] == '-' && option_[1] != '-' &&
               (option_[1] == 'e' || option_[1] == 'm' || option_[1] == 'u')) {
      value_ = option_.substr(2);  // -eNAME=VALUE, -m4g
      option_ = option_.substr(0, 2);
      has_value_ = true;
    }
    DockerArgs& args = out_.args;
    if (option_ == "--network" || option_ == "--net") {
      if (!take_value()) return;
      if (value_ != "host" && value_ != "none") {
        return problem_at_value(Kind::Unsupported,
                                fmt::format("--network {}: jobc runs containers with network "
                                            "none, or host when asked (--network host)",
                                            value_));
      }
      args.network = value_;
    } else if (option_ == "--shm-size") {
      if (int64_t bytes = 0; take_value() && size_of(bytes)) args.shm_size = bytes;
    } else if (option_ == "--gpus") {
      if (!take_value()) return;
      if (auto gpus = parse_gpus(value_)) {
        args.gpus = *gpus;
      } else {
        problem_at_value(
            Kind::Malformed,
            fmt::format("--gpus '{}': give all, a count, or device=ID[,ID...]", value_));
      }
    } else if (option_ == "-e" || option_ == "--env") {
      if (!take_value()) return;
      auto equals = value_.find('=');
      if (equals == std::string::npos || equals == 0) {
        return problem_at_value(Kind::Unsupported,
                                fmt::format("{} {}: give NAME=VALUE (jobc does not copy "
                                            "variables from the submitting shell into the "
                                            "container)",
                                            option_, value_));
      }
      args.env.push_back(value_);
    } else if (option_ == "--ipc") {
      if (!take_value()) return;
      if (value_ != "host" && value_ != "private" && value_ != "shareable" && value_ != "none") {
        return problem_at_value(
            Kind::Unsupported,
            fmt::format("--ipc {}: give host, private, shareable or none", value_));
      }
      args.ipc_mode = value_;
    } else if (option_ == "--memory" || option_ == "-m") {
      if (take_value()) size_of(args.memory);
    } else if (option_ == "--memory-swap") {
      if (!take_value()) return;
      if (value_ == "-1") {
        args.memory_swap = -1;
      } else {
        size_of(args.memory_swap);
      }
    } else if (option_ == "--cpus") {
      if (!take_value()) return;
      read_cpus();
    } else if (option_ == "--pids-limit") {
      if (!take_value()) return;
      if (auto limit = parse_integer(value_)) {
        args.pids_limit = *limit;
      } else {
        problem_at_value(Kind::Malformed, fmt::format("--pids-limit '{}' is not a number", value_));
      }
    } else if (option_ == "--ulimit") {
      if (take_value()) read_ulimit();
    } else if (option_ == "--user" || option_ == "-u") {
      if (take_value()) args.user = value_;
    } else {
      refuse_option();
    }
  }

  bool take_value() {
    if (has_value_) return true;
    if (i_ + 1 >= words_.size()) {
      const Word& word = words_[option_word_];
      out_.problems.push_back({Kind::Malformed,
                               word.begin,
                               word.end - word.begin,
                               fmt::format("{} needs a value", option_),
                               {}});
      return false;
    }
    value_word_ = ++i_;
    value_ = words_[i_].text;
    return true;
  }

  bool size_of(int64_t& out) {
    auto bytes = parse_byte_size(value_);
    if (!bytes) {
      problem_at_value(Kind::Malformed,
                       fmt::format("{} '{}' is not a size like 2g or 512m", option_, value_));
      return false;
    }
    out = *bytes;
    return true;
  }

  void read_cpus() {
    double cpus = 0;
    auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), cpus);
    // Up to a billion CPUs: their count in nano-CPUs must fit in 64 bits.
    if (ec != std::errc() || end != value_.data() + value_.size() || !(cpus > 0) || cpus > 1e9) {
      return problem_at_value(Kind::Malformed,
                              fmt::format("--cpus '{}' is not a number of CPUs", value_));
    }
    out_.args.nano_cpus = static_cast<int64_t>(std::llround(cpus * 1e9));
  }

  void read_ulimit() {
    auto equals = value_.find('=');
    std::string name = value_.substr(0, equals);
    std::string limits = equals == std::string::npos ? "" : value_.substr(equals + 1);
    auto colon = limits.find(':');
    auto soft = parse_integer(std::string_view(limits).substr(0, colon));
    auto hard = colon == std::string::npos
                    ? soft
                    : parse_integer(std::string_view(limits).substr(colon + 1));
    if (name.empty() || !soft || !hard) {
      return problem_at_value(Kind::Malformed,
                              fmt::format("--ulimit '{}': give name=soft[:hard]", value_));
    }
    out_.args.ulimits.push_back({name, *soft, *hard});
  }

  // An option jobc does not take. Its value, when it has one, goes with it (`-v /:/host`),
  // so the value is not reported as a second unknown option.
  void refuse_option() {
    const Word& word = words_[option_word_];
    size_t end = word.end;
    bool next_is_value = i_ + 1 < words_.size() && !words_[i_ + 1].text.starts_with("-") &&
                         word.text.find('=') == std::string::npos;
    if (next_is_value) end = words_[++i_].end;
    out_.problems.push_back(
        {Kind::Unsupported,
         word.begin,
         end - word.begin,
         fmt::format("'{}' is not supported by jobc's docker backend", word.text),
         {fmt::format("it takes {}", kSupported),
          "host mounts, devices, capabilities and privileged mode are left out on purpose"}});
  }

  void problem_at_value(Kind kind, std::string message) {
    const Word& word = words_[value_word_];
    out_.problems.push_back({kind, word.begin, word.end - word.begin, std::move(message), {}});
  }

  std::vector<Word> words_;
  ParsedDockerArgs& out_;
  size_t i_ = 0;
  std::string option_;
  size_t option_word_ = 0;
  std::string value_;
  size_t value_word_ = 0;
  bool has_value_ = false;
};

}  // namespace

ParsedDockerArgs parse_docker_args(std::string_view text) {
  ParsedDockerArgs out;
  std::vector<Word> words = split_words(text, out.problems);
  OptionReader(std::move(words), out).read_all();
  return out;
}

std::optional<int64_t> parse_byte_size(std::string_view text) {
  std::string value = lower(text);
  size_t digits = skip_while(value, 0, [](char c) { return is_ascii_digit(c) || c == '.'; });
  if (digits == 0) return std::nullopt;
  double number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + digits, number);
  if (ec != std::errc() || end != value.data() + digits) return std::nullopt;
  std::string unit = value.substr(digits);
  if (unit.size() > 1 && (unit.ends_with("b") || unit.ends_with("ib"))) {
    unit = unit.substr(0, unit.ends_with("ib") ? unit.size() - 2 : unit.size() - 1);
  }
  static const std::map<std::string, double> units = {{"", 1},
                                                      {"b", 1},
                                                      {"k", 1024.0},
                                                      {"m", 1024.0 * 1024},
                                                      {"g", 1024.0 * 1024 * 1024},
                                                      {"t", 1024.0 * 1024 * 1024 * 1024}};
  auto it = units.find(unit);
  // Sizes past 2^62 bytes are typos, and would not fit in the engine's 64-bit fields.
  if (it == units.end() || number * it->second > 0x1p62) return std::nullopt;
  return static_cast<int64_t>(std::llround(number * it->second));
}

std::optional<GpuRequest> parse_gpus(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  GpuRequest request;
  if (value == "all") {
    request.count = -1;
    return request;
  }
  if (auto count = parse_integer(value)) {
    if (*count <= 0) return std::nullopt;
    request.count = *count;
    return request;
  }
  return parse_gpu_pairs(value);
}

}  // namespace jobc
