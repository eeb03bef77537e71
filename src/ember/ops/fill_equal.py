"""torch.fill and torch.equal: the function forms of `Tensor.fill_` and `Tensor.equal`."""

from __future__ import annotations

from typing import Any

from . import inplace


def fill(input: Any, value: Any) -> Any:
    """A new tensor of input's shape and dtype with every element `value` (a number or a 0-d
    tensor);  d/dinput = 0,  d/dvalue = sum of the gradient.

        ember.fill(ember.zeros(2), 3.0)   # tensor([3., 3.])
    """
    return inplace.fill_(input.clone(), value)


def equal(input: Any, other: Any) -> bool:
    """True when both have the same shape and equal elements (dtypes may differ; NaN is unequal)."""
    return input.equal(other)
