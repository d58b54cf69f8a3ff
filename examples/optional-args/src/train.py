"""Prints the arguments it was given: --seed only when the job's seed input has a value."""
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--learning-rate", type=float, default=0.1)
parser.add_argument("--seed", type=int)
args = parser.parse_args()
seed = "not given" if args.seed is None else args.seed
print(f"epochs={args.epochs} learning_rate={args.learning_rate} seed={seed}")
