"""Margin (hinge) losses of `torch.nn.functional`, composed from primitive ops (so they can be
differentiated twice). A hinge max(0, z) is relu(z), whose slope at z = 0 is 0, as in torch's
kernels (`if z > 0`); torch's own composites (hinge_embedding, triplet_margin_with_distance) use
clamp_min, whose slope at the bound is 1, and so do these.

    >>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
    tensor(0.3250)
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from ... import ops
from ..._tensor import Tensor
from ...autograd.grad_mode import is_grad_enabled
from ...ops.loss import torch_name
from .distance import pairwise_distance, triplet_loss
from .loss import check_reduction, legacy_reduction, reduce_loss
from .rectifier import logsigmoid

__all__ = [
    "hinge_embedding_loss", "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
    "soft_margin_loss", "triplet_margin_with_distance_loss",
]


def _check_long(target: Tensor) -> None:
    if target.dtype.name != "int64":
        raise RuntimeError(f"expected scalar type Long but found {torch_name(target.dtype)}")


def _as_matrix(input: Tensor) -> Tensor:
    """(), (C,) or (N, C) input as (N, C); torch's error for any other, or an empty class dim."""
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {list(input.shape)}")
    return input.reshape(1, -1) if input.ndim < 2 else input


def _summed_hinges(hinge: Tensor, counted: np.ndarray, reduction: str, scalar: bool) -> Tensor:
    """Per sample (dim 0), the sum of the hinges where `counted`, over the class count (the
    last dim); 0-d per-sample losses when `scalar` (an unbatched input), then reduced."""
    mask = hinge._make(counted.astype(hinge._data.dtype), False, None)
    loss = (hinge * mask).sum(tuple(range(1, hinge.ndim))) / hinge.shape[-1]
    if reduction == "none" and scalar:
        return loss.reshape(())
    return reduce_loss(loss, reduction)


def multi_margin_loss(
    input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Optional[Tensor] = None,
    size_average: Optional[bool] = None, reduce: Optional[bool] = None, reduction: str = "mean",
) -> Tensor:
    """Multi-class hinge loss of scores x (N, C) against class indices y (N):
    l_n = sum_{i != y_n} w[y_n] max(0, margin - x[n, y_n] + x[n, i])^p / C,  p in {1, 2};
    d l_n / d x[n, i] = p w[y_n] z^(p-1) / C for each i != y_n with z > 0, minus their sum at y_n."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    x = _as_matrix(input)
    samples, classes = x.shape
    if target.ndim > 1 or target.numel() != samples:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of input samples (batch "
            f"size). Expected target size [{samples}], but got {list(target.shape)}. Input has shape {list(input.shape)}."
        )
    _check_long(target)
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got {list(weight.shape)}")
    t = target._data.reshape(-1)
    if t.size and (t.min() < 0 or t.max() >= classes):
        raise RuntimeError("target out of range")
    index = target.reshape(-1, 1)
    hinge = ops.relu(x - x.gather(1, index) + margin)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight[target.reshape(-1)].reshape(-1, 1)
    return _summed_hinges(hinge, t[:, None] != np.arange(classes), reduction, target.ndim == 0)


def multilabel_margin_loss(
    input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-label hinge loss: each row of `target` (int64, shaped like x) lists the sample's
    classes, ended by the first -1; with T_n that set,
    l_n = sum_{j in T_n} sum_{i not in T_n} max(0, 1 - (x[n, j] - x[n, i])) / C."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if input.ndim > 2 or target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    _check_long(target)
    x = _as_matrix(input)
    classes = x.shape[1]
    t = target._data.reshape(x.shape)
    if t.size and (t.min() < -1 or t.max() >= classes):
        raise RuntimeError("argument #2 'target' is out of range")
    listed = np.cumprod(t != -1, axis=1).astype(bool)  # the slots before the first -1
    is_target = np.zeros(x.shape, bool)
    rows = np.broadcast_to(np.arange(x.shape[0])[:, None], t.shape)
    is_target[rows[listed], t[listed]] = True
    index = x._make(np.where(listed, t, 0), False, None)
    x_target = x.gather(1, index)
    hinge = ops.relu(x.unsqueeze(1) - x_target.unsqueeze(2) + 1)
    return _summed_hinges(hinge, listed[:, :, None] & ~is_target[:, None, :], reduction, input.ndim < 2)


def soft_margin_loss(
    input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
    reduction: str = "mean",
) -> Tensor:
    """Two-class logistic loss of labels y in {-1, 1}: log(1 + e^(-y x));  d/dx = -y / (1 + e^(y x))."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if target.requires_grad and is_grad_enabled():
        raise RuntimeError(
            "The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. "
            "This input cannot have requires_grad True."
        )
    return reduce_loss((-input * target).exp().log1p(), reduction)


def multilabel_soft_margin_loss(
    input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
    reduce: Optional[bool] = None, reduction: str = "mean",
) -> Tensor:
    """One-vs-all logistic loss of multi-hot targets (N, C):
    l_n = -sum_c w_c (y_nc log sigmoid(x_nc) + (1 - y_nc) log sigmoid(-x_nc)) / C."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(input.ndim - 1) / input.shape[-1]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    return reduce_loss(loss, reduction)


def hinge_embedding_loss(
    input: Tensor, target: Tensor, margin: float = 1.0, size_average: Optional[bool] = None,
    reduce: Optional[bool] = None, reduction: str = "mean",
) -> Tensor:
    """Loss of distances x against labels y in {-1, 1}: x where y = 1, max(0, margin - x) where
    y = -1 (any other label adds both terms, as torch's does)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    zeros = input * 0
    margin_term = ops.where(target != 1, (margin - input).clamp(min=0), zeros)
    return reduce_loss(margin_term + ops.where(target != -1, input, zeros), reduction)


def triplet_margin_with_distance_loss(
    anchor: Tensor, positive: Tensor, negative: Tensor, *,
    distance_function: Optional[Callable[[Tensor, Tensor], Tensor]] = None, margin: float = 1.0, swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)) per triplet, d = `distance_function` (default
    pairwise_distance); `swap` uses min(d(a, n), d(p, n)) as the negative distance."""
    check_reduction(reduction)
    return triplet_loss(anchor, positive, negative, distance_function or pairwise_distance, margin, swap, reduction)
