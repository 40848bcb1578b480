#!/usr/bin/env python3
"""Plain PyTorch reference for the quality-parity recipe of the training core.

Same data (the shipped public/datasets/fashion-mnist.{json,bin}: 12,000 train / 2,000 test), same model
(MLP 784 -> 128 ReLU -> 64, L2-normalised), same batches (8 classes x 8 samples), same loss (batch-all triplet,
Euclidean, margin 0.2, mean over non-zero triplets as pytorch-metric-learning), Adam 1e-3, same step count, and
the same held-out metrics (leave-one-out P@1, R-precision, MAP@R over the 2,000 test images).

    /usr/bin/python3 bench/pytorch_parity.py --steps 500 --seeds 1 2 3

Prints one JSON line per seed and a final JSON summary with medians.
"""
import argparse
import json
import os
import statistics
import time
import zlib

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load_builtin(name):
    with open(os.path.join(ROOT, "public", "datasets", f"{name}.json")) as f:
        header = json.load(f)
    with open(os.path.join(ROOT, "public", "datasets", header["payload"]["file"]), "rb") as f:
        payload = zlib.decompress(f.read())
    sections = {}
    for s in header["sections"]:
        dtype = {"uint8": np.uint8, "uint16": np.uint16, "float32": np.float32}[s["dtype"]]
        sections[s["name"]] = np.frombuffer(payload, dtype=dtype, count=s["length"], offset=s["byteOffset"])
    n = header["numSamples"]
    x = sections["features"].astype(np.float32).reshape(n, -1) / header["scale"]
    y = sections["labels"].astype(np.int64)
    test = header["testCount"]
    return x[: n - test], y[: n - test], x[n - test:], y[n - test:]


def pk_batch(labels_by_class, p, k, rng):
    classes = rng.choice(len(labels_by_class), size=p, replace=False)
    idx = [rng.choice(labels_by_class[c], size=k, replace=False) for c in classes]
    return np.concatenate(idx)


def euclidean(a, b):
    d2 = (a * a).sum(1, keepdim=True) + (b * b).sum(1)[None, :] - 2 * a @ b.T
    return torch.sqrt(torch.clamp(d2, min=1e-12))


def batch_all_triplet_loss(e, y, margin):
    d = euclidean(e, e)
    same = y[:, None] == y[None, :]
    eye = torch.eye(len(y), dtype=torch.bool)
    pos = same & ~eye
    neg = ~same
    valid = pos[:, :, None] & neg[:, None, :]
    loss = torch.relu(d[:, :, None] - d[:, None, :] + margin) * valid
    nonzero = (loss > 1e-16).sum()
    return loss.sum() / torch.clamp(nonzero, min=1)


def retrieval_metrics(e, y):
    d = euclidean(e, e).numpy().astype(np.float64)
    n = len(y)
    np.fill_diagonal(d, np.inf)
    p1 = rp = mapr = 0.0
    q = 0
    for i in range(n):
        r = int((y == y[i]).sum()) - 1
        if r == 0:
            continue
        order = np.argsort(d[i], kind="stable")[:r]
        rel = (y[order] == y[i]).astype(np.float64)
        p1 += rel[0]
        rp += rel.sum() / r
        mapr += (np.cumsum(rel) / np.arange(1, r + 1) * rel).sum() / r
        q += 1
    return {"precisionAt1": p1 / q, "rPrecision": rp / q, "mapAtR": mapr / q}


def run(seed, steps, x_train, y_train, x_test, y_test):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    by_class = [np.flatnonzero(y_train == c) for c in range(int(y_train.max()) + 1)]
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    start = time.perf_counter()
    for _ in range(steps):
        idx = torch.from_numpy(pk_batch(by_class, 8, 8, rng))
        e = torch.nn.functional.normalize(model(xt[idx]), dim=1)
        loss = batch_all_triplet_loss(e, yt[idx], 0.2)
        opt.zero_grad()
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        e = torch.nn.functional.normalize(model(torch.from_numpy(x_test)), dim=1)
    metrics = retrieval_metrics(e, y_test)
    return {"seed": seed, "steps": steps, "stepsPerSecond": steps / seconds, "finalLoss": float(loss), "metrics": metrics}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = load_builtin("fashion-mnist")
    results = []
    for seed in args.seeds:
        r = run(seed, args.steps, *data)
        print(json.dumps(r), flush=True)
        results.append(r)
    med = {k: statistics.median(r["metrics"][k] for r in results) for k in results[0]["metrics"]}
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "median": med,
                      "medianStepsPerSecond": statistics.median(r["stepsPerSecond"] for r in results)}))


if __name__ == "__main__":
    main()
