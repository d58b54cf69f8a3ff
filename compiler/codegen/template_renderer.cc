#include "codegen/template_renderer.h"

#include <set>
#include <stdexcept>

#include "embedded/embedded.h"
#include "support/hash.h"

namespace jobc {
namespace {

using kainjow::mustache::basic_data;

// Records every name the template looks up but the data does not have.
class StrictContext : public kainjow::mustache::context<std::string> {
 public:
  explicit StrictContext(const TemplateData* data) : context(data) {}
  const basic_data<std::string>* get(const std::string& name) const override {
    const basic_data<std::string>* value = context::get(name);
    if (!value) missing.insert(name);
    return value;
  }
  mutable std::set<std::string> missing;
};

// kainjow leaves the line of a standalone tag ({{#x}} or a delimiter change alone on a
// line) as an empty line; the templates never mean two blank lines in a row, so collapse
// them, and drop blank lines at the start (a script's #! must be line 1) and at the end.
std::string tidy_blank_lines(const std::string& text) {
  std::string out;
  size_t blank_run = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    blank_run = blank ? blank_run + 1 : 0;
    if (blank_run <= 1 && !(blank && out.empty())) {
      out.append(line);
      out += '\n';
    }
    start = end + 1;
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  return out;
}

std::string template_text(const std::string& name) {
  auto text = embedded::find(embedded::templates(), name);
  // A programming error, as an assertion would be: the templates are compiled into jobc, so a
  // missing one is a defect the golden tests catch, never a user's error (not converted to a
  // Result on purpose).
  if (!text) throw std::logic_error("no embedded template named '" + name + "'");
  return std::string(*text);
}

}  // namespace

std::string render_template(const std::string& template_name, const TemplateData& data) {
  kainjow::mustache::mustache compiled(template_text(template_name));
  if (!compiled.is_valid()) {
    throw std::logic_error("template " + template_name + ": " + compiled.error_message());
  }
  compiled.set_custom_escape([](const std::string& text) { return text; });
  StrictContext context(&data);
  std::string out = compiled.render(context);
  if (!context.missing.empty()) {
    std::string names;
    for (const std::string& name : context.missing) names += " " + name;
    throw std::logic_error("template " + template_name + " uses undefined variables:" + names);
  }
  if (!compiled.is_valid()) {
    throw std::logic_error("template " + template_name + ": " + compiled.error_message());
  }
  return tidy_blank_lines(out);
}

std::string template_hash(const std::string& template_name) {
  return sha256_hex(template_text(template_name));
}

}  // namespace jobc
