"""torch's deprecated resizing entry points, kept for the code that still calls them; each warns
as torch does and is `interpolate` with a fixed mode."""

from __future__ import annotations

import warnings
from typing import Sequence, Union

from ..._tensor import Tensor
from .pooling import interpolate

__all__ = ["upsample_bilinear", "upsample_nearest"]

Size = Union[int, Sequence[int], None]
Scale = Union[float, Sequence[float], None]


def upsample_nearest(input: Tensor, size: Size = None, scale_factor: Scale = None) -> Tensor:
    """interpolate(input, size, scale_factor, mode="nearest"), with torch's deprecation warning.

    >>> F.upsample_nearest(ember.ones(1, 1, 2, 2), scale_factor=2).shape
    (1, 1, 4, 4)
    """
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Size = None, scale_factor: Scale = None) -> Tensor:
    """interpolate(input, size, scale_factor, mode="bilinear", align_corners=True), with torch's
    deprecation warning.

    >>> F.upsample_bilinear(ember.ones(1, 1, 2, 2), (3, 3)).shape
    (1, 1, 3, 3)
    """
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
