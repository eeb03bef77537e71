"""W5: per-op overhead. `y = (a*b + c).sum(); y.backward()` on 4-element float32 tensors.

With four elements NumPy's arithmetic costs next to nothing, so this measures what a library
adds around it: building the graph, running backward, accumulating into `.grad`. The NumPy
floor does the same work by hand: the forward, then the backward of each op (the gradient of
the sum broadcast as ones, the products, in-place accumulation into three gradient arrays).

One timed step runs the iteration ITERS times (a single iteration is too short to time on its
own); the table reports microseconds per iteration. The gradients accumulate across iterations,
as `.grad` does; the check compares the gradients of one fresh iteration, taken after timing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from harness import Impl, Measurement, Workload, relative_diff

ITERS = 200
GOAL = 3.0  # ember within this factor of the NumPy floor
BARE = "bare Python engine"
PROTOCOL = "Function-protocol engine"
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Inputs:
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray


def make_inputs(quick: bool) -> Inputs:
    return Inputs(
        np.array([1.0, 2.0, 3.0, 4.0], np.float32),
        np.array([0.5, -1.5, 2.5, -3.5], np.float32),
        np.array([0.25, 0.25, -0.75, 1.0], np.float32),
    )


class TensorOverhead:
    """torch or ember: leaves that require grad, the expression, backward."""

    def __init__(self, inputs: Inputs, lib: Any) -> None:
        self.lib = lib
        self.inputs = inputs
        self.a, self.b, self.c = (lib.tensor(x, requires_grad=True) for x in (inputs.a, inputs.b, inputs.c))

    def step(self) -> None:
        a, b, c = self.a, self.b, self.c
        for _ in range(ITERS):
            y = (a * b + c).sum()
            y.backward()

    def result(self) -> list[float]:
        fresh = TensorOverhead(self.inputs, self.lib)
        y = (fresh.a * fresh.b + fresh.c).sum()
        y.backward()
        return [y.item()] + [float(v) for t in (fresh.a, fresh.b, fresh.c) for v in t.grad.tolist()]


class NumpyOverhead:
    """The floor: the same forward and backward written out with NumPy."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.a, self.b, self.c = inputs.a.copy(), inputs.b.copy(), inputs.c.copy()
        self.ga, self.gb, self.gc = (np.zeros(4, np.float32) for _ in range(3))
        self.y = 0.0

    def step(self) -> None:
        a, b, c, ga, gb, gc = self.a, self.b, self.c, self.ga, self.gb, self.gc
        for _ in range(ITERS):
            s = a * b + c
            self.y = s.sum()
            g = np.ones_like(s)  # d y / d s: the sum's gradient, broadcast
            ga += g * b
            gb += g * a
            gc += g

    def result(self) -> list[float]:
        a, b, c = self.inputs.a, self.inputs.b, self.inputs.c
        s = a * b + c
        g = np.ones_like(s)
        return [float(s.sum())] + [float(v) for x in (g * b, g * a, g) for v in x]


def ember_overhead(inputs: Inputs) -> TensorOverhead:
    import ember

    return TensorOverhead(inputs, ember)


def torch_overhead(inputs: Inputs) -> TensorOverhead:
    import torch

    return TensorOverhead(inputs, torch)


def bare_overhead(inputs: Inputs) -> TensorOverhead:
    import w5_bare_engine

    return TensorOverhead(inputs, w5_bare_engine)


def protocol_overhead(inputs: Inputs) -> TensorOverhead:
    import w5_function_engine

    return TensorOverhead(inputs, w5_function_engine)


def agree(ref: list[float], out: list[float]) -> str:
    worst = max(relative_diff(a, b) for a, b in zip(ref, out))
    verdict = "yes" if worst <= TOLERANCE and len(ref) == len(out) else "NO"
    return f"{verdict} (max rel diff {worst:.1e} over y and the 12 gradient entries)"


def goals(ms: dict[str, Measurement]) -> list[str]:
    ember, floor, torch = ms["ember"].median, ms["NumPy floor"].median, ms["torch"].median
    lines = []
    if ember is not None and floor is not None:
        ratio = ember / floor
        lines.append(f"ember within {GOAL:g}x of the NumPy floor: {ratio:.1f}x, {'met' if ratio <= GOAL else 'NOT met'}")
    if torch is not None and floor is not None:
        lines.append(f"torch: {torch / floor:.1f}x the NumPy floor")
    if ember is not None and torch is not None:
        lines.append(f"ember / torch: {ember / torch:.2f}")
    bare = ms[BARE].median
    if bare is not None and floor is not None:
        lines.append(f"{BARE} (w5_bare_engine.py: nodes, a heap and nothing else): {bare / floor:.1f}x the NumPy floor")
    protocol = ms[PROTOCOL].median
    if protocol is not None and floor is not None:
        lines.append(
            f"{PROTOCOL} (w5_function_engine.py: the bare engine with its ops as Functions, "
            f"forward and backward side by side, as ember's are): {protocol / floor:.1f}x the NumPy floor"
        )
    return lines


WORKLOAD = Workload(
    key="W5",
    title="per-op overhead, 4-element tensors",
    description=(
        "`y = (a*b + c).sum(); y.backward()` on 4-element float32 leaves that require grad; "
        f"one timed step = {ITERS} iterations, reported per iteration. The NumPy floor writes the "
        "same forward and backward by hand."
    ),
    unit="us/iter",
    seconds_per_unit=1e-6 * ITERS,
    reference="NumPy floor",
    inputs=make_inputs,
    impls=[
        Impl("NumPy floor", NumpyOverhead, steps=60, quick_steps=3),
        Impl("torch", torch_overhead, steps=60, quick_steps=3),
        Impl("ember", ember_overhead, steps=60, quick_steps=3),
        Impl(BARE, bare_overhead, steps=60, quick_steps=3),
        Impl(PROTOCOL, protocol_overhead, steps=60, quick_steps=3),
    ],
    agree=agree,
    goals=goals,
)
