#!/usr/bin/python3
"""The official Azure ML SDK (azure-ai-ml 1.4.0, Debian's python3-azure) against the fake and
Azurite that tests/infra/azurite_up.sh started (wired by sdk_harness.py): proof that the fake
honours the contract (../shared/notes/azureml-contract.md) as the official client sees it.

Exit 77 (ctest: skipped) with the reason when the infrastructure or the SDK is missing.
"""
import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.dont_write_bytecode = True
from sdk_harness import (  # noqa: E402
    ACCOUNT, BLOB_CONTAINER, BLOBS, CLIENT_RECORD, ENV, FAKE, HERE, SHARED, WS,
    ClientAuthenticationError, HttpResponseError, JobException,
    ManagedIdentityCredential, _job_operations, arm_put, fake_call,
    load_compute, load_job, new_client, server_log)
from azure.ai.ml.entities._assets import Code  # noqa: E402 (not exported by 1.4.0)

ML = None  # a new client per test


def arm_sequence(entries):
    """(method, path relative to the workspace, api-version, status) of the ARM requests."""
    return [(e["method"], e["path"].replace(WS, "{ws}"), e.get("api_version"), e["status"])
            for e in entries if e["path"].startswith("/subscriptions/")]


def load_train_job(name):
    job = load_job(os.path.join(HERE, "specs", "train", "job.yml"))
    job.name = name
    return job


class AzureMlSdkAgainstTheFake(unittest.TestCase):
    def setUp(self):
        global ML
        ML = new_client()
        fake_call("POST", "/_fake/reset")
        fake_call("POST", "/_fake/faults", {"step_seconds": 0.4})
        CLIENT_RECORD.clear()
        self.cwd = os.getcwd()

    def tearDown(self):
        os.chdir(self.cwd)

    def submit(self, job):
        os.chdir(HERE)  # the SDK resolves the default experiment from the working folder
        with contextlib.redirect_stderr(io.StringIO()):
            return ML.jobs.create_or_update(job)

    def wait_terminal(self, name, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = ML.jobs.get(name).status
            if status in ("Completed", "Failed", "Canceled"):
                return status
            time.sleep(0.5)
        self.fail(f"job {name} did not end within {timeout} s")

    def test_a_conformance_spec_is_submitted_with_the_requests_the_contract_recorded(self):
        spec = os.path.join(SHARED, "specs", "cli", "jobs", "basics", "hello-code.yml")
        if not os.path.isfile(spec):
            self.skipTest(f"the conformance corpus is absent ({spec})")
        with open(os.path.join(SHARED, "expected", "cli", "jobs", "basics", "hello-code.yml.json"),
                  encoding="utf-8") as f:
            expected = json.load(f)
        job = load_job(spec, params_override=[{"compute": "azureml:cpu-cluster"}])
        job.name = "crosscheck-hello-code"
        os.chdir(os.path.dirname(spec))
        with contextlib.redirect_stderr(io.StringIO()):
            created = ML.jobs.create_or_update(job)
        self.assertEqual(created.status, "NotStarted")

        # The ARM requests, in order, are those the contract captured (names normalised).
        code = expected["code_asset"]
        got = arm_sequence(server_log())
        code_name = re.search(r"/codes/([^/]+)/", " ".join(p for _, p, _, _ in got)).group(1)
        want = [(r["method"], r["path"].replace(WS, "{ws}").replace(code["name"], code_name)
                 .replace("oracle-generated-job-name", job.name), r["api_version"],
                 201 if r["method"] == "PUT" else r["status"])
                for r in expected["requests"] if r["host"] == "management.azure.com"]
        self.assertEqual(got, want)

        # The blob requests, in order, are those of the contract: HEAD indicator, a Put Blob
        # per file with If-None-Match: * and Content-MD5, then the metadata PUT, under the
        # same LocalUpload/<hash>/src prefix the SDK computed for the oracle.
        blob_calls = CLIENT_RECORD.blob_requests()
        prefix = f"/{ACCOUNT}/{BLOB_CONTAINER}/"
        got = [(e["method"], e["path"].replace(prefix, ""), e["status"]) for e in blob_calls]
        got = got[:1] + sorted(got[1:-1]) + got[-1:]  # the Put Blobs run in parallel
        self.assertEqual(got, [(r["method"], r["blob"], r["status"]) for r in expected["requests"]
                               if r["host"].endswith(".blob.core.windows.net")])
        self.assertEqual(blob_calls[-1]["query"].get("comp"), "metadata")
        for e in blob_calls[1:-1]:
            self.assertEqual(e["headers"].get("if-none-match"), "*")
            self.assertIn("content-md5", e["headers"])

        # The blobs landed in Azurite, byte for byte, the indicator with the SDK's metadata.
        container = BLOBS.get_container_client(BLOB_CONTAINER)
        blobs = {b.name: b for b in container.list_blobs(name_starts_with=code["blob_prefix"] + "/",
                                                          include=["metadata"])}
        src = os.path.join(os.path.dirname(spec), "src")
        self.assertEqual(sorted(blobs), sorted(f"{code['blob_prefix']}/{n}" for n in os.listdir(src)))
        for name, blob in blobs.items():
            with open(os.path.join(src, name.rsplit("/", 1)[1]), "rb") as f:
                self.assertEqual(bytes(blob.content_settings.content_md5), hashlib.md5(f.read()).digest())
        indicator = blobs[f"{code['blob_prefix']}/hello-git.py"]
        self.assertEqual(indicator.metadata, {"upload_status": "completed", "name": code_name,
                                              "version": "1"})

    def test_a_second_submit_of_unchanged_code_uploads_nothing_and_re_puts_the_code_version(self):
        self.submit(load_train_job("crosscheck-first"))
        first = [e for e in server_log() if "/codes/" in e["path"]]
        CLIENT_RECORD.clear()
        self.submit(load_train_job("crosscheck-second"))
        puts = [e for e in CLIENT_RECORD.blob_requests() if e["method"] == "PUT"]
        codes = [e for e in server_log() if "/codes/" in e["path"]]
        self.assertEqual([e for e in puts if "/src/" in e["path"]], [])  # code: skipped
        self.assertEqual(codes[-1]["path"], first[0]["path"])
        self.assertEqual((first[0]["status"], codes[-1]["status"]), (201, 200))

    def test_a_code_version_pointed_at_another_path_is_refused_as_asset_paths_cannot_be_updated(self):
        train = os.path.join(HERE, "specs", "train")
        with contextlib.redirect_stderr(io.StringIO()):
            ML._code.create_or_update(Code(name="fixed", version="1", path=os.path.join(train, "src")))
            with self.assertRaises(HttpResponseError) as raised:
                ML._code.create_or_update(Code(name="fixed", version="1", path=os.path.join(train, "data")))
        # The SDK maps only str(err) == "(UserError) Asset paths cannot be updated." to its
        # AssetPathException (contract §5); azure-core 1.26 appends "Code:"/"Message:" lines to
        # an ARM error, so the SDK shows the raw error instead (its quirk, not the fake's).
        self.assertEqual(str(raised.exception).splitlines()[0],
                         "(UserError) Asset paths cannot be updated.")
        self.assertEqual(raised.exception.status_code, 400)

    def test_the_sdk_streams_a_job_from_run_history_to_completion(self):
        job = self.submit(load_train_job("crosscheck-stream"))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            ML.jobs.stream(job.name)
        text = out.getvalue()
        self.assertIn("Streaming user_logs/std_log.txt", text)
        self.assertIn("would run: python train.py --data ${{inputs.data}}", text)
        self.assertIn("step 6/6: loss 0.1667", text)
        self.assertIn("Execution Summary", text)
        log = server_log()
        discovery = [e for e in log if e["path"] == "/discovery"]
        self.assertEqual([e["bearer"] for e in discovery], [False])  # anonymous (§3)
        details = [e for e in log if e["path"].endswith(f"/runs/{job.name}/details")]
        self.assertGreaterEqual(len(details), 2)
        self.assertTrue(all(e["bearer"] and e["status"] == 200 for e in details))
        after_put = [(e["method"], e["path"].replace(WS, "{ws}")) for e in log][-len(details) - 3:][:3]
        self.assertEqual(after_put, [("GET", f"{{ws}}/jobs/{job.name}"), ("GET", "{ws}"),
                                     ("GET", "/discovery")])
        sas_reads = [e for e in CLIENT_RECORD.blob_requests() if e["query"].get("sig")]
        self.assertTrue(sas_reads and all(e["status"] == 200 and "range" not in e["headers"]
                                          for e in sas_reads))

    def test_the_sdk_downloads_the_outputs_logs_and_named_outputs_of_a_finished_job(self):
        job = self.submit(load_train_job("crosscheck-download"))
        self.assertEqual(self.wait_terminal(job.name), "Completed")
        with tempfile.TemporaryDirectory() as dest:
            ML.jobs.download(job.name, download_path=dest, all=True)
            files = sorted(os.path.relpath(os.path.join(d, f), dest)
                           for d, _, names in os.walk(dest) for f in names)
            self.assertIn("artifacts/outputs/result.txt", files)
            self.assertIn("artifacts/outputs/model/model.bin", files)
            self.assertIn("artifacts/logs/fake/driver.log", files)
            self.assertIn("artifacts/user_logs/std_log.txt", files)
            self.assertIn("named-outputs/model/output.txt", files)
            with open(os.path.join(dest, "artifacts/outputs/result.txt"), encoding="utf-8") as f:
                self.assertEqual(f.read(), f"fake output of job {job.name}\n")
        rundata = [e for e in server_log() if e["path"].endswith("/rundata")]
        self.assertEqual(rundata[0]["body"]["runId"], job.name)

    def test_a_failed_job_makes_the_sdk_stream_raise_with_the_service_error(self):
        fake_call("POST", "/_fake/faults", {"step_seconds": 0.4, "fail_jobs": "^crosscheck-fails$"})
        job = self.submit(load_train_job("crosscheck-fails"))
        out = io.StringIO()
        with contextlib.redirect_stdout(out), self.assertRaises(JobException) as raised:
            ML.jobs.stream(job.name)
        self.assertIn("fake failure", str(raised.exception))
        self.assertIn("RuntimeError: fake failure", out.getvalue())
        self.assertEqual(ML.jobs.get(job.name).status, "Failed")

    def test_a_job_that_never_leaves_queued_is_canceled_through_the_location_operation(self):
        fake_call("POST", "/_fake/faults", {"step_seconds": 0.4, "stuck_jobs": "stuck"})
        job = self.submit(load_train_job("crosscheck-stuck"))
        time.sleep(2.0)  # five steps: a normal job would be running by now
        self.assertEqual(ML.jobs.get(job.name).status, "Queued")
        ML.jobs.begin_cancel(job.name).result()
        self.assertEqual(ML.jobs.get(job.name).status, "Canceled")
        log = [(e["method"], e["path"].split("/")[-1].split(":")[0], e["status"]) for e in server_log()
               if e["path"].endswith("/cancel") or "mfeOperationResults" in e["path"]]
        self.assertEqual(log[0], ("POST", "cancel", 202))
        self.assertEqual(log[-1], ("GET", "jc", 200))
        self.assertTrue(all(status == 202 for _, _, status in log[1:-1]))

    def test_a_compute_create_is_a_long_running_operation_polled_until_it_succeeds(self):
        fake_call("POST", "/_fake/faults", {"step_seconds": 0.4, "slow_lro_seconds": 3})
        compute = load_compute(os.path.join(HERE, "specs", "cluster.yml"))
        started = time.time()
        result = ML.compute.begin_create_or_update(compute).result()
        self.assertGreaterEqual(time.time() - started, 3)
        self.assertEqual(result.provisioning_state, "Succeeded")
        log = [(e["method"], e["path"].replace(WS, "{ws}"), e["status"]) for e in server_log()]
        self.assertEqual(log[:2], [("GET", "{ws}", 200), ("PUT", "{ws}/computes/crosscheck-cluster", 201)])
        polls = [e for e in log if "computeOperationsStatus" in e[1]]
        self.assertGreaterEqual(len(polls), 2)  # InProgress, then Succeeded
        self.assertEqual(log[-1], ("GET", "{ws}/computes/crosscheck-cluster", 200))
        put = [e for e in server_log() if e["method"] == "PUT"][0]
        self.assertEqual(put["body"]["properties"]["properties"]["scaleSettings"],
                         {"minNodeCount": 0, "maxNodeCount": 2, "nodeIdleTimeBeforeScaleDown": "PT2M"})

    def test_a_compute_create_that_fails_raises_the_operation_error_in_the_sdk(self):
        fake_call("POST", "/_fake/faults", {"step_seconds": 0.4, "fail_computes": "crosscheck"})
        compute = load_compute(os.path.join(HERE, "specs", "cluster.yml"))
        with self.assertRaises(HttpResponseError) as raised:
            ML.compute.begin_create_or_update(compute).result()
        self.assertIn("not enough quota", str(raised.exception))
        self.assertEqual(ML.compute.get("crosscheck-cluster").provisioning_state, "Failed")

    def test_a_throttled_job_put_is_retried_after_the_retry_after_seconds(self):
        fake_call("POST", "/_fake/faults", {"step_seconds": 0.4, "throttle": [
            {"match": "^PUT .*/jobs/", "times": 1, "retry_after": 2}]})
        self.submit(load_train_job("crosscheck-throttled"))
        puts = [e for e in server_log() if e["method"] == "PUT" and "/jobs/" in e["path"]]
        self.assertEqual([e["status"] for e in puts], [429, 201])
        self.assertGreaterEqual(puts[1]["time"] - puts[0]["time"], 2.0)

    def test_server_errors_on_a_get_are_retried_until_it_answers(self):
        job = self.submit(load_train_job("crosscheck-500"))
        fake_call("POST", "/_fake/faults", {"step_seconds": 0.4, "server_error": [
            {"match": f"^GET .*/jobs/{job.name}$", "times": 2}]})
        self.assertEqual(ML.jobs.get(job.name).name, job.name)
        gets = [e["status"] for e in server_log() if e["method"] == "GET" and e["path"].endswith(job.name)]
        self.assertEqual(gets, [500, 500, 200])

    def test_a_refused_put_reaches_the_sdk_user_as_code_and_message(self):
        fake_call("POST", "/_fake/faults", {"refuse": [{"match": "^PUT .*/jobs/", "code": "UserError",
                                                        "message": "The fake refuses this job."}]})
        with self.assertRaises(HttpResponseError) as raised:
            self.submit(load_train_job("crosscheck-refused"))
        self.assertIn("(UserError) The fake refuses this job.", str(raised.exception))
        self.assertEqual(raised.exception.status_code, 400)


class TheSdkSubmitTool(unittest.TestCase):
    """sdk_submit.py, which jobc's end-to-end tests run to compare themselves with the SDK."""

    def test_it_prints_the_job_and_the_requests_seen_by_the_sdk_and_by_the_fake(self):
        fake_call("POST", "/_fake/reset")
        result = subprocess.run([sys.executable, os.path.join(HERE, "sdk_submit.py"),
                                 os.path.join(HERE, "specs", "train", "job.yml"), "--name", "tool-job"],
                                capture_output=True, text=True, timeout=300, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        document = json.loads(result.stdout)
        self.assertEqual(document["job"], "tool-job")
        self.assertIn(document["status"], ("NotStarted", "Queued", "Preparing"))
        self.assertEqual([e["method"] for e in document["client_requests"]][-1:], ["PUT"])
        self.assertTrue(all("authorization" not in e["headers"] for e in document["client_requests"]))
        self.assertEqual(document["server_requests"][-1]["path"], f"{WS}/jobs/tool-job")


class TheConformanceCorpusAgainstTheFake(unittest.TestCase):
    """Every job spec the oracle accepted (../shared/conformance/CASES.tsv), submitted by the
    SDK to the fake: the same ARM requests, in the same order, with the same job body."""

    def test_every_accepted_job_spec_gets_the_requests_and_body_the_oracle_recorded(self):
        cases = os.path.join(SHARED, "CASES.tsv")
        if not os.path.isfile(cases):
            self.skipTest(f"the conformance corpus is absent ({cases})")
        _job_operations.get_git_properties = dict  # as the oracle: no git properties
        with open(cases, encoding="utf-8") as f:
            rows = [line.rstrip("\n").split("\t") for line in f][1:]
        rows = [r for r in rows if r[1] == "job" and r[3] == "accepted"]
        self.assertGreater(len(rows), 10)
        cwd = os.getcwd()
        try:
            for number, (spec, _, override, _, expected_file) in enumerate(rows):
                with self.subTest(spec=spec):
                    self.check(number, spec, override, expected_file)
        finally:
            os.chdir(cwd)

    def check(self, number, spec, override, expected_file):
        fake_call("POST", "/_fake/reset")
        with open(os.path.join(SHARED, expected_file), encoding="utf-8") as f:
            expected = json.load(f)
        path = os.path.join(SHARED, "specs", spec)
        params = [dict([override.split("=", 1)])] if override else []
        job = load_job(path, params_override=params)
        name = f"conformance-{number}"
        if job.name is None:
            job.name = name
            if job.display_name is None:
                job.display_name = "oracle-generated-job-name"
        compute = re.match(r"(?:azureml:)?([\w-]+)$", str(job.compute or ""))
        if compute and compute.group(1) != "cpu-cluster":  # the fake has only cpu-cluster
            arm_put(f"{WS}/computes/{compute.group(1)}?api-version=2022-10-01-preview",
                    {"location": "eastus", "properties": {"computeType": "AmlCompute"}})
        seen = len(server_log())
        os.chdir(os.path.dirname(path))
        with contextlib.redirect_stderr(io.StringIO()):
            new_client().jobs.create_or_update(job)
        log = server_log()[seen:]

        def normal(text):
            return re.sub(r"/codes/[^/]+/", "/codes/{code}/", text.replace(WS, "{ws}")).replace(
                "oracle-generated-job-name", job.name)

        want = [(r["method"], normal(r["path"]), r["api_version"])
                for r in expected["requests"] if r["host"] == "management.azure.com"]
        self.assertEqual([(e["method"], normal(e["path"]), e.get("api_version")) for e in log
                          if e["path"].startswith("/subscriptions/")], want)
        body = [e for e in log if e["method"] == "PUT" and "/jobs/" in e["path"]][-1]["body"]
        self.assertEqual(normal(json.dumps(body, sort_keys=True)),
                         normal(json.dumps(expected["payload"], sort_keys=True)))


class AzureIdentityAgainstTheFakeTokenEndpoints(unittest.TestCase):
    """azure-identity's ManagedIdentityCredential (contract §4) gets tokens from the fake in
    each of its three flavours, and they open ARM. (ClientSecretCredential cannot be pointed
    at the fake: it insists on an https authority, §0.7; the tests above use that endpoint.)"""

    FLAVOURS = ("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET",
                "AZURE_POD_IDENTITY_AUTHORITY_HOST")

    def setUp(self):
        fake_call("POST", "/_fake/reset")
        with open(ENV["JOBC_TEST_AZUREML_FAKE_SECRETS_FILE"], encoding="utf-8") as f:
            self.secrets = json.load(f)
        self.saved = {k: os.environ.pop(k) for k in self.FLAVOURS if k in os.environ}

    def tearDown(self):
        for k in self.FLAVOURS:
            os.environ.pop(k, None)
        os.environ.update(self.saved)

    def token_opens_arm(self, variables):
        os.environ.update(variables)
        token = ManagedIdentityCredential().get_token("https://management.azure.com/.default")
        request = urllib.request.Request(f"{FAKE}{WS}?api-version=2022-10-01-preview",
                                         headers={"Authorization": "Bearer " + token.token})
        with urllib.request.urlopen(request, timeout=30) as response:
            self.assertEqual(json.load(response)["name"], "ws")
        self.assertGreater(token.expires_on, time.time() + 3000)
        return [e for e in server_log() if "token" in e["path"]]

    def test_app_service_managed_identity_gets_a_token_with_its_header(self):
        calls = self.token_opens_arm({"IDENTITY_ENDPOINT": f"{FAKE}/msi/token",
                                      "IDENTITY_HEADER": self.secrets["identity_header"]})
        self.assertEqual([(e["api_version"], e["query"]["resource"]) for e in calls],
                         [("2019-08-01", "https://management.azure.com")])

    def test_azure_ml_compute_managed_identity_gets_a_token_with_its_secret(self):
        calls = self.token_opens_arm({"MSI_ENDPOINT": f"{FAKE}/msi/token",
                                      "MSI_SECRET": self.secrets["msi_secret"]})
        self.assertEqual([e["api_version"] for e in calls], ["2017-09-01"])

    def test_imds_gets_a_token_with_the_metadata_header(self):
        calls = self.token_opens_arm({"AZURE_POD_IDENTITY_AUTHORITY_HOST": FAKE})
        self.assertEqual([(e["path"], e["api_version"]) for e in calls],
                         [("/metadata/identity/oauth2/token", "2018-02-01")])

    def test_a_wrong_identity_header_gets_no_token(self):
        os.environ.update({"IDENTITY_ENDPOINT": f"{FAKE}/msi/token", "IDENTITY_HEADER": "wrong"})
        with self.assertRaises(ClientAuthenticationError):
            ManagedIdentityCredential().get_token("https://management.azure.com/.default")
        self.assertEqual([e["status"] for e in server_log()], [401])


if __name__ == "__main__":
    unittest.main(verbosity=2, warnings="ignore")  # the SDK's own warnings are noise here
