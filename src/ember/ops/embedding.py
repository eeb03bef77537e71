"""Embedding lookup, y[i] = W[input[i]], and its gradient, dW[r] = the sum of dy[i] over the
positions i with input[i] = r, except that rows equal to padding_idx get no gradient, and
with scale_grad_by_freq each row's sum is divided by how often the row occurs in input. The
backward is a Function of its own (a gather is its derivative), so double backward works too.
`nn.functional.embedding` checks the arguments and applies it."""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function


class Embedding(Function):
    """W[indices] for integer indices of any shape: shape (*indices.shape, embedding_dim);
    dW[r] = sum of dy[i] over the positions i with indices[i] = r (`EmbeddingDenseBackward`)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.save_for_backward(indices)
        ctx.num_weights = weight.shape[0]
        ctx.padding_idx, ctx.scale_grad_by_freq = padding_idx, scale_grad_by_freq
        return np.take(weight, indices, axis=0)

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        dw = EmbeddingDenseBackward.apply(grad, indices._data, ctx.num_weights, ctx.padding_idx, ctx.scale_grad_by_freq)
        return dw, None, None, None


class EmbeddingDenseBackward(Function):
    """The (num_weights, dim) gradient of W: the rows of dy summed by index. The sums run as
    one `np.add.at` on the flattened gradient (row r, column j is element r * dim + j): NumPy's
    fast path for 1-D targets, 3-4x quicker than `add.at` on rows or a sort and `add.reduceat`."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, indices, num_weights, padding_idx, scale_grad_by_freq):
        ctx.indices, ctx.padding_idx, ctx.scale_grad_by_freq = indices, padding_idx, scale_grad_by_freq
        flat = indices.reshape(-1)
        dim = math.prod(grad.shape[indices.ndim:])
        rows = grad.reshape(flat.size, dim)
        if scale_grad_by_freq and flat.size:
            rows = rows / np.bincount(flat, minlength=num_weights)[flat, None].astype(grad.dtype)
        out = np.zeros((num_weights, dim), dtype=grad.dtype)
        np.add.at(out.reshape(-1), (flat[:, None] * dim + np.arange(dim)).reshape(-1), rows.reshape(-1))
        if padding_idx >= 0:
            out[padding_idx] = 0
        return out.reshape((num_weights,) + grad.shape[indices.ndim:])

    @staticmethod
    def backward(ctx, grad):
        """d(dW)/d(dy) is the lookup itself, times the per-position factor the forward applied."""
        indices = ctx.indices
        gathered = Embedding.apply(grad, indices, -1, False)
        if ctx.padding_idx >= 0 or ctx.scale_grad_by_freq:
            factor = (indices != ctx.padding_idx).astype(gathered._data.dtype)
            if ctx.scale_grad_by_freq:
                _, inverse, counts = np.unique(indices, return_inverse=True, return_counts=True)
                factor /= counts[inverse.reshape(indices.shape)]
            gathered = gathered * gathered._make(factor[..., None], False, None)
        return gathered, None, None, None, None
