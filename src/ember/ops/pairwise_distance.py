"""p-norm distances between rows: torch.cdist (every row of x1 against every row of x2, batched)
and torch.pdist (every pair i < j of one matrix's rows), with torch's gradients.

    d(a, b) = (sum_k |a_k - b_k|^p)^(1/p)   (p = 0: the count of k with a_k != b_k; inf: max)
    dd/da_k = g sign(u) |u|^(p-1) / d^(p-1)  with u = a_k - b_k, and 0 where d = 0 (torch's
              subgradient; for p < 1 also where u = 0); p = 1: g sign(u); p = 0: 0; p = inf: g sign(u) [|u| = d] (every
              maximal entry gets the whole gradient, as torch's _cdist_backward)

For p = 2 on more than 25 rows (or compute_mode='use_mm_for_euclid_dist') torch computes
d = sqrt(max(|a|^2 + |b|^2 - 2 a.b, 0)) with matrix products, and so does ember (its values
are that formula's); its gradient is (g / d) (a - b) with 0 where d = 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._dtype import torch_name
from ..autograd.function import Function
from ._util import broadcast_error

_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1, "donot_use_mm_for_euclid_dist": 2}


def _norm(u: np.ndarray, p: float) -> np.ndarray:
    a = np.abs(u)
    if p == 0:
        return (a != 0).sum(-1).astype(u.dtype)
    if p == 1:
        return a.sum(-1)
    if p == 2:
        return np.sqrt((a * a).sum(-1))
    if math.isinf(p):
        return a.max(-1, initial=0.0)
    return (a**p).sum(-1) ** (1.0 / p)


class LpDistance(Function):
    """d = ||u||_p over the last dimension of the differences u;
    du = g sign(u) |u|^(p-1) / d^(p-1), 0 where d = 0 (see the module docstring for p = 0, 1, inf)."""

    _array_forward = True
    backward_name = "CdistBackward0"

    @staticmethod
    def forward(ctx, u, p):
        d = _norm(u, p)
        ctx.save_for_backward(u, d)
        ctx.p = p
        return d

    @staticmethod
    def backward(ctx, grad):
        from .index import where

        u, d = ctx.saved_tensors
        p = ctx.p
        g, d = grad.unsqueeze(-1), d.unsqueeze(-1)
        if p == 0:
            return u * 0, None
        if p == 1:
            return g * u.sign(), None
        if math.isinf(p):
            return g * u.sign() * (u.abs() == d), None
        zero = d == 0
        safe = where(zero, 1.0, d)
        if p == 2:
            return where(zero, 0.0, g * u / safe), None
        if p < 2:  # torch's order of operations: (sign(u) |u|^(p-1) g) / d^(p-1)
            zero = zero | ((u == 0) & (p < 1))
            part = u.sign() * where(zero, 1.0, u.abs()) ** (p - 1)
        else:
            part = u * u.abs() ** (p - 2)
        return where(zero, 0.0, part * g / safe ** (p - 1)), None


class EuclideanDist(Function):
    """d_ij = sqrt(max(|a_i|^2 + |b_j|^2 - 2 a_i.b_j, 0));  with r = g / d (0 where d = 0):
    da_i = a_i sum_j r_ij - sum_j r_ij b_j,  db_j = b_j sum_i r_ij - sum_i r_ij a_i."""

    _array_forward = True
    backward_name = "EuclideanDistBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ones_a = np.ones(a.shape[:-1] + (1,), a.dtype)
        ones_b = np.ones(b.shape[:-1] + (1,), b.dtype)
        a_ = np.concatenate([a * -2, (a * a).sum(-1, keepdims=True), ones_a], -1)
        b_ = np.concatenate([b, ones_b, (b * b).sum(-1, keepdims=True)], -1)
        d = np.sqrt(np.maximum(a_ @ b_.swapaxes(-1, -2), 0))
        ctx.save_for_backward(a, b, d)
        return d

    @staticmethod
    def backward(ctx, grad):
        from .index import where

        a, b, d = ctx.saved_tensors
        zero = d == 0
        r = where(zero, 0.0, grad / where(zero, 1.0, d))
        return a * r.sum(-1, keepdim=True) - r @ b, b * r.sum(-2).unsqueeze(-1) - r.mT @ a


def _check_p(name: str, p: float) -> None:
    if p < 0:
        raise RuntimeError(f"{name} only supports non-negative p values")


def cdist(x1: Any, x2: Any, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Any:
    """The p-norm distance between each row of x1 (..., P, M) and each of x2 (..., R, M): (..., P, R)."""
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for label, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {label} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    for label, x in (("X1", x1), ("X2", x2)):
        if not x.is_floating_point():
            raise RuntimeError(f"cdist only supports floating-point dtypes, {label} got: {torch_name(x.dtype)}")
    _check_p("cdist", p)
    try:
        batch = tuple(np.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2])))
    except ValueError:
        error = broadcast_error(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
        raise RuntimeError(str(error).split(" (shapes")[0]) from None
    x1 = x1.expand(batch + tuple(x1.shape[-2:]))
    x2 = x2.expand(batch + tuple(x2.shape[-2:]))
    mode = _MODES[compute_mode]
    rows1, rows2 = x1.shape[-2], x2.shape[-2]
    if x1.numel() and x2.numel() and p == 2 and (mode == 1 or (mode == 0 and (rows1 > 25 or rows2 > 25))):
        return EuclideanDist.apply(x1, x2)
    return LpDistance.apply(x1.unsqueeze(-2) - x2.unsqueeze(-3), float(p))


def pdist(input: Any, p: float = 2.0) -> Any:
    """The p-norm distances between rows i < j of an (N, M) input, in row-major order: N(N-1)/2."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    _check_p("pdist", p)
    i, j = np.triu_indices(input.shape[0], 1)
    from .._creation import tensor

    return _PdistNamed.apply(input[tensor(i)] - input[tensor(j)], float(p))


class _PdistNamed(LpDistance):
    """LpDistance recorded under torch's pdist node name."""

    backward_name = "PdistBackward0"
