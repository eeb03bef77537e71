"""Dropout: `dropout` zeroes single elements, `dropout1d/2d/3d` whole channels.

In training each element (or channel) is kept with probability 1 - p and scaled by 1/(1 - p),
so the expected output equals the input:

    y = x * m,   m = bernoulli(1 - p) / (1 - p),    dy/dx = m.

The mask is a constant factor, so the product is one primitive multiply (MulBackward0, as in
torch). In evaluation, or with p = 0, the input itself is returned; p = 1 gives x * 0. Masks
come from ember's default generator (`ember.manual_seed`), or from `generator=`; they are
reproducible but are not torch's random stream.
"""

from __future__ import annotations

import warnings
from typing import Optional

import numpy as np

from ... import _random
from ..._tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d"]


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def bernoulli_keep(shape: tuple[int, ...], p: float, generator: Optional[_random.Generator]) -> np.ndarray:
    """A boolean mask of `shape`, each element True (kept) with probability 1 - p."""
    rng = (generator or _random.default_generator).numpy
    return rng.random(shape, dtype=np.float32) >= p


def _apply_mask(
    input: Tensor, p: float, training: bool, inplace: bool, mask_shape: tuple[int, ...], generator: Optional[_random.Generator]
) -> Tensor:
    """input * (bernoulli(1 - p) / (1 - p)) with the mask drawn in `mask_shape` (broadcast)."""
    if p == 0.0 or not training or input.numel() == 0:
        return input
    dtype = input._data.dtype
    if dtype.kind != "f":
        raise RuntimeError(
            f"result type Float can't be cast to the desired output type {input.dtype.name}: dropout needs a "
            "floating-point input; convert with .float()"
        )
    if p == 1.0:
        mask = np.zeros((), dtype=dtype)
    else:
        mask = np.where(bernoulli_keep(mask_shape, p, generator), dtype.type(1 / (1 - p)), dtype.type(0))
    factor = input._make(mask, False, None)
    return input.mul_(factor) if inplace else input * factor


def dropout(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *, generator: Optional[_random.Generator] = None
) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1 - p) (training only).

    >>> ember.manual_seed(0); F.dropout(ember.ones(6), 0.5)
    tensor([2., 2., 2., 0., 0., 0.])
    """
    _check_p(p)
    return _apply_mask(input, p, training, inplace, input._data.shape, generator)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, generator: Optional[_random.Generator]) -> Tensor:
    """One mask value per (sample, channel), broadcast over the remaining dims."""
    if input.ndim < 2 and training and p > 0.0:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input, got {input.ndim}")
    shape = input.shape[:2] + (1,) * (input.ndim - 2)
    return _apply_mask(input, p, training, inplace, shape, generator)


def dropout1d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *, generator: Optional[_random.Generator] = None
) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) input with probability p, scale by 1/(1 - p)."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that dropout1d "
            "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, "
            "and an optional batch dimension (i.e. 2D or 3D inputs)."
        )
    if input.ndim == 2:
        shape = (input.shape[0], 1)
        return _apply_mask(input, p, training, inplace, shape, generator)
    return _feature_dropout(input, p, training, inplace, generator)


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *, generator: Optional[_random.Generator] = None
) -> Tensor:
    """Zero whole channels (the (H, W) planes) of (N, C, H, W) input with probability p, scale
    the rest by 1/(1 - p). A 3-D input is read as (N, C, L), as torch reads it (with its warning)."""
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            "instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _feature_dropout(input, p, training, inplace, generator)


def dropout3d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *, generator: Optional[_random.Generator] = None
) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p, scale
    the rest by 1/(1 - p)."""
    _check_p(p)
    if input.ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and will result in an "
            "error in a future release. Note that dropout3d exists to provide channel-wise dropout on inputs "
            "with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    if input.ndim != 5:
        shape = input.shape[:1] + (1,) * (input.ndim - 1)  # read as one unbatched sample
        return _apply_mask(input, p, training, inplace, shape, generator)
    return _feature_dropout(input, p, training, inplace, generator)
