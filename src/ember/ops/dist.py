"""`dist`: the p-norm of the difference of two tensors."""

from __future__ import annotations

from typing import Any

from . import arithmetic
from .reduce import norm


def dist(input: Any, other: Any, p: float = 2) -> Any:
    """||input - other||_p over every element of the broadcast difference: (sum |d_i|^p)^(1/p);
    p = 0 counts the nonzero d_i, p = ±inf takes max/min |d_i|. The gradient is the norm's
    (d/d input = d norm/d d, d/d other = its negative), 0 where input equals other, as torch's.

    >>> dist(tensor([1.0, 2.0]), tensor([4.0, 6.0]))  # 5.0
    """
    return norm(arithmetic.sub(input, other), p)
