"""Runnable demos: `ember demo NAME` or `ember.demos.load(NAME).run(...)`.

Each demo is a module `ember.demos.<name>` with a docstring (its help text) and
`run(count, seed=..., out=..., progress=True) -> dict`, where `count` is its natural length
(steps, samples or epochs); a demo that reads data from disk also takes `root=` (and
`download=` if it can fetch them). A new demo is its module plus one entry in DEMOS.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ._common import MissingDataError

DEMOS: dict[str, str] = {
    "moons": "micrograd's MLP on two moons, SVM loss (--epochs = full-batch steps, 100)",
    "adder": "count the ones in 10 bits, 11-way cross-entropy (--epochs = samples, 500)",
    "parity": "odd/even of two bits, i.e. XOR (--epochs = samples, 5000)",
    "digits": "a small CNN on scikit-learn's 8x8 digits, >= 97% test accuracy (--epochs, 20)",
    "mnist": "nptorch's CNN on MNIST from --root DIR, fetched with --download (--epochs, 5)",
    "siamese": "contrastive loss: same digit or not? faces with --root DIR (--epochs, 10)",
    "gpt": "character-level GPT on Shakespeare, sampled with a KV cache (--epochs = steps, 600)",
}


def load(name: str) -> ModuleType:
    """The demo module called `name`."""
    if name not in DEMOS:
        raise ValueError(f"unknown demo {name!r}; choose from {', '.join(DEMOS)}")
    return importlib.import_module(f"{__name__}.{name}")


__all__ = ["DEMOS", "MissingDataError", "load"]
