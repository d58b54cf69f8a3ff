// Unit tests of the Azure ML backend: ARM ids and paths, the SDK's value conversions, and
// whole specs beyond the conformance corpus (every section of a command job, sweeps, a
// cluster, an environment spec) whose expected requests came from running the conformance
// oracle (../shared/tools/aml-oracle, azure-ai-ml 1.4.0) on the same files. Also: a local
// run, and a workspace jobc knows nothing about (placeholders).
#include <doctest/doctest.h>

#include <fstream>

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/asset_references.h"
#include "backends/azureml/job_common.h"
#include "backends/azureml/requests.h"
#include "backends/azureml/rest_values.h"
#include "common/json_diff.h"
#include "common/run_command.h"
#include "common/temp_dir.h"
#include "jobc/validate.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kFakeWs =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.MachineLearningServices/workspaces/ws";
constexpr const char* kFakeBlob =
    "https://wsstorage.blob.core.windows.net/"
    "azureml-blobstore-00000000-0000-0000-0000-000000000000";

jobc::WorkspaceScope fake_workspace() {
  jobc::WorkspaceScope scope;
  scope.subscription = "00000000-0000-0000-0000-000000000000";
  scope.resource_group = "rg";
  scope.workspace = "ws";
  scope.location = "eastus";
  return scope;
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// A spec folder named "project" (the default experiment) with the files the oracle saw.
struct Project {
  jobc::testing::TempDir temp;
  fs::path dir = temp.path / "project";
  Project() {
    write_file(dir / "src/main.py", "print(1)\n");
    write_file(dir / "data/x.csv", "a,b\n");
    write_file(dir / "ctx/Dockerfile.gpu", "FROM python:3.10\n");
  }
};

struct Compiled {
  json requests;
  jobc::InputRecord inputs;
  jobc::DiagnosticSink sink;
};

Compiled compile(const fs::path& spec_path, const jobc::WorkspaceScope& scope, bool fake_storage) {
  Compiled out;
  jobc::SourceManager sources;
  auto spec = jobc::load_and_validate(spec_path.string(), {}, sources, out.sink);
  REQUIRE(spec);
  REQUIRE_MESSAGE(!out.sink.has_errors(), out.sink.diagnostics().front().message);
  REQUIRE(spec->model);
  const jobc::model::Spec& model = *spec->model;
  std::string job_name = model.job() ? model.job()->name.value_or("oracle-generated-job-name") : "";
  jobc::AzureMlContext context{model, scope, job_name, out.inputs, out.sink};
  if (fake_storage) {
    context.storage_account = "wsstorage";
    context.blob_container = "azureml-blobstore-00000000-0000-0000-0000-000000000000";
  }
  out.requests = jobc::azureml_requests(context);
  return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// Specs and the ARM PUTs the oracle recorded for them ($WS and $BLOB abbreviate the fake
// workspace's id and its default datastore's container URL). inline-env.yml gave the oracle
// its compute as a bare ARM id; jobc reads a compute with '/' as a spec path, so it is written
// with azureml: here (the SDK sends the same computeId for both).
struct OracleCase {
  const char* file;
  const char* spec;
  const char* expected;
};

const OracleCase kOracleCases[] = {
    {"command.yml",
     R"yaml(name: my-job
command: python main.py ${{inputs.a}} ${{inputs.b}} ${{inputs.h}} ${{inputs.i}} ${{inputs.j}} ${{inputs.k}} ${{inputs.l}} ${{inputs.m}} {outputs.o1} ${{outputs.o2}} ${{outputs.o3}}
code: src
environment: azureml:myenv@latest
compute: azureml:cpu
description: every section
environment_variables: {C: x}
tags: {t: x}
properties: {p: x}
inputs:
  a: true
  b: 1.0e-5
  h: {type: uri_file, path: data/x.csv, mode: direct}
  i: {type: uri_folder, path: azureml:mydata:2, mode: download}
  j: {type: custom_model, path: azureml:mymodel@latest}
  k: {type: mltable, path: data, datastore: otherstore}
  l: {type: mlflow_model, path: azureml:m2:3, mode: download}
  m: {type: triton_model, path: azureml:tm@latest}
outputs:
  o1: {type: uri_folder, mode: upload}
  o2: {type: mlflow_model, path: azureml://datastores/workspaceblobstore/paths/x}
  o3:
distribution: {type: mpi}
resources: {instance_count: 2, instance_type: Standard_NC6, shm_size: 8g, docker_args: --ipc=host, properties: {x: 1}}
limits: {timeout: 3661}
identity: {type: managed, client_id: cid}
)yaml",
     R"json(
[ { "api_version": "2022-05-01", "body": { "properties": {
"codeUri": "$BLOB/LocalUpload/a9b8d8b83ae3c95e0f61fc9ff07de256/src", "isAnonymous": true,
"isArchived": false, "properties": {
"hash_sha256": "33da73e9d1b5f9238d4aca4ab7eac7b709ca9c864e2c94f9d3c89ebc99f17b68",
"hash_version": "202208" } } },
"path": "$WS/codes/a9b8d8b8-3ae3-c95e-0f61-fc9ff07de256/versions/1" }, {
"api_version": "2022-10-01-preview", "body": { "properties": {
"codeId": "$WS/codes/a9b8d8b8-3ae3-c95e-0f61-fc9ff07de256/versions/1",
"command": "python main.py ${{inputs.a}} ${{inputs.b}} ${{inputs.h}} ${{inputs.i}} ${{inputs.j}} ${{inputs.k}} ${{inputs.l}} ${{inputs.m}} ${{outputs.o1}} ${{outputs.o2}} ${{outputs.o3}}",
"computeId": "$WS/computes/cpu", "description": "every section", "displayName": "my-job",
"distribution": { "distributionType": "Mpi" },
"environmentId": "$WS/environments/myenv/versions/1", "environmentVariables": { "C": "x" },
"experimentName": "project", "identity": { "clientId": "cid", "identityType": "Managed" },
"inputs": { "a": { "jobInputType": "literal", "value": "True" }, "b": {
"jobInputType": "literal", "value": "1e-05" }, "h": { "jobInputType": "uri_file",
"mode": "Direct",
"uri": "azureml://datastores/workspaceblobstore/paths/LocalUpload/4a113acca02583ed01b513450572bc3f/x.csv"
}, "i": { "jobInputType": "uri_folder", "mode": "Download", "uri": "$WS/data/mydata/versions/2"
}, "j": { "jobInputType": "custom_model", "uri": "$WS/models/mymodel/versions/1" }, "k": {
"jobInputType": "mltable",
"uri": "azureml://datastores/otherstore/paths/LocalUpload/7aef4acfc180c86ce0e0be75de4e168d/data"
}, "l": { "jobInputType": "mlflow_model", "mode": "Download", "uri": "$WS/models/m2/versions/3"
}, "m": { "jobInputType": "triton_model", "uri": "$WS/data/tm/versions/1" } },
"isArchived": false, "jobType": "Command", "limits": { "jobLimitsType": "Command",
"timeout": "PT1H1M1S" }, "outputs": { "o1": { "jobOutputType": "uri_folder", "mode": "Upload" },
"o2": { "jobOutputType": "mlflow_model",
"uri": "azureml://datastores/workspaceblobstore/paths/x" }, "o3": {
"jobOutputType": "uri_folder" } }, "properties": { "p": "x" }, "resources": {
"dockerArgs": "--ipc=host", "instanceCount": 2, "instanceType": "Standard_NC6", "properties": {
"x": 1 }, "shmSize": "8g" }, "tags": { "t": "x" } } }, "path": "$WS/jobs/my-job" } ]
)json"},
    {"inline-env.yml",
     R"yaml(command: echo hi
environment:
  image: python:3.10
  conda_file: {dependencies: [python=3.10]}
  os_type: linux
  tags: {x: 1}
  inference_config:
    liveness_route: {port: 5001, path: /a}
    readiness_route: {port: 5001, path: /b}
    scoring_route: {port: 5001, path: /c}
compute: azureml:/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/computes/c1
distribution: {type: pytorch}
identity: {type: aml_token}
)yaml",
     R"json(
[ { "api_version": "2022-05-01", "body": { "properties": {
"condaFile": "dependencies:\n- python=3.10\n", "image": "python:3.10", "inferenceConfig": {
"livenessRoute": { "path": "/a", "port": 5001 }, "readinessRoute": { "path": "/b", "port": 5001
}, "scoringRoute": { "path": "/c", "port": 5001 } }, "isAnonymous": true, "isArchived": false,
"osType": "linux", "tags": { "x": "1" } } },
"path": "$WS/environments/CliV2AnonymousEnvironment/versions/69ef3e9b90a6bc61a49194f90c72c7a1"
}, { "api_version": "2022-10-01-preview", "body": { "properties": { "command": "echo hi",
"computeId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/computes/c1",
"displayName": "oracle-generated-job-name", "distribution": { "distributionType": "PyTorch" },
"environmentId": "$WS/environments/CliV2AnonymousEnvironment/versions/69ef3e9b90a6bc61a49194f90c72c7a1",
"environmentVariables": {}, "experimentName": "project", "identity": {
"identityType": "AMLToken" }, "inputs": {}, "isArchived": false, "jobType": "Command",
"outputs": {}, "properties": {}, "tags": {} } }, "path": "$WS/jobs/oracle-generated-job-name" }
]
)json"},
    {"build-env.yml",
     R"yaml(command: ls ${{inputs.x}} ${{inputs.y}} ${{inputs.z}}
environment:
  build: {path: ctx, dockerfile_path: Dockerfile.gpu}
compute: azureml:/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/computes/c2
inputs:
  x: {type: uri_folder, path: azureml:/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/data/d/versions/1}
  y: {path: azureml://datastores/ds/paths/p/}
  z: {path: ./data}
distribution: {type: tensorflow, worker_count: 3, parameter_server_count: 1}
limits: {timeout: 86401}
)yaml",
     R"json(
[ { "api_version": "2022-05-01", "body": { "properties": { "build": {
"contextUri": "$BLOB/LocalUpload/c960478aec76cda9a64fa243b788b17b/ctx/",
"dockerfilePath": "Dockerfile.gpu" }, "isAnonymous": true, "isArchived": false } },
"path": "$WS/environments/CliV2AnonymousEnvironment/versions/032200917a6d0ce2c784e3ba1d9658d3"
}, { "api_version": "2022-10-01-preview", "body": { "properties": {
"command": "ls ${{inputs.x}} ${{inputs.y}} ${{inputs.z}}",
"computeId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/computes/c2",
"displayName": "oracle-generated-job-name", "distribution": { "distributionType": "TensorFlow",
"parameterServerCount": 1, "workerCount": 3 },
"environmentId": "$WS/environments/CliV2AnonymousEnvironment/versions/032200917a6d0ce2c784e3ba1d9658d3",
"environmentVariables": {}, "experimentName": "project", "inputs": { "x": {
"jobInputType": "uri_folder",
"uri": "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/data/d/versions/1"
}, "y": { "jobInputType": "uri_folder", "uri": "azureml://datastores/ds/paths/p/" }, "z": {
"jobInputType": "uri_folder",
"uri": "azureml://datastores/workspaceblobstore/paths/LocalUpload/7aef4acfc180c86ce0e0be75de4e168d/data/"
} }, "isArchived": false, "jobType": "Command", "limits": { "jobLimitsType": "Command",
"timeout": "P1DT1S" }, "outputs": {}, "properties": {}, "tags": {} } },
"path": "$WS/jobs/oracle-generated-job-name" } ]
)json"},
    {"sweep.yml",
     R"yaml(type: sweep
name: sw1
trial:
  command: python main.py --x ${{search_space.x}} --y ${{search_space.y}} --z ${{search_space.z}} --w ${{search_space.w}} --v ${{search_space.v}} --u ${{search_space.u}} --q ${{search_space.q}} --c ${{search_space.c}} --i ${{inputs.i}}
  code: src
  environment: {image: python:3.9}
  environment_variables: {K: v}
  distribution: {type: pytorch, process_count_per_instance: 2}
  resources: {instance_count: 2, shm_size: 1g}
compute: cpu
inputs:
  i: {type: uri_folder, path: data}
outputs:
  out: {type: uri_folder, mode: rw_mount}
sampling_algorithm: {type: random, seed: 42, rule: sobol}
search_space:
  x: {type: randint, upper: 10}
  y: {type: quniform, min_value: 1, max_value: 10, q: 2}
  z: {type: normal, mu: 0, sigma: 1.5}
  w: {type: qlognormal, mu: 0, sigma: 1, q: 1}
  v: {type: loguniform, min_value: -3, max_value: 0}
  u: {type: qloguniform, min_value: 1, max_value: 3, q: 1}
  q: {type: lognormal, mu: 1, sigma: 0.5}
  c: {type: choice, values: [1, 2.5, "s"]}
objective: {goal: maximize, primary_metric: acc}
limits: {max_total_trials: 10, max_concurrent_trials: 2, timeout: 600, trial_timeout: 120}
early_termination: {type: bandit, evaluation_interval: 2, delay_evaluation: 5, slack_factor: 0.1}
tags: {a: b}
)yaml",
     R"json(
[ { "api_version": "2022-05-01", "body": { "properties": {
"codeUri": "$BLOB/LocalUpload/a9b8d8b83ae3c95e0f61fc9ff07de256/src", "isAnonymous": true,
"isArchived": false, "properties": {
"hash_sha256": "33da73e9d1b5f9238d4aca4ab7eac7b709ca9c864e2c94f9d3c89ebc99f17b68",
"hash_version": "202208" } } },
"path": "$WS/codes/a9b8d8b8-3ae3-c95e-0f61-fc9ff07de256/versions/1" }, {
"api_version": "2022-05-01", "body": { "properties": { "image": "python:3.9",
"isAnonymous": true, "isArchived": false } },
"path": "$WS/environments/CliV2AnonymousEnvironment/versions/0061b4381676cfa82c13588fd8a0eac9"
}, { "api_version": "2022-10-01-preview", "body": { "properties": {
"computeId": "$WS/computes/cpu", "displayName": "sw1", "earlyTermination": {
"delayEvaluation": 5, "evaluationInterval": 2, "policyType": "Bandit", "slackAmount": 0.0,
"slackFactor": 0.1 }, "experimentName": "project", "inputs": { "i": {
"jobInputType": "uri_folder",
"uri": "azureml://datastores/workspaceblobstore/paths/LocalUpload/7aef4acfc180c86ce0e0be75de4e168d/data/"
} }, "isArchived": false, "jobType": "Sweep", "limits": { "jobLimitsType": "Sweep",
"maxConcurrentTrials": 2, "maxTotalTrials": 10, "timeout": "PT10M", "trialTimeout": "PT2M" },
"objective": { "goal": "maximize", "primaryMetric": "acc" }, "outputs": { "out": {
"jobOutputType": "uri_folder", "mode": "ReadWriteMount" } }, "properties": {},
"samplingAlgorithm": { "rule": "sobol", "samplingAlgorithmType": "Random", "seed": 42 },
"searchSpace": { "c": [ "choice", [ [ 1, 2.5, "s" ] ] ], "q": [ "lognormal", [ 1, 0.5 ] ],
"u": [ "qloguniform", [ 1, 3, 1 ] ], "v": [ "loguniform", [ -3, 0 ] ], "w": [ "qlognormal", [ 0,
1, 1 ] ], "x": [ "randint", [ 10 ] ], "y": [ "quniform", [ 1, 10, 2 ] ], "z": [ "normal", [ 0,
1.5 ] ] }, "tags": { "a": "b" }, "trial": {
"codeId": "$WS/codes/a9b8d8b8-3ae3-c95e-0f61-fc9ff07de256/versions/1",
"command": "python main.py --x ${{search_space.x}} --y ${{search_space.y}} --z ${{search_space.z}} --w ${{search_space.w}} --v ${{search_space.v}} --u ${{search_space.u}} --q ${{search_space.q}} --c ${{search_space.c}} --i ${{inputs.i}}",
"distribution": { "distributionType": "PyTorch", "processCountPerInstance": 2 },
"environmentId": "$WS/environments/CliV2AnonymousEnvironment/versions/0061b4381676cfa82c13588fd8a0eac9",
"environmentVariables": { "K": "v" }, "resources": { "instanceCount": 2, "properties": {},
"shmSize": "1g" } } } }, "path": "$WS/jobs/sw1" } ]
)json"},
    {"sweep-nested.yml",
     R"yaml(type: sweep
trial:
  command: python main.py --x ${{search_space.x}}
  environment: azureml:AzureML-sklearn-1.5@latest
compute: cpu
sampling_algorithm: grid
search_space:
  x:
    type: choice
    values:
      - {a: {type: uniform, min_value: 1, max_value: 2}, b: 3}
      - {a: 5}
objective: {goal: minimize, primary_metric: loss}
limits: {max_total_trials: 2}
early_termination: {type: truncation_selection, truncation_percentage: 10}
)yaml",
     R"json(
[ { "api_version": "2022-10-01-preview", "body": { "properties": {
"computeId": "$WS/computes/cpu", "displayName": "oracle-generated-job-name",
"earlyTermination": { "delayEvaluation": 0, "evaluationInterval": 0,
"policyType": "TruncationSelection", "truncationPercentage": 10 }, "experimentName": "project",
"inputs": {}, "isArchived": false, "jobType": "Sweep", "limits": { "jobLimitsType": "Sweep",
"maxTotalTrials": 2 }, "objective": { "goal": "minimize", "primaryMetric": "loss" },
"outputs": {}, "properties": {}, "samplingAlgorithm": { "samplingAlgorithmType": "Grid" },
"searchSpace": { "x": [ "choice", [ [ { "a": [ "uniform", [ 1, 2 ] ], "b": 3 }, { "a": 5 } ] ] ]
}, "tags": {}, "trial": { "command": "python main.py --x ${{search_space.x}}",
"environmentId": "azureml:AzureML-sklearn-1.5@latest", "environmentVariables": {} } } },
"path": "$WS/jobs/oracle-generated-job-name" } ]
)json"},
    {"cluster.yml",
     R"yaml(name: c1
type: amlcompute
size: Standard_NC6
tier: low_priority
min_instances: 1
max_instances: 4
idle_time_before_scale_down: 3600
ssh_public_access_enabled: true
ssh_settings: {admin_username: u, ssh_key_value: ssh-rsa AAA}
network_settings: {vnet_name: v, subnet: default}
identity:
  type: system_assigned,user_assigned
  user_assigned_identities:
    - resource_id: /subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1
description: hello
enable_node_public_ip: false
)yaml",
     R"json(
[ { "api_version": "2022-10-01-preview", "body": { "identity": {
"type": "SystemAssigned,UserAssigned", "userAssignedIdentities": {
"/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1": {}
} }, "location": "eastus", "properties": { "computeType": "AmlCompute", "description": "hello",
"properties": { "enableNodePublicIp": false, "osType": "Linux",
"remoteLoginPortPublicAccess": "Enabled", "scaleSettings": { "maxNodeCount": 4,
"minNodeCount": 1, "nodeIdleTimeBeforeScaleDown": "PT1H" }, "subnet": {
"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/default"
}, "userAccountCredentials": { "adminUserName": "u", "adminUserSshPublicKey": "ssh-rsa AAA" },
"vmPriority": "LowPriority", "vmSize": "Standard_NC6" } } }, "path": "$WS/computes/c1" } ]
)json"},
    {"environment.yml",
     R"yaml(name: e1
version: 3
image: python:3.10
os_type: Linux
tags: {a: 1, b: x}
description: d
)yaml",
     R"json(
[ { "api_version": "2022-05-01", "body": { "properties": { "description": "d",
"image": "python:3.10", "isAnonymous": false, "isArchived": false, "osType": "linux", "tags": {
"a": "1", "b": "x" } } }, "path": "$WS/environments/e1/versions/3" } ]
)json"},
    // Optional arguments: the command is sent as written, with $[[...]] for the service to
    // resolve; an input without a value (here seed, undeclared: the SDK's optional form) is
    // not sent at all.
    {"optional-args.yml",
     R"yaml(command: python main.py --epochs ${{inputs.epochs}} $[[--lr ${{inputs.lr}}]] $[[--data ${{inputs.data}} --out ${{outputs.model}}]] $[[--seed ${{inputs.seed}}]]
code: src
environment: azureml:myenv@latest
compute: azureml:cpu
inputs:
  epochs: 3
  lr: 0.01
  data: {type: uri_folder, path: data}
outputs:
  model: {type: uri_folder}
)yaml",
     R"json(
[{"api_version": "2022-05-01", "body": {"properties": {"codeUri":
"$BLOB/LocalUpload/a9b8d8b83ae3c95e0f61fc9ff07de256/src", "isAnonymous": true, "isArchived":
false, "properties": {"hash_sha256":
"33da73e9d1b5f9238d4aca4ab7eac7b709ca9c864e2c94f9d3c89ebc99f17b68", "hash_version": "202208"}}},
"path": "$WS/codes/a9b8d8b8-3ae3-c95e-0f61-fc9ff07de256/versions/1"}, {"api_version":
"2022-10-01-preview", "body": {"properties": {"codeId":
"$WS/codes/a9b8d8b8-3ae3-c95e-0f61-fc9ff07de256/versions/1", "command":
"python main.py --epochs ${{inputs.epochs}} $[[--lr ${{inputs.lr}}]] $[[--data ${{inputs.data}} --out ${{outputs.model}}]] $[[--seed ${{inputs.seed}}]]",
"computeId": "$WS/computes/cpu", "displayName": "oracle-generated-job-name", "environmentId":
"$WS/environments/myenv/versions/1", "environmentVariables": {}, "experimentName": "project",
"inputs": {"data": {"jobInputType": "uri_folder", "uri":
"azureml://datastores/workspaceblobstore/paths/LocalUpload/7aef4acfc180c86ce0e0be75de4e168d/data/"},
"epochs": {"jobInputType": "literal", "value": "3"}, "lr": {"jobInputType": "literal", "value":
"0.01"}}, "isArchived": false, "jobType": "Command", "outputs": {"model": {"jobOutputType":
"uri_folder"}}, "properties": {}, "tags": {}}}, "path": "$WS/jobs/oracle-generated-job-name"}]
)json"},
    {"optional-sweep.yml",
     R"yaml(type: sweep
trial:
  command: python main.py $[[--lr ${{search_space.lr}}]] $[[--x ${{inputs.x}}]] $[[--y ${{inputs.y}}]]
  code: src
  environment: azureml:myenv@latest
inputs:
  x: 1
compute: azureml:cpu
sampling_algorithm: random
search_space:
  lr: {type: uniform, min_value: 0.01, max_value: 0.1}
objective: {primary_metric: acc, goal: maximize}
limits: {max_total_trials: 2}
)yaml",
     R"json(
[{"api_version": "2022-05-01", "body": {"properties": {"codeUri":
"$BLOB/LocalUpload/a9b8d8b83ae3c95e0f61fc9ff07de256/src", "isAnonymous": true, "isArchived":
false, "properties": {"hash_sha256":
"33da73e9d1b5f9238d4aca4ab7eac7b709ca9c864e2c94f9d3c89ebc99f17b68", "hash_version": "202208"}}},
"path": "$WS/codes/a9b8d8b8-3ae3-c95e-0f61-fc9ff07de256/versions/1"}, {"api_version":
"2022-10-01-preview", "body": {"properties": {"computeId": "$WS/computes/cpu", "displayName":
"oracle-generated-job-name", "experimentName": "project", "inputs": {"x": {"jobInputType":
"literal", "value": "1"}}, "isArchived": false, "jobType": "Sweep", "limits": {"jobLimitsType":
"Sweep", "maxTotalTrials": 2}, "objective": {"goal": "maximize", "primaryMetric": "acc"},
"outputs": {}, "properties": {}, "samplingAlgorithm": {"samplingAlgorithmType": "Random"},
"searchSpace": {"lr": ["uniform", [0.01, 0.1]]}, "tags": {}, "trial": {"codeId":
"$WS/codes/a9b8d8b8-3ae3-c95e-0f61-fc9ff07de256/versions/1", "command":
"python main.py $[[--lr ${{search_space.lr}}]] $[[--x ${{inputs.x}}]] $[[--y ${{inputs.y}}]]",
"environmentId": "$WS/environments/myenv/versions/1", "environmentVariables": {}}}}, "path":
"$WS/jobs/oracle-generated-job-name"}]
)json"},
    // Empty `limits:` and `services:` mappings are sent, as the SDK sends them.
    {"empty-sections.yml",
     R"yaml(command: echo hi
environment: azureml:myenv:1
compute: azureml:cpu
limits: {}
services: {}
)yaml",
     R"json(
[{"api_version": "2022-10-01-preview", "body": {"properties": {"command": "echo hi",
"computeId": "$WS/computes/cpu", "displayName": "oracle-generated-job-name", "environmentId":
"$WS/environments/myenv/versions/1", "environmentVariables": {}, "experimentName": "project",
"inputs": {}, "isArchived": false, "jobType": "Command", "limits": {"jobLimitsType":
"Command"}, "outputs": {}, "properties": {}, "services": {}, "tags": {}}}, "path":
"$WS/jobs/oracle-generated-job-name"}]
)json"},
};

// Free-form values of the model, as the front end would type them.
jobc::model::Value bool_value(bool value) {
  jobc::model::Value out;
  out.kind = jobc::model::Value::Kind::Bool;
  out.boolean = value;
  return out;
}

jobc::model::Value int_value(long long value) {
  jobc::model::Value out;
  out.kind = jobc::model::Value::Kind::Int;
  out.integer = value;
  return out;
}

jobc::model::Value float_value(double value) {
  jobc::model::Value out;
  out.kind = jobc::model::Value::Kind::Float;
  out.number = value;
  return out;
}

jobc::model::Value string_value(std::string value) {
  jobc::model::Value out;
  out.kind = jobc::model::Value::Kind::String;
  out.text = std::move(value);
  return out;
}

jobc::model::Value map_value(std::vector<jobc::model::ValueMember> members) {
  jobc::model::Value out;
  out.kind = jobc::model::Value::Kind::Map;
  out.members = std::move(members);
  return out;
}

// What the oracle recorded for `item`, and what jobc would send, in the same form.
json expected_requests(const OracleCase& item) {
  return json::parse(replace_all(replace_all(item.expected, "$WS", kFakeWs), "$BLOB", kFakeBlob));
}

json sent_requests(const Compiled& compiled) {
  json out = json::array();
  for (const json& request : compiled.requests) {
    out.push_back({{"path", request["path"]},
                   {"api_version", request["api_version"]},
                   {"body", request["body"]}});
  }
  return out;
}

const OracleCase* oracle_case(const std::string& file) {
  for (const OracleCase& item : kOracleCases) {
    if (item.file == file) return &item;
  }
  return nullptr;
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE("ids and request paths") {
    jobc::WorkspaceScope scope = fake_workspace();
    using namespace jobc::azureml;
    CHECK(named_resource_id(scope, kComputes, "cpu") == std::string(kFakeWs) + "/computes/cpu");
    CHECK(versioned_resource_id(scope, kCodes, "c", "1") ==
          std::string(kFakeWs) + "/codes/c/versions/1");
    CHECK(level_one_resource_id(scope, "virtualclusters", "vc") ==
          "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
          "Microsoft.MachineLearningServices/virtualclusters/vc");
    CHECK(is_arm_id(std::string(kFakeWs) + "/data/d/versions/1"));
    CHECK(is_arm_id(std::string(kFakeWs) + "/computes/c", kComputes));
    CHECK_FALSE(is_arm_id(std::string(kFakeWs) + "/computes/c", kData));
    CHECK_FALSE(is_arm_id("azureml:" + std::string(kFakeWs) + "/computes/c"));
    CHECK_FALSE(is_arm_id("cpu-cluster"));

    json request = put_request("/p", kJobsApiVersion, {{"a", 1}});
    CHECK(request == json{{"method", "PUT"},
                          {"path", "/p"},
                          {"api_version", "2022-10-01-preview"},
                          {"body", {{"a", 1}}}});
  }

  TEST_CASE("references resolve as the SDK resolves them, labels to version 1") {
    jobc::WorkspaceScope scope = fake_workspace();
    std::string ws = kFakeWs;
    using namespace jobc::azureml;
    CHECK(environment_id(scope, "azureml:AzureML-sklearn-1.5@latest") ==
          "azureml:AzureML-sklearn-1.5@latest");
    CHECK(environment_id(scope, "azureml://registries/azureml/environments/e/labels/latest") ==
          "azureml://registries/azureml/environments/e/labels/latest");
    CHECK(environment_id(scope, "azureml:env:3") == ws + "/environments/env/versions/3");
    CHECK(environment_id(scope, "azureml:env@latest") == ws + "/environments/env/versions/1");
    CHECK(environment_id(scope, "azureml:" + ws + "/environments/e/versions/2") ==
          ws + "/environments/e/versions/2");
    CHECK(code_id(scope, "azureml:code:2") == ws + "/codes/code/versions/2");
    CHECK(input_asset_id(scope, "azureml:d@latest", "uri_folder") == ws + "/data/d/versions/1");
    CHECK(input_asset_id(scope, "azureml:m:4", "mlflow_model") == ws + "/models/m/versions/4");
    CHECK(input_asset_id(scope, "azureml:t:4", "triton_model") == ws + "/data/t/versions/4");

    auto compute = compute_target(scope, "azureml:cpu-cluster");
    CHECK(compute.kind == ComputeTarget::Workspace);
    CHECK(compute.id == ws + "/computes/cpu-cluster");
    CHECK(compute_target(scope, "gpu").id == ws + "/computes/gpu");
    CHECK(compute_target(scope, "LOCAL").kind == ComputeTarget::Local);
    CHECK(compute_target(scope, "azureml:virtualClusters/vc").id ==
          "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
          "Microsoft.MachineLearningServices/virtualclusters/vc");
  }

  TEST_CASE("value conversions") {
    using namespace jobc::azureml;
    CHECK(iso_duration(120) == "PT2M");
    CHECK(iso_duration(3600) == "PT1H");
    CHECK(iso_duration(3661) == "PT1H1M1S");
    CHECK(iso_duration(86401) == "P1DT1S");
    CHECK(iso_duration(0) == "P0D");
    CHECK(snake_to_pascal("low_priority") == "LowPriority");
    CHECK(snake_to_pascal("system_assigned, user_assigned") == "SystemAssigned,UserAssigned");
    CHECK(snake_to_pascal("DEDICATED") == "Dedicated");
    CHECK(string_map(jobc::model::Value()) == json::object());
    jobc::model::Value tags = map_value({{"b", bool_value(true)},
                                         {"f", float_value(0.5)},
                                         {"n", int_value(1)},
                                         {"s", string_value("x")},
                                         {"z", jobc::model::Value()}});
    CHECK(string_map(tags) ==
          json{{"n", "1"}, {"b", "True"}, {"f", "0.5"}, {"s", "x"}, {"z", nullptr}});
    CHECK(jobc::model::to_json(tags) ==
          json{{"n", 1}, {"b", true}, {"f", 0.5}, {"s", "x"}, {"z", nullptr}});
    CHECK(jobc::model::to_json(float_value(1.0)).dump() ==
          "1.0");  // 1.0 stays a float, as the SDK sends it
    CHECK(map_single_brackets("a {inputs.x} ${{inputs.y}} {{inputs.z}} {search_space.s}") ==
          "a ${{inputs.x}} ${{inputs.y}} {{inputs.z}} ${{search_space.s}}");
    CHECK(default_experiment_name("/tmp/my project.v2") == "myproject");
    CHECK(default_experiment_name("/") == "Default");
  }

  TEST_CASE("specs beyond the corpus match the oracle") {
    for (const OracleCase& item : kOracleCases) {
      std::string file = item.file;
      CAPTURE(file);
      Project project;
      write_file(project.dir / item.file, item.spec);
      Compiled compiled = compile(project.dir / item.file, fake_workspace(), true);
      std::vector<std::string> diffs =
          jobc::testing::json_diff(expected_requests(item), sent_requests(compiled));
      CHECK_MESSAGE(diffs.empty(), joined(diffs));
    }
  }

  TEST_CASE("the optional-argument cases are what the SDK sends today (the oracle, run again)") {
    fs::path oracle = fs::path(JOBC_SHARED_DIR) / "tools/aml-oracle/aml_oracle.py";
    if (!fs::exists(oracle) ||
        // Only whether the SDK is installed: importing it needs the oracle's pydash stand-in.
        jobc::testing::run_command("/usr/bin/python3 -c 'import importlib.util as u, sys; "
                                   "sys.exit(u.find_spec(\"azure.ai.ml\") is None)' 2>/dev/null")
                .status != 0) {
      MESSAGE("skipped: needs ../shared/tools/aml-oracle and python3-azure");
      return;
    }
    for (const char* file : {"optional-args.yml", "optional-sweep.yml"}) {
      CAPTURE(file);
      const OracleCase* item = oracle_case(file);
      REQUIRE(item);
      Project project;
      write_file(project.dir / item->file, item->spec);
      auto run = jobc::testing::run_command(
          "/usr/bin/python3 " + jobc::testing::shell_quote(oracle.string()) + " " +
          jobc::testing::shell_quote((project.dir / item->file).string()));
      REQUIRE_MESSAGE(run.status == 0, run.err);
      json sent = json::parse(run.out);
      json expected = expected_requests(*item);
      CHECK(sent["code_payload"] == expected.front()["body"]);
      CHECK(sent["payload"] == expected.back()["body"]);
    }
  }

  TEST_CASE("an optional input declared without a value is sent as the SDK sends it undeclared") {
    const OracleCase* oracle = oracle_case("optional-args.yml");
    REQUIRE(oracle);
    Project project;
    // jobc's (and newer CLIs') form: seed declared, optional, without a default.
    std::string spec = replace_all(oracle->spec, "  lr: 0.01\n",
                                   "  lr: 0.01\n  seed: {type: integer, optional: true}\n");
    REQUIRE(spec != oracle->spec);
    write_file(project.dir / "job.yml", spec);
    Compiled compiled = compile(project.dir / "job.yml", fake_workspace(), true);
    CHECK(compiled.sink.diagnostics().empty());
    json actual = sent_requests(compiled);
    std::vector<std::string> diffs = jobc::testing::json_diff(expected_requests(*oracle), actual);
    CHECK_MESSAGE(diffs.empty(), joined(diffs));
    CHECK(actual.dump().find("None") == std::string::npos);
  }

  TEST_CASE("search space numbers keep the type they were written with, as the SDK sends them") {
    // The oracle's searchSpace for this spec (azure-ai-ml 1.4.0): 1 stays 1, 1.0 stays 1.0.
    Project project;
    write_file(project.dir / "sweep.yml",
               "type: sweep\ncompute: azureml:cpu\n"
               "trial:\n  code: src\n  environment: azureml:myenv:1\n"
               "  command: python main.py --lr ${{search_space.lr}} --n ${{search_space.n}}\n"
               "search_space:\n  lr: {type: uniform, min_value: 1, max_value: 2.5}\n"
               "  n: {type: choice, values: [1, 2.0, {a: {type: quniform, min_value: 0, "
               "max_value: 1.0, q: 1}}]}\n"
               "sampling_algorithm: random\nobjective: {goal: maximize, primary_metric: acc}\n"
               "limits: {max_total_trials: 2}\n");
    Compiled compiled = compile(project.dir / "sweep.yml", fake_workspace(), true);
    REQUIRE_FALSE(compiled.requests.empty());
    CHECK(compiled.requests.back()["body"]["properties"]["searchSpace"].dump() ==
          R"({"lr":["uniform",[1,2.5]],"n":["choice",[[1,2.0,{"a":["quniform",[0,1.0,1]]}]]]})");
  }

  TEST_CASE("a job's code and uploaded inputs are recorded as inputs") {
    Project project;
    write_file(project.dir / "job.yml",
               "command: ls ${{inputs.d}}\ncode: src\nenvironment: azureml:e:1\n"
               "inputs:\n  d: {type: uri_folder, path: data}\n");
    Compiled compiled = compile(project.dir / "job.yml", fake_workspace(), true);
    CHECK(compiled.inputs.files().count("src/main.py") == 1);
    CHECK(compiled.inputs.files().count("data/x.csv") == 1);
  }

  TEST_CASE("compute local and docker: the SDK's local-run form, without a computeId") {
    for (const char* compute : {"local", "docker"}) {
      CAPTURE(compute);
      Project project;
      write_file(project.dir / "job.yml",
                 std::string("command: echo hi\nenvironment: azureml:e:1\ncompute: ") + compute +
                     "\nenvironment_variables: {A: b}\n");
      Compiled compiled = compile(project.dir / "job.yml", fake_workspace(), true);
      REQUIRE(compiled.requests.size() == 1);
      const json& properties = compiled.requests[0]["body"]["properties"];
      CHECK_FALSE(properties.contains("computeId"));
      CHECK(properties["resources"] == json{{"properties", {{"IsLocal", {{"IsLocal", true}}}}}});
      CHECK(properties["environmentVariables"] ==
            json{{"A", "b"}, {"AZUREML_COMPUTE_USE_COMMON_RUNTIME", "true"}});
    }
  }

  TEST_CASE("a compute spec named by path: its cluster, or no Azure ML target") {
    Project project;
    write_file(project.dir / "aml.yml", "name: big\ntype: amlcompute\n");
    write_file(project.dir / "hpc.yml",
               "name: hpc\ntype: slurm\nendpoint: https://h\nstaging_dir: /s\nuser: u\n"
               "token_env: T\n");
    write_file(project.dir / "aml-job.yml",
               "command: echo\nenvironment: azureml:e:1\ncompute: aml.yml\n");
    write_file(project.dir / "hpc-job.yml",
               "command: echo\nenvironment: azureml:e:1\ncompute: hpc.yml\n");
    Compiled aml = compile(project.dir / "aml-job.yml", fake_workspace(), true);
    CHECK(aml.requests.back()["body"]["properties"]["computeId"] ==
          std::string(kFakeWs) + "/computes/big");
    Compiled hpc = compile(project.dir / "hpc-job.yml", fake_workspace(), true);
    CHECK_FALSE(hpc.requests.back()["body"]["properties"].contains("computeId"));
    Compiled slurm_spec = compile(project.dir / "hpc.yml", fake_workspace(), true);
    CHECK(slurm_spec.requests.empty());
  }

  TEST_CASE("without a workspace the ids and URLs keep placeholders") {
    Project project;
    write_file(project.dir / "job.yml",
               "command: echo\ncode: src\nenvironment: {build: {path: ctx, dockerfile_path: "
               "Dockerfile.gpu}}\ncompute: cpu\n");
    jobc::WorkspaceScope unknown;
    Compiled compiled = compile(project.dir / "job.yml", unknown, false);
    REQUIRE(compiled.requests.size() == 3);
    std::string prefix =
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/";
    const json& code = compiled.requests[0];
    CHECK(code["path"].get<std::string>().starts_with(prefix + "codes/"));
    CHECK(code["body"]["properties"]["codeUri"].get<std::string>().starts_with(
        "https://{storageAccount}.blob.core.windows.net/{blobContainer}/LocalUpload/"));
    const json& environment = compiled.requests[1];
    CHECK(environment["path"].get<std::string>().starts_with(
        prefix + "environments/CliV2AnonymousEnvironment/versions/"));
    CHECK(environment["body"]["properties"]["build"]["contextUri"].get<std::string>().starts_with(
        "https://{storageAccount}.blob.core.windows.net/{blobContainer}/LocalUpload/"));
    const json& job = compiled.requests[2];
    CHECK(job["path"] == prefix + "jobs/oracle-generated-job-name");
    CHECK(job["body"]["properties"]["computeId"] == prefix + "computes/cpu");

    write_file(project.dir / "cluster.yml", "name: c\ntype: amlcompute\n");
    Compiled cluster = compile(project.dir / "cluster.yml", unknown, false);
    REQUIRE(cluster.requests.size() == 1);
    CHECK(cluster.requests[0]["body"]["location"] == "{location}");
    CHECK(cluster.requests[0]["long_running"] == true);
  }
}
