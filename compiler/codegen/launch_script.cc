#include "codegen/launch_script.h"

#include <fmt/format.h>

#include "codegen/comment_text.h"
#include "codegen/shell_quote.h"
#include "codegen/template_renderer.h"
#include "codegen/tensorflow_workers.h"
#include "spec/checks/command_references.h"
#include "spec/checks/optional_arguments.h"
#include "support/python_text.h"

namespace jobc {
namespace {

using json = nlohmann::json;

std::string variable_for(const std::string& prefix, const std::string& name) {
  std::string out = prefix;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

bool is_literal_input(const json& input) {
  return !input.is_object() || is_typed_literal(input);
}

// What ${{inputs.NAME}} becomes: a literal is quoted in place; a path input refers to the
// variable a backend sets (defaulting to the path as written, or the URI).
std::string input_replacement(const std::string& name, const json& input) {
  if (!is_literal_input(input)) return "\"$" + input_variable(name) + "\"";
  const json& value = input.is_object() ? input.value("default", json(nullptr)) : input;
  return shell_quote(python_str(value));
}

std::string input_default(const json& input) {
  return shell_quote(input.is_object() && input.contains("path") ? python_str(input["path"]) : "");
}

// What a reference becomes: only a plain ${{inputs.x}} / ${{outputs.y}} is replaced;
// ${{inputs.x.path}} and others stay as text, and so does an input without a value (validate
// refuses it outside $[[...]]): never the text None.
std::string replacement(const CommandReference& reference, const json& inputs) {
  if (reference.has_parts) return reference.text;
  if (reference.scope == "inputs" && input_has_value(inputs, reference.name)) {
    return input_replacement(reference.name, inputs[reference.name]);
  }
  if (reference.scope == "outputs") return "\"$" + output_variable(reference.name) + "\"";
  return reference.text;
}

// An optional argument is kept when every input it refers to has a value (outputs always do).
bool keeps(const OptionalArgument& argument, const std::vector<CommandReference>& references,
           const json& inputs) {
  for (const CommandReference& reference : references) {
    if (reference.offset >= argument.offset && reference.offset < argument.end &&
        reference.scope == "inputs" && !input_has_value(inputs, reference.name)) {
      return false;
    }
  }
  return true;
}

// Replaces ${{inputs.x}} and ${{outputs.y}}, and keeps or drops each $[[...]], in one pass:
// replacement text is never rescanned, so a value holding "${{" or "$[[" cannot expand again.
std::string substitute_command(const std::string& command, const json& inputs) {
  std::vector<CommandReference> references = find_command_references(command);
  std::string out;
  size_t last = 0;
  auto next = references.begin();
  // Copies the command up to `end`, its references replaced.
  auto copy_until = [&](size_t end) {
    for (; next != references.end() && next->offset < end; ++next) {
      out.append(command, last, next->offset - last);
      out += replacement(*next, inputs);
      last = next->offset + next->text.size();
    }
    if (end > last) out.append(command, last, end - last);
    last = std::max(last, end);
  };
  for (const OptionalArgument& argument : find_optional_arguments(command).arguments) {
    copy_until(argument.offset);
    if (keeps(argument, references, inputs)) {
      last = argument.offset + 3;  // without "$[["
      copy_until(argument.end - 2);
    }
    while (next != references.end() && next->offset < argument.end) ++next;
    last = argument.end;  // without "]]", or without the whole argument
  }
  copy_until(command.size());
  return out;
}

TemplateData distribution_data(const json& job, TemplateData data) {
  json distribution = job.value("distribution", json::object());
  std::string type = distribution.value("type", "");
  long long per_node = distribution.value("process_count_per_instance", 1LL);
  data.set("single", type.empty());
  data.set("mpi", type == "mpi");
  data.set("pytorch", type == "pytorch");
  data.set("tensorflow", type == "tensorflow");
  data.set("processes_per_node", std::to_string(per_node));
  data.set("workers", std::to_string(tensorflow_workers_per_node(job)));
  return data;
}

}  // namespace

std::string input_variable(const std::string& name) {
  return variable_for("JOBC_INPUT_", name);
}
std::string output_variable(const std::string& name) {
  return variable_for("JOBC_OUTPUT_", name);
}

void emit_launch_script(const LoadedSpec& spec, const std::string& base, OutputSet& outputs,
                        DiagnosticSink& sink) {
  const json& job = spec.doc.root.at(json::json_pointer(base));
  json inputs = job.value("inputs", json::object());
  json declared_outputs = job.value("outputs", json::object());
  if (!inputs.is_object()) inputs = json::object();
  if (!declared_outputs.is_object()) declared_outputs = json::object();

  TemplateData data;
  data.set("jobc_version", JOBC_VERSION);
  data.set("source",
           comment_text(std::filesystem::path(spec.doc.display_path).filename().string()));
  TemplateData input_list{TemplateData::type::list};
  for (const auto& [name, input] : inputs.items()) {
    if (is_literal_input(input)) continue;
    TemplateData item;
    item.set("variable", input_variable(name));
    item.set("default", input_default(input));
    input_list.push_back(item);
  }
  data.set("inputs", input_list);
  TemplateData output_list{TemplateData::type::list};
  for (const auto& [name, output] : declared_outputs.items()) {
    TemplateData item;
    item.set("variable", output_variable(name));
    item.set("default", shell_quote("outputs/" + name));
    output_list.push_back(item);
  }
  data.set("outputs", output_list);
  TemplateData variables{TemplateData::type::list};
  json environment = job.value("environment_variables", json::object());
  for (const auto& [name, value] : environment.items()) {
    if (!is_shell_identifier(name)) {
      sink.report(DiagCode::BadFormat,
                  spec.doc.map.key_location(base + "/environment_variables/" + name),
                  fmt::format("'{}' is not a valid environment variable name", name),
                  {"names are letters, digits and '_', not starting with a digit"});
      continue;
    }
    TemplateData item;
    item.set("name", name);
    item.set("value", shell_quote(python_str(value)));
    variables.push_back(item);
  }
  data.set("environment", variables);
  std::string command = job.value("command", "");
  data.set("command", shell_quote(substitute_command(command, inputs)));
  outputs.add("launch.sh", render_template("launch.sh.mustache", distribution_data(job, data)),
              true);
}

}  // namespace jobc
