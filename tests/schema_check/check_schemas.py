#!/usr/bin/python3
"""Acceptance check for jobc's JSON Schemas (schemas/*.schema.json).

Run with /usr/bin/python3 (needs python3-jsonschema and python3-yaml):

    /usr/bin/python3 tests/schema_check/check_schemas.py [--conformance DIR]

It checks that
  1. every schema is a valid draft-07 schema, and keeps to the subset of JSON Schema that jobc's
     C++ error reporter and valijson handle (see lint());
  2. every spec the Azure ML SDK accepted in the conformance corpus (plus two that a current CLI
     accepts) validates with zero errors;
  3. inline positive and negative samples pass or fail as intended.
It prints `N passed, M failed` and exits non-zero on any failure.
"""
import argparse
import csv
import json
import os
import pathlib
import re
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "schemas"
NAMES = ["environment", "compute", "command_job", "sweep_job"]

# Keywords jobc's schemas may use (anything else is a lint failure).
ALLOWED_KEYWORDS = {
    "type", "properties", "additionalProperties", "patternProperties", "required", "enum", "const",
    "pattern", "minimum", "maximum", "exclusiveMinimum", "minLength", "items", "minItems", "$ref",
    "definitions", "allOf", "if", "then", "else", "description", "default", "examples",
}
ROOT_ONLY_KEYWORDS = {"$schema", "title"}
# Definitions that are the root of a spec file and so may (must) declare the `$schema` key.
ROOT_DEFINITIONS = {"environment_spec", "amlcompute", "docker_compute", "slurm_compute", "local_compute",
                    "command_job", "sweep_job"}
# Specs the SDK 1.4.0 rejected for reasons outside the schema; the schema must accept them.
EXTRA_ACCEPTED = ["cli/jobs/basics/hello-interactive.yml", "cli/jobs/single-step/java/iris/job-template.yml"]

results = []  # (ok, label, detail)


def record(ok, label, detail=""):
    results.append((ok, label, detail))
    if not ok:
        print(f"FAIL {label}" + (f"\n     {detail}" if detail else ""))


def load_schemas():
    schemas = {}
    for name in NAMES:
        with open(SCHEMA_DIR / f"{name}.schema.json", encoding="utf-8") as f:
            schemas[name] = json.load(f)
    return schemas


def make_validators(schemas):
    store = {}
    for name, schema in schemas.items():
        uri = (SCHEMA_DIR / f"{name}.schema.json").as_uri()
        store[uri] = schema
    validators = {}
    for name, schema in schemas.items():
        uri = (SCHEMA_DIR / f"{name}.schema.json").as_uri()
        resolver = jsonschema.RefResolver(base_uri=uri, referrer=schema, store=store)
        validators[name] = jsonschema.Draft7Validator(schema, resolver=resolver)
    return validators


# ----------------------------------------------------------------------------------------------
# 1. Schema validity and house rules
# ----------------------------------------------------------------------------------------------
def lint(name, schema, problems):
    def walk(node, path, in_if, definition):
        if not isinstance(node, dict):
            problems.append(f"{path}: a schema must be an object")
            return
        for key in node:
            if key in ROOT_ONLY_KEYWORDS and path == "#":
                continue
            if key not in ALLOWED_KEYWORDS:
                problems.append(f"{path}: keyword {key!r} is not allowed")
        if "$ref" in node and path != "#":
            extra = set(node) - {"$ref", "description"}
            if extra:
                problems.append(f"{path}: $ref has sibling keywords {sorted(extra)} (ignored by validators)")
        if "pattern" in node:
            try:
                re.compile(node["pattern"])
            except re.error as e:
                problems.append(f"{path}: bad pattern: {e}")
        types = node.get("type")
        types = types if isinstance(types, list) else [types]
        is_dispatcher = "if" in node
        if not in_if and not is_dispatcher and "$ref" not in node:
            if "properties" in node and node.get("additionalProperties") is not False:
                problems.append(f"{path}: object schema with properties lacks additionalProperties: false")
            any_value = {"object", "array"} <= set(types)  # a free-form leaf (e.g. conda file content)
            if "object" in types and not any_value and "properties" not in node \
                    and "additionalProperties" not in node:
                problems.append(f"{path}: object schema says nothing about its keys")
        if "properties" in node and not in_if:
            props = node["properties"]
            if "$schema" in props and definition not in ROOT_DEFINITIONS:
                problems.append(f"{path}: only a spec root may declare $schema")
            if not is_dispatcher and definition in ROOT_DEFINITIONS and path.count("/properties") == 0 \
                    and "$schema" not in props:
                problems.append(f"{path}: a spec root must allow $schema")
            for key, sub in props.items():
                if isinstance(sub, dict) and not sub.get("description"):
                    problems.append(f"{path}/properties/{key}: no description")
        for key in ("properties", "patternProperties", "definitions"):
            for sub_name, sub in node.get(key, {}).items():
                walk(sub, f"{path}/{key}/{sub_name}", in_if,
                     sub_name if key == "definitions" else definition)
        for key in ("additionalProperties", "items", "then", "else"):
            if isinstance(node.get(key), dict):
                walk(node[key], f"{path}/{key}", in_if, definition)
        if isinstance(node.get("if"), dict):
            walk(node["if"], f"{path}/if", True, definition)
        for i, sub in enumerate(node.get("allOf", [])):
            walk(sub, f"{path}/allOf/{i}", in_if, definition)

    for key in ("$schema", "title", "description"):
        if key not in schema:
            problems.append(f"{name}: root lacks {key}")
    if schema.get("$schema") != "http://json-schema.org/draft-07/schema#":
        problems.append(f"{name}: $schema must be draft-07")
    if "$id" in schema:
        problems.append(f"{name}: must not have $id")
    walk(schema, "#", False, None)


def check_schemas(schemas):
    for name, schema in schemas.items():
        try:
            jsonschema.Draft7Validator.check_schema(schema)
            record(True, f"schema {name}: valid draft-07")
        except jsonschema.SchemaError as e:
            record(False, f"schema {name}: valid draft-07", str(e).splitlines()[0])
        problems = []
        lint(name, schema, problems)
        record(not problems, f"schema {name}: house rules", "\n     ".join(problems))
    # Without $id, valijson caches local refs by JSON pointer alone, so one definition name in two
    # files would make one file's "#/definitions/x" resolve to the other's: keep names unique.
    seen = {}
    for name, schema in schemas.items():
        for d in schema.get("definitions", {}):
            seen.setdefault(d, []).append(name)
    dups = {d: files for d, files in seen.items() if len(files) > 1}
    record(not dups, "definition names unique across files", str(dups))


# ----------------------------------------------------------------------------------------------
# 2. Conformance corpus
# ----------------------------------------------------------------------------------------------
def apply_set(doc, assignment):
    key, sep, value = assignment.partition("=")
    if not sep:
        raise ValueError(f"bad --set {assignment!r}")
    parts = key.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = yaml.safe_load(value)


def pick_schema(kind, doc):
    if kind in ("environment", "compute"):
        return kind
    return "sweep_job" if isinstance(doc, dict) and doc.get("type") == "sweep" else "command_job"


def errors_of(validator, doc):
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["/".join(str(p) for p in e.absolute_path) + ": " + e.message for e in errs]


def check_conformance(validators, conformance):
    cases_file = conformance / "CASES.tsv"
    if not cases_file.exists():
        record(False, "conformance corpus", f"{cases_file} not found")
        return
    rows = []
    with open(cases_file, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["sdk_verdict"] == "accepted" or row["spec"] in EXTRA_ACCEPTED:
                rows.append(row)
    for row in rows:
        label = f"conformance {row['spec']}"
        try:
            with open(conformance / "specs" / row["spec"], encoding="utf-8") as f:
                doc = yaml.safe_load(f)
            for assignment in (row.get("set") or "").split():
                apply_set(doc, assignment)
        except Exception as e:  # noqa: BLE001 - report any load problem as a failure
            record(False, label, f"cannot load: {e}")
            continue
        which = pick_schema(row["kind"], doc)
        errs = errors_of(validators[which], doc)
        record(not errs, f"{label} [{which}]", "\n     ".join(errs))


# ----------------------------------------------------------------------------------------------
# 3. Inline samples: (label, schema, yaml text, should_pass)
# ----------------------------------------------------------------------------------------------
JOB = """
$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
command: python train.py --lr ${{inputs.lr}}
code: src
environment: azureml:AzureML-sklearn-1.5@latest
compute: azureml:cpu-cluster
inputs:
  lr: 0.1
"""

SAMPLES = [
    # --- command job: negatives asked for by the brief
    ("job: unknown key at root", "command_job", JOB + "comand: typo\n", False),
    ("job: unknown key nested in resources", "command_job", JOB + "resources:\n  instance_count: 2\n  gpus: 4\n", False),
    ("job: instance_count is a string", "command_job", JOB + "resources:\n  instance_count: two\n", False),
    ("job: instance_count is a float", "command_job", JOB + "resources:\n  instance_count: 2.5\n", False),
    ("job: missing command", "command_job", "environment: azureml:env@latest\ncompute: azureml:c\n", False),
    ("job: missing environment", "command_job", "command: ls\n", False),
    ("job: bad distribution type", "command_job", JOB + "distribution:\n  type: horovod\n", False),
    ("job: distribution without type", "command_job", JOB + "distribution:\n  process_count_per_instance: 2\n", False),
    ("job: tensorflow key on pytorch distribution", "command_job",
     JOB + "distribution:\n  type: pytorch\n  worker_count: 2\n", False),
    ("job: inline registry password accepted by schema (C++ rejects it)", "command_job",
     "command: ls\nenvironment:\n  image: myreg.azurecr.io/train:1\n  registry:\n    address: myreg.azurecr.io\n"
     "    username: me\n    password: hunter2\n", True),
    # --- command job: other shapes
    ("job: non-positive counts are left to the C++ checks", "command_job",
     JOB + "resources:\n  instance_count: 0\ndistribution:\n  type: mpi\n  process_count_per_instance: -1\n", True),
    ("job: full-featured command job", "command_job", JOB + """
type: command
name: train-1
display_name: Train
experiment_name: exp
description: a job
tags: {team: ml, cost: 3, prod: no, empty: }
properties: {owner: me}
environment_variables: {A: yes, B: 1.0, C: 010, D: "text"}
outputs:
  model: {type: mlflow_model, mode: upload, path: azureml://datastores/ws/paths/m}
  logs:
  named: {type: uri_folder, name: my-data, version: 3}
distribution: {type: tensorflow, worker_count: 2, parameter_server_count: 1}
resources: {instance_count: 2, instance_type: gpu, shm_size: 8g, docker_args: --ipc=host,
            properties: {a: 1}, locations: [eastus]}
limits: {timeout: 3600}
services:
  ssh: {type: ssh, ssh_public_keys: "ssh-rsa AAA", nodes: all}
  tb: {type: tensor_board, log_dir: outputs/tb}
  nb: {type: jupyter_lab, port: 8888}
  old: {job_service_type: JupyterLab}
identity: {type: managed, client_id: "0000"}
queue_settings: {job_tier: spot, priority: high}
""", True),
    ("job: typed literal input", "command_job", JOB + "  epochs: {type: integer, default: 3, min: 1, max: 9}\n", True),
    ("job: typed literal input with a path", "command_job", JOB + "  epochs: {type: string, path: x}\n", False),
    ("job: data input without path", "command_job", JOB + "  data: {type: uri_folder, mode: ro_mount}\n", False),
    ("job: data input with bad mode", "command_job", JOB + "  data: {path: d, mode: mount_it}\n", False),
    ("job: data input with bad type", "command_job", JOB + "  data: {type: uri_files, path: d}\n", False),
    ("job: input list is not an input", "command_job", JOB + "  data: [1, 2]\n", False),
    ("job: output with bad mode", "command_job", JOB + "outputs:\n  o: {mode: download}\n", False),
    ("job: ssh keys on a tensor_board service", "command_job",
     JOB + "services:\n  tb: {type: tensor_board, ssh_public_keys: k}\n", False),
    ("job: unknown service type", "command_job", JOB + "services:\n  s: {type: rdp}\n", False),
    ("job: aml_token identity with extra key", "command_job",
     JOB + "identity: {type: aml_token, client_id: x}\n", False),
    ("job: bad shm_size", "command_job", JOB + "resources: {shm_size: lots}\n", False),
    ("job: timeout is a string", "command_job", JOB + "limits: {timeout: 1h}\n", False),
    ("job: type sweep in a command job", "command_job", JOB + "type: sweep\n", False),
    ("job: inline environment", "command_job",
     "command: ls\nenvironment:\n  name: ignored\n  version: 1\n  image: python:3.11\n"
     "  conda_file: {name: e, channels: [conda-forge], dependencies: [python=3.8, {pip: [numpy]}]}\n", True),
    ("job: $schema inside an inline environment", "command_job",
     "command: ls\nenvironment:\n  $schema: x\n  image: python:3.11\n", False),
    ("job: unknown key in an inline environment", "command_job",
     "command: ls\nenvironment:\n  image: python:3.11\n  user_managed_dependencies: true\n", False),
    ("job: environment is a number", "command_job", "command: ls\nenvironment: 3\n", False),
    ("job: compute is an object", "command_job", JOB.replace("compute: azureml:cpu-cluster", "compute: {a: 1}"), False),
    ("job: environment variable value is a list", "command_job", JOB + "environment_variables: {A: [1]}\n", False),
    # --- environment
    ("env: image plus registry with password_env", "environment",
     "name: e\nversion: 1.0\nimage: reg.example.com/i:1\nos_type: Windows\n"
     "registry: {address: reg.example.com, username: u, password_env: REG_PASSWORD}\n", True),
    ("env: registry inline password accepted by schema (C++ rejects it)", "environment",
     "name: e\nimage: i\nregistry: {address: r, password: p}\n", True),
    ("env: registry without address", "environment", "name: e\nimage: i\nregistry: {username: u}\n", False),
    ("env: password_env is not a variable name", "environment",
     "name: e\nimage: i\nregistry: {address: r, password_env: 'my password'}\n", False),
    ("env: missing name", "environment", "image: python:3.11\n", False),
    ("env: conda keys at top level", "environment", "name: e\nimage: i\nchannels: [conda-forge]\n", False),
    ("env: unknown key in build", "environment", "name: e\nbuild: {path: ., dockerfile: Dockerfile}\n", False),
    ("env: bad os_type", "environment", "name: e\nimage: i\nos_type: macos\n", False),
    ("env: inference config", "environment",
     "name: e\nimage: i\ninference_config:\n  liveness_route: {port: 5001, path: /live}\n"
     "  readiness_route: {port: 5001, path: /ready}\n  scoring_route: {port: 5001, path: /score}\n", True),
    ("env: user_managed_dependencies is not a field", "environment",
     "name: e\nimage: i\nuser_managed_dependencies: true\n", False),
    # --- compute
    ("compute: AmlCompute spelling", "compute",
     "name: c\ntype: AmlCompute\ntier: low_priority\nidentity:\n  type: user_assigned\n"
     "  user_assigned_identities:\n    - resource_id: /subscriptions/x/id\n", True),
    ("compute: identity mapping form", "compute",
     "name: c\ntype: amlcompute\nidentity:\n  type: system_assigned,user_assigned\n"
     "  user_assigned_identities:\n    /subscriptions/x/id: {}\n", True),
    ("compute: amlcompute network and ssh", "compute",
     "name: c\ntype: amlcompute\nssh_public_access_enabled: false\nenable_node_public_ip: true\n"
     "network_settings: {vnet_name: v, subnet: s}\nssh_settings: {admin_username: u, ssh_key_value: k}\n"
     "tags: {a: b}\n", True),
    ("compute: amlcompute without name", "compute", "type: amlcompute\n", False),
    ("compute: unknown key on amlcompute", "compute", "name: c\ntype: amlcompute\nnodes: 3\n", False),
    ("compute: admin_password outside ssh_settings", "compute", "name: c\ntype: amlcompute\nadmin_password: p\n", False),
    ("compute: bad tier", "compute", "name: c\ntype: amlcompute\ntier: spot\n", False),
    ("compute: missing type", "compute", "name: c\n", False),
    ("compute: unknown type", "compute", "name: c\ntype: kubernetes\n", False),
    ("compute: docker", "compute", "$schema: x\nname: d\ntype: docker\nhost: unix:///var/run/docker.sock\n", True),
    ("compute: docker with slurm key", "compute", "type: docker\nendpoint: http://x\n", False),
    ("compute: local", "compute", "type: local\nname: here\ndescription: my laptop\n", True),
    ("compute: slurm", "compute",
     "type: slurm\nname: hpc\nendpoint: https://slurm.example.com:6820\npartition: gpu\naccount: a\n"
     "staging_dir: /shared/jobc\nuser: me\ntoken_env: SLURM_JWT\napi_version: v0.0.39\n", True),
    ("compute: slurm without staging_dir", "compute",
     "type: slurm\nname: hpc\nendpoint: https://s\nuser: me\n", False),
    ("compute: slurm endpoint not http", "compute",
     "type: slurm\nname: hpc\nendpoint: slurm.example.com\nstaging_dir: /s\nuser: me\n", False),
    ("compute: slurm bad api_version", "compute",
     "type: slurm\nname: hpc\nendpoint: https://s\nstaging_dir: /s\nuser: me\napi_version: 39\n", False),
    ("compute: slurm bad token_env", "compute",
     "type: slurm\nname: hpc\nendpoint: https://s\nstaging_dir: /s\nuser: me\ntoken_env: 1TOKEN\n", False),
]

SWEEP = """
$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json
type: sweep
trial:
  command: python train.py --lr ${{search_space.lr}}
  code: src
  environment: azureml:AzureML-sklearn-1.5@latest
compute: azureml:cpu-cluster
objective: {goal: maximize, primary_metric: accuracy}
limits: {max_total_trials: 10, max_concurrent_trials: 2, timeout: 3600, trial_timeout: 600}
"""

SAMPLES += [
    ("sweep: every search space type", "sweep_job", SWEEP + """
search_space:
  a: {type: choice, values: [1, 2.5, "x", true]}
  b: {type: randint, upper: 10}
  c: {type: loguniform, min_value: -5, max_value: 0}
  d: {type: qnormal, mu: 0, sigma: 1, q: 0.5}
  e: {type: qloguniform, min_value: 1, max_value: 3, q: 1}
  f: {type: lognormal, mu: 0, sigma: 1}
  g:
    type: choice
    values:
      - {model: svm, C: {type: uniform, min_value: 0.1, max_value: 1}}
      - {model: tree, depth: 3}
sampling_algorithm: {type: random, seed: 42, rule: sobol}
early_termination: {type: bandit, evaluation_interval: 1, delay_evaluation: 5, slack_factor: 0.1}
""", True),
    ("sweep: trial with inline env, distribution and resources", "sweep_job", SWEEP.replace(
        "  environment: azureml:AzureML-sklearn-1.5@latest\n",
        "  environment: {image: python:3.11}\n  distribution: {type: pytorch, process_count_per_instance: 2}\n"
        "  resources: {instance_count: 2}\n  environment_variables: {X: 1}\n")
     + "sampling_algorithm: grid\nsearch_space:\n  a: {type: choice, values: [1, 2]}\n"
       "early_termination: {type: truncation_selection, truncation_percentage: 10}\n"
       "identity: {type: user_identity}\nqueue_settings: {job_tier: standard}\nresources: {instance_count: 1}\n",
     True),
    ("sweep: median stopping", "sweep_job", SWEEP + "early_termination: {type: median_stopping, delay_evaluation: 2}\n",
     True),
    ("sweep: missing objective", "sweep_job", SWEEP.replace("objective: {goal: maximize, primary_metric: accuracy}\n", ""),
     False),
    ("sweep: missing limits", "sweep_job",
     SWEEP.replace("limits: {max_total_trials: 10, max_concurrent_trials: 2, timeout: 3600, trial_timeout: 600}\n", ""),
     False),
    ("sweep: missing trial command", "sweep_job", SWEEP.replace("  command: python train.py --lr ${{search_space.lr}}\n", ""),
     False),
    ("sweep: inputs inside trial", "sweep_job", SWEEP.replace("  code: src\n", "  code: src\n  inputs: {a: 1}\n"), False),
    ("sweep: bad goal", "sweep_job", SWEEP.replace("goal: maximize", "goal: best"), False),
    ("sweep: bad search space type", "sweep_job", SWEEP + "search_space:\n  a: {type: gaussian, mu: 0}\n", False),
    ("sweep: uniform missing max_value", "sweep_job", SWEEP + "search_space:\n  a: {type: uniform, min_value: 0}\n", False),
    ("sweep: choice with a key of another type", "sweep_job",
     SWEEP + "search_space:\n  a: {type: choice, values: [1], upper: 3}\n", False),
    ("sweep: nested choice option with a bad search space", "sweep_job",
     SWEEP + "search_space:\n  a: {type: choice, values: [{x: {type: uniform}}]}\n", False),
    ("sweep: bad sampling algorithm", "sweep_job", SWEEP + "sampling_algorithm: sobol\n", False),
    ("sweep: seed on grid sampling", "sweep_job", SWEEP + "sampling_algorithm: {type: grid, seed: 1}\n", False),
    ("sweep: truncation without percentage", "sweep_job",
     SWEEP + "early_termination: {type: truncation_selection, evaluation_interval: 1}\n", False),
    ("sweep: bandit with unknown key", "sweep_job",
     SWEEP + "early_termination: {type: bandit, slack_factor: 0.1, truncation_percentage: 5}\n", False),
    ("sweep: max_total_trials is a string", "sweep_job", SWEEP.replace("max_total_trials: 10", "max_total_trials: ten"),
     False),
    ("sweep: unknown key at root", "sweep_job", SWEEP + "trials: 3\n", False),
    ("sweep: missing type", "sweep_job", SWEEP.replace("type: sweep\n", ""), False),
]


def check_samples(validators):
    for label, which, text, should_pass in SAMPLES:
        doc = yaml.safe_load(text)
        errs = errors_of(validators[which], doc)
        if should_pass:
            record(not errs, f"sample {label} (should pass)", "\n     ".join(errs))
        else:
            record(bool(errs), f"sample {label} (should fail)", "no error reported")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_conf = os.environ.get("JOBC_CONFORMANCE_DIR", str(ROOT.parent / "shared" / "conformance"))
    if not pathlib.Path(default_conf).exists():
        default_conf = "/work/shared/conformance"
    parser.add_argument("--conformance", default=default_conf, help="conformance corpus folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="list passing checks too")
    args = parser.parse_args()

    schemas = load_schemas()
    check_schemas(schemas)
    validators = make_validators(schemas)
    check_conformance(validators, pathlib.Path(args.conformance))
    check_samples(validators)

    if args.verbose:
        for ok, label, _ in results:
            if ok:
                print(f"ok   {label}")
    passed = sum(1 for ok, _, _ in results if ok)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
