"""`multi_head_attention_forward`: torch's functional multi-head attention, which
`nn.MultiheadAttention` calls with its parameters.

With h heads of size d = E / h, for query x_q (L, N, E), key x_k (S, N, kdim), value x_v (S, N, vdim):

    Q = x_q W_q^T + b_q,   K = x_k W_k^T + b_k,   V = x_v W_v^T + b_v      (W_*: in_proj_weight's rows
                                                                          or the separate q/k/v weights)
    head_i = softmax(Q_i / sqrt(d) K_i^T + M) V_i                          (Q_i: the i-th d columns)
    out = concat(head_1, ..., head_h) W_o^T + b_o

M merges `attn_mask` (L, S) or (N*h, L, S) with `key_padding_mask` (N, S): a bool mask is True
where a position may NOT be attended (it becomes -inf), a float mask is added as it is.
`bias_k`/`bias_v` append one learned key/value, `add_zero_attn` one zero key/value, and
`static_k`/`static_v` (N*h, S, d) replace the projected keys/values. The weights returned are
the softmax per head (after dropout, as torch's), averaged over the heads unless
`average_attn_weights=False`; with need_weights=False the heads run through
`scaled_dot_product_attention`, where a query with every key masked out gives 0, not NaN.
"""

from __future__ import annotations

import math
import warnings
from typing import Optional

from ... import _creation, _dtype, ops
from ..._tensor import Tensor
from ...ops.padding import pad
from .attention import scaled_dot_product_attention
from .dropout import dropout
from .linear import linear

__all__ = ["multi_head_attention_forward"]


def _shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor],
                 attn_mask: Optional[Tensor], num_heads: int) -> bool:
    """torch's checks of the inputs' ranks; whether the input is batched (3-D) rather than 2-D."""
    if query.dim() not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query tensor")
    batched = query.dim() == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.dim() != query.dim() or value.dim() != query.dim():
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {query.dim()}-D"
                             f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.dim() != query.dim() - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or {query.dim() - 1}-D"
                             f" but found {key_padding_mask.dim()}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                                 f" but found {attn_mask.dim()}-D tensor instead")
        expected = (num_heads, query.shape[0], key.shape[0])
        if not batched and attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
    return batched


def as_float_mask(mask: Optional[Tensor], dtype: _dtype.dtype) -> Optional[Tensor]:
    """A bool mask (True = masked out) as 0 / -inf of `dtype`; a float mask as it is."""
    if mask is None or mask.dtype.name != "bool":
        return mask
    return _creation.zeros(*mask.shape, dtype=dtype).masked_fill(mask, float("-inf"))


def _canonical_mask(mask: Optional[Tensor], name: str, other: Optional[Tensor], other_name: str,
                    query: Tensor) -> Optional[Tensor]:
    """`as_float_mask` after torch's checks: a bool or float mask, warned about when its dtype
    differs from the other mask's."""
    if mask is None:
        return None
    if mask.dtype.name != "bool" and not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {name} are supported")
    if other is not None and other.dtype is not mask.dtype:
        warnings.warn(f"Support for mismatched {name} and {other_name} is deprecated. Use same type for both instead.",
                      stacklevel=3)
    return as_float_mask(mask, query.dtype)


def _in_projection(query: Tensor, key: Tensor, value: Tensor, in_proj_weight: Optional[Tensor],
                   in_proj_bias: Optional[Tensor], separate: Optional[tuple]) -> tuple[Tensor, Tensor, Tensor]:
    """Q, K, V: the rows of the packed in_proj_weight, or the separate (W_q, W_k, W_v)."""
    if separate is None:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        weights = in_proj_weight.chunk(3)
    else:
        for name, w in zip(("q", "k", "v"), separate):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        weights = separate
    biases = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
    return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))


def _check_mask_shape(attn_mask: Tensor, expected_2d: tuple[int, int], heads_batch: int) -> Tensor:
    """attn_mask as (1 or N*h, L, S), or torch's error for another shape."""
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != expected_2d:
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be {expected_2d}.")
        return attn_mask.unsqueeze(0)
    expected = (heads_batch, *expected_2d)
    if tuple(attn_mask.shape) != expected:
        raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be {expected}.")
    return attn_mask


def _static(static: Optional[Tensor], x: Tensor, heads_batch: int, head_dim: int, which: str) -> Tensor:
    """(N*h, T, d) keys or values: the projected ones split into heads, or the given static ones."""
    if static is None:
        return x.reshape(x.shape[0], heads_batch, head_dim).transpose(0, 1)
    if static.shape[0] != heads_batch:
        raise AssertionError(f"expecting static_{which}.size(0) of {heads_batch}, but got {static.shape[0]}")
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting static_{which}.size(2) of {head_dim}, but got {static.shape[2]}")
    return static


def _appended_keys(k: Tensor, v: Tensor, bias_k: Optional[Tensor], bias_v: Optional[Tensor],
                   static_k: Optional[Tensor], static_v: Optional[Tensor], batch: int) -> tuple[Tensor, Tensor, bool]:
    """K and V with bias_k / bias_v appended as one more source position; whether they were."""
    if bias_k is None or bias_v is None:
        if bias_k is not None:
            raise AssertionError("bias_k is set but bias_v is None")
        if bias_v is not None:
            raise AssertionError("bias_v is set but bias_k is None")
        return k, v, False
    if static_k is not None:
        raise AssertionError("bias cannot be added to static key.")
    if static_v is not None:
        raise AssertionError("bias cannot be added to static value.")
    return ops.cat([k, bias_k.repeat(1, batch, 1)]), ops.cat([v, bias_v.repeat(1, batch, 1)]), True


def _pad_last(mask: Optional[Tensor]) -> Optional[Tensor]:
    """One more (attendable, 0) column on a float mask, for an appended key."""
    return None if mask is None else pad(mask, (0, 1))


def multi_head_attention_forward(
    query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
    in_proj_weight: Optional[Tensor], in_proj_bias: Optional[Tensor], bias_k: Optional[Tensor],
    bias_v: Optional[Tensor], add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
    out_proj_bias: Optional[Tensor], training: bool = True, key_padding_mask: Optional[Tensor] = None,
    need_weights: bool = True, attn_mask: Optional[Tensor] = None, use_separate_proj_weight: bool = False,
    q_proj_weight: Optional[Tensor] = None, k_proj_weight: Optional[Tensor] = None,
    v_proj_weight: Optional[Tensor] = None, static_k: Optional[Tensor] = None, static_v: Optional[Tensor] = None,
    average_attn_weights: bool = True, is_causal: bool = False,
) -> tuple[Tensor, Optional[Tensor]]:
    """(attn_output (L, N, E), attn_weights (N, L, S) or (N, h, L, S), or None): see the module
    docstring. Sequence-first inputs, or unbatched (L, E). `is_causal` is a hint that attn_mask is
    the causal mask: with need_weights=False and no key_padding_mask it replaces attn_mask."""
    batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    length, batch, embed_dim = query.shape
    padding = _canonical_mask(key_padding_mask, "key_padding_mask", attn_mask, "attn_mask", query)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and padding is None and not need_weights:
        mask = None
    else:
        mask = _canonical_mask(attn_mask, "attn_mask", None, "", query)
        is_causal = is_causal and padding is None
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight and tuple(key.shape[:2]) != tuple(value.shape[:2]):
        raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's {value.shape[:2]}")
    if not use_separate_proj_weight and tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    separate = (q_proj_weight, k_proj_weight, v_proj_weight) if use_separate_proj_weight else None
    q, k, v = _in_projection(query, key, value, in_proj_weight, in_proj_bias, separate)
    heads_batch = batch * num_heads
    if mask is not None:
        mask = _check_mask_shape(mask, (length, key.shape[0]), heads_batch)
    k, v, appended = _appended_keys(k, v, bias_k, bias_v, static_k, static_v, batch)
    if appended:
        mask, padding = _pad_last(mask), _pad_last(padding)
    # (T, N, E) -> (N*h, T, d): head i of batch n is row n*h + i
    q = q.reshape(length, heads_batch, head_dim).transpose(0, 1)
    k, v = _static(static_k, k, heads_batch, head_dim, "k"), _static(static_v, v, heads_batch, head_dim, "v")
    if add_zero_attn:
        zeros = _creation.zeros(heads_batch, 1, head_dim, dtype=k.dtype)
        k, v = ops.cat([k, zeros], 1), ops.cat([v, zeros], 1)
        mask, padding = _pad_last(mask), _pad_last(padding)
    source = k.shape[1]
    if padding is not None:
        if tuple(padding.shape) != (batch, source):
            dim = 0 if padding.shape[0] != batch else 1
            raise AssertionError(f"Expected key_padded_mask.shape[{dim}] to be {(batch, source)[dim]}, "
                                 f"but got {padding.shape[dim]}")
        padding = padding.reshape(batch, 1, 1, source).expand(batch, num_heads, 1, source).reshape(heads_batch, 1, source)
        mask = padding if mask is None else mask + padding
    p = dropout_p if training else 0.0
    if need_weights:
        scaled = q * math.sqrt(1.0 / float(head_dim))
        scores = scaled.matmul(k.transpose(-2, -1))
        weights = (scores if mask is None else mask + scores).softmax(-1)
        if p > 0.0:
            weights = dropout(weights, p)
        heads_out = weights.matmul(v).transpose(0, 1).reshape(length * batch, embed_dim)
        weights = weights.reshape(batch, num_heads, length, source)
        if average_attn_weights:
            weights = weights.mean(1)
    else:
        if mask is not None:
            mask = mask.unsqueeze(0) if mask.shape[0] == 1 else mask.reshape(batch, num_heads, -1, source)
        q, k, v = (x.reshape(batch, num_heads, x.shape[1], head_dim) for x in (q, k, v))
        attended = scaled_dot_product_attention(q, k, v, mask, p, is_causal)
        heads_out, weights = attended.permute(2, 0, 1, 3).reshape(batch * length, embed_dim), None
    output = linear(heads_out, out_proj_weight, out_proj_bias).reshape(length, batch, embed_dim)
    if not batched:
        output = output.squeeze(1)
        weights = None if weights is None else weights.squeeze(0)
    return output, weights
