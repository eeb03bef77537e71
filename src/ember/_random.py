"""Random number generation: one seedable generator that both engines draw from.

The default generator is seeded from the operating system's entropy at import, as torch's is, so
unseeded runs differ. `ember.manual_seed(s)` reseeds it, so a program that calls it first gets the
same weights, data order and dropout masks on every run, as with `torch.manual_seed`.
"""

from __future__ import annotations

import random
from typing import Union

import numpy as np

from . import _device

_DEFAULT_SEED = 67280421310721  # torch's seed for a freshly made Generator()


class Generator:
    """A seedable source of randomness, spelled like `torch.Generator`.

    It holds a `numpy.random.Generator` for the tensor engine and a `random.Random` for the
    scalar engine, both derived from the same seed.
    """

    def __init__(self, device: Union[str, _device.device] = "cpu") -> None:
        self.device = _device.on_cpu(device)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Reseed in place and return self, as torch does."""
        seed = int(seed)
        self._seed = seed
        self.numpy = np.random.default_rng(seed & 0xFFFFFFFFFFFFFFFF)
        self.python = random.Random(seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        """Reseed from the operating system's entropy and return the new seed."""
        new_seed = random.SystemRandom().getrandbits(63)
        self.manual_seed(new_seed)
        return new_seed

    def __repr__(self) -> str:
        return f"<ember.Generator seed={self._seed}>"


default_generator = Generator()
default_generator.seed()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; returns it, like `torch.manual_seed`."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    """The seed the default generator was last seeded with (by entropy or `manual_seed`)."""
    return default_generator.initial_seed()


def seed() -> int:
    """Reseed the default generator from the operating system's entropy; returns the new seed."""
    return default_generator.seed()
