#include <fmt/format.h>

#include "spec/checks/check_context.h"
#include "support/char_scan.h"

namespace jobc {

namespace fs = std::filesystem;

const nlohmann::json* CheckContext::find(const std::string& pointer) const {
  nlohmann::json::json_pointer json_ptr(pointer);
  return doc().root.contains(json_ptr) ? &doc().root.at(json_ptr) : nullptr;
}

fs::path CheckContext::resolve(const std::string& relative) const {
  fs::path path(relative);
  return path.is_absolute() ? path : doc().dir / path;
}

std::string CheckContext::display(const std::string& relative) const {
  fs::path path(relative);
  if (path.is_absolute()) return path.lexically_normal().string();
  return (fs::path(doc().display_path).parent_path() / path).lexically_normal().string();
}

bool check_local_path(const CheckContext& context, const std::string& pointer, PathKind kind,
                      const std::string& what) {
  const nlohmann::json* value = context.find(pointer);
  if (!value || !value->is_string()) return false;
  std::string text = value->get<std::string>();
  if (is_remote_reference(text)) return true;
  std::error_code error;
  fs::path path = context.resolve(text);
  fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    context.sink.report(DiagCode::MissingPath, context.at(pointer),
                        fmt::format("{} '{}' does not exist", what, text),
                        {fmt::format("looked for '{}' (paths are relative to the spec's folder)",
                                     context.display(text))});
    return false;
  }
  bool is_dir = fs::is_directory(status);
  if ((kind == PathKind::File && is_dir) || (kind == PathKind::Folder && !is_dir)) {
    context.sink.report(
        DiagCode::PathKindMismatch, context.at(pointer),
        fmt::format("{} '{}' is a {}, a {} is needed", what, text, is_dir ? "folder" : "file",
                    kind == PathKind::File ? "file" : "folder"));
    return false;
  }
  return true;
}

bool looks_like_placeholder(const std::string& text) {
  // Optional spaces, then "<...>" with no '<', '>' or newline inside, then optional spaces.
  std::string_view view(text);
  size_t first = skip_while(view, 0, is_regex_space);
  size_t last = view.size();
  while (last > first && is_regex_space(view[last - 1])) --last;
  if (last - first < 2 || view[first] != '<' || view[last - 1] != '>') return false;
  std::string_view inside = view.substr(first + 1, last - first - 2);
  return inside.find_first_of("<>\n") == std::string_view::npos;
}

namespace {

void find_placeholders(const CheckContext& context, const nlohmann::json& value,
                       const std::string& pointer) {
  if (value.is_string() && looks_like_placeholder(value.get<std::string>())) {
    context.sink.report(
        DiagCode::Placeholder, context.at(pointer),
        fmt::format("'{}' is a template placeholder, not a value", value.get<std::string>()),
        {fmt::format("replace it with a real value for '{}'", pointer_to_dotted(pointer))});
  } else if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      find_placeholders(context, child, pointer_append(pointer, key));
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      find_placeholders(context, value[i], pointer_append(pointer, i));
    }
  }
}

}  // namespace

void check_placeholders(const CheckContext& context) {
  find_placeholders(context, context.doc().root, "");
}

}  // namespace jobc
