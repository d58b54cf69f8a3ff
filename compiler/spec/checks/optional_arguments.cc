#include "spec/checks/optional_arguments.h"

namespace jobc {
namespace {

constexpr std::string_view kOpen = "$[[";
constexpr std::string_view kClose = "]]";

}  // namespace

OptionalArguments find_optional_arguments(std::string_view command) {
  OptionalArguments out;
  size_t open = command.find(kOpen);
  while (open != std::string_view::npos) {
    size_t close = command.find(kClose, open + kOpen.size());
    if (close == std::string_view::npos) {
      out.problems.push_back({open, "'$[[' is not closed by ']]'"});
      break;
    }
    if (size_t inner = command.find(kOpen, open + kOpen.size()); inner < close) {
      out.problems.push_back({inner,
                              "'$[[' inside another '$[[...]]': optional arguments "
                              "cannot be nested"});
    } else {
      out.arguments.push_back({open, close + kClose.size()});
    }
    open = command.find(kOpen, close + kClose.size());
  }
  return out;
}

bool is_typed_literal(const nlohmann::json& input) {
  if (!input.is_object()) return false;
  auto type = input.find("type");
  if (type == input.end() || !type->is_string()) return false;
  const std::string& name = type->get_ref<const std::string&>();
  return name == "string" || name == "integer" || name == "number" || name == "boolean";
}

bool inside_optional_argument(const std::vector<OptionalArgument>& arguments, size_t offset) {
  for (const OptionalArgument& argument : arguments) {
    if (offset >= argument.offset && offset < argument.end) return true;
  }
  return false;
}

bool input_has_value(const nlohmann::json& inputs, const std::string& name) {
  if (!inputs.is_object()) return false;
  auto found = inputs.find(name);
  if (found == inputs.end()) return false;
  const nlohmann::json& input = *found;
  if (!input.is_object()) return !input.is_null();
  if (is_typed_literal(input)) {
    auto value = input.find("default");
    return value != input.end() && !value->is_null();
  }
  auto path = input.find("path");
  return path != input.end() && path->is_string() && !path->get_ref<const std::string&>().empty();
}

}  // namespace jobc
