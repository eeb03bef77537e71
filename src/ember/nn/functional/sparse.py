"""Embedding lookup: `embedding(input, weight)` reads row input[i] of weight for every index.

    y[i] = W[input[i]],    dW[r] = sum of dy[i] over the positions i with input[i] = r,

except that rows equal to padding_idx get no gradient, and with scale_grad_by_freq each row's
sum is divided by how often the row occurs in input. The nodes are in `ember/ops/embedding.py`.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops.embedding import Embedding

__all__ = ["embedding"]


def _renorm_(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale, in place, each row of weight read by indices whose norm exceeds max_norm down to
    norm max_norm / (norm + 1e-7) * norm, as torch's embedding_renorm_ does."""
    rows = np.unique(indices)
    w = weight._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        scale = (max_norm / (norms[over] + 1e-7)).astype(w.dtype)
        w[rows[over]] *= scale[:, None]
        weight._bump_version()


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: Optional[int] = None,
    max_norm: Optional[float] = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of weight (num_embeddings, dim) at the integer indices input (any shape):
    output (*input.shape, dim). Row padding_idx gets no gradient; max_norm renormalises, in
    place, the rows read whose norm_type-norm exceeds it; scale_grad_by_freq divides each
    row's gradient by its count in input.

    >>> F.embedding(ember.tensor([[0, 2]]), ember.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    tensor([[[0., 1.],
             [4., 5.]]])
    """
    if sparse:
        raise NotImplementedError(
            "embedding(sparse=True): ember has no sparse tensors, so gradients are always dense; use sparse=False"
        )
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, got shape {list(weight.shape)}: (num_embeddings, embedding_dim)")
    num = weight._data.shape[0]
    if padding_idx is None:
        padding_idx = -1
    elif padding_idx >= num or padding_idx < -num:
        raise AssertionError("Padding_idx must be within num_embeddings")
    elif padding_idx < 0:
        padding_idx += num
    indices = input._data
    if indices.dtype.kind not in "iu" or indices.dtype.itemsize not in (4, 8):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got {input.dtype.name} instead (while checking arguments for embedding); convert with .long()"
        )
    if indices.size and (indices.min() < 0 or indices.max() >= num):
        raise IndexError(f"index out of range in self: indices must lie in [0, {num}), got values in [{indices.min()}, {indices.max()}]")
    if max_norm is not None:
        with no_grad():
            _renorm_(weight, indices, max_norm, norm_type)
    return Embedding.apply(weight, input, padding_idx, scale_grad_by_freq)
