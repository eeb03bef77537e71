"""Shrinkage activations and `threshold`, composed from where/clamp/tanh/abs, whose gradients are
torch's at every point (0 on the closed band [-lambd, lambd] of the shrinks, 0 where x <= threshold).

    >>> F.softshrink(ember.tensor([-2.0, 0.3, 1.0]))
    tensor([-1.5000,  0.0000,  0.5000])
"""

from __future__ import annotations

import numpy as np

from ... import _creation, ops
from ..._tensor import Tensor
from ...ops.loss import torch_name
from .activation import _maybe_inplace

__all__ = ["hardshrink", "softshrink", "softsign", "tanhshrink", "threshold"]


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0, i.e. x - clamp(x, -lambd, lambd);
    d/dx = 1 where |x| > lambd, else 0."""
    if lambd < 0:
        limit, name = np.finfo(input._data.dtype).max, torch_name(input.dtype)
        raise RuntimeError(f"lambda must be in range [0, {limit:g}] for input dtype {name}, but found {lambd:g}")
    return input - input.clamp(-lambd, lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where x < -lambd or x > lambd, else 0;  d/dx = 1 outside [-lambd, lambd], else 0."""
    return ops.where((input >= -lambd) & (input <= lambd), input * 0, input)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh x;  d/dx = tanh^2 x."""
    return input - input.tanh()


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|);  d/dx = 1 / (1 + |x|)^2."""
    return input / (input.abs() + 1)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value (cast to x's dtype);  d/dx = 1 where x > threshold, else 0."""
    return _maybe_inplace(input, inplace, lambda x: ops.where(x > threshold, x, _creation.full_like(x, value)))
