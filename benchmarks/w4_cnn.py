"""W4: a small CNN, conv(1,8,3,p1)-relu-maxpool2-conv(8,16,3,p1)-relu-maxpool2-linear(784,10),
cross-entropy, SGD (lr 0.05), batch 64 of 28x28.

One step = forward, loss, zero_grad, backward, update, on the next of a fixed cycle of
batches. ember and torch run the same program, written with `nn` modules, `F.cross_entropy`
and `optim.SGD` (a user ports it by changing the import). The NumPy floor is the same network
with forward and backward written out by hand: im2col via `sliding_window_view` and one GEMM
per convolution, col2im by nine strided adds, 2x2 max pooling by strided maxima and an
equality mask, the fused softmax-cross-entropy gradient. The first convolution's input
gradient is skipped, as autograd skips it (the images do not require grad).

Data: images drawn from N(0, 1), labels from a fixed random linear teacher, so the loss falls
as on a real task. All three start from the same weights (torch's default initialisation
bounds, U(-1/sqrt(fan_in), 1/sqrt(fan_in))) and see the same batches, in float32; their loss
curves must agree (see FIRST_TOLERANCE and TOLERANCE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from harness import Impl, Measurement, Workload, goal_line, loss_summary, relative_diff

BATCH = 64
BATCHES = 8
LR = 0.05
# Losses must agree to 1e-5 relative over the first pass through the batches (float32 sums in
# different orders), and to 1e-3 over the whole run: those differences compound through SGD
# (torch's convolution kernels sum in yet another order and drift furthest, ~1e-4 by step 40).
FIRST_TOLERANCE = 1e-5
TOLERANCE = 1e-3
FLOOR_GOAL = 1.0  # ember at or below the NumPy floor's time per step
TORCH_GOAL = 2.0  # and within this factor of torch's
SEED = 0
# state_dict key -> shape, in torch's names for the Sequential below
SHAPES = {
    "0.weight": (8, 1, 3, 3), "0.bias": (8,), "3.weight": (16, 8, 3, 3), "3.bias": (16,),
    "7.weight": (10, 784), "7.bias": (10,),
}


@dataclass(frozen=True)
class Inputs:
    """The batches (x float32 [B, 1, 28, 28], y int64 [B]) and the initial state_dict."""

    xs: list[np.ndarray]
    ys: list[np.ndarray]
    state: dict[str, np.ndarray]


def make_inputs(quick: bool) -> Inputs:
    rng = np.random.default_rng(SEED)
    teacher = rng.standard_normal((784, 10)).astype(np.float32)
    xs = [rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32) for _ in range(BATCHES)]
    ys = [np.argmax(x.reshape(BATCH, -1) @ teacher, axis=1).astype(np.int64) for x in xs]
    state = {}
    for key, shape in SHAPES.items():
        weight = SHAPES[key.replace("bias", "weight")]
        bound = 1.0 / np.sqrt(np.prod(weight[1:]))
        state[key] = rng.uniform(-bound, bound, shape).astype(np.float32)
    return Inputs(xs, ys, state)


class TensorCNN:
    """A torch-shaped library (torch or ember): nn.Sequential, F.cross_entropy, optim.SGD."""

    def __init__(self, inputs: Inputs, lib: Any) -> None:
        nn = lib.nn
        self.model = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(784, 10),
        )
        self.model.load_state_dict({k: lib.tensor(v) for k, v in inputs.state.items()})
        self.optimizer = lib.optim.SGD(self.model.parameters(), lr=LR)
        self.cross_entropy = nn.functional.cross_entropy
        self.xs = [lib.tensor(x) for x in inputs.xs]
        self.ys = [lib.tensor(y) for y in inputs.ys]
        self.k = 0
        self.losses: list[float] = []

    def step(self) -> None:
        x, y = self.xs[self.k % BATCHES], self.ys[self.k % BATCHES]
        loss = self.cross_entropy(self.model(x), y)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.losses.append(loss.item())
        self.k += 1

    def result(self) -> list[float]:
        return self.losses


def _conv3x3(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """3x3 convolution, padding 1: y = W cols + b with cols the (C*9, N*H*W) windows."""
    n, c, h, wd = x.shape
    windows = sliding_window_view(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (3, 3), axis=(2, 3))
    cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(c * 9, n * h * wd)
    y = (w.reshape(w.shape[0], -1) @ cols).reshape(-1, n, h, wd).transpose(1, 0, 2, 3)
    return y + b[:, None, None], cols


def _conv3x3_backward(dy: np.ndarray, cols: np.ndarray, w: np.ndarray, need_dx: bool) -> tuple:
    """dW = dY cols^T, db = dY summed, dx = col2im(W^T dY) by nine strided adds."""
    n, o, h, wd = dy.shape
    dy_mat = dy.transpose(1, 0, 2, 3).reshape(o, -1)
    dw = (dy_mat @ cols.T).reshape(w.shape)
    db = dy_mat.sum(axis=1)
    if not need_dx:
        return None, dw, db
    c = w.shape[1]
    dcols = (w.reshape(o, -1).T @ dy_mat).reshape(c, 3, 3, n, h, wd)
    dxp = np.zeros((c, n, h + 2, wd + 2), dtype=dy.dtype)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + h, j:j + wd] += dcols[:, i, j]
    return dxp[:, :, 1:-1, 1:-1].transpose(1, 0, 2, 3), dw, db


def _maxpool2(x: np.ndarray) -> np.ndarray:
    top = np.maximum(x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2])
    return np.maximum(top, np.maximum(x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2]))


def _maxpool2_backward(dy: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dy to the position of each window's maximum (an equality mask; ties happen only among
    zeros after ReLU, whose gradient ReLU discards anyway)."""
    dx = np.zeros_like(x)
    for i in range(2):
        for j in range(2):
            dx[:, :, i::2, j::2] = dy * (x[:, :, i::2, j::2] == y)
    return dx


class NumpyCNN:
    """The floor: forward and backward by hand, updates in place."""

    def __init__(self, inputs: Inputs) -> None:
        self.xs, self.ys = inputs.xs, inputs.ys
        self.params = {k: v.copy() for k, v in inputs.state.items()}
        self.k = 0
        self.losses: list[float] = []

    def step(self) -> None:
        x, y = self.xs[self.k % BATCHES], self.ys[self.k % BATCHES]
        p = self.params
        n = x.shape[0]
        z1, cols1 = _conv3x3(x, p["0.weight"], p["0.bias"])
        a1 = np.maximum(z1, 0)
        m1 = _maxpool2(a1)
        z2, cols2 = _conv3x3(m1, p["3.weight"], p["3.bias"])
        a2 = np.maximum(z2, 0)
        m2 = _maxpool2(a2)
        flat = m2.reshape(n, -1)
        logits = flat @ p["7.weight"].T + p["7.bias"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))
        dlogits = e / total  # (softmax - onehot) / n
        dlogits[rows, y] -= 1
        dlogits /= n
        grads = {"7.weight": dlogits.T @ flat, "7.bias": dlogits.sum(axis=0)}
        dm2 = (dlogits @ p["7.weight"]).reshape(m2.shape)
        dz2 = _maxpool2_backward(dm2, a2, m2) * (z2 > 0)
        dm1, grads["3.weight"], grads["3.bias"] = _conv3x3_backward(dz2, cols2, p["3.weight"], True)
        dz1 = _maxpool2_backward(dm1, a1, m1) * (z1 > 0)
        _, grads["0.weight"], grads["0.bias"] = _conv3x3_backward(dz1, cols1, p["0.weight"], False)
        for key, g in grads.items():
            p[key] -= LR * g
        self.losses.append(loss)
        self.k += 1

    def result(self) -> list[float]:
        return self.losses


def ember_cnn(inputs: Inputs) -> TensorCNN:
    import ember

    return TensorCNN(inputs, ember)


def torch_cnn(inputs: Inputs) -> TensorCNN:
    import torch

    return TensorCNN(inputs, torch)


def agree(ref: list[float], out: list[float]) -> str:
    n = min(len(ref), len(out))
    diffs = [relative_diff(a, b) for a, b in zip(ref[:n], out[:n])]
    first, worst = max(diffs[:BATCHES]), max(diffs)
    verdict = "yes" if first <= FIRST_TOLERANCE and worst <= TOLERANCE else "NO"
    return f"{verdict} (loss max rel diff {first:.1e} over the first {min(n, BATCHES)} steps, {worst:.1e} over {n})"


def goals(ms: dict[str, Measurement]) -> list[str]:
    ember, floor, torch = ms["ember"].median, ms["NumPy floor"].median, ms["torch"].median
    lines = []
    if ember is not None and floor is not None:
        lines.append(goal_line("ember at or below the NumPy floor", ember / floor, FLOOR_GOAL))
    if ember is not None and torch is not None:
        lines.append(goal_line(f"ember within {TORCH_GOAL:g}x of torch", ember / torch, TORCH_GOAL))
    return lines + loss_summary(ms)


WORKLOAD = Workload(
    key="W4",
    title="CNN on 28x28, batch 64",
    description=(
        "conv(1,8,3,p1)-ReLU-maxpool2-conv(8,16,3,p1)-ReLU-maxpool2-linear(784,10), cross-entropy, SGD "
        "lr 0.05, batch 64 of 28x28, float32; one step = forward, loss, zero_grad, backward, update. ember "
        "and torch run the same nn/optim code; the NumPy floor has forward and backward written by hand "
        "(im2col + one GEMM per convolution, col2im by strided adds). Same initial weights and batches for all."
    ),
    unit="ms/step",
    seconds_per_unit=1e-3,
    reference="NumPy floor",
    inputs=make_inputs,
    impls=[
        Impl("NumPy floor", NumpyCNN, steps=40, quick_steps=4),
        Impl("torch", torch_cnn, steps=40, quick_steps=4),
        Impl("ember", ember_cnn, steps=40, quick_steps=4),
    ],
    agree=agree,
    goals=goals,
)
