"""Least squares with numpy, installed by the custom Dockerfile."""
import argparse
import os

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--samples", type=int, default=1000)
args = parser.parse_args()

rng = np.random.default_rng(0)
x = rng.uniform(0, 10, args.samples)
y = 2.5 * x - 4.0 + rng.normal(0, 0.5, args.samples)
slope, intercept = np.polyfit(x, y, 1)
print(f"slope {slope:.3f} intercept {intercept:.3f}")
os.makedirs("outputs", exist_ok=True)
np.save("outputs/coefficients.npy", np.array([slope, intercept]))
