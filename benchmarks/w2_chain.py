"""W2: a chain of 100,000 alternating `+` and `*` on one scalar, then backward.

    x = x0;  repeat: x = x + a;  x = x * m1;  x = x + a;  x = x * m2

with leaves x0 = 0.5, a = 0.25, m1 = 2, m2 = 0.5 (m1 m2 = 1 exactly, so x grows only linearly
and every gradient stays finite and far from 0). One step builds the chain and backpropagates;
the check compares d x / d(x0, a, m1, m2) with torch's to 1e-9 relative.

Rows: ember's Value; torch on 0-d float64 tensors; ember's Tensor on 0-d float64 tensors,
through the same code as torch's row; micrograd 0.1.0, whose recursive topological sort raises
RecursionError on a graph this deep (recorded as its result).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness import Impl, Measurement, Workload, relative_diff

OPS = 100_000
QUICK_OPS = 10_000
LEAVES = {"x0": 0.5, "a": 0.25, "m1": 2.0, "m2": 0.5}
TOLERANCE = 1e-9
TENSOR_GOAL = 1.5  # ember's Tensor within this factor of torch's time


@dataclass(frozen=True)
class Inputs:
    ops: int


def make_inputs(quick: bool) -> Inputs:
    return Inputs(QUICK_OPS if quick else OPS)


def _chain(x: Any, a: Any, m1: Any, m2: Any, ops: int) -> Any:
    """`ops` alternating additions and multiplications, starting from x."""
    for _ in range(ops // 4):
        x = (x + a) * m1
        x = (x + a) * m2
    return x


class ValueChain:
    """Any micrograd-shaped scalar: `Value(float)`, `.backward()`, `.grad`, `.data`."""

    def __init__(self, inputs: Inputs, value_class: type) -> None:
        self.ops = inputs.ops
        self.value_class = value_class
        self.grads: dict[str, float] = {}

    def step(self) -> None:
        leaves = {k: self.value_class(v) for k, v in LEAVES.items()}
        y = _chain(*leaves.values(), self.ops)
        y.backward()
        self.grads = {k: v.grad for k, v in leaves.items()} | {"y": y.data}

    def result(self) -> dict[str, float]:
        return self.grads


class TensorChain:
    """A torch-shaped tensor library (torch or ember) on 0-d float64 tensors."""

    def __init__(self, inputs: Inputs, lib: Any) -> None:
        self.ops = inputs.ops
        self.lib = lib
        self.grads: dict[str, float] = {}

    def step(self) -> None:
        lib = self.lib
        leaves = {k: lib.tensor(v, dtype=lib.float64, requires_grad=True) for k, v in LEAVES.items()}
        y = _chain(*leaves.values(), self.ops)
        y.backward()
        self.grads = {k: v.grad.item() for k, v in leaves.items()} | {"y": y.item()}

    def result(self) -> dict[str, float]:
        return self.grads


def ember_value(inputs: Inputs) -> ValueChain:
    from ember import Value

    return ValueChain(inputs, Value)


def micrograd_value(inputs: Inputs) -> ValueChain:
    from micrograd.engine import Value

    return ValueChain(inputs, Value)


def torch_tensor(inputs: Inputs) -> TensorChain:
    import torch

    return TensorChain(inputs, torch)


def ember_tensor(inputs: Inputs) -> TensorChain:
    import ember

    return TensorChain(inputs, ember)


def agree(ref: dict[str, float], out: dict[str, float]) -> str:
    worst = max(relative_diff(ref[k], out[k]) for k in ref)
    verdict = "yes" if worst <= TOLERANCE else "NO"
    return f"{verdict} (max rel diff {worst:.1e} over y, dy/dx0, dy/da, dy/dm1, dy/dm2)"


def goals(ms: dict[str, Measurement]) -> list[str]:
    ember, torch = ms["ember Value"], ms["torch 0-d float64"]
    lines = [f"ember Value finishes the chain without RecursionError: {'met' if ember.error is None else 'NOT met'}"]
    if ember.median is not None and torch.median is not None:
        speedup = torch.median / ember.median
        lines.append(f"ember Value faster than torch: {speedup:.1f}x, {'met' if speedup > 1 else 'NOT met'}")
    tensor = ms["ember Tensor 0-d float64"]
    if tensor.median is not None and torch.median is not None:
        ratio = tensor.median / torch.median
        met = "met" if ratio <= TENSOR_GOAL else "NOT met"
        lines.append(f"ember Tensor within {TENSOR_GOAL:g}x of torch: {ratio:.2f}x, {met}")
    return lines


WORKLOAD = Workload(
    key="W2",
    title="scalar chain of 100,000 ops",
    description=(
        "100,000 alternating + and * on one scalar (x = (x + a) * m, m alternating 2 and 0.5), "
        "then backward; one step = build the chain and backpropagate to the 4 leaves."
    ),
    unit="ms/step",
    seconds_per_unit=1e-3,
    reference="torch 0-d float64",
    inputs=make_inputs,
    impls=[
        Impl("torch 0-d float64", torch_tensor, steps=7, quick_steps=2),
        Impl("ember Value", ember_value, steps=10, quick_steps=2),
        Impl("ember Tensor 0-d float64", ember_tensor, steps=7, quick_steps=2),
        Impl("micrograd 0.1.0", micrograd_value, steps=1, quick_steps=1),
    ],
    agree=agree,
    goals=goals,
)
