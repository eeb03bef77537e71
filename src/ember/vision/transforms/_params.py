"""Argument checks shared by the transform classes, and the random draws they make: every draw
goes through ember's default generator, so `ember.manual_seed` fixes them all."""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any, Union

import ember


def _setup_size(size: Union[int, Sequence[int]], error_msg: str) -> tuple[int, int]:
    """(h, w) from one number (a square) or a sequence of one or two."""
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size[0], size[1]


def _check_sequence_input(x: Any, name: str, req_sizes: tuple[int, ...]) -> None:
    sizes = " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {sizes}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {sizes}.")


def _setup_angle(x: Union[float, Sequence[float]], name: str, req_sizes: tuple[int, ...] = (2,)) -> list[float]:
    """A range of degrees: a number d gives [-d, d]; a sequence is taken as given."""
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _check_fill(fill: Any) -> Any:
    if fill is None:
        return 0
    if not isinstance(fill, (Sequence, numbers.Number)):
        raise TypeError("Fill should be either a sequence or a number.")
    return fill


def _check_scale_ratio(scale: Any, ratio: Any) -> None:
    if not isinstance(scale, Sequence):
        raise TypeError("Scale should be a sequence")
    if not isinstance(ratio, Sequence):
        raise TypeError("Ratio should be a sequence")
    if scale[0] > scale[1] or ratio[0] > ratio[1]:
        warnings.warn("Scale and ratio should be of kind (min, max)")


def uniform(low: float, high: float) -> float:
    """One number uniform on [low, high), drawn as torchvision does: empty(1).uniform_."""
    return float(ember.empty(1).uniform_(float(low), float(high)).item())


def randint(low: int, high: int) -> int:
    """One integer uniform on [low, high)."""
    return int(ember.randint(low, high, size=(1,)).item())


def coin(p: float) -> bool:
    """True with probability p (rand(1) < p)."""
    return ember.rand(1).item() < p


def area_and_aspect(area: int, scale: Sequence[float], ratio: Sequence[float]) -> tuple[float, float]:
    """A random fraction of `area` (uniform on scale) and an aspect ratio (log-uniform on ratio),
    drawn in that order; RandomResizedCrop and RandomErasing both try boxes this way."""
    target_area = area * uniform(scale[0], scale[1])
    aspect_ratio = math.exp(uniform(math.log(ratio[0]), math.log(ratio[1])))
    return target_area, aspect_ratio
