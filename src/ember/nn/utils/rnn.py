"""Helpers for batches of variable-length sequences."""

from __future__ import annotations

from typing import Any, Iterable, Sequence, Union

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...autograd.function import Function

__all__ = ["pad_sequence"]


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


def pad_sequence(sequences: Union[Tensor, Iterable[Tensor]], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack tensors of shapes (L_i, *) into one (max L, B, *) tensor, or (B, max L, *) with
    `batch_first`, filling the missing steps with `padding_value` after each sequence
    (`padding_side="right"`) or before it ("left"). The output has the first sequence's dtype;
    gradients flow back to every sequence.

    >>> pad_sequence([ember.ones(2, 3), ember.ones(4, 3)]).shape
    (4, 2, 3)
    """
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    elif not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: {type(sequences)}")
    seqs: Sequence[Tensor] = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    return PadSequence.apply(batch_first, float(padding_value), padding_side == "left", *seqs)
