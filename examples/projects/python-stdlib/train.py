"""Logistic regression by gradient descent on two synthetic Gaussian blobs, standard library only.

Run it with `loom run examples/projects/python-stdlib`: the run is created by `loom run`, which hands
MLFLOW_RUN_ID and MLFLOW_TRACKING_URI over; this script logs the loss and accuracy of every epoch
with MLflow's REST API (log-batch) and stores the weights through the artifact proxy.
"""

import argparse
import json
import math
import os
import random
import time
import urllib.parse
import urllib.request

TRACKING_URI = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
RUN_ID = os.environ["MLFLOW_RUN_ID"]


def call(method, path, body=None, raw=None, content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(TRACKING_URI + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
        return json.loads(text) if text.strip().startswith("{") else {}


def blobs(n, rng):
    points = []
    for i in range(n):
        label = i % 2
        centre = 1.5 if label else -1.5
        points.append(([rng.gauss(centre, 1.0), rng.gauss(centre, 1.0)], label))
    return points


def train(args):
    rng = random.Random(args.seed)
    data = blobs(200, rng)
    w, b = [0.0, 0.0], 0.0
    for epoch in range(args.epochs):
        grad, grad_b, loss, correct = [0.0, 0.0], 0.0, 0.0, 0
        for x, y in data:
            p = 1.0 / (1.0 + math.exp(-(w[0] * x[0] + w[1] * x[1] + b)))
            loss -= y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12)
            correct += int((p >= 0.5) == bool(y))
            grad[0] += (p - y) * x[0]
            grad[1] += (p - y) * x[1]
            grad_b += p - y
        n = len(data)
        w = [w[j] - args.learning_rate * grad[j] / n for j in range(2)]
        b -= args.learning_rate * grad_b / n
        now = int(time.time() * 1000)
        metrics = [
            {"key": "loss", "value": loss / n, "timestamp": now, "step": epoch},
            {"key": "accuracy", "value": correct / n, "timestamp": now, "step": epoch},
        ]
        call("POST", "/api/2.0/mlflow/runs/log-batch", {"run_id": RUN_ID, "metrics": metrics})
    return w, b, correct / len(data)


def log_weights(w, b):
    run = call("GET", "/api/2.0/mlflow/runs/get?run_id=" + RUN_ID)["run"]
    root = run["info"]["artifact_uri"]
    if not root.startswith("mlflow-artifacts:"):
        print("artifact root %s is not proxied; weights not stored" % root)
        return
    path = urllib.parse.quote(root[len("mlflow-artifacts:") :].lstrip("/") + "/model/weights.json")
    body = json.dumps({"weights": w, "bias": b}).encode()
    call("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + path, raw=body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--learning-rate", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    w, b, accuracy = train(args)
    log_weights(w, b)
    print("trained %d epochs in run %s: accuracy %.3f" % (args.epochs, RUN_ID, accuracy))


if __name__ == "__main__":
    main()
