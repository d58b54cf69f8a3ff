"""Test stand-in for MLflow's fluent tracking API over its REST protocol (see ../README.md)."""
import json
import math
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request

from mlflow.exceptions import MlflowException

_active_run = None


def _call(method, endpoint, body=None, query=None):
    base = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
    url = f"{base}/api/2.0/mlflow/{endpoint}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", "mlflow-python-client/stand-in")
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        reply = json.loads(error.read() or b"{}")
        raise MlflowException(reply.get("message", str(error)),
                              reply.get("error_code", "INTERNAL_ERROR")) from None


def _proto_double(value):
    """A double as protobuf's JSON writes it (MLflow's message_to_json): NaN and the
    infinities as strings."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _now():
    return int(time.time() * 1000)


class ActiveRun:
    def __init__(self, info):
        self.info = info

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        end_run("FINISHED" if kind is None else "FAILED")
        return False


class RunInfo:
    def __init__(self, info):
        self.run_id = info["run_id"]
        self.experiment_id = info["experiment_id"]
        self.artifact_uri = info["artifact_uri"]
        self.status = info["status"]


def start_run(run_id=None):
    global _active_run
    run_id = run_id or os.environ.get("MLFLOW_RUN_ID")
    if not run_id:
        raise MlflowException("the stand-in resumes MLFLOW_RUN_ID only", "INVALID_PARAMETER_VALUE")
    info = _call("GET", "runs/get", query={"run_id": run_id})["run"]["info"]
    _call("POST", "runs/update", {"run_id": run_id, "run_uuid": run_id, "status": "RUNNING"})
    _active_run = ActiveRun(RunInfo(info))
    return _active_run


def active_run():
    return _active_run


def _run_id():
    if _active_run is None:
        start_run()
    return _active_run.info.run_id


def log_metric(key, value, step=None):
    run_id = _run_id()
    _call("POST", "runs/log-metric", {"run_id": run_id, "run_uuid": run_id, "key": key,
                                      "value": _proto_double(value), "timestamp": _now(), "step": step or 0})


def log_metrics(metrics, step=None):
    run_id = _run_id()
    now = _now()
    entries = [{"key": k, "value": _proto_double(v), "timestamp": now, "step": step or 0}
               for k, v in metrics.items()]
    _call("POST", "runs/log-batch", {"run_id": run_id, "metrics": entries, "params": [],
                                     "tags": []})


def log_param(key, value):
    run_id = _run_id()
    _call("POST", "runs/log-parameter", {"run_id": run_id, "run_uuid": run_id, "key": key,
                                         "value": str(value)})


def log_params(params):
    run_id = _run_id()
    entries = [{"key": k, "value": str(v)} for k, v in params.items()]
    _call("POST", "runs/log-batch", {"run_id": run_id, "metrics": [], "params": entries,
                                     "tags": []})


def set_tag(key, value):
    run_id = _run_id()
    _call("POST", "runs/set-tag", {"run_id": run_id, "run_uuid": run_id, "key": key,
                                   "value": str(value)})


def log_artifact(local_path, artifact_path=None):
    uri = urllib.parse.urlparse(_active_run.info.artifact_uri)
    if uri.scheme != "file":
        raise MlflowException(f"the stand-in copies to file:// artifact URIs only, not {uri.scheme}",
                              "INVALID_PARAMETER_VALUE")
    root = urllib.parse.unquote(uri.path)
    target = os.path.join(root, artifact_path) if artifact_path else root
    os.makedirs(target, exist_ok=True)
    shutil.copy2(local_path, target)


def end_run(status="FINISHED"):
    global _active_run
    if _active_run is None:
        return
    run_id = _active_run.info.run_id
    _call("POST", "runs/update", {"run_id": run_id, "run_uuid": run_id, "status": status,
                                  "end_time": _now()})
    _active_run = None


class MlflowClient:
    def get_metric_history(self, run_id, key):
        reply = _call("GET", "metrics/get-history", query={"run_id": run_id, "metric_key": key})
        return reply.get("metrics", [])
