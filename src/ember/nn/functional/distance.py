"""Distances and similarities between vectors, and the losses built on them, as
`torch.nn.functional` spells them. All are composed from primitive ops (norm, sum, clamp,
where, and `ops.distance.ClampedNorm`), so their gradients come from those ops' rules and differentiate again; the `eps` of
each follows torch exactly, as the docstrings say.
"""

from __future__ import annotations

from typing import Callable, Optional

from ... import _dtype, ops
from ..._tensor import Tensor
from ...ops.distance import ClampedNorm
from ...ops.loss import torch_name
from .loss import broadcast_shape, check_reduction, legacy_reduction, reduce_loss

__all__ = [
    "cosine_embedding_loss", "cosine_similarity", "margin_ranking_loss", "normalize", "pairwise_distance",
    "triplet_margin_loss",
]

_COSINE_EMBEDDING_EPS = 1e-12


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dimension (eps is added to every difference, as torch
    does, so equal vectors are eps * n^(1/p) apart and the gradient stays finite);
    d/dx1 = (d_i |d_i|^(p-2)) / ||d||^(p-1) with d = x1 - x2 + eps, and d/dx2 = -d/dx1."""
    dim = max(x1.ndim, x2.ndim) - 1
    return ops.norm(x1 - x2 + eps, p, dim, keepdim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum_i (x1_i / max(||x1||, eps)) (x2_i / max(||x2||, eps)) along `dim`, after broadcasting.

    Normalising each vector first keeps the result in [-1, 1] and never forms ||x1|| ||x2||.
    The clamp by eps acts on the values only (torch's rule); where no clamp acts,
    d/dx1 = x2 / (||x1|| ||x2||) - cos * x1 / ||x1||^2."""
    common = _dtype.result_type(x1, x2)
    if common.numpy.kind != "f":
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {torch_name(common)}")
    x1, x2 = x1.to(common), x2.to(common)
    if x1._data.shape != x2._data.shape:
        shape = broadcast_shape(x1, x2)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    n1 = ClampedNorm.apply(ops.norm(x1, 2, dim, True), eps)
    n2 = ClampedNorm.apply(ops.norm(x2, 2, dim, True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """x / max(||x||_p, eps) along `dim`; the clamp is a real one here (no gradient through the
    norm where ||x||_p < eps), as in torch."""
    return input / ops.norm(input, p, dim, True).clamp(min=eps).expand_as(input)


def margin_ranking_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average: Optional[bool] = None,
    reduce: Optional[bool] = None, reduction: str = "mean",
) -> Tensor:
    """max(0, -y (x1 - x2) + margin), y = 1 when x1 should rank higher, -1 when x2 should;
    d/dx1 = -y where the loss is positive (0 elsewhere), d/dx2 = y, d/dy = -(x1 - x2)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {list(input1.shape)}, input2: {list(input2.shape)}, target: {list(target.shape)} "
        )
    return reduce_loss((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def cosine_embedding_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average: Optional[bool] = None,
    reduce: Optional[bool] = None, reduction: str = "mean",
) -> Tensor:
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1 (0 for other y),
    with torch's cos = <x1, x2> / sqrt((||x1||^2 + 1e-12)(||x2||^2 + 1e-12)) over dim 1 (dim 0
    for 1-D inputs and a 0-d target). With m_i = ||x_i||^2 + 1e-12:
    d cos / d x1 = x2 / sqrt(m1 m2) - cos * x1 / m1."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if target.ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.ndim != target.ndim + 1 or input2.ndim != target.ndim + 1:
        raise RuntimeError(
            f"{target.ndim}D target tensor expects {target.ndim + 1}D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}."
        )
    d = target.ndim
    dot = (input1 * input2).sum(d)
    m1 = (input1 * input1).sum(d) + _COSINE_EMBEDDING_EPS
    m2 = (input2 * input2).sum(d) + _COSINE_EMBEDDING_EPS
    cos = dot / (m1 * m2).sqrt()
    loss = ops.where(target == 1, 1 - cos, 0.0) + ops.where(target == -1, (cos - margin).clamp(min=0), 0.0)
    return reduce_loss(loss, reduction)


def triplet_margin_loss(
    anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2, eps: float = 1e-6,
    swap: bool = False, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)), d the pairwise_distance with this p and eps; with
    swap, d(a, n) becomes min(d(a, n), d(p, n)) (the harder negative). The gradient flows
    through pairwise_distance where the loss is positive."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    return triplet_loss(anchor, positive, negative, lambda a, b: pairwise_distance(a, b, p, eps), margin, swap, reduction)


def triplet_loss(
    anchor: Tensor, positive: Tensor, negative: Tensor, distance: Callable[[Tensor, Tensor], Tensor], margin: float,
    swap: bool, reduction: str,
) -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)), reduced, with torch's checks of margin and ranks; with
    swap, d(a, n) becomes min(d(a, n), d(p, n)). triplet_margin_loss and
    triplet_margin_with_distance_loss are this with their distance."""
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
            f"but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative {negative.ndim}D inputs"
        )
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = ops.minimum(d_neg, distance(positive, negative))
    return reduce_loss((margin + d_pos - d_neg).clamp(min=0), reduction)
