#include "codegen/launch_script.h"

#include <fmt/format.h>

#include "codegen/comment_text.h"
#include "codegen/shell_quote.h"
#include "codegen/template_renderer.h"
#include "codegen/tensorflow_workers.h"

namespace jobc {
namespace {

using model::CommandReference;
using model::Input;
using model::OptionalArgument;

std::string variable_for(const std::string& prefix, const std::string& name) {
  std::string out = prefix;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

bool is_literal(const Input& input) {
  return input.form != Input::Form::Data;
}

bool has_value(const model::JobCommon& job, const std::string& name) {
  const Input* input = job.input(name);
  return input && input->has_value();
}

// What ${{inputs.NAME}} becomes: a literal is quoted in place; a path input refers to the
// variable a backend sets (defaulting to the path as written, or the URI).
std::string input_replacement(const Input& input) {
  if (!is_literal(input)) return "\"$" + input_variable(input.name) + "\"";
  return shell_quote(input.value.python_str());  // a literal, or a typed literal's default
}

// What a reference becomes: only a plain ${{inputs.x}} / ${{outputs.y}} is replaced;
// ${{inputs.x.path}} and others stay as text, and so does an input without a value (the
// model refuses it outside $[[...]]): never the text None.
std::string replacement(const CommandReference& reference, const model::JobCommon& job) {
  if (reference.has_parts) return reference.text;
  if (reference.scope == "inputs" && has_value(job, reference.name)) {
    return input_replacement(*job.input(reference.name));
  }
  if (reference.scope == "outputs") return "\"$" + output_variable(reference.name) + "\"";
  if (reference.scope == "search_space") {
    // A trial's sampled value, written as Azure ML writes it (Python's str()), quoted.
    if (const model::Value* value = job.trial_parameters.find(reference.name)) {
      return shell_quote(value->python_str());
    }
  }
  return reference.text;
}

// An optional argument is kept when every input it refers to has a value (outputs always do).
bool keeps(const OptionalArgument& argument, const std::vector<CommandReference>& references,
           const model::JobCommon& job) {
  for (const CommandReference& reference : references) {
    if (reference.offset >= argument.offset && reference.offset < argument.end &&
        reference.scope == "inputs" && !has_value(job, reference.name)) {
      return false;
    }
  }
  return true;
}

// Replaces ${{inputs.x}} and ${{outputs.y}}, and keeps or drops each $[[...]], in one pass:
// replacement text is never rescanned, so a value holding "${{" or "$[[" cannot expand again.
std::string substitute_command(const model::Command& parsed, const model::JobCommon& job) {
  const std::string command = parsed.text.value_or("");
  const std::vector<CommandReference>& references = parsed.references;
  std::string out;
  size_t last = 0;
  auto next = references.begin();
  // Copies the command up to `end`, its references replaced.
  auto copy_until = [&](size_t end) {
    for (; next != references.end() && next->offset < end; ++next) {
      out.append(command, last, next->offset - last);
      out += replacement(*next, job);
      last = next->offset + next->text.size();
    }
    if (end > last) out.append(command, last, end - last);
    last = std::max(last, end);
  };
  for (const OptionalArgument& argument : parsed.optional_arguments) {
    copy_until(argument.offset);
    if (keeps(argument, references, job)) {
      last = argument.offset + 3;  // without "$[["
      copy_until(argument.end - 2);
    }
    while (next != references.end() && next->offset < argument.end) ++next;
    last = argument.end;  // without "]]", or without the whole argument
  }
  copy_until(command.size());
  return out;
}

TemplateData distribution_data(const model::CommandBody& body, TemplateData data) {
  std::string type;
  long long per_node = 1;
  if (body.distribution) {
    type = body.distribution->type.value_or("");
    per_node = body.distribution->process_count_per_instance.value_or(1);
  }
  data.set("single", type.empty());
  data.set("mpi", type == "mpi");
  data.set("pytorch", type == "pytorch");
  data.set("tensorflow", type == "tensorflow");
  data.set("processes_per_node", std::to_string(per_node));
  data.set("workers", std::to_string(tensorflow_workers_per_node(body)));
  return data;
}

// Each variable a job sets; a name a shell cannot export is reported where it is written.
TemplateData environment_data(const model::Value& variables, DiagnosticSink& sink) {
  TemplateData list{TemplateData::type::list};
  for (const auto& [name, value] : variables.members) {
    if (!is_shell_identifier(name)) {
      sink.report(DiagCode::BadFormat, value.key_at,
                  fmt::format("'{}' is not a valid environment variable name", name),
                  {"names are letters, digits and '_', not starting with a digit"});
      continue;
    }
    TemplateData item;
    item.set("name", name);
    item.set("value", shell_quote(value.python_str()));
    list.push_back(item);
  }
  return list;
}

class LaunchScriptGenerator : public Generator {
 public:
  std::string_view name() const override { return "launch-script"; }

  void generate(GeneratorContext& context) const override {
    const model::CommandJob* job = context.spec.command_job();
    if (!job) return;
    const model::CommandBody& body = job->body;
    TemplateData data;
    data.set("jobc_version", JOBC_VERSION);
    data.set("source",
             comment_text(std::filesystem::path(job->source.display_path).filename().string()));
    TemplateData input_list{TemplateData::type::list};
    for (const Input& input : job->inputs) {
      if (is_literal(input)) continue;
      TemplateData item;
      item.set("variable", input_variable(input.name));
      item.set("default", shell_quote(input.path.value_or("")));
      input_list.push_back(item);
    }
    data.set("inputs", input_list);
    TemplateData output_list{TemplateData::type::list};
    for (const model::Output& output : job->outputs) {
      TemplateData item;
      item.set("variable", output_variable(output.name));
      item.set("default", shell_quote("outputs/" + output.name));
      output_list.push_back(item);
    }
    data.set("outputs", output_list);
    data.set("environment", environment_data(body.environment_variables, context.sink));
    data.set("command", shell_quote(substitute_command(body.command, *job)));
    context.outputs.add("launch.sh",
                        render_template("launch.sh.mustache", distribution_data(body, data)), true);
  }
};

}  // namespace

std::string input_variable(const std::string& name) {
  return variable_for("JOBC_INPUT_", name);
}
std::string output_variable(const std::string& name) {
  return variable_for("JOBC_OUTPUT_", name);
}

std::unique_ptr<Generator> make_launch_script_generator() {
  return std::make_unique<LaunchScriptGenerator>();
}

}  // namespace jobc
