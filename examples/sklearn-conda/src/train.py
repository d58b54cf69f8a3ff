"""Logistic regression on the iris data set with scikit-learn."""
import argparse
import os

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser()
parser.add_argument("--C", type=float, default=1.0)
parser.add_argument("--data", required=True)
args = parser.parse_args()

frame = pd.read_csv(args.data)
x, y = frame.drop(columns=["species"]), frame["species"]
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0)
model = LogisticRegression(C=args.C, max_iter=1000).fit(x_train, y_train)
print(f"accuracy {model.score(x_test, y_test):.3f}")
os.makedirs("outputs", exist_ok=True)
joblib.dump(model, "outputs/model.joblib")
