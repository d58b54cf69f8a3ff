// The typed model the front end builds: every kind, the places values were written, how
// free-form values are typed, and the specs a job names by path.
#include <doctest/doctest.h>

#include <fstream>

#include "common/temp_dir.h"
#include "jobc/build_model.h"
#include "jobc/validate.h"

namespace {

using jobc::model::Value;

struct Built {
  jobc::SourceManager sources;
  jobc::DiagnosticSink sink;
  std::optional<jobc::LoadedSpec> loaded;
  const jobc::model::Spec& spec() const { return *loaded->model; }
};

void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// Loads `file` (in `dir`) with the --set arguments given; the model must be built.
std::unique_ptr<Built> build(const std::filesystem::path& file,
                             const std::vector<std::string>& sets = {}) {
  auto built = std::make_unique<Built>();
  jobc::ValidateOptions options;
  for (const std::string& set : sets) {
    jobc::Override parsed;
    REQUIRE(jobc::parse_override(set, parsed, built->sink));
    options.overrides.push_back(parsed);
  }
  built->loaded = jobc::load_and_validate(file.string(), options, built->sources, built->sink);
  REQUIRE(built->loaded.has_value());
  for (const auto& d : built->sink.diagnostics()) MESSAGE(d.message);
  REQUIRE(built->sink.error_count() == 0);
  REQUIRE(built->loaded->model != nullptr);
  return built;
}

const Value& member(const Value& map, std::string_view key) {
  const Value* found = map.find(key);
  REQUIRE(found != nullptr);
  return *found;
}

}  // namespace

TEST_SUITE("model") {
  TEST_CASE("a command job's fields carry the line and column they were written at") {
    jobc::testing::TempDir dir;
    write(dir.path / "src" / "train.py", "");
    write(dir.path / "job.yml",
          "command: python train.py --lr ${{inputs.lr}} $[[--seed ${{inputs.seed}}]]\n"
          "code: src\n"
          "environment:\n"
          "  image: python:3.11-slim\n"
          "inputs:\n"
          "  seed:\n"
          "    type: integer\n"
          "    optional: true\n"
          "  lr: 0.01\n"
          "  data:\n"
          "    type: uri_folder\n"
          "    path: src\n"
          "outputs:\n"
          "  model:\n"
          "experiment_name: exp\n"
          "resources:\n"
          "  instance_count: 1\n"
          "limits:\n"
          "  timeout: 60\n"
          "compute: local\n");
    auto built = build(dir.path / "job.yml", {});
    const auto& spec = built->spec();
    CHECK(spec.kind() == jobc::SpecKind::CommandJob);
    const auto* job = spec.command_job();
    REQUIRE(job != nullptr);
    CHECK(spec.job() == job);
    CHECK(spec.command_body() == &job->body);
    REQUIRE(job->body.command.text.present());
    CHECK(job->body.command.text.at.line == 1);
    CHECK(job->body.command.text.at.column == 10);
    CHECK(job->body.command.text.key_at.column == 1);
    REQUIRE(job->body.command.references.size() == 2);
    CHECK(job->body.command.references[0].name == "lr");
    CHECK(job->body.command.references[1].scope == "inputs");
    CHECK(job->body.command.references[1].name == "seed");
    REQUIRE(job->body.command.optional_arguments.size() == 1);
    CHECK(job->body.code_folder == dir.path / "src");
    REQUIRE(job->inputs.size() == 3);
    CHECK(job->inputs[0].name == "data");  // sorted by name
    CHECK(job->inputs[1].name == "lr");
    CHECK(job->inputs[2].name == "seed");
    CHECK(job->input("data")->form == jobc::model::Input::Form::Data);
    CHECK(job->input("data")->local_path == dir.path / "src");
    CHECK(job->input("data")->has_value());
    CHECK(job->input("lr")->form == jobc::model::Input::Form::Literal);
    CHECK(job->input("lr")->has_value());
    CHECK(job->input("lr")->key_at.line == 9);
    CHECK(job->input("lr")->at.line == 9);
    CHECK(job->input("seed")->form == jobc::model::Input::Form::TypedLiteral);
    CHECK_FALSE(job->input("seed")->has_value());
    CHECK(job->input("seed")->optional.value_or(false));
    CHECK(job->input("missing") == nullptr);
    REQUIRE(job->outputs.size() == 1);
    CHECK(job->output("model")->empty);
    CHECK(job->experiment() == "exp");
    CHECK(job->timeout.value_or(0) == 60);
    CHECK(job->timeout.at.line == 19);
    CHECK(job->compute.form == jobc::model::ComputeRef::Form::Named);
    CHECK(job->compute.name == "local");
    REQUIRE(job->body.environment.has_value());
    CHECK(job->body.environment->form == jobc::model::EnvironmentRef::Form::Inline);
    REQUIRE(spec.environment() != nullptr);
    CHECK(spec.environment()->image.value_or("") == "python:3.11-slim");
    CHECK(spec.environment()->image.at.line == 4);
    CHECK(job->source.content_digest.size() == 64);
    CHECK(job->source.dir == dir.path);
  }

  TEST_CASE("a job without experiment_name is in the experiment named after its folder") {
    jobc::testing::TempDir dir;
    write(dir.path / "my-exp" / "job.yml", "command: echo hi\nenvironment:\n  image: python\n");
    auto built = build(dir.path / "my-exp" / "job.yml");
    CHECK(built->spec().job()->experiment() == "my-exp");
    CHECK(built->spec().job()->compute.form == jobc::model::ComputeRef::Form::Default);
  }

  TEST_CASE("free-form values keep their YAML type: 1, 1.0, \"1\", true and null differ") {
    jobc::testing::TempDir dir;
    write(dir.path / "job.yml",
          "command: echo hi\n"
          "environment:\n  image: python\n"
          "tags:\n"
          "  int: 1\n"
          "  float: 1.0\n"
          "  text: \"1\"\n"
          "  yes: true\n"
          "  none: null\n");
    auto built = build(dir.path / "job.yml");
    const Value& tags = built->spec().job()->tags;
    REQUIRE(tags.is_map());
    CHECK(member(tags, "int").kind == Value::Kind::Int);
    CHECK(member(tags, "int").python_str() == "1");
    CHECK(member(tags, "float").kind == Value::Kind::Float);
    CHECK(member(tags, "float").python_str() == "1.0");
    CHECK(member(tags, "text").kind == Value::Kind::String);
    CHECK(member(tags, "text").python_str() == "1");
    CHECK(member(tags, "yes").kind == Value::Kind::Bool);
    CHECK(member(tags, "yes").python_str() == "True");
    CHECK(member(tags, "none").is_null());
    CHECK(member(tags, "none").python_str() == "None");
    CHECK_FALSE(member(tags, "none").truthy());
    CHECK(member(tags, "int").at.line == 5);
    CHECK(member(tags, "int").key_at.column == 3);
    CHECK(tags.members.front().first == "float");  // sorted by key
    CHECK(tags.find("absent") == nullptr);
  }

  TEST_CASE("a value written by --set is located at its override, not in the file") {
    jobc::testing::TempDir dir;
    write(dir.path / "job.yml",
          "command: echo ${{inputs.lr}}\nenvironment:\n  image: python\ninputs:\n  lr: 0.1\n");
    auto built = build(dir.path / "job.yml", {"inputs.lr=0.5"});
    const auto* lr = built->spec().job()->input("lr");
    REQUIRE(lr != nullptr);
    CHECK(lr->value.kind == Value::Kind::Float);
    CHECK(lr->value.number == 0.5);
    CHECK(lr->value.at.line == 0);  // the whole file: --set has no line in it
    CHECK(lr->value.at.file == (dir.path / "job.yml").string());
  }

  TEST_CASE("an environment and a compute named by path are built into the job's model") {
    jobc::testing::TempDir dir;
    write(dir.path / "env" / "env.yml", "name: e\nimage: python:3.11\nconda_file: conda.yml\n");
    write(dir.path / "env" / "conda.yml",
          "name: c\ndependencies:\n  - python=3.11\n  - pip:\n"
          "    - numpy\n");
    write(dir.path / "compute.yml",
          "type: slurm\nname: hpc\nendpoint: http://localhost:6820\ntoken_env: SLURM_JWT\n"
          "staging_dir: /scratch/jobc\nuser: alice\n");
    write(dir.path / "job.yml",
          "command: echo hi\nenvironment: env/env.yml\ncompute: compute.yml\n");
    auto built = build(dir.path / "job.yml");
    const auto* job = built->spec().command_job();
    REQUIRE(job->body.environment.has_value());
    CHECK(job->body.environment->form == jobc::model::EnvironmentRef::Form::File);
    CHECK(job->body.environment->written.value_or("") == "env/env.yml");
    const auto* env = built->spec().environment();
    REQUIRE(env != nullptr);
    CHECK(env->source.dir == dir.path / "env");
    CHECK(env->image.at.file == (dir.path / "env" / "env.yml").string());
    REQUIRE(env->conda_file.has_value());
    CHECK(env->conda_file->file == dir.path / "env" / "conda.yml");
    CHECK(env->conda_file->path.value_or("") == "conda.yml");
    const Value& deps = member(env->conda_file->content, "dependencies");
    REQUIRE(deps.items.size() == 2);
    CHECK(deps.items[0].text == "python=3.11");
    CHECK(member(deps.items[1], "pip").items[0].text == "numpy");
    CHECK(deps.items[0].at.file == (dir.path / "env" / "conda.yml").string());
    CHECK(job->compute.form == jobc::model::ComputeRef::Form::File);
    CHECK(job->compute.name == "hpc");
    REQUIRE(job->compute.spec != nullptr);
    CHECK(job->compute.spec->type.value_or("") == "slurm");  // lower case
    CHECK(member(job->compute.spec->settings, "token_env").text == "SLURM_JWT");
    CHECK(job->compute.spec->settings.find("name") == nullptr);
  }

  TEST_CASE("an inline conda file is the environment's content as written") {
    jobc::testing::TempDir dir;
    write(dir.path / "env.yml",
          "name: e\nimage: python\nconda_file:\n  channels: [conda-forge]\n"
          "  dependencies: [python]\n");
    auto built = build(dir.path / "env.yml");
    CHECK(built->spec().kind() == jobc::SpecKind::Environment);
    const auto* env = built->spec().environment();
    REQUIRE(env != nullptr);
    REQUIRE(env->conda_file.has_value());
    CHECK_FALSE(env->conda_file->path.present());
    CHECK(member(env->conda_file->content, "channels").items[0].text == "conda-forge");
    CHECK(env->conda_file->content.at.line == 4);
    CHECK(env->name.value_or("") == "e");
  }

  TEST_CASE("a compute spec keeps its type's own settings") {
    jobc::testing::TempDir dir;
    write(dir.path / "cpu.yml",
          "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n"
          "type: amlcompute\nname: cpu\nsize: STANDARD_DS3_V2\nmin_instances: 0\n"
          "max_instances: 2\n");
    auto built = build(dir.path / "cpu.yml");
    const auto* compute = built->spec().compute_spec();
    REQUIRE(compute != nullptr);
    CHECK(built->spec().job() == nullptr);
    CHECK(built->spec().environment() == nullptr);
    CHECK(compute->type.value_or("") == "amlcompute");
    CHECK(compute->name.value_or("") == "cpu");
    CHECK(member(compute->settings, "max_instances").integer == 2);
    CHECK(member(compute->settings, "size").at.line == 4);
    CHECK(compute->settings.find("$schema") == nullptr);
  }

  TEST_CASE("a sweep job's trial, search space and limits are in its model") {
    jobc::testing::TempDir dir;
    write(dir.path / "sweep.yml",
          "type: sweep\n"
          "trial:\n"
          "  command: python t.py --lr ${{search_space.lr}} --b ${{inputs.b}}\n"
          "  environment: azureml:AzureML-sklearn-1.0:1\n"
          "inputs:\n  b: 2\n"
          "search_space:\n"
          "  lr:\n    type: uniform\n    min_value: 0.01\n    max_value: 0.1\n"
          "  batch:\n    type: choice\n    values: [16, 32]\n"
          "sampling_algorithm: random\n"
          "objective:\n  goal: maximize\n  primary_metric: acc\n"
          "limits:\n  max_total_trials: 4\n"
          "compute: azureml:cpu-cluster\n");
    auto built = build(dir.path / "sweep.yml");
    const auto* sweep = built->spec().sweep_job();
    REQUIRE(sweep != nullptr);
    CHECK(built->spec().command_body() == &sweep->trial);
    CHECK(sweep->trial.command.references.size() == 2);
    REQUIRE(sweep->trial.environment.has_value());
    CHECK(sweep->trial.environment->form == jobc::model::EnvironmentRef::Form::Registered);
    CHECK(built->spec().environment() == nullptr);
    REQUIRE(sweep->search_space.size() == 2);
    CHECK(sweep->search_space[0].name == "batch");
    CHECK(sweep->search_space[0].values.items[1].integer == 32);
    CHECK(sweep->search_space[0].values.is_list());
    CHECK(sweep->search_space[0].values.truthy());
    CHECK(sweep->search_space[1].min_value.value_or(0) == doctest::Approx(0.01));
    REQUIRE(sweep->sampling_algorithm.has_value());
    CHECK(sweep->sampling_algorithm->written_as_string);
    CHECK(sweep->sampling_algorithm->type.value_or("") == "random");
    CHECK(sweep->objective->goal.value_or("") == "maximize");
    CHECK(sweep->limits->max_total_trials.value_or(0) == 4);
    CHECK(sweep->compute.azureml_prefix);
    CHECK(sweep->compute.name == "cpu-cluster");
  }

  TEST_CASE("a spec with errors has no model") {
    jobc::testing::TempDir dir;
    write(dir.path / "job.yml",
          "command: echo hi\nenvironment:\n  image: python\nresources:\n"
          "  instance_count: 0\n");
    jobc::SourceManager sources;
    jobc::DiagnosticSink sink;
    auto loaded = jobc::load_and_validate((dir.path / "job.yml").string(), {}, sources, sink);
    REQUIRE(loaded.has_value());
    CHECK(sink.has_errors());
    CHECK(loaded->model == nullptr);
  }
}

TEST_SUITE("model") {
  TEST_CASE("a compute spec a job names by path is checked by its type's backend") {
    jobc::testing::TempDir dir;
    write(dir.path / "hpc.yml",
          "type: slurm\nname: hpc\nendpoint: http://localhost:6820\nstaging_dir: /s\nuser: a\n");
    write(dir.path / "job.yml",
          "command: echo hi\nenvironment:\n  image: python\n"
          "compute: hpc.yml\n");
    jobc::SourceManager sources;
    jobc::DiagnosticSink sink;
    auto loaded = jobc::load_and_validate((dir.path / "job.yml").string(), {}, sources, sink);
    REQUIRE(loaded.has_value());
    REQUIRE(sink.error_count() == 1);
    CHECK(sink.diagnostics()[0].code == jobc::DiagCode::MissingKey);
    CHECK(sink.diagnostics()[0].location.file == (dir.path / "hpc.yml").string());
    CHECK(loaded->model == nullptr);
  }

  TEST_CASE("docker_args a backend refuses are errors only for a job that names it") {
    jobc::testing::TempDir dir;
    auto codes = [&dir](const std::string& compute) {
      write(dir.path / "job.yml",
            "command: echo hi\nenvironment:\n  image: python\n"
            "resources:\n  docker_args: --privileged\n" +
                compute);
      jobc::SourceManager sources;
      jobc::DiagnosticSink sink;
      auto loaded = jobc::load_and_validate((dir.path / "job.yml").string(), {}, sources, sink);
      REQUIRE(loaded.has_value());
      std::vector<std::string> out;
      for (const auto& d : sink.diagnostics()) out.emplace_back(jobc::info(d.code).code);
      return out;
    };
    CHECK(codes("compute: docker\n") == std::vector<std::string>{"E013"});
    CHECK(codes("compute: local\n") == std::vector<std::string>{"W003"});
    CHECK(codes("") == std::vector<std::string>{"W003"});
  }
}
