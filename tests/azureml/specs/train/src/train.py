"""Stands in for a training script: the fake never runs it, the SDK uploads it."""
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--data")
parser.add_argument("--model")
print(parser.parse_args())
