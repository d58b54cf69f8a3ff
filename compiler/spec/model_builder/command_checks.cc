// A command's references against what its job declares, and its optional arguments: each
// problem at its reference's place in the command's source text.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "spec/checks/optional_arguments.h"
#include "spec/model_builder/builders.h"
#include "support/did_you_mean.h"

namespace jobc::model_builder {

namespace {

// How many times `needle` occurs in `text` before `offset`.
size_t occurrences_before(std::string_view text, std::string_view needle, size_t offset) {
  size_t count = 0;
  for (size_t at = text.find(needle); at < offset; at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// What a command's references are checked against.
struct Declared {
  std::string scope;
  std::vector<std::string> names;
};

class CommandChecker {
 public:
  CommandChecker(const Reader& reader, const std::string& pointer, const std::string& text)
      : reader_(reader), pointer_(pointer), text_(text) {}

  // The location of the `skip`+1-th `needle` inside the command's source text, when it can
  // be found there.
  Location find(const std::string& needle, size_t skip) const {
    Location start = reader_.at(pointer_);
    for (int line = start.line; line > 0 && line < start.line + 200; ++line) {
      auto text = reader_.sources().line(start.file, line);
      if (!text) break;
      size_t from = line == start.line ? static_cast<size_t>(std::max(0, start.column - 1)) : 0;
      for (size_t found = text->find(needle, std::min(from, text->size()));
           found != std::string_view::npos; found = text->find(needle, found + needle.size())) {
        if (skip-- == 0) {
          return {start.file, line, static_cast<int>(found) + 1, static_cast<int>(needle.size())};
        }
      }
    }
    return start;
  }

  Location located(const model::CommandReference& ref) const {
    return find(ref.text, occurrences_before(text_, ref.text, ref.offset));
  }

  Location located_open(size_t offset) const {
    return find("$[[", occurrences_before(text_, "$[[", offset));
  }

 private:
  const Reader& reader_;
  const std::string& pointer_;
  const std::string& text_;
};

void report_undeclared(const CommandChecker& checker, DiagnosticSink& sink,
                       const model::CommandReference& ref, const Declared& declared,
                       bool optional) {
  std::vector<std::string> notes;
  if (auto suggestion = closest_match(ref.name, declared.names)) {
    notes.push_back(fmt::format("did you mean '{}'?", *suggestion));
  }
  if (optional) {
    // Azure ML accepts it (the argument is always left out); a misspelt name would be silent.
    notes.push_back(
        fmt::format("declare it under '{}:' with 'optional: true' to give it a value "
                    "with --set",
                    declared.scope));
    sink.report(DiagCode::UndeclaredOptionalInput, checker.located(ref),
                fmt::format("'{}' refers to input '{}', which is not declared: its "
                            "optional argument is always left out",
                            ref.text, ref.name),
                std::move(notes));
    return;
  }
  notes.push_back(fmt::format("declare it under '{}:'", declared.scope));
  sink.report(DiagCode::UndeclaredReference, checker.located(ref),
              fmt::format("'{}' refers to {} '{}', which is not declared", ref.text,
                          ref.scope == "search_space" ? "search space parameter"
                          : ref.scope == "inputs"     ? "input"
                                                      : "output",
                          ref.name),
              std::move(notes));
}

// An input without a value cannot be used outside $[[...]]: Azure ML refuses it, and a
// launch script would have no text to put there.
void report_missing_value(const CommandChecker& checker, DiagnosticSink& sink,
                          const model::CommandReference& ref, const model::Input& input) {
  bool optional = input.optional.value_or(false);
  sink.report(
      DiagCode::InputWithoutValue, checker.located(ref),
      fmt::format("'{}' is outside $[[...]], but {}input '{}' has no value", ref.text,
                  optional ? "optional " : "", ref.name),
      {fmt::format("put the argument inside $[[...]], as in $[[--{} {}]], to leave it out when "
                   "the input has no value",
                   ref.name, ref.text),
       fmt::format("or give the input a value: a 'default:', or --set inputs.{}=VALUE", ref.name)});
}

template <class T>
std::vector<std::string> names_of(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const T& item : items) names.push_back(item.name);
  return names;
}

}  // namespace

void check_command(const Reader& reader, const std::string& pointer, const model::Command& command,
                   const model::JobCommon& job,
                   const std::vector<model::SearchParameter>* search_space) {
  if (!command.text) return;
  const std::string& text = *command.text;
  DiagnosticSink& sink = reader.sink();
  CommandChecker checker(reader, pointer, text);
  // `$[[` without its `]]`, or inside another `$[[...]]`.
  for (const OptionalArgumentProblem& problem : find_optional_arguments(text).problems) {
    sink.report(DiagCode::BadFormat, checker.located_open(problem.offset), problem.message,
                {"an optional argument is $[[text with ${{inputs.NAME}}]]: kept when its inputs "
                 "have values, left out otherwise"});
  }
  std::vector<Declared> scopes = {{"inputs", names_of(job.inputs)},
                                  {"outputs", names_of(job.outputs)}};
  if (search_space) scopes.push_back({"search_space", names_of(*search_space)});
  std::set<std::string> used_inputs;
  for (const model::CommandReference& ref : command.references) {
    auto scope = std::find_if(scopes.begin(), scopes.end(),
                              [&ref](const Declared& d) { return d.scope == ref.scope; });
    if (scope == scopes.end()) {
      sink.report(
          DiagCode::UndeclaredReference, checker.located(ref),
          fmt::format("'{}' refers to '{}', which a job does not have", ref.text, ref.scope),
          {"a command can refer to ${{inputs.NAME}} and ${{outputs.NAME}}"});
      continue;
    }
    bool in_optional = inside_optional_argument(command.optional_arguments, ref.offset);
    if (std::find(scope->names.begin(), scope->names.end(), ref.name) == scope->names.end()) {
      report_undeclared(checker, sink, ref, *scope, in_optional && ref.scope == "inputs");
      continue;
    }
    if (ref.scope != "inputs") continue;
    used_inputs.insert(ref.name);
    // Only a typed input without a default lacks a value by design; a null or a data input
    // without a path is the schema's to report.
    const model::Input& input = *job.input(ref.name);
    if (!in_optional && input.form == model::Input::Form::TypedLiteral && !input.has_value()) {
      report_missing_value(checker, sink, ref, input);
    }
  }
  for (const model::Input& input : job.inputs) {
    if (!used_inputs.count(input.name)) {
      sink.report(DiagCode::UnusedInput, input.key_at,
                  fmt::format("input '{}' is declared but the command never uses it", input.name),
                  {fmt::format("refer to it as ${{{{inputs.{}}}}}", input.name)});
    }
  }
}

}  // namespace jobc::model_builder
