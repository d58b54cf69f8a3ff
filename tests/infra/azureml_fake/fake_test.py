#!/usr/bin/python3
"""The fake's own behaviours that the SDK cross-check cannot reach but jobc's tests rely on
(README.md beside this file): token audience and expiry, api-version checks, version and job
conflicts, the request record's redaction, per-rank logs, fault-switch validation.
Standard library only. Exit 77 (ctest: skipped) when tests/infra/azurite_up.sh has not run.
"""
import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

STATE = os.environ.get("JOBC_AZURE_TEST_STATE", "/tmp/jobc-azure-test")
WS = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
      "Microsoft.MachineLearningServices/workspaces/ws")
try:
    with open(os.path.join(STATE, "env"), encoding="utf-8") as env_file:
        ENV = dict(line.rstrip("\n").split("=", 1) for line in env_file if "=" in line and line[0] != "#")
except OSError:
    print(f"skipped: the Azure ML fake is not running ({STATE}/env is missing; "
          "tests/infra/azurite_up.sh starts it)")
    sys.exit(77)
FAKE = ENV["JOBC_TEST_AZUREML_FAKE_URL"]
with open(ENV["JOBC_TEST_AZUREML_FAKE_SECRETS_FILE"], encoding="utf-8") as secrets_file:
    SECRETS = json.load(secrets_file)


def call(method, path, body=None, token=None, form=None):
    """(status, JSON body or None, headers) of one request to the fake."""
    headers = {"Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    if form is not None:
        data, headers = urllib.parse.urlencode(form).encode(), {}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(FAKE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw, status, answer_headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as e:
        raw, status, answer_headers = e.read(), e.code, e.headers
    return status, (json.loads(raw) if raw else None), answer_headers


def token(scope="https://management.azure.com/.default", secret=None):
    status, answer, _ = call("POST", f"/{ENV['JOBC_TEST_AZURE_TENANT']}/oauth2/v2.0/token", form={
        "grant_type": "client_credentials", "client_id": ENV["JOBC_TEST_AZURE_CLIENT_ID"],
        "client_secret": secret or SECRETS["client_secret"], "scope": scope})
    return answer["access_token"] if status == 200 else (status, answer)


def version(kind, name, number, properties):
    return f"{WS}/{kind}/{name}/versions/{number}?api-version=2022-05-01", {"properties": properties}


class TheFakeOnItsOwn(unittest.TestCase):
    def setUp(self):
        call("POST", "/_fake/reset")
        call("POST", "/_fake/faults", {"step_seconds": 0.2})
        self.token = token()

    def error_code(self, answer):
        return answer["error"]["code"]

    def test_a_token_for_another_audience_or_past_its_lifetime_is_refused_with_arm_codes(self):
        status, answer, _ = call("GET", f"{WS}?api-version=2022-10-01-preview",
                                 token=token("https://storage.azure.com/.default"))
        self.assertEqual((status, self.error_code(answer)), (401, "InvalidAuthenticationTokenAudience"))
        call("POST", "/_fake/faults", {"token_lifetime_seconds": 1})
        short = token()
        self.assertEqual(call("GET", f"{WS}?api-version=2022-10-01-preview", token=short)[0], 200)
        time.sleep(1.5)
        status, answer, headers = call("GET", f"{WS}?api-version=2022-10-01-preview", token=short)
        self.assertEqual((status, self.error_code(answer)), (401, "ExpiredAuthenticationToken"))
        self.assertIn("Bearer", headers["WWW-Authenticate"])

    def test_a_wrong_client_secret_gets_invalid_client_and_the_record_never_holds_a_secret(self):
        self.assertEqual(token(secret="wrong"), (401, {
            "error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}))
        with open(ENV["JOBC_TEST_AZUREML_REQUESTS_LOG"], encoding="utf-8") as f:
            record = f.read()
        self.assertIn('"client_secret": "<redacted>"', record)
        self.assertNotIn(SECRETS["client_secret"], record)
        self.assertNotIn(self.token, record)

    def test_a_request_without_or_with_a_malformed_api_version_is_refused(self):
        self.assertEqual(self.error_code(call("GET", WS, token=self.token)[1]), "MissingApiVersionParameter")
        self.assertEqual(self.error_code(call("GET", f"{WS}?api-version=latest", token=self.token)[1]),
                         "InvalidApiVersionParameter")

    def test_an_environment_version_is_created_once_and_refused_when_its_content_changes(self):
        path, body = version("environments", "env", "1", {"image": "a:1"})
        self.assertEqual(call("PUT", path, body, self.token)[0], 201)
        self.assertEqual(call("PUT", path, body, self.token)[0], 200)
        status, answer, _ = call("PUT", path, {"properties": {"image": "a:2"}}, self.token)
        self.assertEqual((status, self.error_code(answer)), (409, "UserError"))
        status, answer, _ = call("GET", f"{WS}/environments/env?api-version=2022-05-01", token=self.token)
        self.assertEqual(answer["properties"]["nextVersion"], "2")

    def test_a_job_naming_a_missing_compute_or_code_version_is_refused_and_a_changed_job_conflicts(self):
        job = {"properties": {"jobType": "Command", "command": "true",
                              "computeId": f"{WS}/computes/nowhere"}}
        path = f"{WS}/jobs/j?api-version=2022-10-01-preview"
        status, answer, _ = call("PUT", path, job, self.token)
        self.assertEqual((status, answer["error"]["message"]), (400, "Compute nowhere not found"))
        job["properties"].update(computeId=f"{WS}/computes/cpu-cluster", codeId=f"{WS}/codes/c/versions/1")
        self.assertEqual(call("PUT", path, job, self.token)[0], 400)
        del job["properties"]["codeId"]
        self.assertEqual([call("PUT", path, job, self.token)[0] for _ in range(2)], [201, 200])
        job["properties"]["command"] = "false"
        self.assertEqual(call("PUT", path, job, self.token)[0], 409)

    def test_a_two_node_two_process_job_writes_one_log_per_rank(self):
        job = {"properties": {"jobType": "Command", "command": "true",
                              "computeId": f"{WS}/computes/cpu-cluster",
                              "resources": {"instanceCount": 2},
                              "distribution": {"distributionType": "Mpi", "processCountPerInstance": 2}}}
        self.assertEqual(call("PUT", f"{WS}/jobs/mpi?api-version=2022-10-01-preview", job, self.token)[0], 201)
        deadline = time.time() + 30
        while time.time() < deadline:
            details = call("GET", f"/history/v1.0{WS}/runs/mpi/details", token=self.token)[1]
            if details["status"] == "Completed":
                break
            time.sleep(0.2)
        self.assertEqual(details["status"], "Completed")
        self.assertEqual(sorted(details["logFiles"]), [f"user_logs/std_log_process_{r}.txt" for r in range(4)])
        with urllib.request.urlopen(details["logFiles"]["user_logs/std_log_process_3.txt"]) as log:
            self.assertIn(b"rank 3 step 6/6", log.read())

    def test_an_unknown_fault_switch_is_refused_and_the_switches_stay_as_they_were(self):
        status, answer, _ = call("POST", "/_fake/faults", {"stuck_job": "x"})
        self.assertEqual((status, answer["error"]["message"]), (400, "unknown fault switches: stuck_job"))
        self.assertEqual(call("GET", "/_fake/faults")[1]["step_seconds"], 0.2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
