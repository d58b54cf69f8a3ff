"""A toy training loop for the sweep example: logs `loss` each epoch with MLflow.

With MLflow installed it uses MLflow's client. Without it (as on a bare machine) it posts
the same REST requests MLflow's client sends, to the endpoint jobc gives every run.
"""
import argparse
import json
import math
import os
import time
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, required=True)
parser.add_argument("--momentum", type=float, required=True)
parser.add_argument("--optimizer", required=True)
parser.add_argument("--epochs", type=int, default=8)
args = parser.parse_args()

try:
    import mlflow

    mlflow.start_run()
    log_metric = mlflow.log_metric
except ImportError:
    def log_metric(key, value, step):
        body = {"run_id": os.environ["MLFLOW_RUN_ID"], "key": key, "value": value,
                "timestamp": int(time.time() * 1000), "step": step}
        request = urllib.request.Request(
            os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json",
                     "Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]})
        urllib.request.urlopen(request).read()

# A made-up loss surface: best near lr=0.01, momentum=0.9, with sgd a little behind adam.
penalty = (math.log10(args.lr) + 2) ** 2 + (args.momentum - 0.9) ** 2 * 4
penalty += 0.1 if args.optimizer == "sgd" else 0.0
for epoch in range(args.epochs):
    loss = penalty + 1.0 / (epoch + 1)
    log_metric("loss", loss, step=epoch)
    print(f"epoch {epoch}: loss {loss:.4f}", flush=True)
    time.sleep(0.2)
os.makedirs("outputs", exist_ok=True)
with open("outputs/result.txt", "w") as out:
    out.write(f"{loss}\n")
