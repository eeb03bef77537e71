"""W8: save a ~100 MB float32 state_dict to a file and load it back, as a training script
checkpoints a model: `save(model.state_dict(), path)`, then `load(path)` (weights_only=True,
both libraries' default).

The state_dict is shaped like a small language model's: two large matrices (an embedding and an
output layer, 32 MiB each) and 24 blocks of three 384 x 384 weights, six 384-vectors and one int64
counter (a BatchNorm's num_batches_tracked), 242 tensors in all. Each library writes its own
file in a temporary folder and reads it back; the file stays in the page cache, so this is the
library's own cost (pickling, zip records, copies), not the disk's. A step is one save and one
load; the goal lines give the two halves' medians apart. The check is the float64 sum of every
loaded tensor, which must equal the saved one's exactly.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness import Impl, Measurement, Workload

SEED = 0
GOAL = 1.0  # ember's save and its load each no slower than torch's


@dataclass(frozen=True)
class Inputs:
    """The shapes and dtypes of the state_dict; each process draws the values itself (seeded)."""

    large_rows: int
    blocks: int
    width: int = 384
    large_cols: int = 2048

    def arrays(self) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(SEED)
        out = {"embed.weight": rng.standard_normal((self.large_rows, self.large_cols), np.float32)}
        for i in range(self.blocks):
            for name in ("attn", "fc1", "fc2"):
                out[f"blocks.{i}.{name}.weight"] = rng.standard_normal((self.width, self.width), np.float32)
            for name in ("attn", "fc1", "fc2", "norm"):
                out[f"blocks.{i}.{name}.bias"] = rng.standard_normal(self.width, np.float32)
            out[f"blocks.{i}.norm.weight"] = np.ones(self.width, np.float32)
            out[f"blocks.{i}.norm.running_mean"] = np.zeros(self.width, np.float32)
            out[f"blocks.{i}.norm.num_batches_tracked"] = np.array(i, np.int64)
        out["lm_head.weight"] = rng.standard_normal((self.large_rows, self.large_cols), np.float32)
        return out


def make_inputs(quick: bool) -> Inputs:
    return Inputs(large_rows=512, blocks=4) if quick else Inputs(large_rows=4096, blocks=24)


class Checkpoint:
    """torch or ember: `save(state_dict, path)` then `load(path)`, each half timed."""

    def __init__(self, inputs: Inputs, lib: Any) -> None:
        self.lib = lib
        self.state = {k: lib.from_numpy(v) for k, v in inputs.arrays().items()}
        self.folder = tempfile.TemporaryDirectory(prefix="w8_")
        self.path = os.path.join(self.folder.name, "checkpoint.pt")
        self.save_times: list[float] = []
        self.load_times: list[float] = []
        self.loaded: dict = {}

    def step(self) -> None:
        t0 = time.perf_counter()
        self.lib.save(self.state, self.path)
        t1 = time.perf_counter()
        self.loaded = self.lib.load(self.path)
        self.load_times.append(time.perf_counter() - t1)
        self.save_times.append(t1 - t0)

    def result(self) -> dict:
        total = sum(float(np.asarray(v.numpy(), np.float64).sum()) for v in self.loaded.values())
        self.folder.cleanup()
        return {"save": self.save_times, "load": self.load_times, "sum": total,
                "megabytes": sum(v.numpy().nbytes for v in self.loaded.values()) / 2**20, "tensors": len(self.loaded)}


def ember_checkpoint(inputs: Inputs) -> Checkpoint:
    import ember

    return Checkpoint(inputs, ember)


def torch_checkpoint(inputs: Inputs) -> Checkpoint:
    import torch

    return Checkpoint(inputs, torch)


def agree(ref: dict, out: dict) -> str:
    same = ref["sum"] == out["sum"]
    return f"{'yes' if same else 'NO'} (sum of every loaded element {'equal' if same else 'differs'})"


def goals(ms: dict[str, Measurement]) -> list[str]:
    ours, theirs = ms["ember"].output, ms["torch"].output
    if not ours or not theirs:
        return []
    lines = [f"state_dict of {ours['megabytes']:.0f} MiB in {ours['tensors']} tensors"]
    for half in ("save", "load"):
        mine, torch_time = statistics.median(ours[half]), statistics.median(theirs[half])
        ratio = mine / torch_time
        lines.append(f"{half}: ember {mine * 1e3:.0f} ms, torch {torch_time * 1e3:.0f} ms (median): "
                     f"{ratio:.2f}x torch's time, {'met' if ratio <= GOAL else 'NOT met'}")
    return lines


WORKLOAD = Workload(
    key="W8",
    title="checkpoint: save and load a ~100 MiB float32 state_dict",
    description=(
        "`save(state_dict, path)` then `load(path)` (weights_only=True) of 242 tensors, two of "
        "32 MiB and many small ones, in torch's zip format, to a temporary folder (page cache)."
    ),
    unit="ms/round trip",
    seconds_per_unit=1e-3,
    reference="torch",
    inputs=make_inputs,
    impls=[
        Impl("torch", torch_checkpoint, steps=7, quick_steps=2),
        Impl("ember", ember_checkpoint, steps=7, quick_steps=2),
    ],
    agree=agree,
    goals=goals,
)
