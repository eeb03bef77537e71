"""Scaled dot-product attention, composed from ember ops (so autograd comes from them).

For queries Q (..., L, E), keys K (..., S, E) and values V (..., S, Ev):

    A = softmax(Q K^T * scale + B, dim=-1),    out = dropout(A) V,    scale = 1/sqrt(E) by default,

where the bias B (..., L, S) is 0 where a position takes part and -inf where it does not. A bool
`attn_mask` marks with True the positions that take part; a float `attn_mask` is added to the
scores as it is. `is_causal` lets query i see keys j <= i only (the lower triangle of an L x S
matrix), as torch's does. With `enable_gqa` (grouped-query attention) K and V may have fewer
heads (dim -3) than Q, each serving Hq / Hk consecutive query heads. A query row whose keys are all masked out has no softmax; its weights
and its output are 0 (so are its gradients), as from torch's CPU kernel.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from ..._tensor import Tensor
from .dropout import dropout

__all__ = ["scaled_dot_product_attention"]


def _repeat_heads(x: Tensor, heads: int) -> Tensor:
    """(..., Hk, S, E) -> (..., heads, S, E), each of the Hk heads repeated heads / Hk times in a row
    (torch's repeat_interleave on dim -3)."""
    *lead, kv_heads, s, e = x.shape
    if heads % kv_heads:
        raise RuntimeError(f"number of heads in key/value ({kv_heads}) must divide number of heads in query ({heads})")
    group = heads // kv_heads
    return x.unsqueeze(-3).expand(*lead, kv_heads, group, s, e).reshape(*lead, heads, s, e)


def scaled_dot_product_attention(
    query: Tensor, key: Tensor, value: Tensor, attn_mask: Optional[Tensor] = None, dropout_p: float = 0.0,
    is_causal: bool = False, scale: Optional[float] = None, enable_gqa: bool = False,
) -> Tensor:
    """softmax(Q K^T * scale + mask) V with optional dropout on the attention weights.

    >>> q = ember.ones(1, 2, 4); F.scaled_dot_product_attention(q, q, q).shape
    (1, 2, 4)
    """
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if enable_gqa:
        key, value = _repeat_heads(key, query.shape[-3]), _repeat_heads(value, query.shape[-3])
    length, source = query._data.shape[-2], key._data.shape[-2]
    factor = 1 / math.sqrt(query._data.shape[-1]) if scale is None else scale
    scores = query.matmul(key.transpose(-2, -1)) * factor
    if is_causal:
        attn_mask = query._make(np.tril(np.ones((length, source), dtype=bool)), False, None)
    if attn_mask is not None:
        if attn_mask.dtype.name == "bool":
            scores = scores.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            scores = scores + attn_mask
    if attn_mask is None:
        weights = scores.softmax(-1)
    else:
        # rows with no key: softmax over all -inf is 0/0; give them zero weights instead
        dead = (scores == float("-inf")).all(-1, keepdim=True)
        weights = scores.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)
    weights = dropout(weights, dropout_p, training=dropout_p > 0.0)
    return weights.matmul(value)
