#!/usr/bin/env python3
"""Throughput peer for `npm run bench`: plain PyTorch on CPU, one thread, the default recipe.

Same model, loss and batch as bench/pytorch_parity.py (MLP 784 -> 128 ReLU -> 64, L2-normalised, batch-all
triplet loss, Euclidean, margin 0.2, mean over non-zero triplets, Adam 1e-3, P x K = 8 classes x 8 samples), with
the batch drawn by tensor indexing only: the P classes by one randperm, the K samples of each by one multinomial
over a padded [classes, max class size] index table, then one gather of the rows. One readback per step
(loss.item()), as the tfjs trainer reads its loss back once per step.

It runs as a small server so the benchmark can interleave it with the tfjs loops in one run:

    /usr/bin/python3 bench/pytorch_bench.py        # Debian's python3-torch, not a pyenv python
    stdin:  run <steps>   ->  stdout: {"steps": ..., "seconds": ..., "loss": ...}
            quit
The first stdout line is {"ready": true, "torch": <version>, "threads": 1}.
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_parity import batch_all_triplet_loss, load_builtin  # noqa: E402

P, K, MARGIN = 8, 8, 0.2


def main():
    torch.set_num_threads(1)
    torch.manual_seed(1)
    x_train, y_train, _, _ = load_builtin("fashion-mnist")
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    classes = int(y_train.max()) + 1
    members = [np.flatnonzero(y_train == c) for c in range(classes)]
    width = max(len(m) for m in members)
    table = torch.zeros((classes, width), dtype=torch.long)
    weights = torch.zeros((classes, width))
    for c, m in enumerate(members):
        table[c, : len(m)] = torch.from_numpy(m)
        weights[c, : len(m)] = 1.0

    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        chosen = torch.randperm(classes)[:P]
        picks = torch.multinomial(weights[chosen], K, replacement=False)
        idx = table[chosen].gather(1, picks).reshape(-1)
        e = torch.nn.functional.normalize(model(xt[idx]), dim=1)
        loss = batch_all_triplet_loss(e, yt[idx], MARGIN)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "quit":
            break
        if parts[0] == "run":
            steps = int(parts[1])
            start = time.perf_counter()
            loss = float("nan")
            for _ in range(steps):
                loss = step()
            seconds = time.perf_counter() - start
            print(json.dumps({"steps": steps, "seconds": seconds, "loss": loss}), flush=True)


if __name__ == "__main__":
    main()
