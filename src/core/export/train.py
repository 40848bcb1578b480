# The body of the PyTorch script that "Scale out with PyTorch" exports (pytorchScript.ts). The exporter keeps what
# follows the line "# ---- end of stand-ins ----" and writes in place of everything above it the experiment's
# docstring and its CONFIG, DATASET and DEFAULT_DEVICE literals. The empty stand-ins below let Python tools check
# this file on its own (py_compile and pyflakes in `npm test`); as it is, it has no experiment to run.
#
# Plain Python 3 with torch and numpy only. Every rule here mirrors the playground's core (named next to each part)
# so that the same experiment trains the same way: the tower layers and their Keras-style initialisers, the losses
# and their reductions, the miners' categories, the distances with their epsilon floors, the optimisers' defaults
# and the leave-one-out metrics.
CONFIG = {}
DATASET = {}
DEFAULT_DEVICE = "auto"
# ---- end of stand-ins ----

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Constants of the playground's core (src/core): the same floors and sizes.
DISTANCE_EPSILON = 1e-12       # distances.ts: floor under squared distances / norms before a square root
L2_NORM_EPSILON = 1e-12        # model/layers.ts: floor under the squared norm of the L2 layer
EXCLUDED_SCORE = 1e30          # mining/online.ts: pushes excluded entries out of argmax/argmin
EXCLUDED_LOGIT = -1e9          # losses/infonce.ts: logit of excluded entries
NON_ZERO_LOSS_THRESHOLD = 1e-16  # losses/triplet.ts: a triplet loss above this counts as non-zero
PROBABILITY_EPSILON = 1e-7     # losses/binary.ts: probabilities clipped to [eps, 1 - eps]
WEIGHT_SUM_FLOOR = 1e-12       # losses/reduce.ts: floor under a sum of weights
POOL_SIZE = 1024               # train/refresh.ts: pool for Mahalanobis statistics and offline mining
MAHALANOBIS_REFRESH = 50       # train/refresh.ts: steps between Mahalanobis re-estimates
EMBED_CHUNK = 256              # model/twin.ts: samples per tower call when embedding many
PAIR_SAMPLES = 20000           # metrics/evaluate.ts: balanced pair sample for AUC / pair accuracy
KERAS_EPSILON = 1e-7           # tfjs backend epsilon: Adam and RMSprop
BN_EPSILON = 1e-3              # tfjs batchNormalization defaults: epsilon 1e-3, momentum 0.99
BN_MOMENTUM = 0.01             # (PyTorch counts momentum the other way round: 1 - 0.99)

O = CONFIG["objective"]
M = CONFIG["model"]
B = CONFIG["batch"]
MINER = CONFIG["mining"]["miner"]
OFFLINE = CONFIG["mining"]["mode"] == "offline"
SPLIT = CONFIG["data"]["splitInput"]
HEAD_LOSS = O["loss"] in ("binary", "cosine-regression")
TOKEN_INPUT = DATASET["modality"] == "text" and M["tower"] in ("lstm", "gru")
# Offline mining re-mines labelled pairs / triplets; split-input and pair-file runs ignore it, as the playground does.
OFFLINE_POOL = OFFLINE and DATASET["kind"] == "labelled" and not SPLIT and B["mode"] != "pk"


class ExportError(Exception):
    """A problem with the data files or the arguments: printed as one line, exit code 2."""


# ─── distributed set-up ──────────────────────────────────────────────────────────────────────────────

class Dist:
    """Rank and world size: 1 process without torchrun; under torchrun, DistributedDataParallel."""

    def __init__(self, device_arg):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if device_arg == "auto":
            device_arg = "cuda" if torch.cuda.is_available() else "cpu"
        if device_arg == "cuda":
            if not torch.cuda.is_available():
                raise ExportError("--device cuda was asked for, but torch.cuda.is_available() is False; use --device cpu")
            if self.local_rank >= torch.cuda.device_count():
                raise ExportError("local rank %d has no GPU (%d visible); start at most that many processes per node"
                                  % (self.local_rank, torch.cuda.device_count()))
            self.device = torch.device("cuda", self.local_rank)
            torch.cuda.set_device(self.device)
        elif device_arg == "cpu":
            self.device = torch.device("cpu")
        else:
            raise ExportError("--device is %r; allowed: auto, cpu, cuda" % device_arg)
        self.enabled = self.world > 1
        if self.enabled:
            import torch.distributed as dist
            self.dist = dist
            dist.init_process_group(backend="nccl" if self.device.type == "cuda" else "gloo")

    @property
    def main(self):
        return self.rank == 0

    def any_true(self, flag):
        """True on every rank when flag is true on any rank (so that all ranks stop together)."""
        if not self.enabled:
            return flag
        t = torch.tensor([1.0 if flag else 0.0], device=self.device)
        self.dist.all_reduce(t, op=self.dist.ReduceOp.MAX)
        return bool(t.item() > 0)

    def broadcast(self, tensor):
        if self.enabled:
            self.dist.broadcast(tensor, 0)
        return tensor

    def barrier(self):
        if self.enabled:
            self.dist.barrier()

    def close(self):
        if self.enabled:
            self.dist.destroy_process_group()


# ─── data ────────────────────────────────────────────────────────────────────────────────────────────

def load_data(data_dir):
    """The files written by the playground's export (dataset.json + .npy arrays), checked against DATASET."""
    manifest_path = os.path.join(data_dir, "dataset.json")
    if not os.path.exists(manifest_path):
        raise ExportError("no dataset.json in %s; pass --data with the folder of the exported dataset files" % data_dir)
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("format") != "siamese-playground-dataset" or manifest.get("version") != 1:
        raise ExportError("%s is not a version-1 Siamese Playground dataset manifest" % manifest_path)
    for key in ("kind", "modality", "featureShape"):
        if manifest.get(key) != DATASET[key]:
            raise ExportError("the dataset files in %s have %s %r, but this script was exported for %r; export again"
                              % (data_dir, key, manifest.get(key), DATASET[key]))
    arrays = {}
    for role, name in manifest["files"].items():
        path = os.path.join(data_dir, name)
        if not os.path.exists(path):
            raise ExportError("dataset file %s is missing" % path)
        arrays[role] = np.load(path, allow_pickle=False)
    return manifest, arrays


def split_halves(x):
    """Split-input: half a = the first sizeA values of each sample, half b the rest; both zero-padded to halfShape."""
    layout = DATASET["splitLayout"]
    n = x.shape[0]
    flat = x.reshape(n, -1)
    size_a, size_b = layout["sizeA"], layout["sizeB"]
    half = max(size_a, size_b)
    a = np.zeros((n, half), dtype=flat.dtype)
    b = np.zeros((n, half), dtype=flat.dtype)
    a[:, :size_a] = flat[:, :size_a]
    b[:, :size_b] = flat[:, size_a:size_a + size_b]
    shape = tuple(layout["halfShape"])
    return a.reshape((n,) + shape), b.reshape((n,) + shape)


def to_tensor(x, device):
    """Token ids stay whole numbers for the recurrent towers' embedding layer; everything else is float32."""
    t = torch.from_numpy(np.ascontiguousarray(x))
    t = t.long() if TOKEN_INPUT else t.float()
    return t.to(device)


# ─── batch samplers (src/core/data/samplers.ts) ──────────────────────────────────────────────────────

class Deck:
    """Items dealt in a random order and reshuffled after each full pass."""

    def __init__(self, items, rng):
        self.items = np.asarray(items, dtype=np.int64)
        self.rng = rng
        self.order = rng.permutation(self.items)
        self.cursor = 0
        self.passes = 0

    def draw(self):
        item = int(self.order[self.cursor])
        self.cursor += 1
        if self.cursor >= len(self.order):
            self.passes += 1
            self.cursor = 0
            self.order = self.rng.permutation(self.items)
        return item

    def draw_distinct(self, k):
        chosen = set()
        out = []
        while len(out) < k:
            if int(self.order[self.cursor]) in chosen:
                j = self.cursor + 1
                while int(self.order[j]) in chosen:
                    j += 1
                self.order[[self.cursor, j]] = self.order[[j, self.cursor]]
            item = self.draw()
            chosen.add(item)
            out.append(item)
        return out

    def restart(self):
        if self.cursor:
            self.cursor = 0
            self.order = self.rng.permutation(self.items)


class ClassIndex:
    def __init__(self, labels, num_classes):
        self.labels = labels
        self.members = [np.flatnonzero(labels == c) for c in range(num_classes)]
        self.num_classes = num_classes

    def with_at_least(self, k):
        return [c for c in range(self.num_classes) if len(self.members[c]) >= k]

    def other_member(self, i, rng):
        m = self.members[self.labels[i]]
        others = m[m != i]
        return int(others[rng.integers(len(others))])

    def of_another_class(self, i, rng):
        while True:
            j = int(rng.integers(len(self.labels)))
            if self.labels[j] != self.labels[i]:
                return j


class PKSampler:
    """P classes x K samples (classes with >= 2 samples, each class and sample dealt from reshuffled decks)."""

    def __init__(self, labels, num_classes, p, k, rng):
        self.index = ClassIndex(labels, num_classes)
        usable = self.index.with_at_least(2)
        if len(usable) < p:
            raise ExportError("a P x K batch needs %d classes with at least 2 samples each, but the training data has %d"
                              % (p, len(usable)))
        self.p, self.k, self.rng = p, k, rng
        self.class_deck = Deck(usable, rng)
        self.sample_decks = [Deck(m, rng) if len(m) >= k else None for m in self.index.members]
        self.per_epoch = max(1, math.ceil(sum(len(self.index.members[c]) for c in usable) / (p * k)))
        self.batches = 0

    def next(self):
        out = []
        for c in self.class_deck.draw_distinct(self.p):
            deck = self.sample_decks[c]
            if deck is not None:
                out.extend(deck.draw_distinct(self.k))
            else:
                members = self.index.members[c]
                picks = list(self.rng.permutation(members))
                picks += [int(members[self.rng.integers(len(members))]) for _ in range(self.k - len(members))]
                out.extend(int(v) for v in picks)
        self.batches += 1
        return np.asarray(out, dtype=np.int64)

    @property
    def epoch(self):
        return self.batches // self.per_epoch


class PairSampler:
    """Balanced random pairs: round(positiveFraction x size) same-class pairs, the rest different-class pairs."""

    def __init__(self, labels, num_classes, size, positive_fraction, rng):
        self.index = ClassIndex(labels, num_classes)
        self.size, self.rng = size, rng
        self.positives = int(math.floor(positive_fraction * size + 0.5))
        anchors = [i for c in self.index.with_at_least(2) for i in self.index.members[c]]
        if self.positives > 0 and not anchors:
            raise ExportError("positive pairs need a class with at least 2 samples")
        if len(self.index.with_at_least(1)) < 2:
            raise ExportError("negative pairs need samples of at least 2 classes")
        self.positive_deck = Deck(anchors, rng) if self.positives > 0 else None
        self.negative_deck = Deck(np.arange(len(labels)), rng)
        self.per_epoch = max(1, math.ceil(len(labels) / size))
        self.batches = 0

    def next(self):
        a = np.zeros(self.size, dtype=np.int64)
        b = np.zeros(self.size, dtype=np.int64)
        similar = np.zeros(self.size, dtype=np.float32)
        slots = self.rng.permutation(self.size)
        for k in range(self.size):
            slot = slots[k]
            if k < self.positives:
                a[slot] = self.positive_deck.draw()
                b[slot] = self.index.other_member(a[slot], self.rng)
                similar[slot] = 1
            else:
                a[slot] = self.negative_deck.draw()
                b[slot] = self.index.of_another_class(a[slot], self.rng)
        self.batches += 1
        return a, b, similar

    @property
    def epoch(self):
        return self.batches // self.per_epoch


class TripletSampler:
    """Random valid triplets: anchor from a deck, another sample of its class, a sample of another class."""

    def __init__(self, labels, num_classes, size, rng):
        self.index = ClassIndex(labels, num_classes)
        anchors = [i for c in self.index.with_at_least(2) for i in self.index.members[c]]
        if not anchors or len(self.index.with_at_least(1)) < 2:
            raise ExportError("triplets need a class with at least 2 samples and at least 2 classes")
        self.deck = Deck(anchors, rng)
        self.size, self.rng = size, rng
        self.per_epoch = max(1, math.ceil(len(anchors) / size))
        self.batches = 0

    def next(self):
        if self.batches and self.batches % self.per_epoch == 0:
            self.deck.restart()
        anchor = np.array([self.deck.draw() for _ in range(self.size)], dtype=np.int64)
        positive = np.array([self.index.other_member(i, self.rng) for i in anchor], dtype=np.int64)
        negative = np.array([self.index.of_another_class(i, self.rng) for i in anchor], dtype=np.int64)
        self.batches += 1
        return anchor, positive, negative

    @property
    def epoch(self):
        return self.batches // self.per_epoch


class IndexSampler:
    """Split-input samples (distinct within a batch) or pair-file pairs, dealt from a deck restarted every epoch."""

    def __init__(self, count, size, rng, distinct):
        if distinct and count < size:
            raise ExportError("a split-input batch of %d needs %d distinct training samples, but there are only %d"
                              % (size, size, count))
        self.deck = Deck(np.arange(count), rng)
        self.size, self.distinct = size, distinct
        self.per_epoch = max(1, math.ceil(count / size))
        self.batches = 0

    def next(self):
        if self.batches and self.batches % self.per_epoch == 0:
            self.deck.restart()
        self.batches += 1
        if self.distinct:
            return np.asarray(self.deck.draw_distinct(self.size), dtype=np.int64)
        return np.asarray([self.deck.draw() for _ in range(self.size)], dtype=np.int64)

    @property
    def epoch(self):
        return self.batches // self.per_epoch


class PoolSampler:
    """Offline mining: cycles through the pairs / triplets mined from current embeddings, reshuffled every pass."""

    def __init__(self, size, rng):
        self.size, self.rng = size, rng
        self.columns = None
        self.deck = None
        self.earlier_passes = 0

    def set_pool(self, *columns):
        if len(columns[0]) == 0:
            raise ExportError("the offline miner found nothing to train on; try the all or random miner, or online mining")
        self.earlier_passes = self.epoch
        self.columns = columns
        self.deck = Deck(np.arange(len(columns[0])), self.rng)

    def next(self):
        picks = np.array([self.deck.draw() for _ in range(self.size)], dtype=np.int64)
        return tuple(c[picks] for c in self.columns)

    @property
    def epoch(self):
        return self.earlier_passes + (self.deck.passes if self.deck is not None else 0)


# ─── model (src/core/model) ──────────────────────────────────────────────────────────────────────────

def activation(name):
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "elu": nn.ELU, "selu": nn.SELU, "sigmoid": nn.Sigmoid,
            "linear": nn.Identity}[name]()


def dense(inputs, units, bias=True):
    """Keras Dense: Glorot-uniform kernel, zero bias."""
    layer = nn.Linear(inputs, units, bias=bias)
    nn.init.xavier_uniform_(layer.weight)
    if bias:
        nn.init.zeros_(layer.bias)
    return layer


def hard_sigmoid(x):
    """The tfjs default recurrent activation: clip(0.2 x + 0.5, 0, 1)."""
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


class L2Normalize(nn.Module):
    """x / sqrt(max(sum x^2, 1e-12)): every embedding on the unit sphere, finite gradient at 0."""

    def forward(self, x):
        return x / torch.sqrt(torch.clamp((x * x).sum(-1, keepdim=True), min=L2_NORM_EPSILON))


class ChannelsFirst(nn.Module):
    """Images are stored [h, w, c] (as in the browser); PyTorch convolutions take [c, h, w]."""

    def forward(self, x):
        return x.permute(0, 3, 1, 2)


class AddChannel(nn.Module):
    """A univariate sequence [length] becomes [length, 1] for the recurrent layer."""

    def forward(self, x):
        return x.unsqueeze(-1)


class KerasLSTM(nn.Module):
    """tfjs LSTM (final state only): hard-sigmoid gates, tanh, forget-gate bias 1, Glorot kernel, orthogonal recurrent kernel."""

    def __init__(self, inputs, units):
        super().__init__()
        self.units = units
        self.kernel = nn.Parameter(torch.empty(inputs, 4 * units))
        self.recurrent_kernel = nn.Parameter(torch.empty(units, 4 * units))
        self.bias = nn.Parameter(torch.zeros(4 * units))
        nn.init.xavier_uniform_(self.kernel)
        nn.init.orthogonal_(self.recurrent_kernel)
        with torch.no_grad():
            self.bias[units:2 * units] = 1.0

    def forward(self, x):
        n = x.shape[0]
        h = x.new_zeros(n, self.units)
        c = x.new_zeros(n, self.units)
        xz = x @ self.kernel + self.bias
        for t in range(x.shape[1]):
            i, f, g, o = (xz[:, t] + h @ self.recurrent_kernel).chunk(4, 1)
            c = hard_sigmoid(f) * c + hard_sigmoid(i) * torch.tanh(g)
            h = hard_sigmoid(o) * torch.tanh(c)
        return h


class KerasGRU(nn.Module):
    """tfjs GRU (reset gate before the recurrent product, final state only), hard-sigmoid gates."""

    def __init__(self, inputs, units):
        super().__init__()
        self.units = units
        self.kernel = nn.Parameter(torch.empty(inputs, 3 * units))
        self.recurrent_kernel = nn.Parameter(torch.empty(units, 3 * units))
        self.bias = nn.Parameter(torch.zeros(3 * units))
        nn.init.xavier_uniform_(self.kernel)
        nn.init.orthogonal_(self.recurrent_kernel)

    def forward(self, x):
        n, u = x.shape[0], self.units
        h = x.new_zeros(n, u)
        xz = x @ self.kernel + self.bias
        rk_zr, rk_h = self.recurrent_kernel[:, :2 * u], self.recurrent_kernel[:, 2 * u:]
        for t in range(x.shape[1]):
            x_z, x_r, x_h = xz[:, t].chunk(3, 1)
            r_z, r_r = (h @ rk_zr).chunk(2, 1)
            z = hard_sigmoid(x_z + r_z)
            r = hard_sigmoid(x_r + r_r)
            hh = torch.tanh(x_h + (r * h) @ rk_h)
            h = z * h + (1 - z) * hh
        return h


def build_tower(input_shape):
    """The shared embedding network (src/core/model/towers.ts)."""
    layers = []
    tower = M["tower"]
    if tower == "mlp":
        mlp = M["mlp"]
        width = int(np.prod(input_shape))
        if len(input_shape) > 1:
            layers.append(nn.Flatten())
        for units in mlp["hiddenUnits"]:
            layers.append(dense(width, units, bias=not mlp["batchNorm"]))
            if mlp["batchNorm"]:
                layers.append(nn.BatchNorm1d(units, eps=BN_EPSILON, momentum=BN_MOMENTUM))
            layers.append(activation(mlp["activation"]))
            if mlp["dropout"] > 0:
                layers.append(nn.Dropout(mlp["dropout"]))
            width = units
    elif tower == "cnn":
        cnn = M["cnn"]
        if len(input_shape) != 3:
            raise ExportError("a CNN tower needs images of shape [height, width, channels], got %r" % (input_shape,))
        height, width_px, channels = input_shape
        layers.append(ChannelsFirst())
        for count in cnn["filters"]:
            conv = nn.Conv2d(channels, count, cnn["kernelSize"], padding="same", bias=not cnn["batchNorm"])
            nn.init.xavier_uniform_(conv.weight)
            if conv.bias is not None:
                nn.init.zeros_(conv.bias)
            layers.append(conv)
            if cnn["batchNorm"]:
                layers.append(nn.BatchNorm2d(count, eps=BN_EPSILON, momentum=BN_MOMENTUM))
            layers.append(activation(cnn["activation"]))
            # Small images run out of pixels: pool only while both sides stay at least 2.
            if height // 2 >= 2 and width_px // 2 >= 2:
                layers.append(nn.MaxPool2d(2, 2))
                height, width_px = height // 2, width_px // 2
            channels = count
        layers.append(nn.Flatten())
        width = channels * height * width_px
        if cnn["denseUnits"] > 0:
            layers += [dense(width, cnn["denseUnits"]), activation(cnn["activation"])]
            width = cnn["denseUnits"]
        if cnn["dropout"] > 0:
            layers.append(nn.Dropout(cnn["dropout"]))
    else:
        rec = M["recurrent"]
        if DATASET["modality"] == "text":
            embedding = nn.Embedding(DATASET["vocabularySize"], rec["tokenEmbeddingDim"])
            nn.init.uniform_(embedding.weight, -0.05, 0.05)
            layers.append(embedding)
            features = rec["tokenEmbeddingDim"]
        elif len(input_shape) == 1:
            layers.append(AddChannel())
            features = 1
        elif len(input_shape) == 2:
            features = input_shape[1]
        else:
            raise ExportError("a recurrent tower reads [length] or [length, channels] sequences, got %r" % (input_shape,))
        layers.append((KerasLSTM if tower == "lstm" else KerasGRU)(features, rec["units"]))
        width = rec["units"]
    layers.append(dense(width, M["embeddingDim"]))
    if M["l2Normalize"]:
        layers.append(L2Normalize())
    return nn.Sequential(*layers)


def tf_abs(x):
    """|x| with the gradient tfjs gives it: +1 where x > 0 and -1 where x <= 0 (torch's abs has 0 at x = 0)."""
    return torch.where(x > 0, x, -x)


def safe_norms(x):
    return torch.sqrt(torch.clamp((x * x).sum(1, keepdim=True), min=DISTANCE_EPSILON))


class BinaryHead(nn.Module):
    """|a - b| or [a, b] -> Dense(1, sigmoid): the probability that a pair is similar (src/core/model/heads.ts)."""

    def __init__(self, dim):
        super().__init__()
        self.concat = O["headCombine"] == "concat"
        self.linear = dense(2 * dim if self.concat else dim, 1)

    def forward(self, ea, eb):
        features = torch.cat([ea, eb], 1) if self.concat else tf_abs(ea - eb)
        return torch.sigmoid(self.linear(features)).reshape(-1)


class CosineHead(nn.Module):
    """cos(a, b) -> Dense(1), starting as the identity (scale 1, bias 0)."""

    def __init__(self):
        super().__init__()
        self.kernel = nn.Parameter(torch.ones(1))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, ea, eb):
        cos = (ea * eb).sum(1, keepdim=True) / (safe_norms(ea) * safe_norms(eb))
        return (cos * self.kernel + self.bias).reshape(-1)


class Twin(nn.Module):
    """ONE tower for every branch (branches are concatenated along the batch), plus the optional pair head.

    forward(x) -> embeddings; forward(x, rows, cols) -> embeddings and head(e[rows], e[cols]). One forward call
    per step is what DistributedDataParallel expects.
    """

    def __init__(self, input_shape):
        super().__init__()
        self.tower = build_tower(input_shape)
        self.head = None
        if O["loss"] == "binary":
            self.head = BinaryHead(M["embeddingDim"])
        elif O["loss"] == "cosine-regression":
            self.head = CosineHead()

    def forward(self, x, rows=None, cols=None):
        e = self.tower(x)
        if rows is None:
            return e, None
        return e, self.head(e[rows], e[cols])


class KerasRMSprop(torch.optim.Optimizer):
    """tfjs RMSprop: ms = 0.9 ms + 0.1 g^2; w -= lr g / sqrt(ms + 1e-7) (epsilon inside the root, unlike torch's)."""

    def __init__(self, params, lr, rho=0.9, eps=KERAS_EPSILON):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "ms" not in state:
                    state["ms"] = torch.zeros_like(p)
                ms = state["ms"]
                ms.mul_(group["rho"]).addcmul_(p.grad, p.grad, value=1 - group["rho"])
                p.addcdiv_(p.grad, torch.sqrt(ms + group["eps"]), value=-group["lr"])


def make_optimizer(params):
    """src/core/model/optimizers.ts: tfjs defaults besides the learning rate."""
    name, lr = CONFIG["optimizer"]["name"], CONFIG["optimizer"]["learningRate"]
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=KERAS_EPSILON)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    return KerasRMSprop(params, lr=lr)


# ─── distances (src/core/distances.ts) ───────────────────────────────────────────────────────────────

def pairwise(a, b, whitening=None):
    """All-pairs distances [n, m] of the rows of a and b."""
    name = O["distance"]
    if name == "mahalanobis":
        a, b = a @ whitening, b @ whitening
    if name in ("euclidean", "squared-euclidean", "mahalanobis"):
        sq = torch.relu((a * a).sum(1, keepdim=True) + (b * b).sum(1)[None, :] - 2 * a @ b.t())
        return sq if name == "squared-euclidean" else torch.sqrt(torch.clamp(sq, min=DISTANCE_EPSILON))
    if name == "cosine":
        return 1 - (a / safe_norms(a)) @ (b / safe_norms(b)).t()
    if name == "manhattan":
        return tf_abs(a[:, None, :] - b[None, :, :]).sum(2)
    raise ExportError("unknown distance %r" % name)


def rowwise(a, b, whitening=None):
    """Distances [n] between row i of a and row i of b."""
    name = O["distance"]
    if name == "squared-euclidean":
        return ((a - b) ** 2).sum(1)
    if name == "euclidean":
        return torch.sqrt(torch.clamp(((a - b) ** 2).sum(1), min=DISTANCE_EPSILON))
    if name == "mahalanobis":
        return torch.sqrt(torch.clamp((((a - b) @ whitening) ** 2).sum(1), min=DISTANCE_EPSILON))
    if name == "cosine":
        return (1 - (a * b).sum(1, keepdim=True) / (safe_norms(a) * safe_norms(b))).reshape(-1)
    if name == "manhattan":
        return tf_abs(a - b).sum(1)
    raise ExportError("unknown distance %r" % name)


def pairwise_blocked(a, b, whitening=None):
    """pairwise() in row blocks for the Manhattan kernel, whose [rows, m, dim] difference tensor is large."""
    if O["distance"] != "manhattan":
        return pairwise(a, b, whitening)
    rows = max(1, (1 << 24) // max(1, b.shape[0] * b.shape[1]))
    return torch.cat([pairwise(a[s:s + rows], b, whitening) for s in range(0, a.shape[0], rows)], 0)


def whitening_matrix(embeddings, regularization):
    """W with W W^T = (cov + lambda I)^-1 (Cholesky, in doubles), so that ||(a - b) W|| is the Mahalanobis distance."""
    x = embeddings.detach().double().cpu().numpy()
    n, dim = x.shape
    centered = x - x.mean(0, keepdims=True)
    cov = centered.T @ centered / (n - 1 if n > 1 else 1) + regularization * np.eye(dim)
    lower = np.linalg.cholesky(cov)
    return torch.from_numpy(np.linalg.inv(lower).T.astype(np.float32))


# ─── losses and online mining (src/core/losses, src/core/mining/online.ts) ──────────────────────────

def weighted_mean(values, weights=None):
    if weights is None:
        return values.mean()
    weights = weights * torch.ones_like(values)
    return (values * weights).sum() / torch.clamp(weights.sum(), min=WEIGHT_SUM_FLOOR)


def triplet_loss(d_ap, d_an, mask):
    """max(dAP - dAN + m, 0) (or softplus(dAP - dAN)), averaged over mined triplets or the non-zero ones."""
    gap = d_ap - d_an
    per = F.softplus(gap) if O["softMargin"] else torch.relu(gap + O["margin"])
    mask = mask * torch.ones_like(per)
    mined = mask.sum()
    non_zero = (mask * (per.detach() > NON_ZERO_LOSS_THRESHOLD)).sum()
    denominator = mined if O["reduction"] == "mean" else non_zero
    return (per * mask).sum() / torch.clamp(denominator, min=1)


def category_mask(delta):
    """With delta = d(a,n) - d(a,p): hard delta <= 0, semi-hard 0 < delta <= m, easy delta > m, all delta <= m."""
    m = O["margin"]
    if MINER == "hard":
        return (delta <= 0).float()
    if MINER == "easy":
        return (delta > m).float()
    if MINER == "semi-hard":
        return ((delta > 0) & (delta <= m)).float()
    return (delta <= m).float()


def dense_triplet_mask(D, pos, neg):
    with torch.no_grad():
        valid = pos[:, :, None] * neg[:, None, :]
        return valid * category_mask(D[:, None, :] - D[:, :, None])


def per_anchor_choice(D, pos, neg):
    """batch-hard: farthest positive and closest negative; random: one uniform positive and negative per anchor."""
    with torch.no_grad():
        valid = pos.max(1).values * neg.max(1).values
        if MINER == "batch-hard":
            p = torch.argmax(D - (1 - pos) * EXCLUDED_SCORE, 1)
            q = torch.argmin(D + (1 - neg) * EXCLUDED_SCORE, 1)
        else:
            u = torch.rand(D.shape, device=D.device)
            p = torch.argmax(u * pos - (1 - pos), 1)
            q = torch.argmax(u * neg - (1 - neg), 1)
        return valid, F.one_hot(p, D.shape[1]).float(), F.one_hot(q, D.shape[1]).float()


def mine_triplet_loss(D, pos, neg):
    if MINER in ("all", "hard", "semi-hard", "easy"):
        mask = dense_triplet_mask(D, pos, neg)
        return triplet_loss(D[:, :, None], D[:, None, :], mask)
    valid, p_hot, q_hot = per_anchor_choice(D, pos, neg)
    return triplet_loss((D * p_hot).sum(1), (D * q_hot).sum(1), valid)


def mine_pair_weights(D, pos, neg):
    """Per-pair weights for pair losses in a batch: the pairs that occur in a triplet the miner would pick."""
    if MINER == "all":
        return pos, neg
    if MINER in ("hard", "semi-hard", "easy"):
        mask = dense_triplet_mask(D, pos, neg)
        return mask.max(2).values, (mask.sum(1) > 0).float()
    valid, p_hot, q_hot = per_anchor_choice(D, pos, neg)
    return p_hot * valid[:, None], q_hot * valid[:, None]


def info_nce_loss(D, pos, valid):
    """-mean over positives of log-softmax(-D / tau) over valid entries, averaged over anchors with a positive."""
    pos = pos * valid
    logits = -D / O["temperature"] + (1 - valid) * EXCLUDED_LOGIT
    log_prob = logits - torch.logsumexp(logits, 1, keepdim=True)
    count = pos.sum(1)
    per_anchor = -(pos * log_prob).sum(1) / torch.clamp(count, min=1)
    has = torch.clamp(count, max=1)
    return (per_anchor * has).sum() / torch.clamp(has.sum(), min=1)


def pair_head_loss(scores, targets, weights=None):
    if O["loss"] == "binary":
        p = torch.clamp(scores, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
        return weighted_mean(-(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)), weights)
    return weighted_mean((scores - targets) ** 2, weights)


def contrastive(d, similar, weights=None):
    """y d^2 + (1 - y) max(0, m - d)^2."""
    return weighted_mean(similar * d ** 2 + (1 - similar) * torch.relu(O["margin"] - d) ** 2, weights)


def batch_loss(model, x, n, pos, neg, valid, whitening, split):
    """A P x K or split-input batch: all-pairs distances of anchors x candidates, then the objective.

    x holds the anchors (rows 0..n-1) followed, in split-input mode, by the candidates (rows n..2n-1).
    """
    m = pos.shape[1]
    if HEAD_LOSS:
        offset = n if split else 0
        rows = torch.arange(n, device=x.device).repeat_interleave(m)
        cols = torch.arange(m, device=x.device).repeat(n) + offset
        e, scores = model(x, rows, cols)
    else:
        e, scores = model(x)
    ea, eb = (e[:n], e[n:]) if split else (e, e)
    D = pairwise(ea, eb, whitening)
    if O["loss"] == "triplet":
        return mine_triplet_loss(D, pos, neg)
    if O["loss"] == "infonce":
        return info_nce_loss(D, pos, valid)
    pw, nw = mine_pair_weights(D, pos, neg)
    # Positives and negatives weigh equally in total, so the many negatives of a batch do not drown the positives.
    weights = pw / torch.clamp(2 * pw.sum(), min=1e-12) + nw / torch.clamp(2 * nw.sum(), min=1e-12)
    if O["loss"] == "contrastive":
        return contrastive(D, pos, weights)
    return pair_head_loss(scores, pos.reshape(-1), weights.reshape(-1))


def explicit_pair_loss(model, xa, xb, similar, whitening):
    n = xa.shape[0]
    x = torch.cat([xa, xb], 0)
    if HEAD_LOSS:
        idx = torch.arange(n, device=x.device)
        _, scores = model(x, idx, idx + n)
        return pair_head_loss(scores, similar)
    e, _ = model(x)
    return contrastive(rowwise(e[:n], e[n:], whitening), similar)


def explicit_triplet_loss(model, xa, xp, xn, whitening):
    n = xa.shape[0]
    e, _ = model(torch.cat([xa, xp, xn], 0))
    d_ap = rowwise(e[:n], e[n:2 * n], whitening)
    d_an = rowwise(e[:n], e[2 * n:], whitening)
    return triplet_loss(d_ap, d_an, torch.ones_like(d_ap))


# ─── offline mining (src/core/mining/offline.ts) ─────────────────────────────────────────────────────

def pool_lists(D, labels):
    """Per anchor of the pool: its positives, and its negatives sorted by distance (ties by index)."""
    positives, negatives = [], []
    for a in range(len(labels)):
        same = labels == labels[a]
        pos = np.flatnonzero(same)
        positives.append(pos[pos != a])
        neg = np.flatnonzero(~same)
        negatives.append(neg[np.argsort(D[a, neg], kind="stable")])
    return positives, negatives


def category_bounds(D, a, pos, sorted_neg):
    """For each positive p of anchor a: [0, hard) hard, [hard, semi) semi-hard, [semi, count) easy negatives."""
    delta = (D[a, sorted_neg][None, :] - D[a, pos][:, None]).astype(np.float32)
    return (delta <= 0).sum(1), (delta <= np.float32(O["margin"])).sum(1)


def offline_triplets(D, labels, count, rng):
    positives, negatives = pool_lists(D, labels)
    usable = [a for a in range(len(labels)) if len(positives[a]) and len(negatives[a])]
    anchors, pos_out, neg_out = [], [], []
    if MINER == "batch-hard":
        for a in usable:
            p = positives[a][np.argmax(D[a, positives[a]])]
            anchors.append(a); pos_out.append(p); neg_out.append(negatives[a][0])
        if len(anchors) > count:
            keep = np.sort(rng.choice(len(anchors), count, replace=False))
            anchors = [anchors[k] for k in keep]; pos_out = [pos_out[k] for k in keep]; neg_out = [neg_out[k] for k in keep]
    elif MINER != "random":
        ranges = []
        for a in usable:
            hard, semi = category_bounds(D, a, positives[a], negatives[a])
            total = len(negatives[a])
            lo, hi = {"all": (0 * hard, semi), "hard": (0 * hard, hard), "semi-hard": (hard, semi),
                      "easy": (semi, total + 0 * semi)}[MINER]
            for k in np.flatnonzero(hi > lo):
                ranges.append((a, positives[a][k], lo[k], hi[k] - lo[k]))
        sizes = np.array([r[3] for r in ranges], dtype=np.int64)
        total = int(sizes.sum())
        ranks = np.arange(total) if total <= count else np.sort(rng.choice(total, count, replace=False))
        ends = np.cumsum(sizes)
        for rank in ranks:
            r = int(np.searchsorted(ends, rank, side="right"))
            a, p, lo, _ = ranges[r]
            offset = rank - (ends[r - 1] if r else 0)
            anchors.append(a); pos_out.append(p); neg_out.append(negatives[a][lo + offset])
    while len(anchors) < count and usable:
        a = usable[rng.integers(len(usable))]
        anchors.append(a)
        pos_out.append(positives[a][rng.integers(len(positives[a]))])
        neg_out.append(negatives[a][rng.integers(len(negatives[a]))])
    order = rng.permutation(len(anchors))
    as_array = lambda v: np.asarray(v, dtype=np.int64)[order]
    return as_array(anchors), as_array(pos_out), as_array(neg_out)


def offline_pairs(D, labels, count, rng):
    positives, negatives = pool_lists(D, labels)
    mined = {1: [], 0: []}
    for a in range(len(labels)):
        pos, neg = positives[a], negatives[a]
        if MINER in ("all", "random"):
            mined[1] += [(a, p) for p in pos]
            mined[0] += [(a, q) for q in neg]
            continue
        if not len(pos) or not len(neg):
            continue
        if MINER == "batch-hard":
            mined[1].append((a, pos[np.argmax(D[a, pos])]))
            mined[0].append((a, neg[0]))
            continue
        delta = (D[a, neg][None, :] - D[a, pos][:, None]).astype(np.float32)
        m = np.float32(O["margin"])
        cat = {"hard": delta <= 0, "semi-hard": (delta > 0) & (delta <= m), "easy": delta > m}[MINER]
        mined[1] += [(a, p) for p in pos[cat.any(1)]]
        mined[0] += [(a, q) for q in neg[cat.any(0)]]
    wanted = {1: int(math.floor(count * B["positiveFraction"] + 0.5))}
    wanted[0] = count - wanted[1]
    a_out, b_out, similar = [], [], []
    for kind, partners in ((1, positives), (0, negatives)):
        found = mined[kind]
        take = min(wanted[kind], len(found))
        for k in rng.choice(len(found), take, replace=False) if take else []:
            a_out.append(found[k][0]); b_out.append(found[k][1]); similar.append(kind)
        usable = [i for i in range(len(labels)) if len(partners[i])]
        for _ in range(wanted[kind] - take):
            if not usable:
                break
            i = usable[rng.integers(len(usable))]
            a_out.append(i); b_out.append(partners[i][rng.integers(len(partners[i]))]); similar.append(kind)
    order = rng.permutation(len(a_out))
    return (np.asarray(a_out, dtype=np.int64)[order], np.asarray(b_out, dtype=np.int64)[order],
            np.asarray(similar, dtype=np.float32)[order])


# ─── evaluation (src/core/metrics) ───────────────────────────────────────────────────────────────────

@torch.no_grad()
def embed_all(module, x):
    was_training = module.training
    module.eval()
    out = torch.cat([module(x[s:s + EMBED_CHUNK])[0] for s in range(0, x.shape[0], EMBED_CHUNK)], 0)
    module.train(was_training)
    return out


def retrieval_metrics(D, labels):
    """Leave-one-out P@1, R-precision and MAP@R (Musgrave et al. 2020); ties ranked by index, NaN last."""
    n = len(labels)
    counts = np.bincount(labels - labels.min())
    r_all = counts[labels - labels.min()] - 1
    p1 = rp = mapr = 0.0
    scored = 0
    block = max(1, (1 << 22) // max(n, 1))
    for start in range(0, n, block):
        rows = np.arange(start, min(n, start + block))
        keys = D[rows].astype(np.float64)
        keys[np.isnan(keys)] = np.inf
        order = np.argsort(keys, axis=1, kind="stable")
        order = order[order != rows[:, None]].reshape(len(rows), n - 1)
        depth = int(r_all[rows].max()) if len(rows) else 0
        rel = labels[order[:, :max(depth, 1)]] == labels[rows][:, None]
        for k, q in enumerate(rows):
            r = int(r_all[q])
            if r == 0:
                continue
            hits = rel[k, :r].astype(np.float64)
            p1 += hits[0]
            rp += hits.sum() / r
            mapr += (np.cumsum(hits) / np.arange(1, r + 1) * hits).sum() / r
            scored += 1
    if scored == 0:
        return {"precisionAt1": float("nan"), "rPrecision": float("nan"), "mapAtR": float("nan")}
    return {"precisionAt1": p1 / scored, "rPrecision": rp / scored, "mapAtR": mapr / scored}


def auc_and_best(distances, similar):
    """ROC AUC of "similar when closer" (ties count 1/2) and the accuracy-maximising threshold."""
    distances = np.asarray(distances, dtype=np.float64)
    similar = np.asarray(similar) >= 0.5
    finite = ~np.isnan(distances)
    positives, negatives = int(similar.sum()), int((~similar).sum())
    order = np.argsort(np.where(finite, distances, np.inf), kind="stable")
    d, s = distances[order], similar[order]
    _, inverse, group_counts = np.unique(np.where(np.isnan(d), np.inf, d), return_inverse=True, return_counts=True)
    ends = np.cumsum(group_counts)
    average_rank = (ends - (group_counts - 1) / 2.0)[inverse]
    auc = float("nan")
    if positives and negatives:
        auc = ((average_rank[~s].sum() - negatives * (negatives + 1) / 2.0) / (positives * negatives))
    tp = np.cumsum(s)[ends - 1]
    fp = np.cumsum(~s)[ends - 1]
    accuracy = (tp + (negatives - fp)) / max(len(s), 1)
    best = int(np.argmax(accuracy))
    none_similar = negatives / max(len(s), 1)
    if accuracy[best] <= none_similar:
        return auc, none_similar, float(d[0]) - 1.0
    return auc, float(accuracy[best]), float(d[ends[best] - 1])


def sample_pairs(labels, per_kind, rng):
    """A balanced sample of pairs i < j (all of a kind when there are at most per_kind): flat indices i*n + j."""
    n = len(labels)
    counts = np.bincount(labels - labels.min())
    positive_total = int((counts * (counts - 1) // 2).sum())
    totals = {True: positive_total, False: n * (n - 1) // 2 - positive_total}
    out = {}
    for kind in (True, False):
        if totals[kind] <= 4 * per_kind:
            i, j = np.triu_indices(n, 1)
            keep = (labels[i] == labels[j]) == kind
            keys = i[keep] * n + j[keep]
            if len(keys) > per_kind:
                keys = np.sort(rng.choice(keys, per_kind, replace=False))
            out[kind] = keys
            continue
        # Many more pairs of this kind than needed: draw random pairs, keep those of the kind, drop repeats.
        chosen = np.zeros(0, dtype=np.int64)
        while len(chosen) < per_kind:
            a, b = rng.integers(n, size=(2, 4 * per_kind))
            keep = (a != b) & ((labels[a] == labels[b]) == kind)
            keys = np.minimum(a, b)[keep] * n + np.maximum(a, b)[keep]
            chosen = np.concatenate([chosen, keys[np.sort(np.unique(keys, return_index=True)[1])]])
            chosen = chosen[np.sort(np.unique(chosen, return_index=True)[1])]
        out[kind] = np.sort(chosen[:per_kind])
    return out[True], out[False]


def verification(D, labels, rng):
    positives, negatives = sample_pairs(labels, PAIR_SAMPLES // 2, rng)
    keys = np.concatenate([positives, negatives])
    distances = D.reshape(-1)[keys]
    similar = np.concatenate([np.ones(len(positives)), np.zeros(len(negatives))])
    auc, accuracy, threshold = auc_and_best(distances, similar)
    out = {"auc": auc, "pairAccuracy": accuracy, "bestThreshold": threshold}
    if CONFIG["training"]["threshold"] is not None:
        called = distances <= CONFIG["training"]["threshold"]
        out["thresholdAccuracy"] = float(((called & (similar == 1)) | (~called & (similar == 0))).mean())
    return out


def evaluate(module, data, whitening, seed):
    """Held-out metrics as the playground's Trainer.evaluate computes them."""
    rng = np.random.default_rng([seed, 0x5EED])
    if DATASET["kind"] == "pairs":
        return None, evaluate_pairs(module, data, whitening)
    if SPLIT:
        ea, eb = embed_all(module, data["test_a"]), embed_all(module, data["test_b"])
        with torch.no_grad():
            cross = pairwise_blocked(ea, eb, whitening).cpu().numpy()
            both = torch.cat([ea, eb], 0)
            D = pairwise_blocked(both, both, whitening).cpu().numpy()
        n = ea.shape[0]
        labels = np.arange(2 * n) % n
        metrics = retrieval_metrics(D, labels)
        metrics.update(verification(D, labels, rng))
        # The split-input question: which held-out event (half b) belongs to this context (half a)?
        own = float((np.argmin(np.where(np.isnan(cross), np.inf, cross), 1) == np.arange(n)).mean())
        metrics.update({"precisionAt1": own, "rPrecision": own, "mapAtR": own})
    else:
        e = embed_all(module, data["test_x"])
        with torch.no_grad():
            D = pairwise_blocked(e, e, whitening).cpu().numpy()
        labels = data["test_labels"]
        metrics = retrieval_metrics(D, labels)
        metrics.update(verification(D, labels, rng))
    metrics["recallAt1"] = metrics["precisionAt1"]
    return metrics, None


@torch.no_grad()
def evaluate_pairs(module, data, whitening):
    ea, eb = embed_all(module, data["test_a"]), embed_all(module, data["test_b"])
    was_training = module.training
    module.eval()
    if HEAD_LOSS:
        values = module.head(ea, eb).cpu().numpy().astype(np.float64)
    else:
        values = rowwise(ea, eb, whitening).cpu().numpy().astype(np.float64)
    module.train(was_training)
    targets = data["test_targets"]
    if O["loss"] == "cosine-regression":
        mse = float(((values - targets) ** 2).mean()) if len(values) else 0.0
        median = np.sort(targets)[len(targets) // 2] if len(targets) else 0.0
        auc, accuracy, threshold = auc_and_best(-values, (targets > median).astype(np.float64))
        return {"auc": auc, "accuracy": accuracy, "threshold": -threshold, "meanSquaredError": mse}
    as_distance = 1 - values if O["loss"] == "binary" else values
    auc, accuracy, threshold = auc_and_best(as_distance, targets)
    return {"auc": auc, "accuracy": accuracy, "threshold": 1 - threshold if O["loss"] == "binary" else threshold}


# ─── training ────────────────────────────────────────────────────────────────────────────────────────

def finite_or_null(value):
    """JSON has no NaN or Infinity: they become null, as JSON.stringify writes them."""
    if isinstance(value, dict):
        return {k: finite_or_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_null(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def log(line):
    print(line, file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description="Train the exported Siamese Playground experiment with PyTorch.")
    parser.add_argument("--data", default=os.path.dirname(os.path.abspath(__file__)),
                        help="folder with dataset.json and the .npy files (default: next to this script)")
    parser.add_argument("--device", default=DEFAULT_DEVICE, help="auto | cpu | cuda (default %(default)s)")
    parser.add_argument("--steps", type=int, default=CONFIG["training"]["steps"], help="training steps (default %(default)s)")
    parser.add_argument("--seed", type=int, default=CONFIG["seed"], help="seed of the weights and batches (default %(default)s)")
    parser.add_argument("--eval-every", type=int, default=CONFIG["training"]["evalEvery"],
                        help="evaluate on the held-out data every N steps, 0 = only at the end (default %(default)s)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads per process (default: torch's choice)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args()
    if args.steps < 1:
        raise ExportError("--steps must be at least 1")
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    env = Dist(args.device)
    device = env.device
    say = (lambda line: None) if (args.quiet or not env.main) else log

    manifest, arrays = load_data(args.data)
    data = {}
    if DATASET["kind"] == "pairs":
        train_a, train_b = arrays["trainA"], arrays["trainB"]
        train_targets = torch.from_numpy(arrays["trainTargets"].astype(np.float32)).to(device)
        data["test_a"], data["test_b"] = to_tensor(arrays["testA"], device), to_tensor(arrays["testB"], device)
        data["test_targets"] = arrays["testTargets"].astype(np.float64)
        input_shape = list(train_a.shape[1:])
        train_a, train_b = to_tensor(train_a, device), to_tensor(train_b, device)
        train_count = train_a.shape[0]
    else:
        train_x, train_labels = arrays["trainFeatures"], arrays["trainLabels"].astype(np.int64)
        test_x = arrays["testFeatures"]
        data["test_labels"] = arrays["testLabels"].astype(np.int64)
        if SPLIT:
            train_a, train_b = split_halves(train_x)
            test_a, test_b = split_halves(test_x)
            input_shape = list(train_a.shape[1:])
            train_a, train_b = to_tensor(train_a, device), to_tensor(train_b, device)
            data["test_a"], data["test_b"] = to_tensor(test_a, device), to_tensor(test_b, device)
        else:
            input_shape = list(train_x.shape[1:])
            train_a, train_b = to_tensor(train_x, device), None
            data["test_x"] = to_tensor(test_x, device)
        train_count = train_a.shape[0]

    # Same weights on every rank (DistributedDataParallel also broadcasts rank 0's); then each rank its own stream.
    torch.manual_seed(args.seed)
    module = Twin(input_shape).to(device)
    torch.manual_seed(args.seed * 1000 + 7919 * (env.rank + 1))
    model = module
    if env.enabled:
        model = nn.parallel.DistributedDataParallel(module, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = make_optimizer(model.parameters())
    rng = np.random.default_rng([args.seed, env.rank])

    num_classes = DATASET["numClasses"]
    P, K = B["classesPerBatch"], B["size"] // max(B["classesPerBatch"], 1)
    if DATASET["kind"] == "pairs":
        sampler = IndexSampler(train_count, B["size"], rng, distinct=False)
    elif SPLIT:
        sampler = IndexSampler(train_count, B["size"], rng, distinct=True)
    elif B["mode"] == "pk":
        sampler = PKSampler(train_labels, num_classes, P, K, rng)
    elif OFFLINE_POOL:
        sampler = PoolSampler(B["size"], rng)
    elif B["mode"] == "pairs":
        sampler = PairSampler(train_labels, num_classes, B["size"], B["positiveFraction"], rng)
    else:
        sampler = TripletSampler(train_labels, num_classes, B["size"], rng)
    train_labels_t = torch.from_numpy(train_labels).to(device) if DATASET["kind"] == "labelled" else None

    def embed_pool(pool_rng):
        idx = np.sort(pool_rng.choice(train_count, min(POOL_SIZE, train_count), replace=False))
        return idx, embed_all(module, train_a[torch.from_numpy(idx).to(device)])

    whitening = None

    def refresh_whitening(step):
        _, e = embed_pool(np.random.default_rng([args.seed, step, 0x3A4A]))
        w = whitening_matrix(e, O["mahalanobisRegularization"]).to(device)
        return env.broadcast(w)

    offline_epoch = [None]

    def refresh_offline_pool(step):
        epoch = sampler.epoch
        if offline_epoch[0] == epoch:
            return
        pool_rng = np.random.default_rng([args.seed, env.rank, step, 0x0FF])
        idx, e = embed_pool(pool_rng)
        with torch.no_grad():
            D = pairwise(e, e, whitening).cpu().numpy()
        labels = train_labels[idx]
        count = max(B["size"] * 8, len(idx))
        if B["mode"] == "triplets":
            a, p, n = offline_triplets(D, labels, count, pool_rng)
            sampler.set_pool(idx[a], idx[p], idx[n])
        else:
            a, b, s = offline_pairs(D, labels, count, pool_rng)
            sampler.set_pool(idx[a], idx[b], s)
        offline_epoch[0] = sampler.epoch

    if O["distance"] == "mahalanobis":
        whitening = refresh_whitening(0)
    say("training %s on %s with PyTorch %s (%s, %d process%s): %s loss, %s miner, %s distance, %d steps"
        % (M["tower"], manifest["name"], torch.__version__, device, env.world, "" if env.world == 1 else "es",
           O["loss"], MINER, O["distance"], args.steps))

    eye_cache = {}

    def masks_for(labels_t, n, split):
        key = (n, split)
        if key not in eye_cache:
            eye_cache[key] = torch.eye(n, device=device)
        eye = eye_cache[key]
        if split:
            return eye, 1 - eye, torch.ones_like(eye)
        same = (labels_t[:, None] == labels_t[None, :]).float()
        return same * (1 - eye), 1 - same, 1 - eye

    def next_loss():
        if DATASET["kind"] == "pairs":
            idx = torch.from_numpy(sampler.next()).to(device)
            similar = train_targets[idx]
            return explicit_pair_loss(model, train_a[idx], train_b[idx], similar, whitening)
        if SPLIT:
            idx = torch.from_numpy(sampler.next()).to(device)
            n = idx.shape[0]
            pos, neg, valid = masks_for(None, n, True)
            return batch_loss(model, torch.cat([train_a[idx], train_b[idx]], 0), n, pos, neg, valid, whitening, True)
        if B["mode"] == "pk":
            idx = torch.from_numpy(sampler.next()).to(device)
            pos, neg, valid = masks_for(train_labels_t[idx], idx.shape[0], False)
            return batch_loss(model, train_a[idx], idx.shape[0], pos, neg, valid, whitening, False)
        batch = [torch.from_numpy(v).to(device) for v in sampler.next()]
        if B["mode"] == "pairs":
            a, b, similar = batch
            return explicit_pair_loss(model, train_a[a], train_a[b], similar.float(), whitening)
        a, p, n = batch
        return explicit_triplet_loss(model, train_a[a], train_a[p], train_a[n], whitening)

    model.train()
    steps_done = 0
    final_loss = float("nan")
    stopped = None
    train_seconds = 0.0
    loss_sum, loss_count = 0.0, 0
    for step in range(1, args.steps + 1):
        if OFFLINE_POOL:
            refresh_offline_pool(step - 1)
        if O["distance"] == "mahalanobis" and step > 1 and (step - 1) % MAHALANOBIS_REFRESH == 0:
            whitening = refresh_whitening(step - 1)
        t0 = time.perf_counter()
        loss = next_loss()
        value = float(loss.detach())
        if env.any_true(not math.isfinite(value)):
            stopped = ("the loss became %s at step %d, so training stopped before the weights were changed; lower the "
                       "learning rate (now %g) or turn on L2 normalisation"
                       % (value, step, CONFIG["optimizer"]["learningRate"]))
            final_loss = value
            break
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        train_seconds += time.perf_counter() - t0
        steps_done = step
        final_loss = value
        loss_sum += value
        loss_count += 1
        if args.eval_every > 0 and step % args.eval_every == 0 and step != args.steps:
            line = "step %d epoch %d loss %.4f" % (step, sampler.epoch, loss_sum / loss_count)
            if env.main:
                metrics, pairs = evaluate(module, data, whitening, args.seed)
                if metrics:
                    line += " P@1 %.3f MAP@R %.3f" % (metrics["precisionAt1"], metrics["mapAtR"])
                if pairs:
                    line += " AUC %.3f" % pairs["auc"]
            say(line + " (%.1f steps/s)" % (step / max(train_seconds, 1e-9)))
            loss_sum, loss_count = 0.0, 0

    env.barrier()
    if stopped:
        say("stopped: " + stopped)
    if env.main:
        metrics, pairs = evaluate(module, data, whitening, args.seed)
        summary = {
            "steps": steps_done,
            "backend": "pytorch",
            "device": str(device.type),
            "worldSize": env.world,
            "torch": torch.__version__,
            "stepsPerSecond": steps_done / train_seconds if train_seconds > 0 else 0.0,
            "finalLoss": final_loss,
            "metrics": metrics,
            "pairMetrics": pairs,
            "dataset": manifest["name"],
            "seed": args.seed,
        }
        if stopped:
            summary["stopped"] = stopped
        print(json.dumps(finite_or_null(summary)), flush=True)
    env.barrier()
    env.close()
    return 1 if stopped else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ExportError as error:
        print("error: %s" % error, file=sys.stderr)
        sys.exit(2)
