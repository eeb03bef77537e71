"""`MultiheadAttention` with torch's parameters, initialisation and forward semantics.

With h heads of size d = E / h, for query x_q (L, N, E), key x_k (S, N, E), value x_v (S, N, E):

    Q = x_q W_q^T + b_q,   K = x_k W_k^T + b_k,   V = x_v W_v^T + b_v      (W_* = in_proj_weight rows)
    head_i = softmax(Q_i K_i^T / sqrt(d) + M) V_i                          (Q_i: the i-th d columns)
    out = concat(head_1, ..., head_h) W_o^T + b_o                          (out_proj)

M merges `attn_mask` (L, S) or (N*h, L, S) with `key_padding_mask` (N, S): a bool mask is True
where a position may NOT be attended (it becomes -inf), a float mask is added as it is. The
returned weights are softmax(...) per head (after dropout, as torch's), averaged over the heads unless
`average_attn_weights=False`.
"""

from __future__ import annotations

from typing import Any, Optional

from ... import _creation, _dtype, ops
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .linear import Linear
from .module import Module

__all__ = ["MultiheadAttention", "NonDynamicallyQuantizableLinear"]


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under torch's name for the output projection of `MultiheadAttention`."""


def _as_float_mask(mask: Optional[Tensor], dtype: _dtype.dtype) -> Optional[Tensor]:
    """A bool mask (True = masked out) as 0 / -inf of `dtype`; a float mask as it is."""
    if mask is None or mask.dtype.name != "bool":
        return mask
    return _creation.zeros(*mask.shape, dtype=dtype).masked_fill(mask, float("-inf"))


def _pad_last(mask: Optional[Tensor]) -> Optional[Tensor]:
    """One more (attendable, 0) column on a float mask, for an appended key."""
    return None if mask is None else F.pad(mask, (0, 1))


class MultiheadAttention(Module):
    """Attention over `num_heads` heads of size embed_dim / num_heads (see the module docstring).

    in_proj_weight (3E, E) starts xavier-uniform, the biases at zero, out_proj.weight as a Linear's.
    """

    def __init__(
        self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True, add_bias_kv: bool = False,
        add_zero_attn: bool = False, kdim: Optional[int] = None, vdim: Optional[int] = None, batch_first: bool = False,
        device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and num_heads={num_heads} instead")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(_creation.empty(3 * embed_dim, embed_dim, dtype=dtype, device=device))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            for name, dim in (("q_proj_weight", embed_dim), ("k_proj_weight", self.kdim), ("v_proj_weight", self.vdim)):
                self.register_parameter(name, Parameter(_creation.empty(embed_dim, dim, dtype=dtype, device=device)))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(_creation.empty(3 * embed_dim, dtype=dtype, device=device))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(_creation.empty(1, 1, embed_dim, dtype=dtype, device=device))
            self.bias_v = Parameter(_creation.empty(1, 1, embed_dim, dtype=dtype, device=device))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for weight in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def _projections(self, query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Q, K, V = x W_*^T + b_* with the rows of in_proj_weight (or the separate weights)."""
        if self._qkv_same_embed_dim:
            weights = self.in_proj_weight.chunk(3)
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        biases = self.in_proj_bias.chunk(3) if self.in_proj_bias is not None else (None, None, None)
        return tuple(F.linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))

    def forward(
        self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor] = None,
        need_weights: bool = True, attn_mask: Optional[Tensor] = None, average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Optional[Tensor]]:
        """(attn_output, attn_weights or None); shapes (L, N, E) or (N, L, E) with batch_first,
        or unbatched (L, E). `is_causal` is a hint: the causal mask must be given as attn_mask; as in
        torch, with need_weights=False and no key_padding_mask the causal mask replaces attn_mask."""
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                               "method `generate_square_subsequent_mask` to create this mask.")
        batched = query.dim() == 3
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)
        causal = is_causal and key_padding_mask is None and not need_weights
        if causal:
            attn_mask = None
        output, weights = self._attend(query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights,
                                       causal)
        if not batched:
            return output.squeeze(1), (weights.squeeze(0) if weights is not None else None)
        return (output.transpose(1, 0) if self.batch_first else output), weights

    def _check_shapes(self, query: Tensor, key: Tensor, key_padding_mask: Optional[Tensor],
                      attn_mask: Optional[Tensor]) -> None:
        """torch's errors for a wrong embedding size or mask shape (inputs sequence-first)."""
        length, batch, embed = query._data.shape
        source = key._data.shape[0]
        if embed != self.embed_dim:
            raise AssertionError(f"was expecting embedding dimension of {self.embed_dim}, but got {embed}")
        if key_padding_mask is not None and tuple(key_padding_mask.shape) != (batch, source):
            raise AssertionError(f"expecting key_padding_mask shape of {(batch, source)}, but got "
                                 f"{tuple(key_padding_mask.shape)}")
        if attn_mask is not None:
            expected = {2: (length, source), 3: (batch * self.num_heads, length, source)}.get(attn_mask.dim())
            if expected is None:
                raise AssertionError(f"expected `attn_mask` to be `None`, 2-D or 3-D but found {attn_mask.dim()}-D "
                                     "tensor instead")
            if tuple(attn_mask.shape) != expected:
                raise RuntimeError(f"The shape of the {attn_mask.dim()}D attn_mask is {attn_mask.shape}, "
                                   f"but should be {expected}.")

    def _attend(
        self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor], need_weights: bool,
        attn_mask: Optional[Tensor], average_attn_weights: bool, is_causal: bool,
    ) -> tuple[Tensor, Optional[Tensor]]:
        """Attention on sequence-first inputs (L, N, E), (S, N, kdim), (S, N, vdim)."""
        length, batch, embed = query._data.shape
        heads, head_dim = self.num_heads, self.head_dim
        self._check_shapes(query, key, key_padding_mask, attn_mask)
        q, k, v = self._projections(query, key, value)
        mask = _as_float_mask(attn_mask, query.dtype)
        if mask is not None and mask.dim() == 2:
            mask = mask.unsqueeze(0)
        padding = _as_float_mask(key_padding_mask, query.dtype)
        if self.bias_k is not None:
            k = ops.cat([k, self.bias_k.expand(1, batch, embed)])
            v = ops.cat([v, self.bias_v.expand(1, batch, embed)])
            mask, padding = _pad_last(mask), _pad_last(padding)
        # (T, N, E) -> (N*h, T, d): head i of batch n is row n*h + i
        q, k, v = (x.reshape(x._data.shape[0], batch * heads, head_dim).transpose(0, 1) for x in (q, k, v))
        if self.add_zero_attn:
            zeros = _creation.zeros(batch * heads, 1, head_dim, dtype=k.dtype)
            k, v = ops.cat([k, zeros], 1), ops.cat([v, zeros], 1)
            mask, padding = _pad_last(mask), _pad_last(padding)
        source = k._data.shape[1]
        if padding is not None:
            padding = padding.reshape(batch, 1, 1, source).expand(batch, heads, 1, source).reshape(batch * heads, 1, source)
            mask = padding if mask is None else mask + padding
        p = self.dropout if self.training else 0.0
        if not need_weights:
            # torch's path: fused attention, where a query with every key masked out gives 0, not NaN
            if mask is not None:
                mask = mask.unsqueeze(0) if mask._data.shape[0] == 1 else mask.reshape(batch, heads, mask._data.shape[1], source)
            q, k, v = (x.reshape(batch, heads, x._data.shape[1], head_dim) for x in (q, k, v))
            heads_out = F.scaled_dot_product_attention(q, k, v, mask, p, is_causal).permute(2, 0, 1, 3)
            return self.out_proj(heads_out.reshape(length, batch, embed)), None
        scores = q.matmul(k.transpose(1, 2)) * head_dim ** -0.5
        if mask is not None:
            scores = scores + mask
        weights = F.dropout(scores.softmax(-1), p, training=p > 0.0)
        heads_out = weights.matmul(v)
        output = self.out_proj(heads_out.transpose(0, 1).reshape(length, batch, embed))
        weights = weights.reshape(batch, heads, length, source)
        return output, (weights.mean(1) if average_attn_weights else weights)
