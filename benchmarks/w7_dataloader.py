"""W7: one epoch of a DataLoader over a 60,000 x 784 float32 TensorDataset (MNIST's size) in
shuffled batches of 128, each batch summed so that every sample is read.

ember's and torch's DataLoaders run the same user code: `TensorDataset(x, y)`,
`DataLoader(ds, batch_size=128, shuffle=True)`. The NumPy floor is what that loop reduces to
when written by hand: a permutation, then one fancy-indexed slice of x and y per batch. The two
libraries shuffle with different generators, so the batches differ; the check is the sum over
the epoch of every batch's float64 sum, which any order reaches (to rounding).

Worker processes (num_workers > 0) and a Dataset whose `__getitem__` does real work are the
other half of this workload: W7B, in w7_workers.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from harness import Impl, Measurement, Workload, relative_diff

ROWS, FEATURES, BATCH = 60_000, 784, 128
QUICK_ROWS = 6_000
TOLERANCE = 1e-9
GOAL = 1.0  # ember's epoch no slower than torch's
SEED = 0


@dataclass(frozen=True)
class Inputs:
    x: np.ndarray
    y: np.ndarray


def make_inputs(quick: bool) -> Inputs:
    rng = np.random.default_rng(SEED)
    rows = QUICK_ROWS if quick else ROWS
    return Inputs(rng.random((rows, FEATURES), dtype=np.float32), rng.integers(0, 10, rows))


class LoaderEpoch:
    """torch or ember: the DataLoader loop a training script writes, every (x, y) batch summed
    (W7B runs it too)."""

    def __init__(self, loader: Any, lib: Any) -> None:
        self.loader = loader
        self.float64 = lib.float64
        self.total = 0.0

    def step(self) -> None:
        total = 0.0
        for xb, yb in self.loader:
            total += float(xb.sum(dtype=self.float64)) + float(yb.sum())
        self.total = total

    def result(self) -> float:
        return self.total


class NumpyEpoch:
    """The floor: a permutation and one fancy-indexed batch at a time."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.rng = np.random.default_rng(SEED)
        self.total = 0.0

    def step(self) -> None:
        x, y = self.inputs.x, self.inputs.y
        order = self.rng.permutation(len(x))
        total = 0.0
        for start in range(0, len(x), BATCH):
            idx = order[start:start + BATCH]
            total += float(x[idx].sum(dtype=np.float64)) + float(y[idx].sum())
        self.total = total

    def result(self) -> float:
        return self.total


def _tensor_epoch(inputs: Inputs, lib: Any) -> LoaderEpoch:
    from_numpy = lib.from_numpy if hasattr(lib, "from_numpy") else lib.as_tensor
    dataset = lib.utils.data.TensorDataset(from_numpy(inputs.x), from_numpy(inputs.y))
    return LoaderEpoch(lib.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=True), lib)


def ember_epoch(inputs: Inputs) -> LoaderEpoch:
    import ember
    import ember.utils.data  # noqa: F401  (the subpackage, as a training script imports it)

    return _tensor_epoch(inputs, ember)


def torch_epoch(inputs: Inputs) -> LoaderEpoch:
    import torch
    import torch.utils.data  # noqa: F401

    return _tensor_epoch(inputs, torch)


def agree(ref: float, out: float) -> str:
    diff = relative_diff(ref, out)
    verdict = "yes" if diff <= TOLERANCE else "NO"
    return f"{verdict} (rel diff {diff:.1e} in the epoch's sum over every sample)"


def goals(ms: dict[str, Measurement]) -> list[str]:
    ember, torch, floor = ms["ember"].median, ms["torch"].median, ms["NumPy floor"].median
    lines = []
    if ember is not None and torch is not None:
        ratio = ember / torch
        lines.append(f"ember no slower than torch's DataLoader: {ratio:.2f}x torch's time, {'met' if ratio <= GOAL else 'NOT met'}")
    if ember is not None and floor is not None:
        lines.append(f"ember: {ember / floor:.1f}x the NumPy floor")
    return lines


WORKLOAD = Workload(
    key="W7",
    title="DataLoader epoch, 60,000 x 784 float32, shuffled batches of 128",
    description=(
        "One epoch of `DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True)`, each batch "
        "summed; the NumPy floor permutes and fancy-indexes by hand. Single process (W7B has the "
        "workers)."
    ),
    unit="ms/epoch",
    seconds_per_unit=1e-3,
    reference="NumPy floor",
    inputs=make_inputs,
    impls=[
        Impl("NumPy floor", NumpyEpoch, steps=5, quick_steps=2),
        Impl("torch", torch_epoch, steps=5, quick_steps=2),
        Impl("ember", ember_epoch, steps=5, quick_steps=2),
    ],
    agree=agree,
    goals=goals,
)
