"""W6: an LSTM (1 layer, input 64, hidden 128) over 35 steps of a batch of 20, MSE on all outputs,
SGD lr 1.

One step = forward over the sequence, loss, backpropagation through time, update, on the next of
a fixed cycle of batches. ember and torch run the same user code: `nn.LSTM`, `F.mse_loss`,
`optim.SGD`. The NumPy floor is the same network with forward and BPTT written by hand, the way
one would write them for speed: x W_ih^T + b for all 35 steps in one GEMM, gate activations into
preallocated buffers, the gate gradients of all steps collected so that dW_ih, dW_hh and db are
one GEMM (one sum) each at the end.

Data: inputs from N(0, 1), targets 0.5 tanh(x_t A) for a fixed random teacher A, so the loss
falls as on a real task. All three start from the same weights
(torch's LSTM initialisation, U(-1/sqrt(128), 1/sqrt(128))) and see the same batches, in
float32; their loss curves must agree to 1e-4 relative.

Where ember's extra time goes (thread CPU time, 2-core machine): the forward costs what the
floor's does; backward costs ~45% more. About 2 ms of that is W_hh's gradient: one fused node per
step returns dG_t^T h_{t-1}, a (4H, H) product per step that the engine then adds into the sum,
where the floor makes one GEMM over all steps; the rest is ~20 us of graph bookkeeping per node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from harness import Impl, Measurement, Workload, curve_agreement, floor_goals

SEQ, BATCH, INPUT, HIDDEN = 35, 20, 64, 128
BATCHES = 8
LR = 1.0
TOLERANCE = 1e-4
GOAL = 1.2  # ember's time per step within this factor of the NumPy floor's
SEED = 0


@dataclass(frozen=True)
class Inputs:
    """The batches (x [T, B, 64], y [T, B, 128], float32) and the initial LSTM weights by
    torch's state_dict names."""

    xs: list[np.ndarray]
    ys: list[np.ndarray]
    weights: dict[str, np.ndarray]


def make_inputs(quick: bool) -> Inputs:
    rng = np.random.default_rng(SEED)
    xs = [rng.standard_normal((SEQ, BATCH, INPUT)).astype(np.float32) for _ in range(BATCHES)]
    teacher = rng.standard_normal((INPUT, HIDDEN)) / np.sqrt(INPUT)
    ys = [(0.5 * np.tanh(x @ teacher)).astype(np.float32) for x in xs]
    bound = 1.0 / np.sqrt(HIDDEN)
    shapes = {
        "weight_ih_l0": (4 * HIDDEN, INPUT), "weight_hh_l0": (4 * HIDDEN, HIDDEN),
        "bias_ih_l0": (4 * HIDDEN,), "bias_hh_l0": (4 * HIDDEN,),
    }
    weights = {name: rng.uniform(-bound, bound, shape).astype(np.float32) for name, shape in shapes.items()}
    return Inputs(xs, ys, weights)


class TensorLSTM:
    """A torch-shaped library (torch or ember): nn.LSTM, F.mse_loss, optim.SGD."""

    def __init__(self, inputs: Inputs, lib: Any) -> None:
        self.lib = lib
        self.model = lib.nn.LSTM(INPUT, HIDDEN)
        self.model.load_state_dict({k: lib.tensor(v) for k, v in inputs.weights.items()})
        self.opt = lib.optim.SGD(self.model.parameters(), lr=LR)
        self.xs = [lib.tensor(x) for x in inputs.xs]
        self.ys = [lib.tensor(y) for y in inputs.ys]
        self.k = 0
        self.losses: list[float] = []

    def step(self) -> None:
        x, y = self.xs[self.k % BATCHES], self.ys[self.k % BATCHES]
        out, _ = self.model(x)
        loss = self.lib.nn.functional.mse_loss(out, y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        self.losses.append(loss.item())
        self.k += 1

    def result(self) -> list[float]:
        return self.losses


def _sigmoid_(v: np.ndarray) -> None:
    np.negative(v, out=v)
    np.exp(v, out=v)
    v += 1
    np.reciprocal(v, out=v)


class NumpyLSTM:
    """The floor: forward and BPTT by hand, updates in place."""

    def __init__(self, inputs: Inputs) -> None:
        self.xs, self.ys = inputs.xs, inputs.ys
        w = inputs.weights
        self.w_ih, self.w_hh = w["weight_ih_l0"].copy(), w["weight_hh_l0"].copy()
        self.b_ih, self.b_hh = w["bias_ih_l0"].copy(), w["bias_hh_l0"].copy()
        h4 = 4 * HIDDEN
        # (1 - a)(a + m) is a(1 - a) on the sigmoid gates, 1 - g^2 on the tanh gate g
        self.mask = np.zeros(h4, np.float32)
        self.mask[2 * HIDDEN:3 * HIDDEN] = 1
        self.hs = np.zeros((SEQ + 1, BATCH, HIDDEN), np.float32)
        self.cs = np.zeros((SEQ + 1, BATCH, HIDDEN), np.float32)
        self.tcs = np.empty((SEQ, BATCH, HIDDEN), np.float32)
        self.acts = np.empty((SEQ, BATCH, h4), np.float32)
        self.dgates = np.empty((SEQ, BATCH, h4), np.float32)
        self.k = 0
        self.losses: list[float] = []

    def step(self) -> None:
        x, y = self.xs[self.k % BATCHES], self.ys[self.k % BATCHES]
        n = HIDDEN
        hs, cs, tcs, acts, dgates = self.hs, self.cs, self.tcs, self.acts, self.dgates
        x2 = x.reshape(SEQ * BATCH, INPUT)
        projected = (x2 @ self.w_ih.T + (self.b_ih + self.b_hh)).reshape(SEQ, BATCH, 4 * n)
        w_hh_t = self.w_hh.T
        with np.errstate(over="ignore"):
            for t in range(SEQ):
                a = acts[t]
                np.matmul(hs[t], w_hh_t, out=a)
                a += projected[t]
                _sigmoid_(a[:, :2 * n])
                _sigmoid_(a[:, 3 * n:])
                np.tanh(a[:, 2 * n:3 * n], out=a[:, 2 * n:3 * n])
                c = cs[t + 1]
                np.multiply(a[:, n:2 * n], cs[t], out=c)
                c += a[:, :n] * a[:, 2 * n:3 * n]
                np.tanh(c, out=tcs[t])
                np.multiply(a[:, 3 * n:], tcs[t], out=hs[t + 1])
        diff = hs[1:] - y
        loss = float(np.mean(diff * diff))
        dout = diff * np.float32(2 / diff.size)
        dh = np.zeros((BATCH, n), np.float32)
        dc = np.zeros((BATCH, n), np.float32)
        for t in range(SEQ - 1, -1, -1):
            a, tc, d = acts[t], tcs[t], dgates[t]
            dh += dout[t]
            dc += dh * a[:, 3 * n:] * (1 - tc * tc)
            np.multiply(dc, a[:, 2 * n:3 * n], out=d[:, :n])
            np.multiply(dc, cs[t], out=d[:, n:2 * n])
            np.multiply(dc, a[:, :n], out=d[:, 2 * n:3 * n])
            np.multiply(dh, tc, out=d[:, 3 * n:])
            d *= (1 - a) * (a + self.mask)
            dh = d @ self.w_hh
            dc *= a[:, n:2 * n]
        flat = dgates.reshape(SEQ * BATCH, 4 * n)
        db = flat.sum(0)
        self.w_ih -= LR * (flat.T @ x2)
        self.w_hh -= LR * (flat.T @ hs[:-1].reshape(SEQ * BATCH, n))
        self.b_ih -= LR * db
        self.b_hh -= LR * db
        self.losses.append(loss)
        self.k += 1

    def result(self) -> list[float]:
        return self.losses


def ember_lstm(inputs: Inputs) -> TensorLSTM:
    import ember
    import ember.nn.functional  # noqa: F401  (reached as ember.nn.functional below)
    import ember.optim  # noqa: F401

    return TensorLSTM(inputs, ember)


def torch_lstm(inputs: Inputs) -> TensorLSTM:
    import torch

    return TensorLSTM(inputs, torch)


def agree(ref: list[float], out: list[float]) -> str:
    return curve_agreement(ref, out, TOLERANCE)


def goals(ms: dict[str, Measurement]) -> list[str]:
    return floor_goals(ms, GOAL)


WORKLOAD = Workload(
    key="W6",
    title="LSTM 64-128, seq 35, batch 20",
    description=(
        "LSTM, 1 layer, input 64, hidden 128, seq 35, batch 20, MSE on all outputs, SGD lr 1, float32; "
        "one step = forward over the sequence, loss, backpropagation through time, update. ember and "
        "torch run the same code (nn.LSTM, F.mse_loss, optim.SGD); the NumPy floor has forward and "
        "BPTT written by hand. Same initial weights and batches for all."
    ),
    unit="ms/step",
    seconds_per_unit=1e-3,
    reference="NumPy floor",
    inputs=make_inputs,
    impls=[
        Impl("NumPy floor", NumpyLSTM, steps=80, quick_steps=5),
        Impl("torch", torch_lstm, steps=80, quick_steps=5),
        Impl("ember", ember_lstm, steps=80, quick_steps=5),
    ],
    agree=agree,
    goals=goals,
)
