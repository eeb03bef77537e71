"""ember: a deep-learning library on NumPy that reads like micrograd and works like PyTorch."""

from ._random import Generator, default_generator, initial_seed, manual_seed, seed
from .scalar import Value

__version__ = "0.1.0"

__all__ = ["Generator", "Value", "default_generator", "initial_seed", "manual_seed", "seed"]
