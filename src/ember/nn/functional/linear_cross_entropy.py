"""`linear_cross_entropy`: cross-entropy of a linear map's logits, torch 2.13's fused head loss.

    linear_cross_entropy(x, W, t, linear_bias=b, ...) == cross_entropy(linear(x, W, b), t, ...)

`options` (a `LinearCrossEntropyOptions`) asks torch for its chunked path, which never holds the
whole (N, C) logits; the loss and gradients are those of the formula above either way. ember
computes that formula in one piece whatever the options say (its autograd keeps each chunk's
softmax for backward, so chunks would save no memory); the options are still checked as torch
checks them, and the combinations torch's chunked path refuses warn as in torch.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Optional

from ... import _dtype
from ..._tensor import Tensor
from .linear import linear
from .loss import cross_entropy

__all__ = ["linear_cross_entropy"]


def _check_shapes(input: Tensor, linear_weight: Tensor, linear_bias: Optional[Tensor]) -> tuple[int, ...]:
    """torch's checks, in its order; returns out_features, the weight's dims between C and in_features."""
    if input.ndim < 1 or input.ndim > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.ndim}")
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(
            "expected equal input and linear_weight last dimensions (in_features), "
            f"got {in_features} and {linear_weight.shape[-1]}, respectively"
        )
    out_features = tuple(linear_weight.shape[1:-1])
    expected_bias = (linear_weight.shape[0], *out_features)
    if linear_bias is not None and tuple(linear_bias.shape) != expected_bias:
        raise RuntimeError(f"expected linear_bias shape {expected_bias}, got {tuple(linear_bias.shape)}")
    if out_features and input.ndim == 1:
        raise RuntimeError(
            f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires"
            f" batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}"
        )
    return out_features


def _check_options(options: Any, input: Tensor, target: Tensor, classes: int, out_features: tuple[int, ...],
                   bias: Optional[Tensor], reduction: str, label_smoothing: float) -> None:
    """Warn, as torch does, where its chunked path would fall back to the reference formula, and
    raise torch's ValueError where a fixed chunk size and a chunking method disagree."""
    if reduction not in ("mean", "sum", "none") or label_smoothing != 0.0 or target.dtype is not _dtype.int64 \
            or out_features:
        warnings.warn(
            "linear_cross_entropy: ``options`` ignored; chunked path needs "
            "reduction in {'mean','sum','none'}, label_smoothing == 0, target.dtype"
            " == int64, out_features == (). Got "
            f"reduction={reduction!r}, label_smoothing={label_smoothing}, "
            f"target.dtype={_dtype.torch_name(target.dtype)}, out_features={out_features}, tracing=False, "
            f"linear_bias.shape={None if bias is None else tuple(bias.shape)}.",
            stacklevel=3,
        )
        return
    method, size = options.chunking_method, options.batch_chunk_size
    if method is None or method == "auto" or size is None:
        return
    batches = input.shape[0] if input.ndim == 2 else 1
    chunk = _aspect_ratio_chunk(method, batches, input.shape[-1], classes)
    if chunk != size:
        raise ValueError(
            f"batch_chunk_size (={size}) and chunking_method ('{method}') give different chunk sizes "
            f"({size} vs {chunk}); pass only one."
        )


def _aspect_ratio_chunk(method: str, batches: int, in_features: int, classes: int) -> int:
    """torch's 'aspect_ratio[:k]' chunk size: next_pow2(ceil(N / ceil(C / in_features))) // k, at most N."""
    factor = int(method.split(":", 1)[1]) if ":" in method else 1
    target = -(-batches // -(-classes // in_features))
    return min((1 << (target - 1).bit_length()) // factor, batches)


def linear_cross_entropy(
    input: Tensor, linear_weight: Tensor, target: Tensor, *, linear_bias: Optional[Tensor] = None,
    weight: Optional[Tensor] = None, reduction: str = "mean", ignore_index: Optional[int] = None,
    label_smoothing: float = 0.0, options: Any = None,
) -> Tensor:
    """cross_entropy(linear(input, W, b) reshaped to (*batch, C, d1, ...), target): input (in,) or
    (N, in), W (C, in) or (C, d1, ..., dK, in) for a K-dimensional loss (batched input only),
    linear_bias (C, d1, ..., dK). `ignore_index=None` means -100 for class indices and is the only
    value allowed with class probabilities. The gradients are those of that composition:
    with G = d loss / d logits, dx = G W, dW = G^T x, db = sum over the batch of G.

    >>> F.linear_cross_entropy(ember.randn(4, 3), ember.randn(5, 3), ember.tensor([0, 1, 2, 4])).shape
    ()
    """
    out_features = _check_shapes(input, linear_weight, linear_bias)
    classes, in_features = linear_weight.shape[0], input.shape[-1]
    logits_shape = (*input.shape[:-1], classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if options is not None:
        _check_options(options, input, target, classes, out_features, linear_bias, reduction, label_smoothing)
    if out_features:
        flat = math.prod(out_features, start=classes)
        linear_weight = linear_weight.reshape(flat, in_features)
        linear_bias = None if linear_bias is None else linear_bias.reshape(flat)
    logits = linear(input, linear_weight, linear_bias)
    if out_features:
        logits = logits.reshape(logits_shape)
    return cross_entropy(
        logits, target, weight=weight, reduction=reduction, ignore_index=-100 if ignore_index is None else ignore_index,
        label_smoothing=label_smoothing,
    )
