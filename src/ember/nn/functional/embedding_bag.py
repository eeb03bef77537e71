"""F.embedding_bag: the sum, mean or max of the embedding rows of each bag of indices, without
forming the per-index lookup's output for the caller. Bags are the rows of a 2-d input, or the
runs offsets[b] .. offsets[b + 1] of a 1-d input. Entries equal to padding_idx belong to no bag
(they neither add, count in a mean, nor win a max), and an empty bag gives zeros.

It is composed of the embedding lookup (whose gradient skips padding_idx and can be scaled by
frequency) and a constant (bags x indices) matrix for sum and mean, or a masked max over the
bag's slots, so its gradients are the same sums torch's kernel forms."""

from __future__ import annotations

import warnings
from typing import Optional

import numpy as np

from ... import _creation
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops.embedding import Embedding
from .sparse import _renorm_

__all__ = ["embedding_bag"]


def _bags(input: Tensor, offsets: Optional[Tensor], include_last_offset: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The flat indices and each bag's [start, end) in them."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length "
                f"sequences. However, found offsets of type {type(offsets)}"
            )
        n, length = input.shape
        starts = np.arange(n) * length
        return input._data.reshape(-1), starts, starts + length
    if input.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    bounds = offsets._data.astype(np.int64)
    flat = input._data
    if include_last_offset:
        return flat, bounds[:-1], bounds[1:]
    return flat, bounds, np.append(bounds[1:], flat.size)


def embedding_bag(
    input: Tensor, weight: Tensor, offsets: Optional[Tensor] = None, max_norm: Optional[float] = None,
    norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
    per_sample_weights: Optional[Tensor] = None, include_last_offset: bool = False, padding_idx: Optional[int] = None,
) -> Tensor:
    """y[b] = reduce over the indices i of bag b (not padding_idx) of weight[i], reduce = sum
    (each row times per_sample_weights[i] if given), mean or max (per feature); (B, dim).

    >>> F.embedding_bag(ember.tensor([0, 2, 1]), ember.eye(3), ember.tensor([0, 2]), mode="sum")
    tensor([[1., 0., 1.],
            [0., 1., 0.]])
    """
    if not weight.dtype.is_floating_point and input.dtype.is_floating_point:
        warnings.warn(
            "Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, ...)` is "
            "deprecated, and should now be `embedding_bag(input, weight, ...)`.",
            stacklevel=2,
        )
        weight, input = input, weight
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(
                "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' "
                f"(got mode='{mode}'). Please open a feature request on GitHub."
            )
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(
                f"embedding_bag: If per_sample_weights ({list(per_sample_weights.shape)}) is not None, then it must "
                f"have the same shape as the input ({list(input.shape)})"
            )
    if sparse:
        raise NotImplementedError("embedding_bag(sparse=True): ember has no sparse tensors; use sparse=False")
    num = weight.shape[0]
    pad = -1 if padding_idx is None else padding_idx + num if padding_idx < 0 else padding_idx
    flat, starts, ends = _bags(input, offsets, include_last_offset)
    if flat.size and (flat.min() < 0 or flat.max() >= num):
        raise IndexError(f"index out of range in self: indices must lie in [0, {num}), got values in [{flat.min()}, {flat.max()}]")
    if max_norm is not None:
        with no_grad():
            _renorm_(weight, flat, max_norm, norm_type)
    if mode == "max":
        return _max_bags(weight, flat, starts, ends, pad)
    position = np.arange(flat.size)
    member = (position >= starts[:, None]) & (position < ends[:, None]) & (flat != pad)  # (B, L)
    matrix = member.astype(weight._data.dtype)
    if mode == "mean":
        counts = matrix.sum(1, keepdims=True)
        matrix = np.divide(matrix, counts, out=np.zeros_like(matrix), where=counts > 0)
    rows = Embedding.apply(weight, _creation.tensor(flat), pad, scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    return _creation.tensor(matrix) @ rows


def _max_bags(weight: Tensor, flat: np.ndarray, starts: np.ndarray, ends: np.ndarray, pad: int) -> Tensor:
    """Each bag's rows in slots (B, longest bag, dim), slots past the bag or at padding set to
    -inf, the max over slots; a bag without a member gives zeros."""
    width = int(max((ends - starts).max(initial=0), 0))
    slots = starts[:, None] + np.arange(width)
    inside = slots < ends[:, None]
    index = flat[np.where(inside, slots, 0)] if flat.size else np.zeros(slots.shape, dtype=np.int64)
    valid = inside & (index != pad)
    if width == 0:
        return weight.new_zeros((len(starts), weight.shape[1]))
    rows = Embedding.apply(weight, _creation.tensor(index), pad, False)
    filled = rows.masked_fill(_creation.tensor(~valid[..., None]), float("-inf"))
    best = filled.max(dim=1).values
    return best.masked_fill(_creation.tensor(~valid.any(1)[:, None]), 0.0)
