"""Affine maps: `linear` (one fused op) and `bilinear` (composed from matmul and sum)."""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..._tensor import Tensor
from ...ops.linear import affine

__all__ = ["bilinear", "linear"]


def _valid(x: np.ndarray, w: np.ndarray, b: Optional[np.ndarray]) -> bool:
    """The common case, checked with a few comparisons on the arrays: a 2-D weight whose
    in_features match, and one dtype throughout (a bias of shape (out,))."""
    return (
        w.ndim == 2 and x.ndim > 0 and x.shape[-1] == w.shape[1] and x.dtype == w.dtype
        and (b is None or (b.dtype == w.dtype and b.shape == (w.shape[0],)))
    )


def _check(input: Tensor, weight: Tensor, bias: Optional[Tensor]) -> None:
    """The uncommon cases: a 1-D weight or a scalar bias pass, the rest raise."""
    if input.ndim == 0 or weight.ndim not in (1, 2):
        raise RuntimeError(f"linear: expected input of at least 1 dimension and a 1-D or 2-D weight, got {input.ndim}-D and {weight.ndim}-D")
    if input._data.shape[-1] != weight._data.shape[-1]:
        rows = int(np.prod(input.shape[:-1]))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and {weight.shape[-1]}x{weight.shape[0]})"
        )
    out_features = weight._data.shape[0] if weight.ndim == 2 else 1
    if bias is not None and bias._data.shape not in ((), (1,), (out_features,)):
        raise RuntimeError(f"linear: bias of shape {list(bias.shape)} doesn't match out_features {out_features}")
    dtypes = {t.dtype for t in (input, weight, bias) if t is not None}
    if len(dtypes) > 1:
        names = " and ".join(sorted(d.name for d in dtypes))
        raise RuntimeError(f"linear: input, weight and bias must have the same dtype, but got {names}; cast with .to(dtype)")


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """y = input @ weight^T + bias: input (*, in_features), weight (out_features, in_features),
    bias (out_features,) -> y (*, out_features).

    Recorded as torch records it: AddmmBackward0 (bias, input, TBackward0 of weight), or
    MmBackward0 (input, TBackward0 of weight) without a bias; an input of another rank is viewed
    to 2-D before and the result viewed back after (ViewBackward0 both sides with a bias;
    ViewBackward0 / UnsafeViewBackward0 without, UnsqueezeBackward0 / SqueezeBackward4 for 1-D).

    >>> F.linear(ember.ones(4, 3), ember.ones(2, 3)).shape
    (4, 2)
    """
    if not _valid(input._data, weight._data, None if bias is None else bias._data):
        _check(input, weight, bias)
        if weight.ndim == 1:
            out = input @ weight
            return out if bias is None else out + bias
    return affine(input, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """y_k = x1^T W_k x2 + b_k: input1 (*, in1), input2 (*, in2), weight (out, in1, in2),
    bias (out,) -> y (*, out).

    Computed as one GEMM, x1 (N, in1) @ W rearranged to (in1, out * in2), then a product with
    x2 summed over in2, so the work is BLAS-bound."""
    if weight.ndim != 3 or input1._data.shape[:-1] != input2._data.shape[:-1]:
        raise RuntimeError(
            f"bilinear: expected input1 (*, in1), input2 (*, in2) with equal batch dims and a 3-D weight; got "
            f"{list(input1.shape)}, {list(input2.shape)} and {list(weight.shape)}"
        )
    out_features, in1, in2 = weight._data.shape
    if input1._data.shape[-1] != in1 or input2._data.shape[-1] != in2:
        raise RuntimeError(
            f"bilinear: input1 size {input1.shape[-1]} and input2 size {input2.shape[-1]} don't match the "
            f"weight's {in1} and {in2}"
        )
    batch = input1._data.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, 1, in2)
    left = (x1 @ weight.permute(1, 0, 2).reshape(in1, out_features * in2)).reshape(-1, out_features, in2)
    out = (left * x2).sum(-1, dtype=left.dtype).reshape(batch + (out_features,))  # integers stay in their dtype, as torch's
    return out if bias is None else out + bias
