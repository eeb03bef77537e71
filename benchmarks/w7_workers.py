"""W7B, W7's second half: one epoch of a DataLoader over a Dataset whose `__getitem__` does about
1 ms of NumPy work (a low-pass filter of a 128 x 128 image through a 2-D FFT round trip, then
32 x 32 features), in batches of 32, loaded in the main process (0 workers) and by 2 worker
processes.

ember's and torch's DataLoaders run the same user code and the same Dataset class (it returns
NumPy arrays, which each library's default collate turns into its tensors). An epoch starts
from `iter(loader)`, so with workers it includes starting them (not persistent), as a training
loop's epoch does. The reference is the loop a script writes without a DataLoader: the items
in order, stacked into batches by hand. The check is the sum over the epoch of every batch's
float64 sum, which the libraries reach in the same order (no shuffle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from harness import Impl, Measurement, Workload
from w7_dataloader import LoaderEpoch, agree

ITEMS, BATCH, WORKERS = 512, 32, 2
QUICK_ITEMS = 128
IMAGES, SIZE = 64, 128
GOAL = 1.0  # ember's epoch no slower than torch's, with and without workers
SEED = 0


@dataclass(frozen=True)
class Inputs:
    images: np.ndarray
    items: int


def make_inputs(quick: bool) -> Inputs:
    rng = np.random.default_rng(SEED)
    return Inputs(rng.random((IMAGES, SIZE, SIZE), dtype=np.float32), QUICK_ITEMS if quick else ITEMS)


class FilteredImages:
    """Item i: image i % IMAGES low-pass filtered through rfft2/irfft2, every 4th pixel of each
    4th row, log1p: 1024 float32 features; its label is i % 10."""

    def __init__(self, inputs: Inputs) -> None:
        self.images, self.items = inputs.images, inputs.items

    def __len__(self) -> int:
        return self.items

    def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
        image = self.images[i % len(self.images)]
        spectrum = np.fft.rfft2(image)
        spectrum[SIZE // 4:-SIZE // 4] = 0
        filtered = np.fft.irfft2(spectrum, s=image.shape).astype(np.float32)
        return np.log1p(np.abs(filtered[::4, ::4])).ravel(), i % 10


class NumpyEpoch:
    """The loop without a DataLoader: items in order, stacked by hand."""

    def __init__(self, inputs: Inputs) -> None:
        self.dataset = FilteredImages(inputs)
        self.total = 0.0

    def step(self) -> None:
        total = 0.0
        for start in range(0, len(self.dataset), BATCH):
            samples = [self.dataset[i] for i in range(start, min(start + BATCH, len(self.dataset)))]
            total += float(np.stack([s[0] for s in samples]).sum(dtype=np.float64)) + float(sum(s[1] for s in samples))
        self.total = total

    def result(self) -> float:
        return self.total


def _library(name: str, num_workers: int) -> Callable[[Inputs], LoaderEpoch]:
    """torch's or ember's DataLoader over FilteredImages, one epoch per step."""
    def make(inputs: Inputs) -> LoaderEpoch:
        import importlib

        lib = importlib.import_module(name)
        importlib.import_module(f"{name}.utils.data")  # the subpackage, as a training script imports it
        loader = lib.utils.data.DataLoader(FilteredImages(inputs), batch_size=BATCH, num_workers=num_workers)
        return LoaderEpoch(loader, lib)
    return make


def goals(ms: dict[str, Measurement]) -> list[str]:
    lines = []
    for workers in (0, WORKERS):
        ember, torch = ms[f"ember, {workers} workers"].median, ms[f"torch, {workers} workers"].median
        if ember is not None and torch is not None:
            ratio = ember / torch
            lines.append(f"ember no slower than torch's DataLoader with {workers} workers: {ratio:.2f}x torch's "
                         f"time, {'met' if ratio <= GOAL else 'NOT met'}")
    single, multi = ms["ember, 0 workers"].median, ms[f"ember, {WORKERS} workers"].median
    if single is not None and multi is not None:
        lines.append(f"ember with {WORKERS} workers: {single / multi:.2f}x the speed of 0 workers")
    return lines


WORKLOAD = Workload(
    key="W7B",
    title=f"DataLoader epoch, {ITEMS} items of ~1 ms NumPy work each, batches of {BATCH}, 0 and {WORKERS} workers",
    description=(
        "One epoch of `DataLoader(ds, batch_size=32, num_workers=n)` over a Dataset whose `__getitem__` "
        "low-pass filters a 128 x 128 image by FFT (~1 ms), each batch summed; with workers the epoch "
        "includes starting them. The reference stacks the same items by hand in one process."
    ),
    unit="ms/epoch",
    seconds_per_unit=1e-3,
    reference="NumPy loop",
    inputs=make_inputs,
    impls=[
        Impl("NumPy loop", NumpyEpoch, steps=5, quick_steps=1),
        Impl("torch, 0 workers", _library("torch", 0), steps=5, quick_steps=1),
        Impl("ember, 0 workers", _library("ember", 0), steps=5, quick_steps=1),
        Impl(f"torch, {WORKERS} workers", _library("torch", WORKERS), steps=5, quick_steps=1),
        Impl(f"ember, {WORKERS} workers", _library("ember", WORKERS), steps=5, quick_steps=1),
    ],
    agree=agree,
    goals=goals,
)
