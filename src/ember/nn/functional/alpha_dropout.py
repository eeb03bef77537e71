"""Alpha dropout, the dropout of self-normalising (SELU) networks: dropped elements are set to
SELU's negative saturation -alpha' (alpha' = SELU's scale * alpha = 1.7580993408473766) instead
of 0, and an affine map restores zero mean and unit variance. With m the keep mask
(bernoulli(1 - p)) and a = 1 / sqrt((alpha'^2 p + 1)(1 - p)):

    y = x * (m a) + b,    b = (m - 1) alpha' a + alpha' a p,    dy/dx = m a.

`alpha_dropout` draws m per element, `feature_alpha_dropout` per (sample, channel), broadcast
over the remaining dims. Both are the identity in evaluation (training=False is the default,
as in torch), with p = 0, or on an empty input; p = 1 gives x * 0. Masks come from ember's
generator, not torch's stream.
"""

from __future__ import annotations

import math

from ..._tensor import Tensor
from .dropout import _check_p, bernoulli_keep

__all__ = ["alpha_dropout", "feature_alpha_dropout"]

_ALPHA = 1.7580993408473766


def _alpha_dropout(input: Tensor, p: float, training: bool, inplace: bool, feature: bool) -> Tensor:
    _check_p(p)
    if p == 0.0 or not training or input.numel() == 0:
        return input
    if feature and input.ndim < 2:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input, got {input.ndim}")
    dtype = input._data.dtype
    if dtype.kind != "f":
        raise RuntimeError(f"alpha_dropout: expected a floating-point input, got {input.dtype.name}; convert with .float()")
    if p == 1.0:
        zero = input._make(dtype.type(0), False, None)
        return input.mul_(zero) if inplace else input * zero
    shape = input.shape[:2] + (1,) * (input.ndim - 2) if feature else input.shape
    keep = bernoulli_keep(shape, p, None).astype(dtype)
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    shift = (keep - 1) * dtype.type(_ALPHA * a) + dtype.type(_ALPHA * a * p)
    noise = input._make(keep * dtype.type(a), False, None)
    b = input._make(shift, False, None)
    return input.mul_(noise).add_(b) if inplace else input * noise + b


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of each element (module docstring); the identity unless training.

    >>> F.alpha_dropout(ember.ones(2, 3), 0.2).sum().item()
    6.0
    """
    return _alpha_dropout(input, p, training, inplace, feature=False)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels of (N, C, *) input (module docstring).

    >>> F.feature_alpha_dropout(ember.ones(2, 3, 4), 0.2, training=True).shape
    (2, 3, 4)
    """
    return _alpha_dropout(input, p, training, inplace, feature=True)
