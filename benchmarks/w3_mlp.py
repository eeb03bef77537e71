"""W3: an MLP 784-256-128-10 with ReLU and cross-entropy, trained by SGD (lr 0.1, batch 128).

One step = forward, loss, backward, update, on the next of a fixed cycle of batches. ember has
no `nn` module yet, so ember and torch run the same raw-tensor program (`x @ W.T + b`,
`log_softmax` + `gather` for the loss, `p -= lr * p.grad` under `no_grad`, `.grad = None`
between steps, as `zero_grad(set_to_none=True)` does). The NumPy floor is the same network with
forward and backward written out by hand: the least work any NumPy library has to do.

Data: MNIST-shaped inputs drawn from N(0, 1), labels from a fixed random linear teacher, so the
loss falls as it would on a real task. All three start from the same weights (torch's
`nn.Linear` initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in))) and see the same batches, in
float32; their loss curves must agree to 1e-3 relative (float32 sums in different orders, and
torch's BLAS is MKL, NumPy's OpenBLAS: over 150 SGD steps the curves drift apart by ~2e-4).
BLAS runs on one thread in each process (see harness.QUIET_THREADS), so the three libraries
get the same resources and do not steal cores from each other between steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from harness import Impl, Measurement, Workload, curve_agreement, floor_goals

SIZES = (784, 256, 128, 10)
BATCH = 128
BATCHES = 16
LR = 0.1
TOLERANCE = 1e-3
GOAL = 1.1  # ember's time per step within this factor of the NumPy floor's
SEED = 0


@dataclass(frozen=True)
class Inputs:
    """The batches (x float32 [B, 784], y int64 [B]) and the initial (W, b) of each layer."""

    xs: list[np.ndarray]
    ys: list[np.ndarray]
    layers: list[tuple[np.ndarray, np.ndarray]]


def make_inputs(quick: bool) -> Inputs:
    rng = np.random.default_rng(SEED)
    teacher = rng.standard_normal((SIZES[0], SIZES[-1])).astype(np.float32)
    xs = [rng.standard_normal((BATCH, SIZES[0])).astype(np.float32) for _ in range(BATCHES)]
    ys = [np.argmax(x @ teacher, axis=1).astype(np.int64) for x in xs]
    layers = []
    for fan_in, fan_out in zip(SIZES, SIZES[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        w = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, fan_out).astype(np.float32)
        layers.append((w, b))
    return Inputs(xs, ys, layers)


class TensorMLP:
    """A torch-shaped tensor library (torch or ember): raw tensors, manual SGD."""

    def __init__(self, inputs: Inputs, lib: Any) -> None:
        self.lib = lib
        self.xs = [lib.tensor(x) for x in inputs.xs]
        self.ys = [lib.tensor(y).reshape(-1, 1) for y in inputs.ys]
        self.params = []
        for w, b in inputs.layers:
            self.params += [lib.tensor(w, requires_grad=True), lib.tensor(b, requires_grad=True)]
        self.k = 0
        self.losses: list[float] = []

    def step(self) -> None:
        lib = self.lib
        x, y = self.xs[self.k % BATCHES], self.ys[self.k % BATCHES]
        w1, b1, w2, b2, w3, b3 = self.params
        h = (x @ w1.T + b1).relu()
        h = (h @ w2.T + b2).relu()
        logits = h @ w3.T + b3
        loss = -logits.log_softmax(1).gather(1, y).mean()
        loss.backward()
        with lib.no_grad():
            for p in self.params:
                p -= LR * p.grad
                p.grad = None
        self.losses.append(loss.item())
        self.k += 1

    def result(self) -> list[float]:
        return self.losses


class NumpyMLP:
    """The floor: forward and backward by hand, updates in place."""

    def __init__(self, inputs: Inputs) -> None:
        self.xs, self.ys = inputs.xs, inputs.ys
        self.params = [a.copy() for layer in inputs.layers for a in layer]
        self.k = 0
        self.losses: list[float] = []

    def step(self) -> None:
        x, y = self.xs[self.k % BATCHES], self.ys[self.k % BATCHES]
        w1, b1, w2, b2, w3, b3 = self.params
        n = x.shape[0]
        h1 = x @ w1.T + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ w2.T + b2
        a2 = np.maximum(h2, 0)
        z = a2 @ w3.T + b3
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        total = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(total[:, 0]) - z[rows, y]))
        dz = e / total  # d loss / d z = (softmax - onehot) / n
        dz[rows, y] -= 1
        dz /= n
        da2 = dz @ w3
        dh2 = da2 * (h2 > 0)
        da1 = dh2 @ w2
        dh1 = da1 * (h1 > 0)
        grads = (dh1.T @ x, dh1.sum(0), dh2.T @ a1, dh2.sum(0), dz.T @ a2, dz.sum(0))
        for p, g in zip(self.params, grads):
            p -= LR * g
        self.losses.append(loss)
        self.k += 1

    def result(self) -> list[float]:
        return self.losses


def ember_mlp(inputs: Inputs) -> TensorMLP:
    import ember

    return TensorMLP(inputs, ember)


def torch_mlp(inputs: Inputs) -> TensorMLP:
    import torch

    return TensorMLP(inputs, torch)


def agree(ref: list[float], out: list[float]) -> str:
    return curve_agreement(ref, out, TOLERANCE)


def goals(ms: dict[str, Measurement]) -> list[str]:
    return floor_goals(ms, GOAL)


WORKLOAD = Workload(
    key="W3",
    title="MLP 784-256-128-10, batch 128",
    description=(
        "MLP 784-256-128-10, ReLU, cross-entropy (log_softmax + gather), SGD lr 0.1, batch 128, "
        "float32; one step = forward, loss, backward, update. ember and torch run the same "
        "raw-tensor code; the NumPy floor has forward and backward written by hand. Same initial "
        "weights and batches for all."
    ),
    unit="ms/step",
    seconds_per_unit=1e-3,
    reference="NumPy floor",
    inputs=make_inputs,
    impls=[
        Impl("NumPy floor", NumpyMLP, steps=150, quick_steps=5),
        Impl("torch", torch_mlp, steps=150, quick_steps=5),
        Impl("ember", ember_mlp, steps=150, quick_steps=5),
    ],
    agree=agree,
    goals=goals,
)
