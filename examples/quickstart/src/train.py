"""Fits y = a*x + b with plain gradient descent: no dependencies beyond Python."""
import argparse
import json
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=100)
parser.add_argument("--learning-rate", type=float, default=0.05)
parser.add_argument("--model-dir", default="outputs")
args = parser.parse_args()

random.seed(0)
xs = [i / 10 for i in range(50)]
ys = [3.0 * x + 1.0 + random.uniform(-0.1, 0.1) for x in xs]

a, b = 0.0, 0.0
for epoch in range(1, args.epochs + 1):
    grad_a = sum(2 * (a * x + b - y) * x for x, y in zip(xs, ys)) / len(xs)
    grad_b = sum(2 * (a * x + b - y) for x, y in zip(xs, ys)) / len(xs)
    a -= args.learning_rate * grad_a
    b -= args.learning_rate * grad_b
    if epoch % max(1, args.epochs // 5) == 0:
        loss = sum((a * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
        print(f"epoch {epoch:4d}  loss {loss:.5f}", flush=True)

os.makedirs(args.model_dir, exist_ok=True)
with open(os.path.join(args.model_dir, "model.json"), "w") as f:
    json.dump({"a": round(a, 4), "b": round(b, 4)}, f)
os.makedirs("logs", exist_ok=True)
with open(os.path.join("logs", "train.log"), "w") as f:
    f.write(f"epochs={args.epochs} a={a:.4f} b={b:.4f}\n")
print(f"model: y = {a:.3f} * x + {b:.3f}")
