"""Jobs and their lifecycle: after a PUT a job moves NotStarted -> Queued -> Preparing ->
Running -> Finalizing -> Completed, one phase per `step_seconds`, and while Running it writes
its rank logs `user_logs/std_log.txt` (one process) or `user_logs/std_log_process_{r}.txt`
(several: instanceCount x processCountPerInstance) line by line, then `outputs/` and `logs/`,
into Azurite under ExperimentRun/dcid.{name}/ in the artifact container (contract §1, §3).
Named outputs without a uri land under azureml/{name}/{output}/ in the blob datastore.
Fault switches: `fail_jobs` (ends Failed with an error), `stuck_jobs` (stays Queued).
A cancel moves the job to CancelRequested, then Canceled after a step.
"""
import copy
import re
import sys
import threading
import time
import uuid

from faults import arm_error
from workspace import (ARTIFACT_CONTAINER, BLOB_CONTAINER, LOCATION, PROVIDER, RESOURCE_GROUP,
                       SUBSCRIPTION, WORKSPACE, WORKSPACE_GUID, WS_ID, iso_now, system_data)

ACTIVE = ("NotStarted", "Queued", "Preparing", "Starting", "Provisioning", "Running",
          "Finalizing", "CancelRequested")
TERMINAL = ("Completed", "Failed", "Canceled", "NotResponding", "Paused")
LOG_LINES = 6
FAILURE = {"code": "UserError", "message": "Execution failed. User process 'python' exited with "
                                           "status code 1. Please check log file 'user_logs/"
                                           "std_log.txt' for error details. Error: fake failure",
           "messageFormat": "", "messageParameters": {}, "details": [], "innerError": None}


def named_output_asset_id(job, output):
    """The data asset run history names a job's named output with (run metadata)."""
    return (f"azureml://locations/{LOCATION}/workspaces/{WORKSPACE_GUID}/data/"
            f"azureml_{job}_output_data_{output}/versions/1")


def resolve_named_output(asset_id):
    """The datastore URI of a named output's asset id (batchGetResolvedUris), or None."""
    match = re.search(r"/data/azureml_(.+)_output_data_([^/]+)/versions/1$", asset_id)
    if not match:
        return None
    return (f"azureml://subscriptions/{SUBSCRIPTION}/resourcegroups/{RESOURCE_GROUP}/workspaces/"
            f"{WORKSPACE}/datastores/workspaceblobstore/paths/azureml/{match.group(1)}/"
            f"{match.group(2)}/")


class Job:
    def __init__(self, name, body, faults):
        self.name, self.body = name, copy.deepcopy(body)
        self.uuid = str(uuid.uuid4())
        self.status, self.start, self.end, self.error = "NotStarted", None, None, None
        self.fails = faults.job_matches(name, "fail_jobs")
        self.stuck = faults.job_matches(name, "stuck_jobs")
        self.logs = {}  # blob name under dcid -> text written so far
        self.lines_written, self.next_at = 0, time.time()
        self.step = max(0.05, float(faults.value("step_seconds")))
        self.cancel_at = None
        self.named_outputs = []  # written when the job completes

    def prefix(self):
        return f"ExperimentRun/dcid.{self.name}/"

    def ranks(self):
        props = self.body["properties"]
        nodes = (props.get("resources") or {}).get("instanceCount") or 1
        per_node = (props.get("distribution") or {}).get("processCountPerInstance") or 1
        return max(1, int(nodes) * int(per_node))

    def is_sweep(self):
        return (self.body.get("properties") or {}).get("jobType") == "Sweep"

    def log_names(self):
        if self.is_sweep():  # the sweep's own log; its trials are child runs of their own
            return ["azureml-logs/hyperdrive.txt"]
        ranks = self.ranks()
        if ranks == 1:
            return ["user_logs/std_log.txt"]
        return [f"user_logs/std_log_process_{r}.txt" for r in range(ranks)]


class Jobs:
    def __init__(self, store, faults):
        self.store, self.faults = store, faults
        self.lock = threading.Lock()
        self.jobs = {}
        threading.Thread(target=self._run, name="job-lifecycle", daemon=True).start()

    def reset(self):
        with self.lock:
            self.jobs = {}

    # ---- ARM view ----
    def _resource(self, job):
        resource = copy.deepcopy(job.body)
        properties = resource.setdefault("properties", {})
        properties["status"] = job.status
        properties.setdefault("services", {})["Studio"] = {
            "jobServiceType": "Studio",
            "endpoint": f"https://ml.azure.com/runs/{job.name}?wsid={WS_ID}"}
        properties.setdefault("outputs", {})["default"] = {
            "jobOutputType": "uri_folder", "mode": "ReadWriteMount",
            "uri": f"azureml://datastores/workspaceartifactstore/{job.prefix().rstrip('/')}"}
        properties.setdefault("experimentName", "Default")
        resource.update(id=f"{WS_ID}/jobs/{job.name}", name=job.name,
                        type=f"{PROVIDER}/workspaces/jobs", systemData=system_data())
        return resource

    def resource(self, name):
        with self.lock:
            job = self.jobs.get(name)
            return self._resource(job) if job else None

    def all_resources(self):
        with self.lock:
            return [self._resource(job) for job in self.jobs.values()]

    def put(self, name, body):
        with self.lock:
            old = self.jobs.get(name)
            if old is not None:
                if old.body.get("properties") == body.get("properties"):
                    return 200, {}, self._resource(old)
                # fake's choice: a job's definition cannot change once submitted
                return 409, {}, arm_error("UserError", f"Job {name} already exists with a different "
                                          "definition; submit it under a new name.")
            job = self.jobs[name] = Job(name, body, self.faults)
            return 201, {}, self._resource(job)

    def cancel(self, name):
        """True when a cancel started (the job was active)."""
        with self.lock:
            job = self.jobs[name]
            if job.status in TERMINAL:
                return False
            if job.cancel_at is None:
                job.status, job.cancel_at = "CancelRequested", time.time() + job.step
            return True

    def is_terminal(self, name):
        with self.lock:
            job = self.jobs.get(name)
            return job is None or job.status in TERMINAL

    # ---- run history view ----
    def details(self, name):
        with self.lock:
            job = self.jobs.get(name)
            if job is None:
                return None
            log_files = {n: self.store.read_sas_url(ARTIFACT_CONTAINER, job.prefix() + n)
                         for n in sorted(job.logs)}
            compute = (job.body["properties"].get("computeId") or "").rsplit("/", 1)[-1]
            return {"runId": job.name, "runUuid": job.uuid, "rootRunUuid": job.uuid,
                    "parentRunUuid": None, "status": job.status, "target": compute,
                    "startTimeUtc": job.start, "endTimeUtc": job.end,
                    "error": {"error": job.error} if job.error else None, "warnings": [],
                    "tags": job.body["properties"].get("tags") or {}, "properties": {},
                    "inputDatasets": [], "outputDatasets": [], "logFiles": log_files,
                    "revision": 1}

    def run_metadata(self, name):
        details = self.details(name)
        if details is None:
            return None
        with self.lock:
            written = self.jobs[name].named_outputs
        outputs = {output: {"assetId": named_output_asset_id(name, output), "type": "UriFolder"}
                   for output in written}
        return {"runMetadata": {**{k: details[k] for k in (
            "runId", "runUuid", "status", "startTimeUtc", "endTimeUtc", "target", "tags")},
            "outputs": outputs}, "runDefinition": None, "jobSpecification": None}

    # ---- the lifecycle ----
    def _run(self):
        while True:
            time.sleep(0.05)
            with self.lock:
                jobs = [j for j in self.jobs.values() if j.status not in TERMINAL]
            for job in jobs:
                try:
                    self._advance(job)
                except Exception as e:  # keep the worker alive; the log says why
                    print(f"azureml_fake: job {job.name}: {e}", file=sys.stderr, flush=True)

    def _set(self, job, status):
        with self.lock:
            if job.status in TERMINAL or (job.cancel_at and status != "Canceled"):
                return False
            job.status = status
            if status == "Running" and job.start is None:
                job.start = iso_now()
            if status in TERMINAL:
                job.end = iso_now()
            return True

    def _advance(self, job):
        now = time.time()
        if job.cancel_at is not None:
            if now >= job.cancel_at:
                self._append_logs(job, "Cancellation requested: the fake stops the job.\n")
                self._set(job, "Canceled")
            return
        if now < job.next_at:
            return
        job.next_at = now + job.step
        order = ["NotStarted", "Queued", "Preparing"]
        if job.status in order[:2]:
            if job.status == "Queued" and job.stuck:
                return
            self._set(job, order[order.index(job.status) + 1])
        elif job.status == "Preparing":
            self._set(job, "Running")
            props = job.body["properties"]
            command = props.get("command") or (props.get("trial") or {}).get("command", "")
            self._append_logs(job, f"fake Azure ML: job {job.name} would run: {command}\n")
            job.next_at = now + job.step / 2
        elif job.status == "Running":
            if job.fails and job.lines_written >= 2:
                self._append_logs(job, "Traceback (most recent call last):\nRuntimeError: fake failure\n")
                with self.lock:
                    job.error = copy.deepcopy(FAILURE)
                self._set(job, "Failed")
            elif job.lines_written < LOG_LINES:
                job.lines_written += 1
                if job.is_sweep():
                    self._append_logs(job, f"[hyperdrive] trial {job.lines_written - 1} completed: "
                                           f"loss {1.0 / job.lines_written:.4f}\n")
                else:
                    self._append_logs(job, f"step {job.lines_written}/{LOG_LINES}: loss "
                                           f"{1.0 / job.lines_written:.4f}\n")
                job.next_at = now + job.step / 2
            else:
                self._write_outputs(job)
                self._set(job, "Finalizing")
        elif job.status == "Finalizing":
            self._set(job, "Completed")

    def _append_logs(self, job, text):
        for rank, log in enumerate(job.log_names()):
            line = text if rank == 0 else text.replace("step", f"rank {rank} step")
            with self.lock:
                content = job.logs.get(log, "") + line
            self.store.put_blob(ARTIFACT_CONTAINER, job.prefix() + log, content.encode(), "text/plain")
            with self.lock:
                job.logs[log] = content

    def _write_outputs(self, job):
        prefix = job.prefix()
        self.store.put_blob(ARTIFACT_CONTAINER, prefix + "outputs/result.txt",
                            f"fake output of job {job.name}\n".encode(), "text/plain")
        self.store.put_blob(ARTIFACT_CONTAINER, prefix + "outputs/model/model.bin",
                            bytes(range(256)) * 4)
        self.store.put_blob(ARTIFACT_CONTAINER, prefix + "logs/fake/driver.log",
                            f"job {job.name}: {LOG_LINES} steps\n".encode(), "text/plain")
        for output, spec in (job.body["properties"].get("outputs") or {}).items():
            if output != "default" and isinstance(spec, dict) and not spec.get("uri"):
                self.store.put_blob(BLOB_CONTAINER, f"azureml/{job.name}/{output}/output.txt",
                                    f"named output {output} of job {job.name}\n".encode(), "text/plain")
                with self.lock:
                    job.named_outputs.append(output)
