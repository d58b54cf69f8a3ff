"""A small training job for the browser tests of `jobc ui`: logs parameters and metrics to
jobc's MLflow endpoint through MLflow's REST API (urllib, no MLflow package), prints log lines
and writes a file to outputs/. --steps N metrics points; --sleep S seconds between steps (a run
the test watches live)."""
import argparse
import json
import math
import os
import time
import urllib.error
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=50)
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--sleep", type=float, default=0.0)
parser.add_argument("--out", default="outputs")
args = parser.parse_args()


def post(endpoint, body):
    request = urllib.request.Request(
        os.environ["MLFLOW_TRACKING_URI"].rstrip("/") + "/api/2.0/mlflow/" + endpoint,
        data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": "Bearer " + os.environ.get("MLFLOW_TRACKING_TOKEN", "")})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{endpoint}: {error.code} {error.read().decode()}")


run = os.environ["MLFLOW_RUN_ID"]
post("runs/log-batch", {"run_id": run, "params": [
    {"key": "lr", "value": str(args.lr)}, {"key": "steps", "value": str(args.steps)},
    {"key": "markup", "value": "<i>not italic</i>"}]})
post("runs/set-tag", {"run_id": run, "key": "team", "value": "<b>vision</b>"})
print("<b>starting</b> with lr", args.lr, flush=True)
for step in range(args.steps):
    loss = math.exp(-args.lr * step / 5) + 0.05 * math.sin(step)
    now = int(time.time() * 1000)
    post("runs/log-batch", {"run_id": run, "metrics": [
        {"key": "loss", "value": loss, "timestamp": now, "step": step},
        {"key": "accuracy", "value": 1 - loss / 2, "timestamp": now, "step": step}]})
    print(f"step {step} loss {loss:.4f}", flush=True)
    if args.sleep:
        time.sleep(args.sleep)
os.makedirs(os.path.join(args.out, "checkpoints"), exist_ok=True)
with open(os.path.join(args.out, "model.txt"), "w") as model:
    model.write(f"lr={args.lr}\n")
with open(os.path.join(args.out, "checkpoints", "last.json"), "w") as checkpoint:
    json.dump({"steps": args.steps}, checkpoint)
print("done", flush=True)
