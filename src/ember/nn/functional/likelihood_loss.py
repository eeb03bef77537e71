"""Negative log-likelihood losses of a distribution's parameters: Poisson (rate) and Gaussian
(mean and variance), composed from primitive ops as torch composes them.

    >>> F.gaussian_nll_loss(ember.tensor([1.0]), ember.tensor([2.0]), ember.tensor([0.5]))
    tensor(0.6534)
"""

from __future__ import annotations

import math
from typing import Optional, Union

from ... import _creation, ops
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from .loss import check_reduction, legacy_reduction, reduce_loss

__all__ = ["gaussian_nll_loss", "poisson_nll_loss"]


def _exp(x: Tensor) -> Tensor:
    """e^x rounded once to x's float32, as torch's float32 exp kernel rounds (NumPy's float32 exp
    is off by an ulp in about 40% of inputs, and e^x - t x cancels that ulp into the loss's last
    digits): computed in float64, which costs two casts. Other dtypes: e^x as it is."""
    if x.dtype.name != "float32":
        return x.exp()
    return x.double().exp().float()


def poisson_nll_loss(
    input: Tensor, target: Tensor, log_input: bool = True, full: bool = False, size_average: Optional[bool] = None,
    eps: float = 1e-8, reduce: Optional[bool] = None, reduction: str = "mean",
) -> Tensor:
    """-log Poisson(target | rate) up to a constant: e^x - t x with `log_input` (x = log rate),
    else x - t log(x + eps); `full` adds Stirling's t log t - t + log(2 pi t) / 2 where t > 1."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    loss = _exp(input) - target * input if log_input else input - target * (input + eps).log()
    if full:
        big = target.clamp(min=1)  # the terms where t <= 1 are dropped: spare their log(0)
        stirling = big * big.log() - big + (big * (2 * math.pi)).log() * 0.5
        loss = loss + ops.where(target <= 1, target * 0, stirling)
    return reduce_loss(loss, reduction)


def gaussian_nll_loss(
    input: Tensor, target: Tensor, var: Union[Tensor, float], full: bool = False, eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """-log N(target | input, var) up to a constant: (log v + (x - t)^2 / v) / 2, v = max(var, eps)
    (the clamp is not differentiated: d/dvar is the slope at v); `full` adds log(2 pi) / 2.
    var is shaped like input, or lacks its last dim, or is 1 in exactly one dim."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * _creation.ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    diff = input - target
    loss = (var.log() + diff**2 / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)
