"""The nodes of variable-length sequence batches (`nn.utils.rnn` builds on them): padding
sequences into one array, and packing a padded batch into the rows of the steps still running,
and back. Each gradient is the inverse placement of the output gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Function


class PadSequence(Function):
    """Place sequences of lengths L_i into one array of the longest length, the rest filled
    with the padding value; each input's gradient is its slice of the output gradient (cast
    back to the input's dtype)."""

    _array_forward = True

    @staticmethod
    def forward(ctx: Any, batch_first: bool, padding_value: float, left: bool, *seqs: np.ndarray) -> np.ndarray:
        first = seqs[0]
        trailing = first.shape[1:]
        for s in seqs[1:]:
            if s.shape[1:] != trailing:
                dim = next(i for i, (a, b) in enumerate(zip(s.shape[1:], trailing), 1) if a != b)
                raise RuntimeError(
                    f"The size of tensor a ({trailing[dim - 1]}) must match the size of tensor b "
                    f"({s.shape[dim]}) at non-singleton dimension {dim}"
                )
        longest = max(s.shape[0] for s in seqs)
        out = np.full((len(seqs), longest) + trailing, padding_value, dtype=first.dtype)
        ctx.spans = []
        for i, s in enumerate(seqs):
            start = longest - s.shape[0] if left else 0
            out[i, start:start + s.shape[0]] = s
            ctx.spans.append((start, s.shape[0], _dtype.from_numpy(s.dtype)))
        ctx.batch_first = batch_first
        return out if batch_first else np.ascontiguousarray(out.swapaxes(0, 1))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        if not ctx.batch_first:
            grad = grad.transpose(0, 1)
        grads = tuple(grad[i, start:start + n].to(dtype) for i, (start, n, dtype) in enumerate(ctx.spans))
        return (None, None, None) + grads


class PackPadded(Function):
    """Padded x (T, B, *), sequences sorted by decreasing length -> packed data (N, *): the rows
    x[t, :batch_sizes[t]] for t = 0, 1, ... one after another. The gradient is the packed
    gradient put back in place, zero at the padding (`PadPacked`)."""

    _array_forward = True

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, batch_sizes: tuple[int, ...]) -> np.ndarray:
        ctx.batch_sizes, ctx.steps = batch_sizes, x.shape[0]
        return np.concatenate([x[t, :b] for t, b in enumerate(batch_sizes)])

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return PadPacked.apply(grad, ctx.batch_sizes, 0.0, ctx.steps), None

    backward_arrays = backward


class PadPacked(Function):
    """Packed data (N, *) -> padded (total_length, B, *), B = batch_sizes[0]: step t's rows go to
    out[t, :batch_sizes[t]], the rest is the padding value. The gradient packs the padded
    gradient again (`PackPadded`): the padding receives none."""

    _array_forward = True

    @staticmethod
    def forward(ctx: Any, data: np.ndarray, batch_sizes: tuple[int, ...], padding_value: float,
                total_length: int) -> np.ndarray:
        out = np.full((total_length, batch_sizes[0]) + data.shape[1:], padding_value, dtype=data.dtype)
        start = 0
        for t, b in enumerate(batch_sizes):
            out[t, :b] = data[start:start + b]
            start += b
        ctx.batch_sizes = batch_sizes
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return PackPadded.apply(grad, ctx.batch_sizes), None, None, None

    backward_arrays = backward
